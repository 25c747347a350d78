"""Tests of sim/inputs.py (shock schedules) and of every built-in scenario."""

from __future__ import annotations

import numpy as np
import pytest

from scenarios import available, load_shock, load_strategy, make_model
from sim.errors import ScenarioError
from sim.inputs import NO_SHOCK, Event, GridSelector, Shock, Strategy, check_shock, schedule

# Eight grids; the lowest quarter (two grids) are 1 (0.1) and 5 (0.2).
ELEVATION = np.array([0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.8, 0.4])
COMMUNITY = np.array([0, 0, 0, 0, 1, 1, 1, 1])
LOW = np.array([False, True, False, False, False, True, False, False])
DAYS = 20


def sched(*events: Event, days: int = DAYS):
    return schedule(Shock("test", tuple(events)), days, ELEVATION, COMMUNITY)


def assert_untouched(s, *channels: str):
    """The named channels hold their normal value every day in every grid."""
    normal = {"hazard": 0.0, "heat": 0.0, "supply": 1.0, "power": 1.0, "telecom": 1.0,
              "income": 1.0, "warning": 0.0, "platform": 1.0}
    for ch in channels:
        assert np.all(getattr(s, ch) == normal[ch]), ch


def test_no_shock_is_normal_everywhere():
    s = schedule(NO_SHOCK, DAYS, ELEVATION, COMMUNITY)
    assert s.hazard.shape == (DAYS, 8) and s.platform.shape == (DAYS,)
    assert_untouched(s, "hazard", "heat", "supply", "power", "telecom", "income", "warning",
                     "platform")
    assert s.onset == DAYS


def test_flood_hits_exactly_the_lowest_quarter():
    s = sched(Event("flood", start=5, days=3, grids=GridSelector(lowest_share=0.25),
                    intensity=0.8))
    assert s.onset == 5
    on = np.zeros(DAYS, dtype=bool)
    on[5:8] = True
    for d in range(DAYS):
        if on[d]:
            np.testing.assert_array_equal(s.hazard[d], np.where(LOW, 0.8, 0.0))
            np.testing.assert_allclose(s.supply[d], np.where(LOW, 1 - 0.8 * 0.8, 1.0))
            np.testing.assert_array_equal(s.power[d], np.where(LOW, 0.0, 1.0))
            np.testing.assert_array_equal(s.warning[d], np.where(LOW, 0.8, 0.0))
        else:
            assert np.all(s.hazard[d] == 0) and np.all(s.supply[d] == 1)
            assert np.all(s.power[d] == 1) and np.all(s.warning[d] == 0)
    assert_untouched(s, "heat", "telecom", "income", "platform")


def test_lowest_share_rounds_to_whole_grids():
    mask = GridSelector(lowest_share=0.25).mask(ELEVATION, COMMUNITY)
    np.testing.assert_array_equal(mask, LOW)
    assert GridSelector(lowest_share=0.5).mask(ELEVATION, COMMUNITY).sum() == 4
    assert GridSelector(lowest_share=0.0).mask(ELEVATION, COMMUNITY).sum() == 0
    np.testing.assert_array_equal(GridSelector(communities=(1,)).mask(ELEVATION, COMMUNITY),
                                  COMMUNITY == 1)
    # Out-of-range grid ids are ignored.
    np.testing.assert_array_equal(GridSelector(grids=(2, 99)).mask(ELEVATION, COMMUNITY),
                                  np.arange(8) == 2)


def test_lead_days_start_the_warning_early():
    s = sched(Event("flood", start=6, days=3, grids=GridSelector(lowest_share=0.25),
                    intensity=0.8, lead_days=2))
    low = s.warning[:, LOW]
    assert np.all(low[:4] == 0.0)
    assert np.all(low[4:9] == 0.8)  # days 4, 5 (forecast) and 6-8 (the event)
    assert np.all(low[9:] == 0.0)
    assert np.all(s.warning[:, ~LOW] == 0.0)
    # The forecast changes nothing else before onset.
    assert np.all(s.hazard[:6] == 0.0) and np.all(s.supply[:6] == 1.0)
    assert s.onset == 6
    # A lead longer than the start is clipped at day 0.
    s = sched(Event("lockdown", start=1, days=2, intensity=0.5, lead_days=5))
    assert np.all(s.warning[0:3] == 0.5) and np.all(s.warning[3:] == 0.0)


