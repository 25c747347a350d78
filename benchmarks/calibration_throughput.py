"""Wall time of `grassroots calibrate`: per generation and in total.

    python -m benchmarks.calibration_throughput                  # the default calibration
    python -m benchmarks.calibration_throughput --population 20 --generations 2   # a quick look

Runs the calibration with the command's defaults (or the sizes given) into a
temporary folder, on local processes, and prints one row per generation
(particles, runs evaluated, acceptance, epsilon, seconds) and the total wall
time, with the machine's load average before and after: the machine may be
shared, and other jobs slow every row. The posterior report is not part of
the measurement. Results: benchmarks/RESULTS.md, "Calibration".
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time


def measure(population: int, generations: int, households: int, workers: int) -> dict:
    """Run the calibration; its generations' statistics and the wall time (s)."""
    from experiments.calibration.abc import check_settings, run
    from experiments.calibration.targets import load_targets

    settings = check_settings(population=population, generations=generations,
                              households=households)
    load0 = os.getloadavg()
    with tempfile.TemporaryDirectory() as d:
        t0 = time.perf_counter()
        rec = run(load_targets(), settings, d, executor="process", workers=workers,
                  say=lambda m: None)
        wall = time.perf_counter() - t0
    return {"generations": rec["generations_done"], "wall_s": wall, "load_before": load0,
            "load_after": os.getloadavg()}


def main(argv: list[str] | None = None) -> int:
    from experiments.calibration.abc import Settings

    d = Settings(params={})
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--population", type=int, default=d.population)
    ap.add_argument("--generations", type=int, default=d.generations)
    ap.add_argument("--households", type=int, default=d.households)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    r = measure(args.population, args.generations, args.households, args.workers)
    print("| generation | particles | runs | acceptance | epsilon | seconds |")
    print("|---|---|---|---|---|---|")
    for g in r["generations"]:
        print(f"| {g['generation']} | {g['population']} | {g['evaluations']:,} | "
              f"{g['acceptance']:.1%} | {g['epsilon']:.3f} | {g['seconds']:.1f} |")
    print(f"\ntotal wall {r['wall_s']:.0f} s ({r['wall_s'] / 60:.1f} min), workers "
          f"{args.workers}; load average before "
          + " ".join(f"{x:.2f}" for x in r["load_before"]) + ", after "
          + " ".join(f"{x:.2f}" for x in r["load_after"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
