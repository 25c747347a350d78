"""Global sensitivity analysis of a finished sweep: Sobol indices or Morris screening.

The spec's design ('sobol' or 'morris') fixes the sample; each design point
is run for every replicate, the outcome is averaged over replicates per
point, and SALib computes the indices with bootstrap confidence intervals.
The analysis runs per strategy x shock cell.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.designs import salib_problem
from experiments.store import Store
from sim.errors import SpecError


def indices(method: str, ranges: dict[str, tuple[float, float]], X: np.ndarray,
            Y: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """Sensitivity indices of outputs Y (one per sample row of X), per parameter.

    sobol: S1, S1_conf, ST, ST_conf (Saltelli/Jansen estimators, first and
    total order). morris: mu_star, mu_star_conf, sigma."""
    from SALib.analyze import morris, sobol

    problem = salib_problem(ranges)
    Y = np.asarray(Y, dtype=float)
    if np.isnan(Y).any():
        raise SpecError("the outcome is NaN at some design points; choose an outcome defined "
                        "in every run (e.g. resilience_loss)")
    if method == "sobol":
        r = sobol.analyze(problem, Y, calc_second_order=False, seed=seed)
        cols = ["S1", "S1_conf", "ST", "ST_conf"]
    elif method == "morris":
        r = morris.analyze(problem, np.asarray(X), Y, num_levels=4, seed=seed)
        cols = ["mu_star", "mu_star_conf", "sigma"]
    else:
        raise SpecError(f"sensitivity needs design kind 'sobol' or 'morris', not {method!r}")
    return pd.DataFrame({"parameter": problem["names"], **{c: np.asarray(r[c]) for c in cols}})


def analyse(store: Store, outcomes: list[str]) -> pd.DataFrame:
    """Indices for each strategy x shock cell and outcome of a finished sweep."""
    spec = store.manifest()["spec"]
    design = spec["design"]
    method, ranges = design["kind"], {k: tuple(v) for k, v in design["ranges"].items()}
    if method not in ("sobol", "morris"):
        raise SpecError(f"{store.root}: the spec's design is {method!r}; sensitivity needs "
                        "[design] kind = 'sobol' or 'morris'")
    if spec["sweep"]:
        raise SpecError("sensitivity analysis needs a spec without [sweep] lists")
    runs, _ = store.load()
    missing = [o for o in outcomes if o not in runs.columns]
    if missing:
        raise SpecError(f"outcome(s) {', '.join(missing)} not in the results; kept: "
                        + ", ".join(spec["outcomes"]))
    names = list(ranges)
    frames = []
    for (strategy, shock), cell in runs.groupby(["strategy", "shock"], sort=False):
        by_point = cell.groupby("point")
        X = by_point[names].first().sort_index().to_numpy(dtype=float)
        for o in outcomes:
            Y = by_point[o].mean().sort_index().to_numpy()
            df = indices(method, ranges, X, Y, seed=spec["seed"])
            df.insert(0, "outcome", o)
            df.insert(0, "shock", shock)
            df.insert(0, "strategy", strategy)
            frames.append(df)
    return pd.concat(frames, ignore_index=True)
