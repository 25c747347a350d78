"""The model's inputs: unknown names and bad overrides, the order of overrides, and one run
at a million households."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scenarios import make_model
from sim.errors import ParameterError, ScenarioError
from tests.engine_helpers import (
    SHOCKS,
    STRATEGIES,
    col,
    make,
)

# ------------------------------------------------------------- bad input


def test_unknown_strategy_or_shock_lists_known_names():
    with pytest.raises(ScenarioError) as e:
        make_model("status_kwo", "flood", n_households=300, days=2)
    for name in STRATEGIES:
        assert name in str(e.value)
    with pytest.raises(ScenarioError) as e:
        make_model("status_quo", "tsunami", n_households=300, days=2)
    for name in SHOCKS:
        assert name in str(e.value)


def test_unknown_engine_is_a_parameter_error():
    with pytest.raises(ParameterError, match="engine 'fast' is unknown.*numba.*reference"):
        make_model("status_quo", "flood", n_households=300, days=2, engine="fast")


def test_bad_overrides_are_parameter_errors():
    with pytest.raises(ParameterError, match="did you mean governance.data_openness"):
        make_model(n_households=300, days=2, overrides={"governance.data_opennes": 0.5})
    with pytest.raises(ParameterError, match="'population.n_households'"):
        make_model(n_households=3, days=2)


def test_strategy_then_overrides_then_shortcuts():
    m = make_model("top_down_digital", "none", n_households=500, days=3, seed=9,
                        overrides={"governance.kpi_pressure": 0.1, "run.days": 50})
    assert m.params.governance.reporting_burden == 0.6  # from the strategy
    assert m.params.governance.kpi_pressure == 0.1  # override beats strategy
    assert m.days == 3 and m.params.run.seed == 9  # shortcut beats override


# ------------------------------------------------------------- scale


def test_a_million_households_run_twelve_days():
    m = make("status_quo", "flood", n=1_000_000, days=12, seed=1,  # the flood starts on day 10
             overrides={"run.tenure_days": 0})
    s = m.run()
    assert m.day == 12 and m.state.households.n == 1_000_000
    assert np.all(np.isfinite(m.daily))
    q = col(m, "functionality")
    assert np.all((q >= 0.0) & (q <= 1.0))
    for k, v in s.as_dict().items():
        assert math.isfinite(v), k  # every outcome is defined for every run
    assert 0.0 <= s.robustness <= 1.0
    assert col(m, "visits").sum() > 0 and col(m, "in_need").sum() > 0
