"""Designs: the parameter points an experiment runs.

Factorial over `[sweep]` lists, crossed with a sampled design over
`[design.ranges]`: Latin hypercube, Sobol (Saltelli) or Morris samples from SALib.
Integer parameters are rounded to whole numbers after sampling.
"""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from experiments.spec import ExperimentSpec
from sim.params import SPECS


def salib_problem(ranges: dict[str, tuple[float, float]]) -> dict:
    """The SALib problem dictionary of a set of ranges."""
    return {"num_vars": len(ranges), "names": list(ranges),
            "bounds": [list(map(float, b)) for b in ranges.values()]}


def sample(kind: str, ranges: dict[str, tuple[float, float]], samples: int,
           seed: int) -> np.ndarray:
    """Rows of parameter values: 'lhs' gives `samples` rows; 'sobol' gives
    samples * (D + 2) rows (Saltelli's scheme, first and total order);
    'morris' gives samples * (D + 1) rows (trajectories on a 4-level grid)."""
    from SALib.sample import latin
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    problem = salib_problem(ranges)
    if kind == "lhs":
        return latin.sample(problem, samples, seed=seed)
    if kind == "sobol":
        return sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    if kind == "morris":
        return morris_sample.sample(problem, samples, num_levels=4, seed=seed)
    raise ValueError(f"design kind {kind!r}")


def _typed(name: str, value: float) -> Any:
    return int(round(value)) if SPECS[name].type is int else float(value)


def points(spec: ExperimentSpec) -> list[dict[str, Any]]:
    """Every parameter point of the spec: fixed values plus one combination."""
    sweep_names = list(spec.sweep)
    grid = [dict(zip(sweep_names, combo))
            for combo in itertools.product(*(spec.sweep[k] for k in sweep_names))]
    if spec.design == "factorial":
        sampled = [{}]
    else:
        rows = sample(spec.design, spec.ranges, spec.samples, spec.seed)
        sampled = [{k: _typed(k, v) for k, v in zip(spec.ranges, row)} for row in rows]
    return [{**spec.fixed, **g, **s} for g in grid for s in sampled]