def test_recovery_days_ramp_linearly_back():
    s = sched(Event("flood", start=5, days=3, grids=GridSelector(lowest_share=0.25),
                    intensity=0.8, recovery_days=3))
    g = int(np.flatnonzero(LOW)[0])
    # Days 8, 9, 10 go 1/4, 2/4, 3/4 of the way back; day 11 is normal.
    np.testing.assert_allclose(s.hazard[5:12, g], [0.8, 0.8, 0.8, 0.6, 0.4, 0.2, 0.0])
    np.testing.assert_allclose(s.power[5:12, g], [0, 0, 0, 0.25, 0.5, 0.75, 1.0])
    np.testing.assert_allclose(s.supply[5:12, g],
                               [0.36, 0.36, 0.36, 0.52, 0.68, 0.84, 1.0])
    # The forecast ends with the event, not with the recovery.
    assert s.warning[7, g] == 0.8 and s.warning[8, g] == 0.0
    assert np.all(s.hazard[:, ~LOW] == 0.0)


def test_overlapping_events_take_the_worst_value():
    s = sched(Event("flood", start=5, days=4, intensity=0.5),  # all grids
              Event("flood", start=7, days=4, grids=GridSelector(grids=(0,)), intensity=0.9),
              Event("lockdown", start=6, days=2, intensity=0.9))
    # Grid 0: hazard max(0.5, 0.9) on days 7-8; supply min(0.6, 0.1, 1 - 0.72).
    np.testing.assert_allclose(s.hazard[4:12, 0], [0, 0.5, 0.5, 0.9, 0.9, 0.9, 0.9, 0])
    np.testing.assert_allclose(s.supply[4:12, 0], [1, 0.6, 0.1, 0.1, 0.28, 0.28, 0.28, 1])
    np.testing.assert_allclose(s.supply[4:12, 1], [1, 0.6, 0.1, 0.1, 0.6, 1, 1, 1])
    np.testing.assert_allclose(s.warning[4:12, 0], [0, 0.5, 0.9, 0.9, 0.9, 0.9, 0.9, 0])
    assert s.onset == 5


def test_explicit_channel_overrides_the_kind_default():
    s = sched(Event("flood", start=2, days=2, intensity=1.0, power=0.5, supply=0.7))
    assert np.all(s.power[2:4] == 0.5) and np.all(s.supply[2:4] == 0.7)
    assert np.all(s.hazard[2:4] == 1.0)


def test_platform_outage_sets_platform_to_zero_only():
    s = sched(Event("platform_outage", start=3, days=4, recovery_days=1))
    np.testing.assert_allclose(s.platform[:9], [1, 1, 1, 0, 0, 0, 0, 0.5, 1])
    assert np.all(s.platform[9:] == 1)
    assert_untouched(s, "hazard", "heat", "supply", "power", "telecom", "income")


def test_platform_outage_issues_no_hazard_warning():
    s = sched(Event("platform_outage", start=3, days=4))
    assert_untouched(s, "warning")


@pytest.mark.parametrize("kind, channel, value", [
    ("lockdown", "supply", 0.3), ("heatwave", "heat", 0.7), ("economic", "income", 0.3),
])
def test_other_kinds_documented_effect(kind, channel, value):
    s = sched(Event(kind, start=2, days=2, intensity=0.7))
    assert np.all(getattr(s, channel)[2:4] == pytest.approx(value))
    others = {"hazard", "heat", "supply", "power", "telecom", "income", "platform"} - {channel}
    assert_untouched(s, *others)


def test_blackout_cuts_power_and_telecom():
    s = sched(Event("blackout", start=2, days=1, grids=GridSelector(communities=(0,))))
    assert np.all(s.power[2, COMMUNITY == 0] == 0) and np.all(s.telecom[2, COMMUNITY == 0] == 0)
    assert np.all(s.power[2, COMMUNITY == 1] == 1)
    assert_untouched(s, "hazard", "heat", "supply", "income", "platform")


