"""Direction: the stocks and logistics levers and parameters move outcomes the way the
mechanism says (same seed, everything else equal; docs/mechanisms.md, "Stocks and
logistics")."""

from __future__ import annotations

import numpy as np

from scenarios import load_shock
from sim.inputs import Event, GridSelector, Shock
from tests.engine_helpers import col, make

SEEDS = (1, 2, 3)
N = 3_000
SHORT = {"run.burn_in_days": 15, "run.tenure_days": 30}
# A warehouse that can run dry within the run (the defaults hold about 18 days of the
# departments' full use): where goods bind, where they are kept matters.
SCARCE = {"governance.warehouse_days_per_household": 0.3,
          "governance.warehouse_resupply_per_10k": 100.0}


def runs(name, values, strategy="status_quo", shock="lockdown", extra=None, days=40,
         observer=None):
    """For each seed, one run per value of parameter `name`."""
    out = []
    for seed in SEEDS:
        row = []
        for value in values:
            m = make(strategy, shock, n=N, days=days, seed=seed,
                     overrides={**SHORT, **(extra or {}), name: value})
            if observer is not None:
                m.observers.append(observer(m))
            m.run()
            row.append(m)
        out.append(row)
    return out


def test_more_warehouse_stock_more_department_deliveries_in_the_lockdown():
    for lo, hi in runs("governance.warehouse_days_per_household", (0.05, 2.0),
                       extra={"governance.warehouse_resupply_per_10k": 100.0}):
        assert col(lo, "stock_warehouse").min() < 1.0  # the small warehouse ran dry
        assert col(hi, "help_departments_days").sum() > 1.2 * col(lo, "help_departments_days").sum()


def test_fewer_shop_deliveries_more_unmet_need():
    for lo, hi in runs("behaviour.shop_resupply_days", (1.05, 1.5)):
        assert col(lo, "unmet_need").sum() > col(hi, "unmet_need").sum()
        assert col(lo, "stock_shops").min() < col(hi, "stock_shops").min()


def _flooded_delivery(m):
    """An observer adding up department deliveries to the grids the shock floods."""
    flooded = m.schedule.hazard.max(axis=0) > 0.0
    m.flooded_formal = []

    def watch(model, phase, seconds):
        if phase == "serve_departments" and model.clock >= model.burn_in:
            model.flooded_formal.append(float(model.state.grids.formal_today[flooded].sum()))

    return watch


def test_prepositioning_brings_department_goods_to_flooded_grids():
    for off, on in runs("governance.prepositioning", (0.0, 0.5), shock="flood",
                        strategy="grassroots_empowerment", extra=SCARCE, days=30,
                        observer=_flooded_delivery):
        assert col(on, "stock_depots").max() > 0.0 and col(off, "stock_depots").max() == 0.0
        # From the flood's onset (day 10) to a week after: more goods reach the flooded grids.
        assert sum(on.flooded_formal[10:17]) > sum(off.flooded_formal[10:17])


def test_depot_access_lets_volunteers_deliver_when_shops_are_empty():
    extra = {"governance.prepositioning": 0.5, "behaviour.shop_resupply_days": 0.5,
             "behaviour.donation_share": 0.05}
    for off, on in runs("governance.depot_access", (False, True),
                        strategy="community_resilience", extra=extra):
        assert col(off, "stock_shops")[10:].min() < 1.0  # the shelves ran empty
        assert col(on, "help_volunteers_days").sum() > col(off, "help_volunteers_days").sum()
        assert col(on, "unmet_need").sum() < col(off, "unmet_need").sum()


def _flood_with_outage(outage: bool) -> Shock:
    """The built-in flood; with `outage`, the platform goes down the day before it
    starts and stays down for the run (the dashboard freezes on ordinary days)."""
    flood = load_shock("flood")
    events = flood.events
    if outage:
        events = (*events, Event(kind="platform_outage", start=9, days=30,
                                 grids=GridSelector(all=True)))
    return Shock(name=f"flood{'_outage' if outage else ''}", events=events)


def test_dashboard_allocation_misallocates_with_a_frozen_dashboard():
    """Steering trips by the dashboard costs more when the dashboard is frozen before
    the flood (it shows the wrong grids) than when it is live."""
    extra = {**SHORT, "governance.direct_dispatch": True}
    for seed in SEEDS:
        effect = {}
        for outage in (False, True):
            unmet = []
            for alloc in (0.0, 0.8):
                m = make("status_quo", _flood_with_outage(outage), n=N, days=30, seed=seed,
                         overrides={**extra, "governance.dashboard_allocation": alloc})
                m.run()
                unmet.append(col(m, "unmet_need")[10:].sum())
            effect[outage] = unmet[1] - unmet[0]  # what steering by the dashboard costs
        assert effect[True] > effect[False]
        assert effect[True] > 0.0


def test_no_lever_no_change_at_zero():
    """prepositioning 0 and dashboard_allocation 0 leave depots empty and every trip in
    the city-wide queue (the status quo's rule)."""
    m = make("status_quo", "flood", n=1_000, days=20, seed=1, overrides=SHORT)
    m.run()
    assert np.all(col(m, "stock_depots") == 0.0) and np.all(col(m, "stock_in_transit") == 0.0)
