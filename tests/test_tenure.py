"""Tenure: every strategy starts from the status quo's city and runs its own routine
for `run.tenure_days` before day 0."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np

from sim.params import LEVERS, STATUS_QUO, Params
from tests.engine_helpers import STRATEGIES, make, state_arrays

ROOT = Path(__file__).resolve().parents[1]


def test_status_quo_levers_are_the_status_quo_strategy():
    """The warm-up runs STATUS_QUO: the status_quo strategy's file sets exactly those values."""
    with open(ROOT / "scenarios" / "strategies" / "status_quo.toml", "rb") as f:
        gov = tomllib.load(f)["governance"]
    assert set(gov) == set(LEVERS)
    assert {f"governance.{k}": v for k, v in gov.items()} == STATUS_QUO


def test_tenure_zero_every_strategy_starts_from_the_same_state():
    models = {s: make(s, "none", n=3_000, days=5, seed=21,
                      overrides={"run.tenure_days": 0}) for s in STRATEGIES}
    base = state_arrays(models["status_quo"])
    # what a strategy is, not what it has done: its registries and department capacity
    fixed = {"households.is_registry_open", "households.is_known"}
    for s, m in models.items():
        assert m.clock == m.burn_in == 30
        for k, v in state_arrays(m).items():
            if k not in fixed:
                np.testing.assert_array_equal(v, base[k], err_msg=f"{s}: {k}")


def test_social_capital_under_community_strategies_rises_with_tenure():
    means = {}
    for s in ("status_quo", "community_resilience", "grassroots_empowerment"):
        for tenure in (0, 60, 365):
            m = make(s, "none", n=3_000, days=5, seed=3, overrides={"run.tenure_days": tenure})
            means[s, tenure] = m.state.households.social_capital.mean()
    for s in ("community_resilience", "grassroots_empowerment"):
        assert means[s, 0] < means[s, 60] < means[s, 365]
        assert means[s, 365] > means["status_quo", 365] + 0.05
    assert means["status_quo", 0] == means["community_resilience", 0]
    # status quo: only the aid of daily life moves it, a little
    assert abs(means["status_quo", 365] - means["status_quo", 0]) < 0.05


def test_the_city_starts_at_the_status_quo_steady_state():
    """Social capital as built is the status quo's steady state (no investment, no
    chat groups: the baseline), whatever the strategy."""
    m = make("community_resilience", "none", n=1_000, days=1, seed=2,
             overrides={"run.warm_up_days": 0, "run.tenure_days": 0})
    h = m.state.households
    np.testing.assert_array_equal(h.social_capital, h.social_capital0)
    assert Params().run.tenure_days == 365
