"""Issue 12's fixes, each held by a directional or worked test: cases close only once
need has stayed at zero (no sensing paradox), paper closures are not coverage, chat
groups carry warnings where the platform cannot, trust relaxes toward its baseline,
and help the grid coordinates earns trust."""

from __future__ import annotations

import numpy as np
import pytest

from tests.engine_helpers import col, make

SEEDS = (1, 2, 3)


def household_days_in_need(strategy, shock, overrides, n=3_000, days=90, seeds=SEEDS):
    """Unmet household-days summed over paired seeds, and the models."""
    runs = []
    for seed in seeds:
        m = make(strategy, shock, n=n, days=days, seed=seed, overrides=overrides)
        m.run()
        runs.append(m)
    return sum(col(m, "in_need").sum() for m in runs), runs


# ------------------------------------------------------------ (a) case closure


@pytest.mark.parametrize("shock", ["flood", "lockdown"])
def test_more_sensing_does_not_raise_unmet_need(shock):
    """The sensing paradox is gone: a case no longer closes the first day sensing sees
    need at zero, so more sensing (0 -> 1) does not raise unmet household-days."""
    lo, _ = household_days_in_need("status_quo", shock, {"governance.platform_sensing": 0.0})
    hi, runs = household_days_in_need("status_quo", shock, {"governance.platform_sensing": 1.0})
    assert hi <= lo
    assert sum(col(m, "detected_sensing").sum() for m in runs) > 0


def test_closing_on_the_first_day_of_zero_need_is_the_paradox():
    """close_after_days = 0 is the old rule: in the flood, full sensing then closes
    cases of households still in hardship and raises unmet need (the test above can fail)."""
    first_day = {"governance.close_after_days": 0}
    lo, _ = household_days_in_need("status_quo", "flood",
                                   {**first_day, "governance.platform_sensing": 0.0})
    hi, _ = household_days_in_need("status_quo", "flood",
                                   {**first_day, "governance.platform_sensing": 1.0})
    assert hi > 1.02 * lo


def test_a_case_closes_only_after_need_has_stayed_at_zero():
    """Worked: no case closed today by sensing, a visit or coordinated volunteers
    belongs to a household whose need was positive within close_after_days days
    (no departments: they close the cases they serve; no information loss on the
    way to them: a lost case returns closed, in need, by design)."""
    closes = 3
    for strategy in ("top_down_digital", "community_resilience"):
        m = make(strategy, "flood", n=2_000, days=40, seed=4,
                 overrides={"governance.platform_sensing": 1.0,
                            "governance.close_after_days": closes,
                            "governance.dept_capacity_per_10k": 0.0,
                            "governance.central_info_loss": 0.0,
                            "governance.direct_info_loss": 0.0})
        h = m.state.households
        n_closed = 0
        for _ in range(m.days):
            open_before = h.t_case >= 0
            m.step()
            closed = open_before & (h.t_case < 0)
            assert np.all(m.clock - 1 - h.t_need_last[closed] >= closes)
            assert np.all(h.need[closed] == 0.0)
            n_closed += int(closed.sum())
        assert n_closed > 0  # the check ran on real closures


# ------------------------------------------------- (b) coverage and paper closures


def test_paper_closures_do_not_count_as_coverage():
    cover = {}
    for kpi in (0.0, 0.8):
        _, runs = household_days_in_need("status_quo", "flood", {"governance.kpi_pressure": kpi})
        cover[kpi] = np.mean([m.summary().vulnerable_coverage for m in runs])
    assert cover[0.8] < cover[0.0] - 0.05


def test_every_closure_on_paper_leaves_the_household_undetected():
    """kpi_pressure = 1: every visit that finds need closes it on paper, so visits
    detect nobody and no household is detected by a visit."""
    m = make("status_quo", "flood", n=2_000, days=30, seed=2,
             overrides={"governance.kpi_pressure": 1.0, "governance.platform_sensing": 0.0})
    m.run()
    assert col(m, "visits").sum() > 0 and col(m, "detected_visit").sum() == 0


# ------------------------------------------------------ (c) chat-group warnings


