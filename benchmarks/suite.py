"""The benchmark suite: `run_suite` runs a selection of benchmarks and records
them with the machine; the public names of the other modules are re-exported
here.

The package, from the bottom up:

* `config`: paths, the run measured (status_quo / flood / seed 0), the
  command-line module, and the FULL and QUICK sizes.
* `measure_model`, `measure_context`: the measurements (`measure_*`), run
  inside a worker process (`python -m benchmarks._worker TASK ARGS`, registry
  in `tasks`), so every number comes from a fresh interpreter with its own
  `NUMBA_NUM_THREADS` and its own peak RSS, after a warm-up run.
* `runner`: starting workers, measuring and waiting out other work.
* `entries` (and `threads_under_load`): the benchmarks, run in the parent;
  each spawns the workers it needs and returns one JSON-ready dict.
* `machine`, `targets`, `tables`, `report`: the machine description, the
  target checks, and the Markdown of benchmarks/RESULTS.md.

Nothing here is imported by the model; `sim` is imported inside the
measurement functions only, so the parent process stays light.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sys
import time
from dataclasses import asdict
from typing import Any

from benchmarks import runner
from benchmarks.config import (
    CLI_MODULE,
    FULL,
    HERE,
    QUICK,
    RESULT_MARK,
    ROOT,
    SEED,
    SHOCK,
    STRATEGY,
    Config,
)
from benchmarks.entries import (
    BENCHMARKS,
    STARTUP_ARGS,
    engine_throughput,
    memory,
    page_load,
    phase_times,
    reference_throughput,
    sir_anchor,
    startup,
    sweep_throughput,
    ui_step,
)
from benchmarks.machine import machine_info
from benchmarks.measure_context import measure_sir, measure_starsim, measure_ui
from benchmarks.measure_model import (
    build_model,
    measure_engine,
    measure_memory,
    measure_memory_baseline,
    measure_phases,
    measure_reference,
    warm_up,
)
from benchmarks.report import RESULTS_HEADER, render_markdown, write_results
from benchmarks.runner import (
    CORES,
    QUIET_THRESHOLD,
    BenchmarkError,
    CpuMeter,
    Log,
    disturbed,
    run_timed,
    run_worker,
    wait_for_quiet,
)
from benchmarks.targets import TARGETS, check_targets
from benchmarks.tasks import WORKER_TASKS
from benchmarks.threads_under_load import measure_threading, threads_under_load

__all__ = [
    "BENCHMARKS", "CLI_MODULE", "CORES", "FULL", "HERE", "QUICK", "QUIET_THRESHOLD",
    "RESULTS_HEADER", "RESULT_MARK", "ROOT", "SEED", "SHOCK", "STARTUP_ARGS", "STRATEGY",
    "TARGETS", "WORKER_TASKS", "BenchmarkError", "Config", "CpuMeter", "Log", "build_model",
    "check_targets", "disturbed", "engine_throughput", "machine_info", "measure_engine",
    "measure_memory", "measure_memory_baseline", "measure_phases", "measure_reference",
    "page_load",
    "measure_sir", "measure_starsim", "measure_threading", "measure_ui", "memory",
    "phase_times", "reference_throughput", "render_markdown", "run_suite", "run_timed",
    "run_worker", "sir_anchor", "startup", "sweep_throughput", "threads_under_load", "ui_step",
    "wait_for_quiet", "warm_up", "write_results",
]


def run_suite(names: list[str] | None = None, cfg: Config = FULL,
              log: Log = lambda s: print(s, file=sys.stderr, flush=True),
              wait_quiet_s: float = 0.0, attempts: int = 1,
              previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run the named benchmarks (all by default) in suite order; return the results.

    With `wait_quiet_s` > 0, each measurement first waits up to that long for
    other work on the machine to stop (`wait_for_quiet`); a timing disturbed
    all the same is retaken, up to `attempts` in all. A benchmark that fails
    is recorded as {"error": ...} and the rest still run.

    With `previous` (the results of an earlier run of the same config), the
    benchmarks not run now are carried over from it, each with its own date.
    """
    runner.QUIET_WAIT_S, runner.ATTEMPTS = wait_quiet_s, attempts
    names = [n for n in BENCHMARKS if names is None or n in names]
    results: dict[str, Any] = {"suite": "grassroots-resilience benchmarks", "config":
                               asdict(cfg), "wait_quiet_s": wait_quiet_s, "attempts": attempts,
                               "machine": machine_info(), "benchmarks": {}}
    if previous is not None:
        results["updated"] = True
        if previous.get("config") != json.loads(json.dumps(results["config"])):
            raise ValueError("the previous results are of another configuration "
                             f"({previous.get('config', {}).get('name')}): cannot update them")
        for k, v in previous.get("benchmarks", {}).items():
            v.setdefault("date", previous.get("machine", {}).get("date"))
            results["benchmarks"][k] = v
    t_suite = time.perf_counter()
    for i, name in enumerate(names, 1):
        log(f"[{i}/{len(names)}] {name} ...")
        meter, t0 = CpuMeter(), time.perf_counter()
        started = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        try:
            r = BENCHMARKS[name](cfg, results["benchmarks"], log)
        except Exception as exc:  # noqa: BLE001 - record it and go on
            r = {"error": f"{type(exc).__name__}: {exc}"}
        r["wall_s"] = time.perf_counter() - t0
        r["other_load_cores"] = meter.other_cores()
        r["date"] = started
        r["commit"] = results["machine"].get("git_commit")
        results["benchmarks"][name] = r
        status = "FAILED: " + r["error"].splitlines()[0] if "error" in r else "done"
        log(f"[{i}/{len(names)}] {name} {status} in {r['wall_s']:.1f} s")
    results["benchmarks"] = {k: results["benchmarks"][k] for k in BENCHMARKS
                             if k in results["benchmarks"]}
    results["wall_s"] = time.perf_counter() - t_suite
    results["machine"]["load_average_end"] = list(os.getloadavg())
    return results
