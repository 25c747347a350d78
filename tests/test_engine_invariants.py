"""Invariants after every step of every shock, and mutual aid's conservation (worked by hand
and in a run)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.kernels.mutual_aid import offer_mutual_aid, receive_mutual_aid, settle_mutual_aid
from sim.model import ResilienceModel
from tests.engine_helpers import (
    COL,
    SHOCKS,
    col,
    make,
)

# ------------------------------------------------------------- invariants

EVENT_TIMES = ("t_informed", "t_need_start", "t_detected", "t_case", "t_request", "t_visited")


def check_invariants(m: ResilienceModel):
    """What must hold after every step (day m.day - 1 has just been recorded; the
    kernels' day, burn-in included, was m.clock - 1)."""
    d = m.day - 1
    clock = m.clock - 1
    h, v, gr = m.state.households, m.state.volunteers, m.state.grids
    b, g = m.params.behaviour, m.params.governance
    n = h.n
    row = m.daily[d]
    eps = 1e-12
    assert h.reserves.min() >= -eps, h.reserves.min()
    assert h.need.min() >= -eps, h.need.min()
    assert h.need.max() <= b.need_cap_days + eps
    for k in ("wellbeing", "trust", "social_capital", "perception"):
        x = getattr(h, k)
        assert x.min() >= 0.0 and x.max() <= 1.0, k
    assert v.motivation.min() >= 0.0 and v.motivation.max() <= 1.0
    assert v.fatigue.min() >= 0.0
    assert np.all(v.used_today <= v.capacity_today + eps)
    for k in ("bought_today", "aid_in_today", "aid_out_today", "volunteer_in_today",
              "department_in_today", "need_total"):
        assert getattr(h, k).min() >= 0.0, k
    # Times: events are in the past (or -1); scheduled times within their horizon.
    for k in EVENT_TIMES:
        t = getattr(h, k)
        assert t.min() >= -1 and t.max() <= clock, f"{k} = {t.max()} on day {clock}"
    latency = g.direct_latency_days if g.direct_dispatch else g.central_latency_days
    assert h.t_dispatch.min() >= -1 and h.t_dispatch.max() <= clock + latency
    assert h.t_hardship_end.min() >= -1 and h.t_hardship_end.max() <= clock + b.hardship_days
    dispatched = h.t_dispatch >= 0
    assert np.all(h.t_case[dispatched] >= 0), "a dispatched case that is not open"
    assert np.all(h.t_dispatch[dispatched] >= h.t_case[dispatched])
    detected = h.t_detected >= 0
    assert np.all(h.t_need_start[detected] >= 0)
    assert np.all(h.t_detected[detected] >= h.t_need_start[detected])
    in_need = h.need > 0
    assert np.all(h.t_need_start[in_need] >= 0) and np.all(h.was_in_need[in_need])
    assert not np.any(h.was_detected & ~h.was_in_need)
    # The day's row agrees with the state.
    crisis = h.wellbeing < b.crisis_threshold
    assert row[COL["in_crisis"]] == row[COL["in_crisis_vulnerable"]] + row[COL["in_crisis_other"]]
    assert row[COL["in_crisis"]] == crisis.sum()
    assert row[COL["in_crisis_vulnerable"]] == (crisis & h.is_vulnerable).sum()
    assert row[COL["in_need"]] == in_need.sum()
    q = row[COL["functionality"]]
    assert 0.0 <= q <= 1.0 and q == pytest.approx(1.0 - in_need.sum() / n, abs=1e-15)
    assert row[COL["true_need_share"]] == pytest.approx(1.0 - q, abs=1e-15)
    assert row[COL["wellbeing_mean"]] == pytest.approx(h.wellbeing.mean(), abs=1e-12)
    assert row[COL["unmet_need"]] == pytest.approx(h.need.sum(), abs=1e-9)
    dash = row[COL["dashboard_need_share"]]
    assert 0.0 <= dash <= 1.0
    assert row[COL["illusion_gap"]] == pytest.approx(row[COL["true_need_share"]] - dash,
                                                     abs=1e-15)
    if m.schedule.platform[d] > 0.5:
        assert dash == pytest.approx(h.is_on_dashboard.sum() / n, abs=1e-15)
    channels = sum(row[COL[k]] for k in ("detected_visit", "detected_sensing",
                                         "detected_request", "detected_chat"))
    assert channels == (h.detected_by > 0).sum()
    assert row[COL["new_detections"]] == (h.t_detected == clock).sum()
    assert row[COL["new_detections"]] <= channels
    assert row[COL["open_cases"]] == (h.t_case >= 0).sum()
    assert row[COL["informed"]] == (h.t_informed >= 0).sum()
    assert row[COL["visits"]] == gr.visits_today.sum() == (h.t_visited == clock).sum()
    assert np.all(gr.visits_today <= gr.stop - gr.start)
    assert np.all(gr.visits_today <= math.floor(g.visit_capacity * (1 - g.reporting_burden)) + 1)
    # departments' visits use capacity; deliveries go only to homes still in need
    assert row[COL["served_department"]] == (h.department_in_today > 0).sum()
    assert row[COL["served_department"]] <= m.state.department_served_today.sum()
    assert row[COL["help_neighbours_days"]] == pytest.approx(h.aid_out_today.sum(), abs=1e-9)
    assert row[COL["volunteer_days"]] == pytest.approx(row[COL["help_volunteers_days"]],
                                                       abs=1e-9)
    assert row[COL["volunteer_days"]] == pytest.approx(gr.volunteer_today.sum(), abs=1e-9)
    assert row[COL["help_departments_days"]] == pytest.approx(gr.formal_today.sum(), abs=1e-9)


@pytest.mark.parametrize("shock", [*SHOCKS, "none"])
@pytest.mark.parametrize("strategy", ["status_quo", "grassroots_empowerment"])
def test_invariants_hold_every_day(strategy, shock):
    m = make(strategy, shock, n=2_000, days=60, seed=6)
    h = m.state.households
    assert m.clock == m.burn_in == 30 + 365 and m.day == 0  # warm-up and tenure have run
    in_hardship = h.t_hardship_end >= m.clock
    assert np.all(h.reserves >= 0) and np.all(h.need >= 0)
    assert np.all(h.need[h.need > 0] <= m.params.behaviour.need_cap_days)
    assert 0 < in_hardship.mean() < 0.1  # everyday hardship has settled in
    assert np.array_equal(h.was_in_need, h.need > 0)  # the run's flags start now
    while m.day < m.days:
        m.step()
        check_invariants(m)
    with pytest.raises(RuntimeError, match="over"):
        m.step()


# ---------------------------------------------------------------- mutual aid


def five_node_network():
    """Ties (strength): 0-1 (1.0), 0-2 (0.5), 1-2 (0.3), 1-3 (0.5), 2-3 (0.5), 3-4 (1.0)."""
    indptr = np.array([0, 2, 5, 8, 11, 12], dtype=np.int64)
    indices = np.array([1, 2, 0, 2, 3, 0, 1, 3, 1, 2, 4, 3], dtype=np.int32)
    weight = np.array([1.0, 0.5, 1.0, 0.3, 0.5, 0.5, 0.3, 0.5, 0.5, 0.5, 1.0, 1.0])
    return indptr, indices, weight


def test_mutual_aid_kernels_worked_by_hand():
    indptr, indices, weight = five_node_network()
    # Households 1, 2 and 4 ask their ties; 0 and 3 have surplus. Household 1 has
    # reserves but is asking, so it offers nothing; 2 asks with a small need.
    need = np.array([0.0, 2.0, 0.5, 0.0, 10.0])
    asked = np.array([0, 4, 4 | 1, 0, 4], dtype=np.uint8)
    reserves = np.array([7.0, 10.0, 0.0, 5.0, 0.0])
    social = np.array([0.5, 0.9, 0.9, 1.0, 0.9])
    keep, share = 3.0, 0.5
    n = 5
    scale, frac = np.zeros(n), np.zeros(n)
    aid_in, aid_out = np.zeros(n), np.zeros(n)
    net = {"indptr": indptr, "indices": indices, "weight": weight}
    offer_mutual_aid(**net, need=need, asked_today=asked, reserves=reserves,
                     social_capital=social, aid_keep_days=keep, aid_share=share,
                     aid_scale=scale)
    # Donor 0: surplus 4, offers 0.5 * 0.5 * 4 = 1 over ties to 1 (1.0) and 2 (0.5): 1 / 1.5.
    # Donor 3: surplus 2, offers 0.5 * 1.0 * 2 = 1 over ties to 1, 2 (0.5 each), 4 (1.0): 1 / 2.
    np.testing.assert_allclose(scale, [2 / 3, 0, 0, 0.5, 0], rtol=1e-15)
    receive_mutual_aid(**net, need=need, asked_today=asked, aid_scale=scale, aid_frac=frac,
                       aid_in_today=aid_in)
    # 1 is offered 2/3 * 1.0 + 1/2 * 0.5 = 11/12 < need 2: takes all (frac 1).
    # 2 is offered 2/3 * 0.5 + 1/2 * 0.5 = 7/12 > need 0.5: takes 0.5 (frac 6/7).
    # 4 is offered 1/2 * 1.0 = 1/2 < need 10: takes all.
    np.testing.assert_allclose(aid_in, [0, 11 / 12, 0.5, 0, 0.5], rtol=1e-15)
    np.testing.assert_allclose(frac, [0, 1, 6 / 7, 0, 1], rtol=1e-15)
    consumed = np.zeros(n)
    settle_mutual_aid(**net, aid_scale=scale, aid_frac=frac, aid_in_today=aid_in,
                      reserves=reserves, need=need, aid_out_today=aid_out,
                      consumed_today=consumed)
    np.testing.assert_array_equal(consumed, aid_in)  # accepted aid pays need: used up
    # 0 gives 2/3 * (1.0 * 1 + 0.5 * 6/7) = 20/21; 3 gives 1/2 * (0.5 + 0.5 * 6/7 + 1) = 27/28.
    np.testing.assert_allclose(aid_out, [20 / 21, 0, 0, 27 / 28, 0], rtol=1e-15)
    assert aid_out.sum() == pytest.approx(aid_in.sum(), abs=1e-15)
    assert aid_in.sum() == pytest.approx(23 / 12, abs=1e-15)
    np.testing.assert_allclose(reserves, [7 - 20 / 21, 10, 0, 5 - 27 / 28, 0], rtol=1e-15)
    np.testing.assert_allclose(need, [0, 2 - 11 / 12, 0, 0, 9.5], rtol=1e-15, atol=1e-15)
    # Nobody gave more than its offer, nor went below what it keeps.
    assert reserves[0] >= keep and reserves[3] >= keep


def test_mutual_aid_without_asking_or_surplus_moves_nothing():
    indptr, indices, weight = five_node_network()
    n = 5
    need = np.array([0.0, 2.0, 0.0, 0.0, 1.0])
    asked = np.zeros(n, dtype=np.uint8)  # in need, but nobody asks the ties
    reserves = np.full(n, 9.0)
    scale, frac, aid_in, aid_out = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    net = {"indptr": indptr, "indices": indices, "weight": weight}
    offer = {**net, "need": need, "asked_today": asked, "reserves": reserves,
             "social_capital": np.ones(n), "aid_keep_days": 3.0, "aid_share": 0.5,
             "aid_scale": scale}
    offer_mutual_aid(**offer)
    assert np.all(scale == 0)
    asked[:] = 4  # now everyone asks; nobody asking gives
    offer_mutual_aid(**offer)
    # 0, 2, 3 are not in need, so they are not "asking" and do offer.
    assert np.all(scale[[1, 4]] == 0) and np.all(scale[[0, 2, 3]] > 0)
    receive_mutual_aid(**net, need=need, asked_today=asked, aid_scale=scale, aid_frac=frac,
                       aid_in_today=aid_in)
    consumed = np.zeros(n)
    settle_mutual_aid(**net, aid_scale=scale, aid_frac=frac, aid_in_today=aid_in,
                      reserves=reserves, need=need, aid_out_today=aid_out,
                      consumed_today=consumed)
    np.testing.assert_array_equal(consumed, aid_in)  # accepted aid pays need: used up
    assert aid_in.sum() == pytest.approx(aid_out.sum(), abs=1e-14)
    assert np.all(need >= 0) and np.all(reserves >= 3.0)


def test_mutual_aid_conserves_in_a_lockdown():
    drops, gifts = [], []
    before = {}

    def watch(model, phase, seconds):
        """Around phase 6a: reserves given equal aid_out, need met equals aid_in."""
        h = model.state.households
        if phase == "dispatch_cases":  # the state mutual aid starts from
            before.update(reserves=h.reserves.copy(), need=h.need.copy())
        elif phase == "mutual_aid":
            np.testing.assert_allclose(before["reserves"] - h.reserves, h.aid_out_today,
                                       rtol=0, atol=1e-12)
            np.testing.assert_allclose(before["need"] - h.need, h.aid_in_today, rtol=0,
                                       atol=1e-12)
            drops.append((before["reserves"] - h.reserves).sum())
            gifts.append(h.aid_in_today.sum())

    m = make("status_quo", "lockdown", n=3_000, days=45, seed=2)
    m.observers.append(watch)
    while m.day < m.days:
        m.step()
        h = m.state.households
        given = h.aid_out_today.sum()
        assert col(m, "help_neighbours_days")[-1] == pytest.approx(given, abs=1e-9)
        assert h.aid_in_today.sum() == pytest.approx(given, abs=1e-9)
    assert len(drops) > 20 and sum(drops) > 100.0  # aid flowed on most days
    np.testing.assert_allclose(drops, gifts, rtol=0, atol=1e-9)


def test_an_observed_day_is_the_planned_day():
    """With observers the day runs phase by phase (`run_phase`, timed); without,
    from the plan of bound calls made once: the same kernels in the same order,
    so the same record, to the bit."""
    from tests.engine_helpers import assert_same_run

    ov = {"run.warm_up_days": 4, "run.tenure_days": 4}
    a = make("top_down_digital", "lockdown", n=600, days=20, seed=3, overrides=ov)
    a.run()
    b = make("top_down_digital", "lockdown", n=600, days=20, seed=3, overrides=ov)
    seen = []
    b.observers.append(lambda m, name, seconds: seen.append(name))
    b.run()
    assert seen.count("record") == 20 and len(seen) == 20 * len(b.phases)
    assert_same_run(a, b)
