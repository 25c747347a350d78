"""The scenario library: built-ins, user files, validation, extends, show/write/load."""

from __future__ import annotations

import copy
import math
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios import available, load_shock, load_strategy, make_model
from scenarios.load import add_scenarios_dir, provenance, validate_file
from scenarios.schema import EVENT_KEYS, check_shock_doc, check_strategy_doc
from scenarios.write import json_schema, template, to_toml
from sim.errors import ScenarioError
from sim.inputs import Shock, Strategy, check_shock
from sim.params import LEVERS, SPECS, Params, idle_levers

BUILTIN_SHOCKS = ["compound", "earthquake", "economic", "flood", "heatwave_blackout", "lockdown",
                  "platform_outage"]
BUILTIN_STRATEGIES = ["community_resilience", "grassroots_empowerment", "status_quo",
                      "top_down_digital"]


def test_builtins_are_all_there():
    assert sorted(available("shock")) == BUILTIN_SHOCKS
    assert sorted(available("strategy")) == BUILTIN_STRATEGIES


@pytest.mark.parametrize("name", BUILTIN_SHOCKS)
def test_builtin_shock_loads_validates_and_runs(name):
    shock = load_shock(name)
    assert isinstance(shock, Shock) and shock.events and shock.description
    assert validate_file(available("shock")[name], horizon=180) == shock
    m = make_model("status_quo", shock, n_households=600, days=30)
    check_shock(m.shock, m.days, m.state.grids.community, 600)  # it touches the city
    m.run()
    assert m.day == 30


@pytest.mark.parametrize("name", BUILTIN_STRATEGIES)
def test_builtin_strategy_loads_validates_and_runs(name):
    strategy = load_strategy(name)
    assert isinstance(strategy, Strategy) and strategy.values
    m = make_model(strategy, "flood", n_households=600, days=30)
    m.run()
    for k, v in strategy.values:
        assert m.params.get(k) == v


def test_design_table_of_strategies():
    """The levels of docs/ODD.md section 6.2: who is high, low, central, direct, on, off."""
    g = {n: load_strategy(n).as_dict() for n in BUILTIN_STRATEGIES}
    sq, td = g["status_quo"], g["top_down_digital"]
    cr, ge = g["community_resilience"], g["grassroots_empowerment"]
    s, b, o = ("governance." + k for k in ("platform_sensing", "reporting_burden",
                                           "data_openness"))
    assert td[s] > sq[s] > cr[s] and ge[s] == td[s]
    assert td[b] > sq[b] > cr[b] and ge[b] <= cr[b]
    assert ge[o] > cr[o] > sq[o] == td[o]
    k = "governance.kpi_pressure"
    assert td[k] > sq[k] > cr[k] == ge[k]
    # the community strategy's cases go straight to departments too (horizontal
    # coordination): only the status quo and top-down keep the central triage
    assert [x["governance.direct_dispatch"] for x in (sq, td, cr, ge)] == [False] * 2 + [True] * 2
    for x, on in ((sq, False), (td, False), (cr, True), (ge, True)):
        assert x["governance.chat_groups"] is on and x["governance.volunteer_coordination"] is on
    assert ge["governance.chat_to_platform"] and not cr["governance.chat_to_platform"]
    inv = "governance.social_capital_investment"
    assert cr[inv] > ge[inv] > sq[inv] == td[inv] == 0


@pytest.mark.parametrize("name", BUILTIN_STRATEGIES)
def test_every_lever_a_strategy_sets_can_act_and_has_a_range(name):
    """No built-in strategy sets a lever that moves nothing at its settings (depot access
    with empty depots), and every numeric lever it sets above zero has a plausible range
    holding its value, with a source or the reasoning (the robustness worlds draw it)."""
    st = load_strategy(name)
    p = Params().with_overrides(st.as_dict())
    values = {lv: p.get(f"governance.{lv}") for lv in LEVERS}
    assert idle_levers(values) == []
    ranged = {k: (lo, hi, src) for k, lo, hi, src in st.plausible}
    for lv in LEVERS:
        k = f"governance.{lv}"
        if SPECS[k].type in (int, float) and values[lv] > 0:
            lo, hi, src = ranged[k]
            assert lo <= values[lv] <= hi and lo < hi and src


