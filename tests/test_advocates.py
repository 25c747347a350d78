"""Each strategy as its advocates build it, with the costs its critics name.

Directional tests of the levers added for issue 12: automated dispatch,
registry outreach, broadcast warnings, dashboard steering (top-down's
claims); chat groups thinning with social capital and missing isolated
households (community's costs); the closed loop against the central triage
queue as mechanisms (hand-off cost, information loss, queue capacity); and
the exact missed-need and false-alarm columns. Each holds over a few seeds;
the engines agree exactly on runs that use every new mechanism.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.flags import COLUMNS
from tests.engine_helpers import assert_same_run, col, make

# The directional claims hold for a strategy in its routine: every run here has the
# default warm-up and a year's tenure (run.tenure_days 365), where social capital, trust
# and volunteers' motivation have settled (issue 21). Only the reference engine's
# equality check, whose subject is not tenure, keeps a short past (that engine is slow).
SHORT = {"run.warm_up_days": 10, "run.tenure_days": 15}
SEEDS = (1, 2, 3)


def _with(past: dict | None = None, **kw) -> dict:
    out = dict(past or {})
    out.update({(k if "." in k else f"governance.{k}"): v for k, v in kw.items()})
    return out


class Watch:
    """An observer that calls `fn(model)` after the named phase, on recorded days."""

    def __init__(self, phase: str, fn):
        self.phase, self.fn = phase, fn

    def __call__(self, m, name, _seconds):
        if name == self.phase and m.clock >= m.burn_in:
            self.fn(m)


# ------------------------------------------------------------ engines agree


@pytest.mark.parametrize("strategy, over", [
    ("top_down_digital", {"central_triage_per_10k": 5.0}),  # the queue overflows
    ("grassroots_empowerment", {"handoff_visit_cost": 2.0, "direct_info_loss": 0.3,
                                "dashboard_steering": 0.7}),
    ("community_resilience", {"network.kind": "erdos_renyi", "network.er_mean_degree": 1.5,
                              "broadcast_warnings": 0.5, "registry_outreach_per_10k": 300.0}),
])
def test_reference_equals_kernels_new_mechanisms(strategy, over):
    fast = make(strategy, "flood", n=600, days=25, seed=7, overrides=_with(SHORT, **over))
    ref = make(strategy, "flood", n=600, days=25, seed=7, overrides=_with(SHORT, **over),
               engine="reference")
    fast.run()
    ref.run()
    assert_same_run(fast, ref)
    assert col(fast, "open_cases").sum() > 0


# ------------------------------------------------------ top-down's claims


def _service_latency(overrides, seed) -> float:
    """Mean days from a case's opening to a department's delivery."""
    m = make("top_down_digital", "flood", n=1_500, days=30, seed=seed, overrides=overrides)
    opened = {}
    waits = []

    def before(mm):
        opened["t"] = mm.state.households.t_case.copy()

    def after(mm):
        h = mm.state.households
        served = np.flatnonzero(h.department_in_today > 0.0)
        waits.extend((mm.clock - opened["t"][served]).tolist())

    m.observers += [Watch("mutual_aid", before), Watch("serve_departments", after)]
    m.run()
    assert waits
    return float(np.mean(waits))


@pytest.mark.parametrize("seed", SEEDS)
def test_automated_dispatch_cuts_detection_to_service_time(seed):
    on = _service_latency(_with(automated_dispatch=True), seed)
    off = _service_latency(_with(automated_dispatch=False), seed)
    assert on < off


@pytest.mark.parametrize("seed", SEEDS)
def test_registry_outreach_raises_coverage_of_registered_vulnerable(seed):
    def coverage(rate):
        m = make("status_quo", "flood", n=1_500, days=30, seed=seed,
                 overrides=_with(registry_outreach_per_10k=rate))
        m.run()
        h = m.state.households
        reg = h.is_registered & h.was_in_need
        return (reg & h.was_detected).sum() / reg.sum(), col(m, "detected_outreach").sum()

    (cov_on, calls_on), (cov_off, calls_off) = coverage(200.0), coverage(0.0)
    assert calls_on > 0 and calls_off == 0
    assert cov_on > cov_off


def test_registry_outreach_reaches_only_registered_households():
    m = make("status_quo", "flood", n=1_500, days=30, seed=4,
             overrides=_with(registry_outreach_per_10k=500.0))
    seen = []
    m.observers.append(Watch("detect_on_platform", lambda mm: seen.append(
        mm.state.households.is_registered[mm.state.households.detected_by == 5].all())))
    m.run()
    assert all(seen) and col(m, "detected_outreach").sum() > 0


@pytest.mark.parametrize("seed", SEEDS)
def test_broadcast_warns_more_households_without_smartphones(seed):
    # warned before the water comes: by the end word of mouth has told every household
    # of the warned grids either way (with a year in place, the default tenure)
    def warned(reach):
        m = make("status_quo", "flood", n=1_500, days=15, seed=seed,
                 overrides=_with(broadcast_warnings=reach))
        ever = np.zeros(m.state.households.n, dtype=bool)

        def note(mm):
            if mm.day < mm.schedule.onset:
                ever[mm.state.households.t_informed >= 0] = True

        m.observers.append(Watch("warn_and_perceive", note))
        m.run()
        no_phone = ~m.state.households.has_digital_access
        return ever[no_phone].mean()

    assert warned(0.6) > warned(0.0)


@pytest.mark.parametrize("seed", SEEDS)
def test_steering_with_a_live_dashboard_serves_hit_grids_better_than_frozen(seed):
    def hit_share(frozen):
        m = make("top_down_digital", "flood", n=2_000, days=25, seed=seed)
        onset = m.schedule.onset
        keep = {}
        visits = {"hit": 0.0, "all": 0.0}

        def freeze(mm):  # a dashboard stuck on the day before onset
            gr = mm.state.grids
            if mm.clock - mm.burn_in == onset - 1:
                keep["cases"] = gr.dashboard_cases.copy()
            elif frozen and "cases" in keep:
                gr.dashboard_cases[:] = keep["cases"]

        def count(mm):
            d = mm.clock - mm.burn_in
            if onset <= d < onset + 10:
                hit = mm.schedule.hazard[d] > 0.0
                v = mm.state.grids.visits_today
                visits["hit"] += v[hit].sum()
                visits["all"] += v.sum()

        m.observers += [Watch("observe", freeze), Watch("visit_grids", count)]
        m.run()
        return visits["hit"] / visits["all"]

    assert hit_share(frozen=False) > hit_share(frozen=True)


# ------------------------------------------------------ community's costs


@pytest.mark.parametrize("seed", SEEDS)
def test_chat_groups_thin_where_social_capital_is_low(seed):
    m = make("community_resilience", "flood", n=2_000, days=25, seed=seed,
             overrides=_with(**{"behaviour.chat_thinning": 1.0}))
    posts = {"low": [0, 0], "high": [0, 0]}

    def note(mm):
        h = mm.state.households
        member = h.has_digital_access & (h.n_grid_ties > 0) & (h.need > 0.0)
        median = np.median(h.social_capital)
        posted = (h.asked_today & 2) != 0
        for key, sel in (("low", member & (h.social_capital < median)),
                         ("high", member & (h.social_capital >= median))):
            posts[key][0] += int(posted[sel].sum())
            posts[key][1] += int(sel.sum())

    m.observers.append(Watch("seek_help", note))
    m.run()
    low, high = (posts[k][0] / posts[k][1] for k in ("low", "high"))
    assert low < high


@pytest.mark.parametrize("seed", SEEDS)
def test_isolated_households_reach_volunteers_only_through_an_open_case(seed):
    over = {"network.kind": "erdos_renyi", "network.er_mean_degree": 1.0}

    def run(needs_ties):
        m = make("community_resilience", "lockdown", n=1_500, days=25, seed=seed,
                 overrides=_with(**over, **{"behaviour.chat_needs_ties": needs_ties}))
        iso = m.state.households.n_grid_ties == 0
        uncased = []

        def note(mm):
            h = mm.state.households
            got = iso & (h.volunteer_in_today > 0.0)
            uncased.append(int((got & (h.t_case < 0) & (h.t_visited != mm.clock)).sum()))

        m.observers.append(Watch("serve_volunteers", note))
        m.run()
        assert iso.sum() > 50
        return sum(uncased)

    assert run(True) == 0
    assert run(False) > 0  # the dial off: isolated smartphone homes post and are seen


# ------------------------------------------- closed loop against central triage


@pytest.mark.parametrize("seed", SEEDS)
def test_closed_loop_and_central_differ_with_equal_latency(seed):
    def run(direct):
        m = make("status_quo", "flood", n=1_500, days=30, seed=seed,
                 overrides=_with(direct_dispatch=direct, central_latency_days=1,
                                 direct_latency_days=1))
        lost = [0, 0]
        before = {}

        def snap(mm):
            h = mm.state.households
            before["open"] = (h.t_case >= 0) & (h.t_dispatch < 0)

        def after(mm):
            h = mm.state.households
            lost[0] += int((before["open"] & (h.t_case < 0)).sum())
            lost[1] += int((before["open"] & (h.t_dispatch >= 0)).sum())

        m.observers += [Watch("visit_grids", snap), Watch("dispatch_cases", after)]
        m.run()
        return m, lost[0] / (lost[0] + lost[1])

    central, loss_central = run(False)
    direct, loss_direct = run(True)
    assert not np.array_equal(central.daily, direct.daily)
    assert loss_direct < loss_central  # one hand-off by the worker who saw the household
    assert col(direct, "visits").sum() < col(central, "visits").sum()  # hand-offs cost visits


def test_central_triage_capacity_holds_cases_back():
    def waiting(capacity):
        m = make("status_quo", "flood", n=1_500, days=25, seed=2,
                 overrides=_with(central_triage_per_10k=capacity))
        m.run()
        return col(m, "served_department").sum(), col(m, "open_cases").sum()

    served_small, open_small = waiting(5.0)
    served_big, open_big = waiting(1_000.0)
    assert served_small < served_big and open_small > open_big


# ------------------------------------------- missed need and false alarms, exactly


def test_missed_need_and_false_alarms_are_household_counts():
    m = make("top_down_digital", "platform_outage", n=1_500, days=30, seed=3)
    m.run()
    h = m.state.households
    last = m.daily[m.day - 1]
    i = {k: COLUMNS.index(k) for k in ("missed_need", "false_alarms", "dashboard_need_share",
                                       "true_need_share")}
    need = h.need > 0.0
    assert last[i["missed_need"]] == np.count_nonzero(need & ~h.is_shown) / h.n
    assert last[i["false_alarms"]] == np.count_nonzero(h.is_shown & ~need) / h.n
    # the signed gap is their difference: true - shown = missed - false
    gap = col(m, "true_need_share") - col(m, "dashboard_need_share")
    np.testing.assert_allclose(gap, col(m, "missed_need") - col(m, "false_alarms"),
                               atol=1e-12)
    s = m.summary()
    assert s.missed_need_share >= max(0.0, float(np.mean(gap[m.schedule.onset:])))


@pytest.mark.parametrize("seed", SEEDS)
def test_volunteer_burnout_bites_in_a_long_shock(seed):
    """The community's cost that was already there: volunteers burn out, and switching
    burnout off (a threshold never reached) lowers unmet need, where volunteers have
    goods to carry. In the lockdown the shops are shut to them and they are short of
    goods, not of labour; with the warehouse at the top of its plausible range
    pre-positioning stock into depots they may draw on (depot access set here: the
    strategy no longer sets it, since its depots are empty without pre-positioning), and
    no food packages (which would hand the depots' stock out first: with them unmet need
    is 1,127 household-days at seed 1 whatever the threshold), it bites (15,333 against
    13,088 at seed 1, measured at commit 637cae6)."""
    stocked = {"governance.prepositioning": 0.5, "governance.depot_access": True,
               "governance.warehouse_days_per_household": 7.0,
               "governance.warehouse_resupply_per_10k": 3000.0,
               "governance.food_package_days": 0.0}

    def unmet(threshold):
        m = make("community_resilience", "lockdown", n=1_500, days=45, seed=seed,
                 overrides=_with(**stocked, **{"behaviour.burnout_threshold": threshold}))
        m.run()
        return m.summary().unmet_household_days, col(m, "volunteer_days").sum()

    (unmet_on, days_on), (unmet_off, days_off) = unmet(7.0), unmet(100.0)
    assert unmet_on > unmet_off and days_on < days_off
