"""Model problems found while building the validation suite, reported, not fixed here.

Each is xfail(strict=True): it documents the problem and turns red (for
review) once the model is changed.
"""

from __future__ import annotations

import pytest

from sim.inputs import Event, GridSelector, Shock
from sim.model import ResilienceModel


def _warned_from_day_0(n: int = 2_000) -> ResilienceModel:
    # A forecast standing from day 0, with the platform and word of mouth switched off:
    # only yesterday's grid-worker visits can inform anyone.
    shock = Shock("early", (Event("flood", start=1, days=3, grids=GridSelector(all=True),
                                  intensity=0.5, lead_days=1),))
    m = ResilienceModel("status_quo", shock, n_households=n, days=2, seed=1,
                        overrides={"behaviour.warning_reach": 0.0,
                                   "behaviour.word_of_mouth": 0.0})
    m.run()
    return m


@pytest.mark.xfail(strict=True, reason=(
    "warn_and_perceive informs a household when t_visited == day - 1; t_visited is -1 "
    "('never visited'), so on day 0 every household counts as visited yesterday and a "
    "warning standing on day 0 reaches everyone at once"))
def test_nobody_is_informed_by_visits_on_day_0():
    m = _warned_from_day_0()
    assert m.series()["informed"].iloc[0] == 0
