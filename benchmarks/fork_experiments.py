"""The experiments' wall time without and with forking, side by side in one session.

    python -m benchmarks.fork_experiments [--replicates R] [--worlds W] [--particles P]

Runs, each twice (runs straight through, `fork=False`, then forked from the
shared past, the default) on 2 worker processes: a reduced `grassroots compare`
(the headline spec with R replicates), a reduced `grassroots robustness` (W
worlds of the default spec), and P calibration evaluations (every default
target, one particle each, `experiments.calibration.outputs.evaluate`, with the
pre-fork one-run-per-group code as the baseline). It checks that the tables
are identical and prints the wall times and their ratios as one JSON line.
The ratios, not the absolute times, carry over to a quiet machine and the full
sizes (the same units of work, fewer of them).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path


def _compare(replicates: int, tmp: Path) -> dict:
    import pandas as pd

    from experiments.runners import execute
    from experiments.spec import check_spec, load_spec

    s = load_spec(None)
    doc = {**s.to_dict(), "replicates": replicates}
    doc.pop("design")
    spec = check_spec(doc, "headline (reduced)")
    out = {}
    tables = {}
    for fork in (False, True):
        t0 = time.time()
        store = execute(spec, tmp / f"compare_{fork}", executor="process", workers=2,
                        progress=False, fork=fork)
        out["forked_s" if fork else "straight_s"] = time.time() - t0
        tables[fork] = store.load()
    pd.testing.assert_frame_equal(tables[False][0], tables[True][0])
    pd.testing.assert_frame_equal(tables[False][1], tables[True][1])
    out["runs"] = len(tables[True][0])
    return out


def _robustness(worlds: int, tmp: Path) -> dict:
    import pandas as pd

    from experiments import robustness as rb
    from experiments.runners import execute

    spec = rb.with_changes(rb.load_robustness(None), worlds=worlds)
    out, tables = {}, {}
    for fork in (False, True):
        t0 = time.time()
        store = execute(rb.experiment_spec(spec), tmp / f"robust_{fork}", executor="process",
                        workers=2, progress=False, tasks=rb.tasks(spec), fork=fork)
        out["forked_s" if fork else "straight_s"] = time.time() - t0
        tables[fork] = store.load()[0]
    pd.testing.assert_frame_equal(tables[False], tables[True])
    out["runs"] = len(tables[True])
    return out


def _calibration(particles: int) -> dict:
    from experiments.calibration import outputs
    from experiments.calibration.abc import DEFAULT_OVERRIDES
    from experiments.calibration.targets import load_targets

    targets = load_targets()
    households = 2_000

    def straight(seed):  # the code before forking: one run per (strategy, shock)
        groups: dict = {}
        for t in targets:
            groups.setdefault((t.strategy, t.shock), []).append(t)
        res = {}
        for (strategy, shock), ts in groups.items():
            obs = outputs.observe(strategy, shock, households, seed, DEFAULT_OVERRIDES)
            for t in ts:
                res[t.name] = float(outputs.OUTPUTS[t.output].fn(obs))
        return res

    out = {}
    for name, fn in (("straight_s", straight), ("forked_s", lambda seed: outputs.evaluate(
            targets, households, seed, DEFAULT_OVERRIDES))):
        t0 = time.time()
        results = [fn(seed) for seed in range(particles)]
        out[name] = time.time() - t0
        out[name.replace("_s", "_values")] = results
    assert (json.dumps(out["straight_values"], sort_keys=True)
            == json.dumps(out["forked_values"], sort_keys=True))
    del out["straight_values"], out["forked_values"]
    out["evaluations"] = particles
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--replicates", type=int, default=2)
    p.add_argument("--worlds", type=int, default=4)
    p.add_argument("--particles", type=int, default=6)
    p.add_argument("--only", nargs="*", default=["compare", "robustness", "calibration"])
    a = p.parse_args()
    from experiments.runners import warm_up

    warm_up()
    load = os.getloadavg()
    res = {"load_average_before": load}
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if "compare" in a.only:
            res["compare"] = _compare(a.replicates, tmp)
        if "robustness" in a.only:
            res["robustness"] = _robustness(a.worlds, tmp)
        if "calibration" in a.only:
            res["calibration"] = _calibration(a.particles)
    for v in res.values():
        if isinstance(v, dict):
            v["speedup"] = v["straight_s"] / v["forked_s"]
    res["load_average_after"] = os.getloadavg()
    print(json.dumps(res))


if __name__ == "__main__":
    main()
