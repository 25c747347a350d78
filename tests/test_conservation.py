"""Goods are conserved: every day the city's stocks change by what came in, less what
was used up and what hazards destroyed; no stock ever goes negative.

Stocks (days of essentials): shop shelves, the city warehouse, grid depots, goods in
transit to depots, household reserves. Flows: supply_in (deliveries to shops, the
warehouse's resupply), consumed (the day's use drawn from reserves plus need paid off by
any channel), destroyed (reserves and shop stock destroyed by hazards). Everything else
(purchases, mutual aid, donations, volunteer and department deliveries, pre-positioning)
moves goods between stocks.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.engine_helpers import SHOCKS, STRATEGIES, col, make

STOCKS = ("stock_shops", "stock_warehouse", "stock_depots", "stock_in_transit",
          "stock_households")
LEVERS_ON = {"governance.prepositioning": 0.3, "governance.depot_access": True,
             "governance.dashboard_allocation": 0.5}
SHORT = {"run.warm_up_days": 10, "run.tenure_days": 20}


def stock_total(m) -> np.ndarray:
    return sum(col(m, k) for k in STOCKS)


def assert_balanced(m):
    """The balance on every recorded day after the first, and no stock below zero."""
    total = stock_total(m)
    change = np.diff(total)
    flows = (col(m, "supply_in") - col(m, "consumed") - col(m, "destroyed"))[1:]
    err = np.abs(change - flows)
    assert np.all(err <= 1e-9 * total[1:]), (
        f"goods not conserved: worst day {int(np.argmax(err)) + 1}, error {err.max():.3g} "
        f"of {total.max():.3g}")
    for k in STOCKS:
        assert col(m, k).min() >= 0.0, f"{k} went negative"
    h, gr = m.state.households, m.state.grids
    for name, a in (("reserves", h.reserves), ("shop_stock", gr.shop_stock),
                    ("depot", gr.depot), ("in_transit", gr.in_transit),
                    ("warehouse", m.state.warehouse)):
        assert a.min() >= 0.0, f"{name} negative at the end"


CASES = [(s, k, i % 2 == 1) for i, (s, k) in
         enumerate((s, k) for s in STRATEGIES for k in [*SHOCKS, "none"])]


@pytest.mark.parametrize(("strategy", "shock", "levers"), CASES)
def test_goods_balance_every_day(strategy, shock, levers):
    overrides = {**SHORT, **(LEVERS_ON if levers else {})}
    m = make(strategy, shock, n=900, days=30, seed=7, overrides=overrides)
    m.run()
    assert_balanced(m)
    assert col(m, "consumed").sum() > 0 and col(m, "supply_in").sum() > 0


def test_balance_holds_with_every_lever_and_scarce_goods():
    """Scarce stock everywhere: shops ration, the warehouse runs dry, depots empty."""
    overrides = {**SHORT, **LEVERS_ON, "governance.prepositioning": 0.8,
                 "governance.dashboard_allocation": 1.0,
                 "governance.warehouse_days_per_household": 0.3,
                 "governance.warehouse_resupply_per_10k": 200.0,
                 "governance.preposition_floor": 0.0,
                 "behaviour.shop_resupply_days": 0.5}
    m = make("grassroots_empowerment", "compound", n=1_200, days=30, seed=3,
             overrides=overrides)
    m.run()
    assert_balanced(m)
    assert col(m, "stock_shops").min() < 1.0  # the shelves ran empty
    # goods were pre-positioned (on the way at the end of a day: the trips that every
    # grid's share leaves unused empty the depots the same day they land)
    assert col(m, "stock_in_transit").max() > 0.0


def test_balance_in_the_reference_engine():
    m = make("community_resilience", "flood", n=700, days=20, seed=2,
             overrides={"run.warm_up_days": 5, "run.tenure_days": 5, **LEVERS_ON},
             engine="reference")
    m.run()
    assert_balanced(m)


def test_trip_residual_diagnostic_runs_the_model_unchanged():
    """experiments/validation/trip_residual.py swaps serve_departments for a Python copy
    of its own source that logs the day's leftover trips: the run must be the model's
    (identical daily series), and the leftover it reports is what the kernel left."""
    import numpy as np

    from experiments.validation.trip_residual import install, instrumented, residual
    from scenarios import make_model

    a = make_model("top_down_digital", "lockdown", n_households=600, seed=2, days=30)
    a.run()
    b = make_model("top_down_digital", "lockdown", n_households=600, seed=2, days=30)
    kernel, log = instrumented()
    install(b, kernel)
    b.run()
    assert np.array_equal(a.daily, b.daily) and log
    assert all(left >= 0.0 and waiting >= 0 for _d, left, waiting in log)
    r = residual("top_down_digital", "lockdown", households=600, seed=2)
    assert r["days"] == 180 and r["trips"] > 0 and 0.0 <= r["left"] <= r["trips"]