@pytest.mark.parametrize("plausible, words", [
    ('reporting_burden = { low = 0.5, high = 0.8, source = "x" }', "hold the strategy's value"),
    ('chat_groups = { low = 0, high = 1, source = "x" }', "not a numeric lever"),
    ('reporting_burdn = { low = 0.1, high = 0.5, source = "x" }', "did you mean"),
    ('reporting_burden = { low = 0.1, high = 0.5 }', "low = .., high = .., source"),
    ('reporting_burden = { low = 0.1, high = 0.5, source = " " }', "must say where"),
    ('reporting_burden = { low = 0.1, high = 1.5, source = "x" }', "out of range"),
])
def test_bad_plausible_ranges(plausible, words, tmp_path):
    f = tmp_path / "s.toml"
    f.write_text(f'[governance]\nreporting_burden = 0.35\n[plausible]\n{plausible}\n')
    with pytest.raises(ScenarioError, match=words):
        load_strategy(f)


def test_a_child_that_changes_a_lever_drops_its_parents_range(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text('extends = "top_down_digital"\n[governance]\nreporting_burden = 0.2\n')
    ranged = {k for k, *_ in load_strategy(f).plausible}
    assert "governance.reporting_burden" not in ranged
    assert "governance.kpi_pressure" in ranged  # inherited with its unchanged value


@pytest.mark.parametrize("name", BUILTIN_SHOCKS + BUILTIN_STRATEGIES)
def test_show_write_load_round_trip(name, tmp_path):
    kind = "shock" if name in BUILTIN_SHOCKS else "strategy"
    obj = load_shock(name) if kind == "shock" else load_strategy(name)
    f = tmp_path / f"{name}.toml"
    f.write_text(to_toml(obj, ["x", "y"]))
    again = load_shock(f) if kind == "shock" else load_strategy(f)
    assert again == obj


def test_extends_child_wins_and_provenance(tmp_path):
    (tmp_path / "base.toml").write_text(
        'extends = "status_quo"\n[governance]\ndata_openness = 0.6\nreporting_burden = 0.5\n')
    (tmp_path / "child.toml").write_text(
        'extends = "base"\nname = "child"\n[governance]\nreporting_burden = 0.1\n')
    s = load_strategy(tmp_path / "child.toml")
    d = s.as_dict()
    assert d["governance.reporting_burden"] == 0.1
    assert d["governance.data_openness"] == 0.6
    assert d["governance.platform_sensing"] == 0.3  # from status_quo
    _, chain, sources = provenance("strategy", tmp_path / "child.toml")
    assert chain == ["child", "base", "status_quo"]
    assert sources["reporting_burden"].endswith("child.toml")
    assert sources["data_openness"].endswith("base.toml")
    assert sources["platform_sensing"].endswith("status_quo.toml")


def test_extends_cycle_is_detected(tmp_path):
    (tmp_path / "a.toml").write_text('extends = "b"\n[governance]\ndata_openness = 0.1\n')
    (tmp_path / "b.toml").write_text('extends = "a"\n[governance]\ndata_openness = 0.2\n')
    with pytest.raises(ScenarioError, match="cycle: a -> b -> a"):
        load_strategy(tmp_path / "a.toml")
    (tmp_path / "self.toml").write_text('extends = "self"\n[governance]\n')
    with pytest.raises(ScenarioError, match="cycle"):
        load_strategy(tmp_path / "self.toml")


def test_user_folder_and_environment(tmp_path, monkeypatch):
    (tmp_path / "shocks").mkdir()
    (tmp_path / "shocks" / "storm.toml").write_text(
        'name = "storm"\n[[events]]\nkind = "flood"\nstart = 2\ndays = 3\ngrids = { all = true }\n')
    with pytest.raises(ScenarioError, match="unknown shock 'storm'"):
        load_shock("storm")
    monkeypatch.setenv("GRASSROOTS_SCENARIOS", str(tmp_path))
    assert load_shock("storm").events[0].days == 3
    monkeypatch.delenv("GRASSROOTS_SCENARIOS")
    with pytest.raises(ScenarioError, match="does not exist"):
        add_scenarios_dir(tmp_path / "nope")


@pytest.mark.parametrize("text, where, words", [
    ('[[events]]\nkind = "flod"\nstart = 1\ndays = 2\n', "events[0].kind", "did you mean flood"),
    ('[[events]]\nkind = "flood"\nstart = -1\ndays = 2\n', "events[0].start", "out of range"),
    ('[[events]]\nkind = "flood"\nstart = 1\n', "events[0].days", "missing"),
    ('[[events]]\nkind = "flood"\nstart = 1\ndays = 2\nintensity = "high"\n',
     "events[0].intensity", "must be a number"),
    ('[[events]]\nkind = "flood"\nstart = 1\ndays = 2\ngrids = { lowest = 0.2 }\n',
     "events[0].grids.lowest", "did you mean lowest_share"),
    ('[[events]]\nkind = "flood"\nstart = 1\ndays = 2\nsupply = 1.5\n', "events[0].supply",
     "out of range"),
    ('evnts = []\n', "evnts", "did you mean events"),
    ('[[events]\n', "", "not valid TOML"),
])
def test_bad_shock_files_name_file_key_and_allowed(tmp_path, text, where, words):
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(ScenarioError) as e:
        load_shock(f)
    msg = str(e.value)
    assert str(f) in msg and where in msg and words in msg


def test_event_past_horizon(tmp_path):
    f = tmp_path / "late.toml"
    f.write_text('[[events]]\nkind = "lockdown"\nstart = 200\ndays = 5\n')
    assert load_shock(f).events[0].start == 200  # fine without a horizon
    with pytest.raises(ScenarioError, match="starts after the run ends"):
        validate_file(f, horizon=180)


@pytest.mark.parametrize("gov, words", [
    ({"data_opennes": 0.5}, "did you mean data_openness"),
    ({"data_openness": 1.5}, "out of range"),
    ({"direct_dispatch": "yes"}, "not a boolean"),
    ({"visit_capacity": 2.5}, "whole number"),
])
def test_bad_strategy_values(gov, words):
    with pytest.raises(ScenarioError, match=words):
        check_strategy_doc({"governance": gov}, "s.toml")


def test_unreadable_and_missing_files(tmp_path):
    with pytest.raises(ScenarioError, match="does not exist"):
        load_shock(tmp_path / "nope.toml")
    f = tmp_path / "bin.toml"
    f.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ScenarioError, match=str(f)):
        load_shock(f)


