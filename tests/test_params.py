"""Tests of sim/params.py: specs, validation, overrides and command-line parsing."""

from __future__ import annotations

import dataclasses
import math

import pytest

from sim.errors import ParameterError
from sim.params import SPECS, Params, PopulationPars, parse_override, spec

# ------------------------------------------------------------------- defaults


def test_defaults_validate_and_match_specs():
    p = Params()
    flat = p.to_dict()
    assert set(flat) == set(SPECS)
    for name, value in flat.items():
        sp = SPECS[name]
        assert value == sp.default, name
        assert type(value) is sp.type, name
        assert sp.check(value) == value, name
        assert p.get(name) == value


def test_every_spec_is_documented_and_its_default_within_bounds():
    assert len(SPECS) > 50
    for name, sp in SPECS.items():
        group, key = name.split(".")
        assert sp.name == name
        assert sp.label.strip(), f"{name} has no label"
        assert sp.help.strip(), f"{name} has no help"
        assert sp.allowed()
        if sp.type in (int, float):
            assert sp.unit.strip() or name == "run.seed", f"{name} has no unit"
            assert sp.lo is not None and sp.hi is not None, name
            assert sp.lo < sp.hi, name
            assert sp.lo <= sp.default <= sp.hi, f"{name}: default {sp.default} outside bounds"
            assert not isinstance(sp.default, bool)
            assert isinstance(sp.default, sp.type), name
        elif sp.type is bool:
            assert isinstance(sp.default, bool), name
            assert sp.lo is None and sp.hi is None
        else:
            assert isinstance(sp.default, str), name
            if sp.choices:
                assert sp.default in sp.choices, name


# ------------------------------------------------------------------ overrides


def test_with_overrides_applies_and_converts_types():
    p = Params()
    q = p.with_overrides({"governance.data_openness": 1,  # int for a float
                          "population.n_households": 2_000.0,  # whole float for an int
                          "governance.chat_groups": 1,  # 0/1 for a bool
                          "network.kind": "watts_strogatz"})
    assert q.governance.data_openness == 1.0 and type(q.governance.data_openness) is float
    assert q.population.n_households == 2_000 and type(q.population.n_households) is int
    assert q.governance.chat_groups is True
    assert q.network.kind == "watts_strogatz"
    # Everything else stays at its default.
    changed = {k for k, v in q.to_dict().items() if v != p.to_dict()[k]}
    assert changed == {"governance.data_openness", "population.n_households",
                       "governance.chat_groups", "network.kind"}


def test_with_overrides_is_immutable():
    p = Params()
    q = p.with_overrides({"governance.data_openness": 0.9})
    assert q is not p
    assert p.governance.data_openness == 0.2
    assert q.governance.data_openness == 0.9
    assert p.with_overrides({}) == p and p.with_overrides(None) == p
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.governance.data_openness = 0.5
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.governance = q.governance


def test_from_dict_equals_defaults_with_overrides():
    values = {"behaviour.crowd_out": 0.4, "run.days": 30}
    assert Params.from_dict(values) == Params().with_overrides(values)


def test_direct_construction_is_validated():
    with pytest.raises(ParameterError, match="population.n_households"):
        Params(population=PopulationPars(n_households=-5))


# --------------------------------------------------------------- bad values


def test_unknown_name_lists_close_names():
    with pytest.raises(ParameterError) as e:
        Params().with_overrides({"governance.data_opennes": 0.5})
    msg = str(e.value)
    assert "governance.data_opennes" in msg
    assert "did you mean" in msg and "governance.data_openness" in msg


def test_unknown_group_suggests_by_field_name():
    with pytest.raises(ParameterError) as e:
        spec("govern.reporting_burden")
    assert "governance.reporting_burden" in str(e.value)


def test_unknown_name_without_close_match_lists_groups():
    with pytest.raises(ParameterError) as e:
        Params().with_overrides({"zzz.qqqqqq": 1})
    msg = str(e.value)
    assert "did you mean" not in msg
    for group in ("population", "network", "behaviour", "governance", "run"):
        assert group in msg