def test_chat_groups_warn_where_the_platform_cannot():
    """With platform warnings off, chat-group warnings (relayed by grid workers)
    change who is in need in the flood; without the relay they change almost nothing
    (the first member to pass a warning on learns it too late: docs/mechanisms.md).

    Since shops hold a limited stock (docs/ODD.md 7.5) the sign has moved twice: while
    the flood spoiled homes' stock but not the shelves, warned households that stocked
    up lost goods that were safe on the shelf and need rose (4,043 household-days
    against 2,908 without chat warnings); with shop stock exposed too (7.3) warnings
    lower it (3 seeds: 6,065 against 6,567), and on the model of commit c9e1437 (the
    warehouse, depots and triage queue) by 10% (7,442 against 8,229 household-days). So
    the test asks for that measured direction, relayed warnings lowering need by at
    least 3% (a change that flips or removes it fails), and that without the relay they
    move need by under 1% (shared shelves let even a late warning shift who gets the
    goods: 2,261 against 2,265 at seed 1)."""
    off = {"behaviour.warning_reach": 0.0}
    quiet, _ = household_days_in_need("community_resilience", "flood",
                                      {**off, "behaviour.chat_warning": 0.0})
    heard, _ = household_days_in_need("community_resilience", "flood",
                                      {**off, "behaviour.chat_warning": 0.5})
    assert heard < 0.97 * quiet, f"chat warnings: {heard:,.0f} against {quiet:,.0f} without"
    no_relay = {**off, "behaviour.chat_relay": False}
    a, _ = household_days_in_need("community_resilience", "flood",
                                  {**no_relay, "behaviour.chat_warning": 0.0}, seeds=SEEDS[:1])
    b, _ = household_days_in_need("community_resilience", "flood",
                                  {**no_relay, "behaviour.chat_warning": 0.5}, seeds=SEEDS[:1])
    assert abs(a - b) < 0.01 * a


# ---------------------------------------------------------------------- (d, e) trust


@pytest.mark.parametrize("strategy", ["status_quo", "community_resilience"])
def test_trust_holds_its_baseline_in_quiet_runs(strategy):
    m = make(strategy, "none", n=3_000, days=180, seed=1)
    h = m.state.households
    m.run()
    t = col(m, "trust_mean")
    assert np.all(np.abs(t - t[0]) < 0.005)
    assert abs(t[-1] - h.trust0.mean()) < 0.02


def test_trust_relaxes_back_to_its_baseline():
    """Worked: with no gain or loss, trust raised above its baseline decays back as
    t - t0 = (1 - relax)^days (t - t0)."""
    quiet = {"behaviour.trust_gain": 0.0, "behaviour.trust_loss": 0.0,
             "behaviour.trust_gain_coordinated": 0.0, "behaviour.hardship_rate": 0.0}
    m = make("status_quo", "none", n=500, days=10, seed=1, overrides=quiet)
    h = m.state.households
    h.trust[:] = np.minimum(1.0, h.trust0 + 0.2)
    gap0 = h.trust - h.trust0
    m.run()
    relax = m.params.behaviour.trust_relax
    np.testing.assert_allclose(h.trust - h.trust0, gap0 * (1.0 - relax) ** 10, rtol=1e-9)


def test_coordinated_help_earns_trust():
    for shock in ("flood", "lockdown"):
        end = {}
        for coordinated in (False, True):
            _, runs = household_days_in_need(
                "community_resilience", shock,
                {"governance.volunteer_coordination": coordinated}, seeds=SEEDS[:2])
            end[coordinated] = np.mean([col(m, "trust_mean")[-1] for m in runs])
        assert end[True] > end[False]
    # and the gain itself: with it off, coordination earns no trust of its own
    _, on = household_days_in_need("community_resilience", "lockdown", {}, seeds=SEEDS[:1])
    _, off = household_days_in_need("community_resilience", "lockdown",
                                    {"behaviour.trust_gain_coordinated": 0.0}, seeds=SEEDS[:1])
    assert col(on[0], "trust_mean")[-1] > col(off[0], "trust_mean")[-1] + 0.01
