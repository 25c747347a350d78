"""Forks: simulate the shared past of several runs once.

Runs of one strategy, seed and parameters under different shocks are the
same run until the first shock acts: the warm-up and the tenure take no
shock (`ResilienceModel._burn_in`), and a shock's schedule, warnings
included, starts at day 0 at the earliest (`sim.inputs.schedule` clips a
forecast's lead at day 0). `forked_runs` simulates that past once, up to the
latest day on which all the runs are still identical, and continues each
run from a snapshot of it (`ResilienceModel.from_snapshot`). Every fork is
the same run, byte for byte, as the run straight through
(tests/test_snapshot.py).

What keys the shared past is everything that acts before day 0: the
strategy, the seed and every parameter (all of them act in the warm-up or
the tenure, or shape the city) but `run.days`, which only sizes the
recorded days. The shock does not; nor does `run.days` (forks may have
different lengths: the past is run to the longest).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from sim.inputs import CHANNELS, NO_SHOCK, Shock, Strategy, schedule
from sim.model import ResilienceModel

_CHANNELS = (*CHANNELS, "warning")  # every channel of the schedule (sim.inputs)


def first_active_day(shock: Shock, days: int, elevation: np.ndarray,
                     community: np.ndarray, district=None) -> int:
    """The first day on which `shock`'s schedule differs from a day with no
    shock (`days` if none does): up to that day a run under it is the no-shock run.
    `district`: the map of a district run, for shocks choosing grids on it."""
    s = schedule(shock, days, elevation, community, district)
    n = schedule(NO_SHOCK, days, elevation, community)
    first = days
    for k in _CHANNELS:
        a, b = getattr(s, k), getattr(n, k)
        diff = (a != b).reshape(days, -1).any(axis=1)
        if diff.any():
            first = min(first, int(np.argmax(diff)))
    return first


def forked_runs(strategy: Strategy, shocks: Sequence[Shock], days: Sequence[int] | int, *,
                cls: type[ResilienceModel] = ResilienceModel,
                overrides: Mapping[str, Any] | None = None,
                **kwargs: Any) -> Iterator[tuple[int, ResilienceModel]]:
    """(index, model) for each of `shocks` (run `days[index]` days), built
    from one shared past, in the order given; the models are not yet run.

    The past is simulated once (warm-up, tenure and the recorded days before
    any of the shocks acts, under no shock) and every model is continued from
    a snapshot of it, sharing its network; a single shock has nothing to
    share, and its model is built to run straight through (`past` None).
    Each model is yielded before the next is built: run it (or drop it)
    before asking for the next.

    Args:
        days: each run's length (or one for all).
        cls: the engine's model class (ResilienceModel or agents.ReferenceModel).
        overrides, **kwargs: as for the model (seed, n_households, params,
            network, threads); `run.days` in `overrides` is replaced by `days`.
    """
    shocks = list(shocks)
    lengths = [days] * len(shocks) if isinstance(days, int) else list(days)
    if not shocks:
        return
    longest = max(lengths)
    overrides = {k: v for k, v in (overrides or {}).items() if k != "run.days"}
    if len(shocks) == 1:  # nothing to share: the run straight through is the fork
        yield 0, cls(strategy, shocks[0], days=lengths[0], overrides=overrides, **kwargs)
        return
    base = cls(strategy, NO_SHOCK, days=longest, overrides=overrides, **kwargs)
    gr = base.state.grids
    fork = min(min(first_active_day(sh, n, gr.elevation, gr.community, base.district), n)
               for sh, n in zip(shocks, lengths, strict=True))
    base.run(fork)
    snap = base.snapshot(copy=True)
    del base
    for i, (sh, n) in enumerate(zip(shocks, lengths, strict=True)):
        yield i, cls.from_snapshot(snap, sh, days=n, threads=kwargs.get("threads"))
