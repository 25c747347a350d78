"""Measurements of the model itself, each run inside a fresh worker process.

`python -m benchmarks._worker TASK ARGS` calls one of these (the registry is
`benchmarks.tasks.WORKER_TASKS`), so every number comes from a fresh
interpreter with its own `NUMBA_NUM_THREADS` and its own peak RSS. Each
first does a warm-up run at a small size (`warm_up`), so Numba compile or
cache-load time is reported apart from run time. `sim` is imported inside
the functions only, so the parent process, which imports this module too,
stays light.
"""

from __future__ import annotations

import hashlib
import os
import resource
import statistics
import time
from typing import Any

from benchmarks.config import SEED, SHOCK, STRATEGY


def warm_up(n: int = 2_000, days: int = 20) -> float:
    """Run a small flood once so every kernel is compiled or loaded; return seconds.

    20 days covers the flood's warning, onset and response, so the kernels
    that only run when someone asks for help are compiled too.
    """
    from scenarios import make_model

    t0 = time.perf_counter()
    make_model(STRATEGY, SHOCK, n_households=n, days=days, seed=SEED + 1).run()
    return time.perf_counter() - t0


def _state_digest(state) -> str:
    """SHA-256 of every household, volunteer and grid array (final state)."""
    h = hashlib.sha256()
    for arrays in (state.households, state.volunteers, state.grids):
        for name in arrays.names():
            h.update(name.encode())
            h.update(getattr(arrays, name).tobytes())
    return h.hexdigest()


def build_model(**kwargs: Any):
    """`make_model(STRATEGY, SHOCK, seed=SEED, **kwargs)`, timed.

    Returns (model, build seconds, burn-in seconds): construction builds the
    population, network and shock schedule, then (in models that have one)
    runs the unrecorded burn-in days, timed apart by wrapping `_burn_in`.
    """
    from scenarios import make_model
    from sim.model import ResilienceModel

    spent = [0.0]
    original = getattr(ResilienceModel, "_burn_in", None)
    if original is not None:
        def timed_burn_in(self):
            t0 = time.perf_counter()
            try:
                return original(self)
            finally:
                spent[0] += time.perf_counter() - t0

        ResilienceModel._burn_in = timed_burn_in
    try:
        t0 = time.perf_counter()
        m = make_model(STRATEGY, SHOCK, seed=SEED, **kwargs)
        total = time.perf_counter() - t0
    finally:
        if original is not None:
            ResilienceModel._burn_in = original
    return m, total - spent[0], spent[0]


def _burn_in_days(m) -> int:
    return int(getattr(m, "burn_in", 0) or 0)


def _csr_bytes(net) -> int:
    return int(net.indptr.nbytes + net.indices.nbytes + net.weight.nbytes)


def measure_engine(n: int, days: int, threads: int, repeats: int = 1,
                   budget_s: float | None = None, run_days: int | None = None,
                   daily_path: str | None = None) -> dict[str, Any]:
    """Full-model throughput (numba engine) at n households.

    The model is built for `days` days. It runs all of them, or `run_days`,
    or, with `budget_s`, as many as fit in that stepping time, judged from
    the first 10 days. The daily array of the last repeat is saved to
    `daily_path` (.npy) for the thread-count comparison.
    """
    import numba
    import numpy as np

    warm = warm_up()
    builds, burn_ins, steps = [], [], []
    target = days if run_days is None else min(days, run_days)
    note = ""
    m = None
    for r in range(repeats):
        del m
        m, build, burn = build_model(n_households=n, days=days, threads=threads)
        builds.append(build)
        burn_ins.append(burn)
        t0 = time.perf_counter()
        if budget_s is not None and r == 0 and target > 10:
            m.run(days=10)
            per_day = (time.perf_counter() - t0) / 10
            if per_day * target > budget_s:
                target = max(10, int(budget_s / per_day))
                note = (f"ran {target} of {days} days: {days} would take about "
                        f"{per_day * days:.0f} s (budget {budget_s:.0f} s)")
        m.run(days=target - m.day)
        steps.append(time.perf_counter() - t0)
    if daily_path:
        np.save(daily_path, m.daily[:m.day])
    rates = [n * target / s for s in steps]
    return {
        "n_households": n, "days": target, "threads": numba.get_num_threads(),
        "numba_num_threads": numba.config.NUMBA_NUM_THREADS, "repeats": repeats,
        "warmup_s": warm, "build_s": builds[0], "build_s_all": builds,
        "burn_in_days": _burn_in_days(m), "burn_in_s": burn_ins[0],
        "step_s": min(steps), "step_s_all": steps,
        "household_steps_per_s": max(rates), "household_steps_per_s_median":
            statistics.median(rates),
        "mean_degree": len(m.network.indices) / n,
        "state_sha256": _state_digest(m.state), "note": note,
    }