def test_events_past_the_horizon_are_clipped():
    s = sched(Event("flood", start=18, days=10, recovery_days=5, lead_days=3))
    assert np.all(s.hazard[18:] == 1.0) and np.all(s.warning[15:] == 1.0)
    s = sched(Event("flood", start=30, days=2))
    assert np.all(s.hazard == 0.0) and s.onset == 30


@pytest.mark.parametrize("kwargs, match", [
    ({"kind": "tsunami", "start": 1, "days": 1}, "kind 'tsunami' is unknown"),
    ({"kind": "flood", "start": -1, "days": 1}, "start = -1"),
    ({"kind": "flood", "start": 1, "days": 0}, "days = 0"),
    ({"kind": "flood", "start": 1, "days": 2, "lead_days": -2}, "lead_days = -2"),
    ({"kind": "flood", "start": 1, "days": 2, "recovery_days": -1}, "recovery_days = -1"),
])
def test_bad_event_raises(kwargs, match):
    with pytest.raises(ScenarioError, match=match):
        Event(**kwargs)


def test_unknown_kind_error_lists_kinds():
    with pytest.raises(ScenarioError) as e:
        Event("tsunami", 1, 1)
    for kind in ("flood", "lockdown", "heatwave", "blackout", "platform_outage", "economic"):
        assert kind in str(e.value)


# ------------------------------------------------------------- built-ins

SHOCKS = sorted(available("shock"))
STRATEGIES = sorted(available("strategy"))


def test_builtins_are_all_there():
    assert set(SHOCKS) >= {"flood", "lockdown", "heatwave_blackout", "platform_outage",
                           "economic", "compound"}
    assert set(STRATEGIES) >= {"status_quo", "top_down_digital", "community_resilience",
                               "grassroots_empowerment"}


@pytest.mark.parametrize("name", SHOCKS)
def test_builtin_shock_loads_and_runs(name):
    shock = load_shock(name)
    assert isinstance(shock, Shock) and shock.name == name and shock.events
    m = make_model("status_quo", name, n_households=600, days=30, seed=2)
    check_shock(m.shock, m.days, m.state.grids.community, 600)  # it touches the city
    s = m.run()
    assert m.day == 30 and m.shock == shock
    assert np.all(np.isfinite(m.daily))
    assert 0.0 <= s.robustness <= 1.0


@pytest.mark.parametrize("name", STRATEGIES)
def test_builtin_strategy_loads_and_runs(name):
    strategy = load_strategy(name)
    assert isinstance(strategy, Strategy) and strategy.name == name and strategy.values
    m = make_model(name, "flood", n_households=600, days=30, seed=2)
    m.run()
    for key, value in strategy.as_dict().items():
        assert m.params.get(key) == value
    assert np.all(np.isfinite(m.daily))


def test_strategy_table_of_the_design():
    """The built-ins carry the lever levels of docs/ODD.md section 6.2 (built-in strategies)."""
    g = {n: {k.split(".", 1)[1]: v for k, v in load_strategy(n).as_dict().items()}
         for n in STRATEGIES}
    sq, td = g["status_quo"], g["top_down_digital"]
    cr, ge = g["community_resilience"], g["grassroots_empowerment"]
    assert td["platform_sensing"] > sq["platform_sensing"] > cr["platform_sensing"]
    assert ge["platform_sensing"] > sq["platform_sensing"]
    assert td["reporting_burden"] > sq["reporting_burden"] > cr["reporting_burden"]
    assert ge["data_openness"] > cr["data_openness"] > sq["data_openness"]
    assert td["data_openness"] == sq["data_openness"]
    assert ge["direct_dispatch"] and cr["direct_dispatch"]  # horizontal coordination too
    assert not td["direct_dispatch"] and not sq["direct_dispatch"]
    for s in (cr, ge):
        assert s["chat_groups"] and s["volunteer_coordination"]
    for s in (sq, td):
        assert not s["chat_groups"] and not s["volunteer_coordination"]
    assert ge["chat_to_platform"] and not cr["chat_to_platform"]
    inv = "social_capital_investment"
    assert cr[inv] > ge[inv] > sq[inv] == td[inv] == 0.0
