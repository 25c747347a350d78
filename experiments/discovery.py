"""Scenario discovery: the parameter boxes where an outcome is bad (PRIM).

Uses the Patient Rule Induction Method of EMA Workbench (Kwakkel 2017) on a
finished sweep: the inputs are the parameters the spec varied (and the shock,
as a category, when there are several); the cases of interest are runs whose
outcome is above (or below) a threshold, or, with `compare=(A, B)`, the
pairs (same shock, point and replicate) where strategy A's outcome exceeds
B's by more than the threshold: for example, where does top_down_digital
lose to community_resilience?
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.analysis import markdown_table
from experiments.store import Store
from sim.errors import SpecError
from sim.io import atomic_write


@dataclass
class Box:
    """A PRIM box: its limits and how well it captures the cases of interest."""

    limits: pd.DataFrame  # one row per restricted input: min, max (or categories)
    coverage: float  # share of all cases of interest inside the box
    density: float  # share of runs inside the box that are cases of interest
    mass: float  # share of all runs inside the box
    n_cases: int
    n_runs: int


def prim_box(X: pd.DataFrame, y: np.ndarray, threshold: float = 0.8) -> Box:
    """Run PRIM on inputs X and boolean cases y; return the box PRIM settles on
    (the last box on the peeling trajectory whose density reaches `threshold`,
    or the densest one)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ema_workbench warns about optional extras on import
        from ema_workbench.analysis import prim

    y = np.asarray(y, dtype=bool)
    if y.sum() == 0:
        raise SpecError("no run meets the condition: there is nothing to discover; "
                        "try another threshold")
    if y.all():
        raise SpecError("every run meets the condition: there is nothing to separate; "
                        "try another threshold")
    X = X.reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        p = prim.Prim(X, y, threshold=threshold, peel_alpha=0.05)
        box = p.find_box()
    lims = box.box_lims[box._cur_box]
    restricted = []
    for col in X.columns:
        lo, hi = lims[col].iloc[0], lims[col].iloc[1]
        if isinstance(lo, set):
            if lo != set(X[col].unique()):
                restricted.append({"input": col, "min": ", ".join(sorted(map(str, lo))),
                                   "max": ""})
        elif lo > X[col].min() or hi < X[col].max():
            restricted.append({"input": col, "min": float(lo), "max": float(hi)})
    return Box(pd.DataFrame(restricted, columns=["input", "min", "max"]),
               float(box.coverage), float(box.density), float(box.mass), int(y.sum()), len(y))


def discover(store: Store, outcome: str, threshold: float, below: bool = False,
             compare: tuple[str, str] | None = None, density: float = 0.8) -> Box:
    """PRIM on a finished sweep (see the module docstring)."""
    runs, _ = store.load()
    spec = store.manifest()["spec"]
    if outcome not in runs.columns:
        raise SpecError(f"outcome {outcome!r} is not in the results; kept: "
                        + ", ".join(spec["outcomes"]))
    inputs = list(spec["sweep"]) + list(spec["design"]["ranges"])
    key = ["shock", "point", "replicate"]
    if compare:
        a, b = compare
        for s in compare:
            if s not in set(runs["strategy"]):
                raise SpecError(f"strategy {s!r} is not in the results; there are: "
                                + ", ".join(sorted(set(runs["strategy"]))))
        ra = runs[runs["strategy"] == a].set_index(key)
        rb = runs[runs["strategy"] == b].set_index(key)
        common = ra.index.intersection(rb.index)
        diff = ra.loc[common, outcome] - rb.loc[common, outcome]
        frame = ra.loc[common].reset_index()
        value = diff.to_numpy()
    else:
        frame = runs
        value = runs[outcome].to_numpy()
        if len(set(runs["strategy"])) > 1:
            inputs = ["strategy"] + inputs
    if len(set(frame["shock"])) > 1:
        inputs = ["shock"] + inputs
    if not inputs:
        raise SpecError("the spec varies nothing PRIM could use: add [sweep] lists, a sampled "
                        "[design], several shocks or several strategies")
    X = frame[inputs].copy()
    for c in ("shock", "strategy"):
        if c in X:
            X[c] = X[c].astype("category")
    y = value < threshold if below else value > threshold
    y = y & ~np.isnan(value)
    return prim_box(X, y, threshold=density)


def write_discovery(store: Store, box: Box, description: str) -> Path:
    """discovery.md with the box, its coverage and density."""
    lines = ["# Scenario discovery (PRIM)", "", description, "",
             f"- cases of interest: {box.n_cases} of {box.n_runs} runs",
             f"- coverage {box.coverage:.3f} (share of the cases inside the box)",
             f"- density {box.density:.3f} (share of runs in the box that are cases)",
             f"- mass {box.mass:.3f} (share of all runs in the box)", "",
             "Box limits (inputs PRIM restricted):", "",
             markdown_table(box.limits) if len(box.limits) else "(none: no restriction helps)",
             ""]
    path = store.root / "discovery.md"
    atomic_write(path, lambda p: Path(p).write_text("\n".join(lines)))
    return path