def test_templates_load_and_schemas_cover_every_key(tmp_path):
    for kind in ("shock", "strategy"):
        f = tmp_path / f"t_{kind}.toml"
        f.write_text(template(kind, f"t_{kind}"))
        obj = validate_file(f, horizon=180)
        assert obj.name == f"t_{kind}"
    ev = json_schema("shock")["properties"]["events"]["items"]["properties"]
    assert set(ev) == set(EVENT_KEYS)
    gov = json_schema("strategy")["properties"]["governance"]["properties"]
    assert set(gov) == {k.split(".", 1)[1] for k in SPECS if k.startswith("governance.")}


# -- property-based: malformed documents always give ScenarioError with a message --------------

VALID_SHOCK = {"name": "s", "description": "d", "events": [
    {"kind": "flood", "start": 3, "days": 4, "grids": {"lowest_share": 0.3}, "intensity": 0.5,
     "lead_days": 1, "recovery_days": 2, "supply": 0.4}]}
VALID_STRATEGY = {"name": "g", "governance": {"data_openness": 0.4, "direct_dispatch": True,
                                              "visit_capacity": 20}}

junk = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                 st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
                 st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=4),
                                                                      st.integers(), max_size=2))


def _bad_number(lo, hi):
    return st.one_of(st.floats(max_value=lo, exclude_max=True, allow_nan=False),
                     st.floats(min_value=hi, exclude_min=True, allow_nan=False),
                     st.integers(min_value=math.floor(hi) + 1),  # any size: 401 digits too
                     st.integers(max_value=math.ceil(lo) - 1),
                     st.sampled_from([10**400, -(10**400), 1e308, -1e308]),
                     st.just(math.nan), st.text(max_size=5), st.booleans(), st.none())


