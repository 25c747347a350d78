"""Running workers: each measurement in a fresh interpreter, and how busy the
machine was meanwhile.

`run_worker` starts `python -m benchmarks._worker TASK ARGS` and reads back
its result; `run_timed` retakes a measurement that other work disturbed.
`CpuMeter` measures that other work (from /proc/stat, less our own CPU
time), `disturbed` judges it, and `wait_for_quiet` waits for it to stop.

`run_suite` sets QUIET_WAIT_S and ATTEMPTS for a run of the suite; read them
here as `runner.QUIET_WAIT_S`, not as imported copies.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from benchmarks.config import RESULT_MARK, ROOT

Log = Callable[[str], None]


class BenchmarkError(RuntimeError):
    """A worker process failed."""


def worker_env(threads: int | None = None, **extra: str) -> dict[str, str]:
    """This process's environment, with the repository first on PYTHONPATH.

    `threads` sets NUMBA_NUM_THREADS (None: Numba's default, one per core);
    `extra` adds or replaces variables.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if threads is not None:
        env["NUMBA_NUM_THREADS"] = str(threads)
    env.update(extra)
    return env


# Before each worker, wait (up to this many seconds) for other work on the
# machine to fall below QUIET_THRESHOLD cores; run_suite sets it.
QUIET_WAIT_S = 0.0
QUIET_THRESHOLD = 0.25
# A disturbed timing (see `disturbed`) is retaken, up to this many attempts
# in all (run_suite sets it); the best attempt is kept (see run_timed).
ATTEMPTS = 1
CORES = os.cpu_count() or 1


def disturbed(load: float | None, threads: int | None = None) -> bool:
    """Whether other work (`load` cores) competed with a run using `threads` cores.

    Other work fits beside the run on the cores it leaves free; beyond that,
    more than QUIET_THRESHOLD cores of it means the run lost CPU. (Unknown
    thread count: as if the run used every core.)
    """
    if load is None:
        return False
    free = max(0, CORES - (threads or CORES))
    return load > free + QUIET_THRESHOLD


def wait_for_quiet(max_wait_s: float, threshold: float = QUIET_THRESHOLD) -> float:
    """Sleep until other processes use under `threshold` cores (1 s samples); return seconds."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < max_wait_s:
        meter = CpuMeter()
        time.sleep(1.0)
        load = meter.other_cores()
        if load is None or load < threshold:
            break
    return time.monotonic() - t0


def run_worker(task: str, numba_threads: int | None = None, timeout: float = 3600.0,
               env: dict[str, str] | None = None, wait_quiet: bool = True,
               ours_cpu: Callable[[], float] | None = None, **kwargs: Any) -> dict[str, Any]:
    """Run `WORKER_TASKS[task](**kwargs)` in a fresh interpreter; return its dict.

    `numba_threads` sets NUMBA_NUM_THREADS for that process (None: Numba's
    default, one per core); `env`, if given, is the worker's whole
    environment instead (see `worker_env`). The dict gains
    `other_load_cores`: CPU used by other work on the machine while the
    worker ran (see `CpuMeter`; `ours_cpu` as there), and
    `waited_for_quiet_s` (with `wait_quiet`, it first waits up to
    QUIET_WAIT_S for the machine to go quiet).
    """
    waited = wait_for_quiet(QUIET_WAIT_S) if wait_quiet and QUIET_WAIT_S > 0 else 0.0
    cmd = [sys.executable, "-m", "benchmarks._worker", task, json.dumps(kwargs)]
    meter = CpuMeter(ours_cpu)
    proc = subprocess.run(cmd, cwd=ROOT, env=env or worker_env(numba_threads),
                          capture_output=True, text=True, timeout=timeout)
    lines = [x for x in proc.stdout.splitlines() if x.startswith(RESULT_MARK)]
    if proc.returncode != 0 or not lines:
        tail = "\n".join(proc.stderr.strip().splitlines()[-15:])
        raise BenchmarkError(f"worker {task} {kwargs} (NUMBA_NUM_THREADS={numba_threads}) "
                             f"exited with {proc.returncode}:\n{tail}")
    out = json.loads(lines[-1][len(RESULT_MARK):])
    out["other_load_cores"] = meter.other_cores()
    out["waited_for_quiet_s"] = waited
    return out


def run_timed(task: str, numba_threads: int | None = None,
              score: Callable[[dict[str, Any]], float] | None = None,
              **kwargs: Any) -> dict[str, Any]:
    """`run_worker`, retaken while other work disturbed it (see ATTEMPTS).

    The attempt with the highest `score` is kept: by default the quietest
    (lowest other load); for a throughput, the fastest, since other work can
    only slow a run down. The dict gains `attempts` and `other_load_all`
    (the other load of each attempt).
    """
    score = score or (lambda r: -(r["other_load_cores"] or 0.0))
    best, loads = None, []
    for _ in range(max(1, ATTEMPTS)):
        r = run_worker(task, numba_threads=numba_threads, **kwargs)
        load = r["other_load_cores"]
        loads.append(load)
        if best is None or score(r) > score(best):
            best = r
        if not disturbed(load, r.get("threads")):
            break
    best["attempts"] = len(loads)
    best["other_load_all"] = loads
    return best


class CpuMeter:
    """How busy the machine was with work other than ours, in cores.

    (busy time of all CPUs from /proc/stat - CPU time of this process and its
    finished children) / wall time. Near 0: the benchmark had the machine to
    itself; near 1 on a 2-core machine: another job took a whole core.

    `ours_cpu`, if given, returns the CPU seconds so far of other processes
    to count as ours (a child still running, such as the busy loop of
    `threads_under_load`: a finished child is counted already).
    """

    def __init__(self, ours_cpu: Callable[[], float] | None = None):
        self.ours_cpu = ours_cpu
        self.t0, self.busy0, self.own0 = time.monotonic(), self._busy(), self._own()

    @staticmethod
    def _busy() -> float | None:
        try:
            with open("/proc/stat") as fh:
                f = [int(x) for x in fh.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        idle = f[3] + (f[4] if len(f) > 4 else 0)
        return (sum(f[:8]) - idle) / os.sysconf("SC_CLK_TCK")

    def _own(self) -> float:
        s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
            resource.RUSAGE_CHILDREN)
        extra = self.ours_cpu() if self.ours_cpu is not None else 0.0
        return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime + extra

    def other_cores(self) -> float | None:
        busy = self._busy()
        wall = time.monotonic() - self.t0
        if busy is None or self.busy0 is None or wall <= 0:
            return None
        return max(0.0, (busy - self.busy0 - (self._own() - self.own0)) / wall)


def noise_note(r: dict[str, Any]) -> str:
    """For a progress line: a warning if other work disturbed the measurement `r`."""
    load = r.get("other_load_cores")
    if not disturbed(load, r.get("threads")):
        return ""
    return f" [other work used {load:.1f} cores meanwhile: noisy]"
