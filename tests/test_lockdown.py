"""The lockdown as it ran (scenarios/shocks/lockdown.toml; docs/ODD.md 7.5, 7.8.2,
7.8.4): its supply channels each have a dial that turns them off, volunteers face the
shops' closure as households do, and the household differences of the Shanghai survey
(Liu et al. 2023) come out of the mechanisms with the observed signs, checked before any
calibration."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.calibration.outputs import OUTPUTS, Observation, observe
from scenarios.load import load_shock
from tests.engine_helpers import col, make

# Every run at the default warm-up and a year's tenure (the strategies' routine,
# where social capital and trust have settled; issue 21).


def test_the_lockdown_is_staged_and_shuts_shops_to_walk_in_buyers():
    m = make("status_quo", "lockdown", n=2_000, days=90, seed=1)
    s = m.schedule
    east = s.closure[10] > 0
    assert 0 < east.sum() < s.closure.shape[1]  # day 10: half the city
    assert (s.closure[14] == 1.0).all() and (s.closure[73] == 1.0).all()  # 1 April - 1 June
    assert (s.warning[9] > 0).all()  # announced on 27 March for both halves
    assert (s.closure[82] == 0.0).all()
    assert len(load_shock("lockdown").events) == 2


def _channels(overrides, strategy="status_quo", n=900, days=30):
    m = make(strategy, "lockdown", n=n, days=days, seed=4, overrides={**overrides})
    group = packages = 0.0
    h, gr = m.state.households, m.state.grids
    while m.day < m.days:
        m.step()
        if m.day > 14:
            group += gr.group_in_today.sum()
            packages += h.package_in_today.sum()
    return m, group, packages


@pytest.mark.parametrize("dial", ["behaviour.group_buy_days", "governance.food_package_days"])
def test_each_channel_turns_off_with_its_dial(dial):
    m_on, group_on, pack_on = _channels({})
    m_off, group_off, pack_off = _channels({dial: 0.0})
    assert group_on > 0 and pack_on > 0
    if dial == "behaviour.group_buy_days":
        assert group_off == 0 and pack_off > 0
    else:
        assert pack_off == 0 and group_off > 0
    # less comes in, more need is left
    assert col(m_off, "unmet_need")[20:].sum() > col(m_on, "unmet_need")[20:].sum()


def test_platforms_sell_from_the_shops_and_stop_with_their_dial():
    on = make("status_quo", "lockdown", n=900, days=25, seed=4)
    off = make("status_quo", "lockdown", n=900, days=25, seed=4,
               overrides={"behaviour.platform_delivery_days": 0.0})
    on.run()
    off.run()
    # closed to walk-in buyers: the riders' orders are all the shops sell
    assert col(on, "stock_shops")[20] < col(off, "stock_shops")[20]
    assert col(on, "help_self_days")[20] > col(off, "help_self_days")[20]


def test_volunteers_cannot_shop_in_closed_shops():
    """Full closure, no donations and no depot: volunteers have no goods to deliver,
    though the shops are full (before this, they bought from shelves households
    could not reach)."""
    over = {"behaviour.donation_share": 0.0, "governance.depot_access": False}
    m = make("community_resilience", "lockdown", n=900, days=40, seed=2, overrides=over)
    m.run()
    assert col(m, "volunteer_days")[15:38].sum() == 0.0
    assert col(m, "stock_shops")[15:38].min() > 0.0
    assert col(m, "volunteer_days")[:9].sum() >= 0.0


def test_household_differences_have_the_observed_signs():
    """Liu et al. 2023 (Shanghai, 2022): going without is less likely with more
    preparedness and more bonding social capital, more likely with income loss and
    for migrants. Here at a group-buying capacity where part of the city goes without
    (0.5 days a day; about 0.65 go without), two seeds of 1,500 households pooled."""
    over = {"run.tenure_days": 30, "behaviour.group_buy_days": 0.5}
    obs = [observe("top_down_digital", "lockdown", 1_500, s, over) for s in (1, 2)]
    cat = lambda f: np.concatenate([getattr(o, f) for o in obs])  # noqa: E731
    o = Observation(cat("ever_event"), cat("ever_extended"), cat("ever_first3"), cat("hit"),
                    {}, {k: np.concatenate([x.attributes[k] for x in obs])
                         for k in obs[0].attributes})
    share = OUTPUTS["share_ever_in_need"].fn(o)
    assert 0.3 < share < 0.95
    assert OUTPUTS["or_prepared"].fn(o) < 1.0
    assert OUTPUTS["or_bonding_social_capital"].fn(o) < 1.0
    assert OUTPUTS["or_income_loss"].fn(o) > 1.0
    assert OUTPUTS["or_migrant"].fn(o) > 1.0


def test_held_out_income_ratios_have_the_observed_sign():
    """The held-out patterns' income odds ratios come out of the same mechanism with
    the observed sign (above 1: low-income households go without more often), at
    Harvey's flood and Vermont's first COVID-19 weeks; their sizes miss
    (docs/validation.md, section 7), which is reported, not tested. Harvey's
    social-support ratio is left out: its sign is not robust in the model (5-95%
    over the posterior draws 0.65-1.14)."""
    from experiments.calibration.targets import load_targets

    shock = {t.name: t.shock for t in load_targets()}
    over = {"run.tenure_days": 30}
    flood = observe("status_quo", shock["harvey_or_economic_instability"], 1_500, 1, over)
    assert OUTPUTS["or_economic_instability"].fn(flood) > 1.0
    vermont = observe("status_quo", shock["vermont_or_job_loss"], 1_500, 1, over)
    assert OUTPUTS["or_income_loss"].fn(vermont) > 1.0
    low = vermont.attributes["is_low_income"]
    assert vermont.ever_event[low].mean() > vermont.ever_event[~low].mean()


def test_group_buying_reaches_only_buildings_with_a_lead():
    """The unevenness dial (issue 23): a building without a group-buying lead (团长)
    cannot join group orders; the draw is one per building. At 1 (the default) every
    building has one and nothing changes; at 0 no group order comes in."""
    m_all, group_all, _ = _channels({})
    m_none, group_none, _ = _channels({"behaviour.group_buy_lead_share": 0.0})
    m_half, group_half, _ = _channels({"behaviour.group_buy_lead_share": 0.5})
    assert m_all.state.households.has_group_lead.all()
    assert group_none == 0 < group_half < group_all
    h = m_half.state.households
    per_building = [np.unique(h.has_group_lead[h.building == b]) for b in np.unique(h.building)]
    assert all(len(u) == 1 for u in per_building)  # a building's households share its lead
    assert 0.3 < np.mean([u[0] for u in per_building]) < 0.7


def test_the_engines_agree_with_buildings_without_a_lead():
    from tests.engine_helpers import assert_same_run

    over = {"run.warm_up_days": 5, "run.tenure_days": 5, "behaviour.group_buy_lead_share": 0.4}
    fast = make("community_resilience", "lockdown", n=600, days=25, seed=2, overrides=over)
    ref = make("community_resilience", "lockdown", n=600, days=25, seed=2, overrides=over,
               engine="reference")
    fast.run()
    ref.run()
    assert_same_run(fast, ref)
    assert col(fast, "help_self_days").sum() > 0