@st.composite
def malformed_shock(draw):
    doc = copy.deepcopy(VALID_SHOCK)
    ev = doc["events"][0]
    how = draw(st.sampled_from(["unknown_top", "unknown_event", "kind", "number", "missing",
                                "grids", "events_type", "event_type", "name"]))
    if how == "unknown_top":
        doc[draw(st.text(min_size=1, max_size=10).filter(lambda k: k not in VALID_SHOCK
                                                         and k != "extends"))] = draw(junk)
    elif how == "unknown_event":
        ev[draw(st.text(min_size=1, max_size=10).filter(lambda k: k not in EVENT_KEYS))] = 1
    elif how == "kind":
        ev["kind"] = draw(junk.filter(lambda v: v not in ("flood", "lockdown", "heatwave",
                                                          "blackout", "platform_outage",
                                                          "economic")))
    elif how == "number":
        key = draw(st.sampled_from([k for k, v in EVENT_KEYS.items()
                                    if v[0] in ("int", "float")]))
        typ, lo, hi, _ = EVENT_KEYS[key]
        ev[key] = draw(_bad_number(lo, hi) if typ == "float" else st.one_of(
            _bad_number(lo, hi), st.floats(min_value=lo + 0.01, max_value=lo + 0.99)))
    elif how == "missing":
        del ev[draw(st.sampled_from(["kind", "start", "days"]))]
    elif how == "grids":
        ev["grids"] = draw(st.one_of(junk.filter(lambda v: not isinstance(v, dict)),
                                     st.just({}), st.just({"lowest_share": 2.0}),
                                     st.just({"all": False}), st.just({"grids": []}),
                                     st.just({"grids": [-1]}), st.just({"zone": 1})))
    elif how == "events_type":
        doc["events"] = draw(junk.filter(lambda v: not isinstance(v, list)))
    elif how == "event_type":
        doc["events"] = [draw(junk.filter(lambda v: not isinstance(v, dict)))]
    else:
        doc["name"] = draw(junk.filter(lambda v: not isinstance(v, str)))
    return doc


@st.composite
def malformed_strategy(draw):
    doc = copy.deepcopy(VALID_STRATEGY)
    how = draw(st.sampled_from(["unknown", "value", "type", "top"]))
    gov_names = [k.split(".", 1)[1] for k in SPECS if k.startswith("governance.")]
    if how == "unknown":
        doc["governance"][draw(st.text(min_size=1, max_size=12).filter(
            lambda k: k not in gov_names))] = 0.5
    elif how == "value":
        name = draw(st.sampled_from(gov_names))
        sp = SPECS["governance." + name]
        if sp.type is bool:
            bad = draw(junk.filter(lambda v: not isinstance(v, bool) and v not in (0, 1)))
        else:
            bad = draw(_bad_number(sp.lo, sp.hi))
        doc["governance"][name] = bad
    elif how == "type":
        doc["governance"] = draw(junk.filter(lambda v: not isinstance(v, dict)))
    else:
        doc[draw(st.text(min_size=1, max_size=10).filter(
            lambda k: k not in ("name", "description", "extends", "governance")))] = 1
    return doc


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(malformed_shock())
def test_malformed_shocks_always_give_scenario_error(doc):
    with pytest.raises(ScenarioError) as e:
        check_shock_doc(doc, "fuzz.toml")
    assert str(e.value).startswith("fuzz.toml: ") and len(str(e.value)) > 15


@settings(max_examples=100, deadline=None)
@given(malformed_strategy())
def test_malformed_strategies_always_give_scenario_error(doc):
    with pytest.raises(ScenarioError) as e:
        check_strategy_doc(doc, "fuzz.toml")
    assert str(e.value).startswith("fuzz.toml: ") and len(str(e.value)) > 15


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_never_crash_the_loader(tmp_path_factory, data):
    f = tmp_path_factory.mktemp("fuzz") / "x.toml"
    f.write_bytes(data)
    try:
        parsed = bool(tomllib.loads(data.decode("utf-8-sig")))  # a BOM is accepted
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        parsed = False
    try:
        load_shock(f)
    except ScenarioError as e:
        assert str(f) in str(e)
    else:
        assert parsed  # only a parseable document can load


def test_invalid_cli_scenario_writes_nothing(tmp_path, capsys):
    from grassroots.cli import main

    out = tmp_path / "new.toml"
    assert main(["scenarios", "new", "shock", "x", "--out", str(out)]) == 0
    before = out.read_text()
    assert main(["scenarios", "new", "shock", "x", "--out", str(out)]) == 2
    assert out.read_text() == before
    bad = tmp_path / "bad.toml"
    bad.write_text('[[events]]\nkind = "flood"\nstart = 1\n')
    assert main(["scenarios", "validate", str(out), str(bad)]) == 1
    text = capsys.readouterr().out
    assert "ok" in text and "INVALID" in text and "events[0].days" in text