def measure_reference(n: int, days: int) -> dict[str, Any]:
    """Reference (plain Mesa agents) against numba at 1 and all threads, same n and days."""
    import numba
    import numpy as np

    warm = warm_up()
    ref, build, burn = build_model(n_households=n, days=days, engine="reference")
    t0 = time.perf_counter()
    ref.run()
    step = time.perf_counter() - t0
    out = {"n_households": n, "days": days, "warmup_s": warm, "reference_build_s": build,
           "reference_burn_in_s": burn, "burn_in_days": _burn_in_days(ref),
           "reference_step_s": step, "reference_household_steps_per_s": n * days / step,
           "numba": {}}
    for t in sorted({1, numba.config.NUMBA_NUM_THREADS}):
        best = None
        for _ in range(3):  # short runs: best of three
            m = build_model(n_households=n, days=days, threads=t)[0]
            t0 = time.perf_counter()
            m.run()
            s = time.perf_counter() - t0
            best = s if best is None else min(best, s)
        diff = np.nan_to_num(np.abs(m.daily - ref.daily), nan=0.0)
        both_nan = np.isnan(m.daily) == np.isnan(ref.daily)
        out["numba"][str(t)] = {
            "step_s": best, "household_steps_per_s": n * days / best,
            "speedup": step / best,
            "max_abs_diff_vs_reference": float(diff.max()) if diff.size else 0.0,
            "agrees_with_reference": bool(both_nan.all() and np.array_equal(
                m.daily, ref.daily, equal_nan=True)),
        }
    return out


def measure_phases(n: int, days: int) -> dict[str, Any]:
    """Seconds per phase, summed over a flood run.

    An observer (`model.observers`) adds up the seconds the model itself
    measures around each phase of its table (`sim.phases.PHASES`), so the
    order and the calls are exactly the model's. `other` is the rest of the
    step: today's inputs, day counters and Mesa's DataCollector.
    """
    import numba

    from sim.phases import PHASE_NAMES

    warm = warm_up()
    m = build_model(n_households=n, days=days)[0]
    spent = dict.fromkeys(PHASE_NAMES, 0.0)

    def observe(model, phase, seconds):
        spent[phase] += seconds

    m.observers.append(observe)
    t0 = time.perf_counter()
    m.run()
    total = time.perf_counter() - t0
    spent["other"] = total - sum(spent.values())
    return {"n_households": n, "days": days, "threads": numba.get_num_threads(),
            "warmup_s": warm, "total_s": total, "phases_s": spent,
            "missing_phases": [], "household_steps_per_s": n * days / total}


def _rss_now() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _rss_peak() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux


def _malloc_trim() -> bool:
    """Ask glibc to hand freed heap memory back to the OS (False where there is no glibc)."""
    import ctypes

    try:
        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0)) or True
    except (OSError, AttributeError):
        return False


def measure_memory_baseline() -> dict[str, Any]:
    """Peak RSS of a process that imported the package and compiled its kernels."""
    warm = warm_up()
    return {"warmup_s": warm, "peak_rss": _rss_peak(), "rss": _rss_now()}


def measure_memory(n: int, days: int) -> dict[str, Any]:
    """Peak RSS for building and running n households for `days` days."""
    import gc

    warm = warm_up()
    gc.collect()
    rss0 = _rss_now()
    m, build, burn = build_model(n_households=n, days=days)
    rss_built, peak_built = _rss_now(), _rss_peak()
    t0 = time.perf_counter()
    m.run()
    step = time.perf_counter() - t0
    rss_run = _rss_now()
    trimmed = _rss_now() if _malloc_trim() else None
    # the snapshot, included in the peak: saved straight from the state, then read
    # back into a new model array by array (sim/snapshot.py)
    import tempfile
    from pathlib import Path

    from sim.model import ResilienceModel

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        path = m.save(Path(tmp) / "city.npz")
        save_s = time.perf_counter() - t0
        snapshot_file_bytes = path.stat().st_size
        network = m.network
        state_bytes, household_bytes = int(m.state.nbytes()), int(m.state.households.nbytes())
        daily_bytes = int(m.daily.nbytes)
        del m
        gc.collect()
        t0 = time.perf_counter()
        m = ResilienceModel.from_snapshot(path, network=network)
        restore_s = time.perf_counter() - t0
    return {"n_households": n, "days": days, "warmup_s": warm, "build_s": build,
            "save_s": save_s, "restore_s": restore_s, "snapshot_file_bytes": snapshot_file_bytes,
            "burn_in_s": burn, "burn_in_days": _burn_in_days(m),
            "step_s": step, "rss_before_build": rss0, "rss_after_build": rss_built,
            "peak_rss_after_build": peak_built, "rss_after_run": rss_run,
            "rss_after_run_trimmed": trimmed,
            "peak_rss": _rss_peak(), "state_bytes": state_bytes,
            "household_bytes": household_bytes,
            "csr_bytes": _csr_bytes(m.network), "n_edges": int(m.network.n_edges),
            "daily_bytes": daily_bytes}


def measure_fork(n: int, days: int, shocks: list[str]) -> dict[str, Any]:
    """One strategy and seed under every shock and without one (the unit of
    work of `grassroots compare`), run straight through and forked from one
    past (sim/fork.py), side by side in this process; the series must match."""
    import numpy as np

    from scenarios import load_shock, load_strategy, make_model
    from sim.fork import forked_runs
    from sim.inputs import NO_SHOCK

    warm = warm_up()
    names = [*shocks, "none"]
    objs = [NO_SHOCK if k == "none" else load_shock(k) for k in names]
    t0 = time.perf_counter()
    straight = []
    for k in names:
        m = make_model(STRATEGY, k, n_households=n, days=days, seed=SEED)
        m.run()
        straight.append(m.daily.copy())
    straight_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    same = True
    for i, m in forked_runs(load_strategy(STRATEGY), objs, days, n_households=n, seed=SEED):
        m.run()
        same &= bool(np.array_equal(m.daily, straight[i]))
    forked_s = time.perf_counter() - t0
    return {"n_households": n, "days": days, "runs": len(names), "warmup_s": warm,
            "straight_s": straight_s, "forked_s": forked_s, "identical": same}