@pytest.mark.parametrize("name, value, why, allowed", [
    ("governance.data_openness", "high", "not a number", "a number from 0 to 1"),
    ("population.n_households", 0.5, "not a whole number", "a whole number from 10 to 5,000,000"),
    ("governance.chat_groups", 2, "not a boolean", "true or false"),
    ("governance.chat_groups", "yes", "not a boolean", "true or false"),
    ("population.n_households", True, "not a number", "a whole number"),
    ("population.n_households", -1000, "out of range", "a whole number from 10 to 5,000,000"),
    ("governance.data_openness", 1.5, "out of range", "a number from 0 to 1"),
    ("governance.data_openness", math.nan, "NaN", "a number from 0 to 1"),
    ("behaviour.restock_days", math.inf, "out of range", "a number from 0 to 20"),
    ("network.kind", "smallworld", "not a known choice", "one of 'layered'"),
    ("network.edge_list", 3, "not a text value", "a text value"),
])
def test_bad_value_names_parameter_value_and_range(name, value, why, allowed):
    with pytest.raises(ParameterError) as e:
        Params().with_overrides({name: value})
    msg = str(e.value)
    assert f"'{name}'" in msg
    assert repr(value) in msg
    assert why in msg
    assert allowed in msg


def test_bad_choice_suggests_close_choice():
    with pytest.raises(ParameterError, match="did you mean 'watts_strogatz'"):
        Params().with_overrides({"network.kind": "watts_strogats"})


def test_bounds_are_inclusive():
    p = Params().with_overrides({"governance.data_openness": 0.0, "governance.kpi_pressure": 1.0,
                                 "population.n_households": 10})
    assert p.governance.data_openness == 0.0 and p.governance.kpi_pressure == 1.0
    with pytest.raises(ParameterError):
        Params().with_overrides({"population.n_households": 9})


def test_large_int_seed_is_kept_exactly():
    seed = 2**53 + 1
    assert Params().with_overrides({"run.seed": seed}).run.seed == seed


def test_seed_upper_bound_is_accepted():
    hi = SPECS["run.seed"].hi
    assert Params().with_overrides({"run.seed": hi}).run.seed == hi


# ------------------------------------------------------------ parse_override


@pytest.mark.parametrize("text, name, value, typ", [
    ("governance.data_openness=0.8", "governance.data_openness", 0.8, float),
    (" governance.data_openness = 1 ", "governance.data_openness", 1.0, float),
    ("population.n_households=5_000", "population.n_households", 5_000, int),
    ("population.n_households=2e4", "population.n_households", 20_000, int),
    ("governance.chat_groups=true", "governance.chat_groups", True, bool),
    ("governance.chat_groups=On", "governance.chat_groups", True, bool),
    ("governance.direct_dispatch=0", "governance.direct_dispatch", False, bool),
    ("governance.direct_dispatch=no", "governance.direct_dispatch", False, bool),
    ("network.kind=erdos_renyi", "network.kind", "erdos_renyi", str),
    ("network.edge_list=data/ties.csv", "network.edge_list", "data/ties.csv", str),
])
def test_parse_override(text, name, value, typ):
    got_name, got = parse_override(text)
    assert got_name == name
    assert got == value and type(got) is typ


@pytest.mark.parametrize("text, match", [
    ("governance.data_openness", "not of the form"),
    ("governance.data_openness=lots", "'governance.data_openness' = 'lots': not a number"),
    ("governance.data_openness=2", "out of range"),
    ("population.n_households=12.5", "not a whole number"),
    ("governance.chat_groups=maybe", "not a boolean"),
    ("network.kind=grid", "not a known choice"),
    ("governance.data_opennes=0.5", "did you mean governance.data_openness"),
])
def test_parse_override_rejects(text, match):
    with pytest.raises(ParameterError, match=match):
        parse_override(text)


def test_a_renamed_parameter_says_its_new_name():
    from sim.errors import ParameterError
    from sim.params import Params

    with pytest.raises(ParameterError, match="'run.burn_in_days' is now called "
                                             "'run.warm_up_days'"):
        Params().with_overrides({"run.burn_in_days": 10})
