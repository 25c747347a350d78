"""Model problems found while building the validation suite.

Each test states the behaviour the model should have. While a problem was
open its test was xfail(strict=True); once fixed it stays as a regression
test.

1. On day 0 every household counted as visited "yesterday" (t_visited's
   "never" value -1 equals day - 1), so a forecast standing on day 0 reached
   everyone at once. Fixed in sim/kernels/warning.py (a visit informs only
   if it happened, t_visited >= 0, while a forecast stood).
"""

from __future__ import annotations

from scenarios import make_model
from sim.inputs import Event, GridSelector, Shock


def test_nobody_is_informed_by_visits_on_day_0():
    # A forecast from day 0 with the platform and word of mouth switched off: only
    # yesterday's grid-worker visits could inform anyone, and there was no yesterday.
    shock = Shock("early", (Event("flood", start=1, days=3, grids=GridSelector(all=True),
                                  intensity=0.5, lead_days=1),))
    m = make_model("status_quo", shock, n_households=2_000, days=2, seed=1,
                        overrides={"behaviour.warning_reach": 0.0,
                                   "behaviour.word_of_mouth": 0.0})
    m.run()
    assert m.series()["informed"].iloc[0] == 0
