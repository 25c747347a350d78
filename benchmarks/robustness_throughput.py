"""Throughput of `grassroots robustness` and where a run's time goes.

    python -m benchmarks.robustness_throughput --worlds 10 --executor process --workers 2
    python -m benchmarks.robustness_throughput --split 28     # per-run overhead, in process

The first form runs a reduced robustness experiment (the built-in spec with
fewer worlds) into a temporary folder and prints runs per minute and the
estimated wall time of the default 200 worlds. `--split N` times N runs of
the built-in spec in this process, one Numba thread, split into building the
model (city, network, parameters), running it, and writing its part file.
Both print the machine's load average: the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time


def throughput(worlds: int, executor: str, workers: int) -> dict:
    """Run the built-in spec with `worlds` worlds; runs per minute and the
    default run's estimated wall time (s)."""
    from experiments.robustness import load_robustness, run, with_changes

    full = load_robustness()
    spec = with_changes(full, worlds=worlds)
    n = worlds * len(spec.strategies) * len(spec.all_shocks)
    load0 = os.getloadavg()
    cpu0 = _cpu()
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        run(spec, d, executor=executor, workers=workers, progress=False)
        wall = time.perf_counter() - t0
    cpu = _cpu() - cpu0
    total = full.worlds * len(full.strategies) * len(full.all_shocks)
    return {"executor": executor, "workers": workers, "runs": n, "wall_s": wall,
            "runs_per_min": n / wall * 60, "default_runs": total,
            "default_estimate_s": total / (n / wall), "cpu_s_per_run": cpu / n,
            "load_before": load0,
            "load_after": os.getloadavg()}


def _cpu() -> float:
    """CPU seconds of this process and its finished children (worker processes;
    a Dask cluster's workers are not counted)."""
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def split(n: int) -> dict:
    """Mean ms per run of building, running and writing, over n runs (1 thread)."""
    from experiments.robustness import load_robustness, tasks, with_changes
    from experiments.runners import warm_up
    from experiments.store import Store
    from scenarios import make_model

    spec = load_robustness()
    ts = tasks(with_changes(spec, worlds=-(-n // (len(spec.strategies)
                                                   * len(spec.all_shocks)))))[:n]
    warm_up(threads=1)
    build = step = write = 0.0
    with tempfile.TemporaryDirectory() as d:
        store = Store(d)
        store.write_run(-1, {"run_id": -1}, None)  # import pyarrow's writer first
        for t in ts:
            a = time.perf_counter()
            m = make_model(t.strategy, t.shock, days=t.days, seed=t.seed, overrides=t.params)
            b = time.perf_counter()
            summary = m.run().as_dict()
            c = time.perf_counter()
            store.write_run(t.run_id, {"run_id": t.run_id, "strategy": t.strategy,
                                       "shock": t.shock, **t.params, **summary}, None)
            build, step, write = (build + b - a, step + c - b,
                                  write + time.perf_counter() - c)
    return {"runs": n, "build_ms": build / n * 1e3, "run_ms": step / n * 1e3,
            "write_ms": write / n * 1e3, "load": os.getloadavg()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--worlds", type=int, default=10)
    ap.add_argument("--executor", choices=("serial", "process", "dask"), default="process")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--split", type=int, default=0, metavar="N",
                    help="time N runs in this process instead, split by stage")
    args = ap.parse_args(argv)
    if args.split:
        r = split(args.split)
        print(f"{r['runs']} runs, per run: build {r['build_ms']:.1f} ms, run "
              f"{r['run_ms']:.1f} ms, write {r['write_ms']:.1f} ms; load average "
              + " ".join(f"{x:.2f}" for x in r["load"]))
        return 0
    r = throughput(args.worlds, args.executor, args.workers)
    print(f"{r['executor']} x {r['workers']}: {r['runs']} runs in {r['wall_s']:.1f} s = "
          f"{r['runs_per_min']:.0f} runs/min; default ({r['default_runs']:,} runs) about "
          f"{r['default_estimate_s'] / 60:.1f} min; CPU {r['cpu_s_per_run'] * 1e3:.0f} ms per "
          "run; load average before "
          + " ".join(f"{x:.2f}" for x in r["load_before"]) + ", after "
          + " ".join(f"{x:.2f}" for x in r["load_after"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
