"""Bad inputs as users bring them: each gets one clear line, and nothing is written.

Regression tests for every finding of the input audit (deep nesting, huge
numbers, a byte-order mark, empty files, parents beside the file, shocks
that miss their run, --out mistakes, strict JSON), and a property test that
`run`, `scenarios validate` and `scenarios show` accept and reject exactly
the same files. docs/validation.md ("Robustness to bad input") counts them.
"""

from __future__ import annotations

import json
import math
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grassroots.cli import main
from scenarios import load_shock, load_strategy
from scenarios.load import load_file, validate_file
from sim.errors import OutputError, ParameterError, ScenarioError, ShockWarning, shown
from sim.inputs import Event, GridSelector, Shock, check_shock
from sim.io import check_out_dir, json_text
from sim.params import SPECS, Params, fresh_seed, parse_override, seed_or_fresh
from sim.population import grid_communities, layout

SHOCK = '[[events]]\nkind = "lockdown"\nstart = 2\ndays = 3\nintensity = 0.5\n'
STRATEGY = '[governance]\ndata_openness = 0.4\ndirect_dispatch = true\n'


def write(tmp_path, text: str | bytes, name: str = "f.toml"):
    f = tmp_path / name
    f.write_bytes(text if isinstance(text, bytes) else text.encode())
    return f


def one_line_error(tmp_path, f, *words):
    """Every loader and command says the same: one line with `words`, nothing else."""
    for load in (load_shock, validate_file):
        with pytest.raises(ScenarioError) as e:
            load(f)
        msg = str(e.value)
        assert "\n" not in msg and len(msg) < 400, msg
        for w in words:
            assert w in msg, (w, msg)
    return msg


# -- TOML that broke the parser or the checks ---------------------------------------------------

@pytest.mark.parametrize("text, words", [
    ("x = " + "[" * 3000 + "]" * 3000 + "\n", ["nested too deeply"]),
    ("x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n", ["nested too deeply"]),
    (SHOCK.replace("start = 2", "start = " + "9" * 5000), ["more than 4,300 digits"]),
    (SHOCK.replace("start = 2", "start = " + "9" * 401), ["events[0].start", "401 digits",
                                                         "out of range"]),
    (SHOCK.replace("intensity = 0.5", "intensity = " + "9" * 401), ["events[0].intensity",
                                                                   "401 digits"]),
    (SHOCK.replace("start = 2", "start = 1e308"), ["events[0].start", "1e+308"]),
    (SHOCK.replace("start = 2", "start = inf"), ["events[0].start", "inf", "out of range"]),
    ("", ["empty"]),
    ("# only a comment\n\n", ["empty"]),
    ('name = "x"\n', ["[[events]]"]),
    ('name = "x"\nevents = []\n', ["non-empty list"]),
    (b"\xff\xfe[[events]]\n", ["not UTF-8", "byte 0"]),
    ('[[events]]\nkind = "' + "k" * 100_000 + '"\nstart = 1\ndays = 1\n',
     ["unknown event kind", "100,002 characters"]),
    (SHOCK + '"' + "k" * 100_000 + '" = 1\n', ["unknown key", "characters"]),
])
def test_malformed_toml_is_one_clear_line(tmp_path, text, words):
    f = write(tmp_path, text)
    msg = one_line_error(tmp_path, f, *words)
    assert "1" * 100 not in msg and "9" * 100 not in msg and "k" * 100 not in msg


def test_a_401_digit_governance_value_is_a_message(tmp_path):
    f = write(tmp_path, "[governance]\ndata_openness = " + "9" * 401 + "\n")
    with pytest.raises(ScenarioError, match="governance.data_openness.*401 digits.*out of range"):
        load_strategy(f)
    for v in (10**400, -(10**400), 1e308, math.inf):
        for name in ("governance.data_openness", "governance.visit_capacity", "run.seed"):
            with pytest.raises(ParameterError, match="out of range"):
                SPECS[name].check(v)


def test_a_byte_order_mark_is_accepted(tmp_path):
    plain = load_shock(write(tmp_path, SHOCK, "bom.toml"))
    f = write(tmp_path, b"\xef\xbb\xbf" + SHOCK.encode(), "bom.toml")
    assert load_shock(f) == plain and validate_file(f) == plain
    assert main(["scenarios", "validate", str(f)]) == 0


def test_a_file_of_the_other_kind_says_so(tmp_path):
    with pytest.raises(ScenarioError, match="shock file.*--shock"):
        load_strategy(write(tmp_path, SHOCK))
    with pytest.raises(ScenarioError, match="strategy file.*--strategy"):
        load_shock(write(tmp_path, STRATEGY))
    with pytest.raises(ScenarioError, match="events: missing.*'none'"):
        load_shock(write(tmp_path, 'name = "x"\n'))


# -- extends: parents beside the file -----------------------------------------------------------

def test_a_parent_beside_the_file_is_found_by_validate_and_show(tmp_path, capsys):
    write(tmp_path, SHOCK, "base_shock.toml")
    child = write(tmp_path, 'extends = "base_shock"\nname = "child"\n', "child.toml")
    write(tmp_path, STRATEGY, "base_strategy.toml")
    kid = write(tmp_path, 'extends = "base_strategy"\n', "kid.toml")
    assert load_shock(child).events == load_shock(tmp_path / "base_shock.toml").events
    assert load_file(child)[0] == "shock" and load_file(kid)[0] == "strategy"
    assert main(["scenarios", "validate", str(child), str(kid)]) == 0
    assert main(["scenarios", "show", str(child)]) == 0
    assert "base_shock" in capsys.readouterr().out
    assert main(["scenarios", "show", str(kid)]) == 0


def test_a_bad_value_in_a_parent_is_reported_against_the_parent(tmp_path):
    parent = write(tmp_path, SHOCK.replace("intensity = 0.5", "intensity = 5"), "parent.toml")
    child = write(tmp_path, 'extends = "parent"\nname = "child"\n', "child.toml")
    with pytest.raises(ScenarioError) as e:
        load_shock(child)
    assert str(e.value).startswith(str(parent)) and "events[0].intensity" in str(e.value)
    sparent = write(tmp_path, "[governance]\nreporting_burden = 2\n", "sp.toml")
    schild = write(tmp_path, 'extends = "sp"\n[governance]\ndata_openness = 0.1\n', "sc.toml")
    with pytest.raises(ScenarioError) as e:
        load_strategy(schild)
    assert str(e.value).startswith(str(sparent)) and "reporting_burden" in str(e.value)


# -- one rule: run, validate and show accept and reject the same files --------------------------

PARENTS = {"pshock.toml": SHOCK, "pstrat.toml": STRATEGY}
BASES = [SHOCK, STRATEGY, 'extends = "pshock"\nname = "c"\n', 'extends = "pstrat"\n',
         'extends = "flood"\n', 'extends = "status_quo"\n[governance]\nkpi_pressure = 0.2\n']
NASTY = ["1e308", "9" * 401, "-1", '"x"', "[[[[1]]]]", "{ a = 1 }", "nan", "true", "0", "1.5",
         '"pshock"', '"pstrat"', '"status_quo"', '"nope"', "2.5", "[]"]


@st.composite
def mutated_file(draw):
    lines = draw(st.sampled_from(BASES)).splitlines()
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["value", "drop", "add", "truncate", "bom", "key"]))
        if how == "value" and lines:
            i = draw(st.integers(0, len(lines) - 1))
            if "=" in lines[i]:
                lines[i] = lines[i].split("=", 1)[0] + "= " + draw(st.sampled_from(NASTY))
        elif how == "drop" and lines:
            del lines[draw(st.integers(0, len(lines) - 1))]
        elif how == "add":
            key = draw(st.sampled_from(["extends", "name", "events", "governance", "start",
                                        "data_openness", "zzz"]))
            lines.insert(draw(st.integers(0, len(lines))),
                         f"{key} = {draw(st.sampled_from(NASTY))}")
        elif how == "truncate":
            text = "\n".join(lines)
            lines = text[:draw(st.integers(0, len(text)))].splitlines()
        elif how == "bom":
            lines = ["\ufeff" + (lines[0] if lines else "")] + lines[1:]
        elif how == "key" and lines:
            lines.append(draw(st.sampled_from(["[governance]", "[[events]]", "[x]", "[[x]]"])))
    return "\n".join(lines) + "\n"


@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(mutated_file())
def test_run_validate_and_show_accept_and_reject_the_same_files(tmp_path, capsys, text):
    for name, parent in PARENTS.items():
        write(tmp_path, parent, name)
    f = write(tmp_path, text, "mutant.toml")
    loads = []
    for load in (load_shock, load_strategy):  # what `grassroots run` does with the file
        try:
            load(f)
            loads.append(True)
        except ScenarioError as e:
            assert "\n" not in str(e) and "Traceback" not in str(e)
            loads.append(False)
    assert not all(loads)  # never both a shock and a strategy
    validated = main(["scenarios", "validate", str(f)]) == 0
    shown_ok = main(["scenarios", "show", str(f)]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert validated == shown_ok == any(loads), (text, loads, validated, shown_ok, err)


# -- shocks against their run -------------------------------------------------------------------

def community(n: int):
    return grid_communities(Params().with_overrides({"population.n_households": n}).population)


def test_grid_count_without_drawing_the_city():
    for n in (10, 287, 288, 300, 576, 577, 600, 5_000, 12_345):
        pop = Params().with_overrides({"population.n_households": n}).population
        assert len(community(n)) == layout(n, pop.building_households, pop.grid_households)[2]


def test_the_flood_in_a_small_city_is_an_error_naming_shock_event_and_city():
    flood = load_shock("flood")
    with pytest.raises(ScenarioError) as e:
        check_shock(flood, 180, community(300), 300)
    msg = str(e.value)
    for w in ("'flood'", "event 0", "lowest_share = 0.25", "300 households", "2 grids",
              "round(0.25 x 2) = 0"):
        assert w in msg, (w, msg)
    assert check_shock(flood, 180, community(600), 600) == ()  # 3 grids: one is flooded
    with pytest.raises(ScenarioError, match="covers no grid"):
        check_shock(Shock("s", (Event("blackout", 1, 2, GridSelector(grids=(99,))),)), 10,
                    community(600), 600)
    with pytest.raises(ScenarioError, match="covers no grid"):
        check_shock(Shock("s", (Event("blackout", 1, 2, GridSelector(communities=(7,))),)),
                    10, community(600), 600)


def test_events_after_the_run_are_a_warning_or_an_error():
    both = Shock("two", (Event("lockdown", 2, 3), Event("heatwave", 50, 3)))
    with pytest.warns(ShockWarning, match="event 1 .heatwave. starts on day 50"):
        notes = check_shock(both, 20)
    assert len(notes) == 1
    with pytest.raises(ScenarioError, match="every event starts after the run ends"):
        check_shock(both, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_shock(both, 51) == ()


def test_horizons_are_checked_by_validate(tmp_path, capsys):
    f = write(tmp_path, SHOCK + '\n[[events]]\nkind = "heatwave"\nstart = 40\ndays = 2\n')
    assert main(["scenarios", "validate", str(f), "--days", "30"]) == 0
    assert "warning  shock" in capsys.readouterr().out
    assert main(["scenarios", "validate", str(f), "--days", "2"]) == 1
    flood = tmp_path / "myflood.toml"
    flood.write_text((load_shock.__globals__["BUILTIN"] / "shocks" / "flood.toml").read_text())
    assert main(["scenarios", "validate", str(flood), "--households", "300"]) == 1
    assert "covers no grid" in capsys.readouterr().out
    assert main(["scenarios", "validate", str(flood), "--households", "600"]) == 0


def test_sweep_specs_check_their_shocks():
    from experiments.spec import check_spec
    from sim.errors import SpecError

    doc = {"name": "s", "strategies": ["status_quo"], "shocks": ["flood"], "days": 40,
           "fixed": {"population.n_households": 300}}
    with pytest.raises(SpecError, match="shocks: shock 'flood'.*covers no grid"):
        check_spec(doc)
    with pytest.raises(SpecError, match="every event starts after the run ends"):
        check_spec({**doc, "days": 5, "fixed": {"population.n_households": 600}})
    assert check_spec({**doc, "fixed": {"population.n_households": 600}}).days == 40


# -- the command line: --out first, strict JSON, nothing left behind ----------------------------

@pytest.mark.parametrize("out, words", [
    ("", "is empty"), ("/proc/forbidden/run", "cannot write there"),
    ("FILE", "existing file"), ("FILE/sub", "cannot write there"),
])
def test_out_is_checked_before_the_run(tmp_path, capsys, out, words):
    (tmp_path / "FILE").write_text("keep me")
    out = out.replace("FILE", str(tmp_path / "FILE"))
    with pytest.raises(OutputError, match=words):
        check_out_dir(out)
    before = sorted(tmp_path.rglob("*"))
    # A run that would take minutes fails at once: the city is never built.
    assert main(["run", "--households", "5000000", "--days", "3650", "--out", out]) == 2
    assert words in capsys.readouterr().err
    assert sorted(tmp_path.rglob("*")) == before and (tmp_path / "FILE").read_text() == "keep me"


def test_a_failed_check_leaves_no_folder(tmp_path):
    out = tmp_path / "a" / "b" / "c"
    assert check_out_dir(out) == out and not (tmp_path / "a").exists()
    assert main(["run", "--households", "300", "--days", "20", "--out", str(out)]) == 2
    assert not (tmp_path / "a").exists()  # the flood misses a 300-household city


def test_run_writes_strict_json(tmp_path):
    out = tmp_path / "run"
    assert main(["run", "--households", "600", "--days", "12", "--shock", "lockdown",
                 "--quiet", "--out", str(out)]) == 0
    def bare(constant):
        raise AssertionError(f"bare {constant} in the JSON")

    for name in ("summary.json", "manifest.json"):
        json.loads((out / name).read_text(), parse_constant=bare)
    assert json_text({"a": math.nan, "b": [math.inf, 1.0]}) == (
        '{\n  "a": null,\n  "b": [\n    null,\n    1.0\n  ]\n}\n')


def test_run_prints_shock_warnings(tmp_path, capsys):
    f = write(tmp_path, SHOCK + '\n[[events]]\nkind = "heatwave"\nstart = 40\ndays = 2\n')
    assert main(["run", "--households", "600", "--days", "12", "--shock", str(f),
                 "--quiet"]) == 0
    assert "warning: shock 'f': event 1 (heatwave) starts on day 40" in capsys.readouterr().err


@pytest.mark.parametrize("args, words", [
    (["--set", "network.edge_list=ties.csv"], "network.kind = 'layered'"),
    (["--set", "network.kind=edge_list"], "needs network.edge_list"),
    (["--set", "run.days=١٢"], "plain digits"),
    (["--set", "governance.data_openness=" + "9" * 401], "401 digits"),
    (["--set", "run.seed=1e308"], "out of range"),
    (["--shock", "x" * 100_000], "characters"),
])
def test_command_line_mistakes_are_one_line(capsys, args, words):
    assert main(["run", "--households", "600", "--days", "12", *args]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and len(err) < 500, err


def test_long_values_are_cut_in_messages():
    assert len(shown("k" * 100_000)) < 80 and "100,002 characters" in shown("k" * 100_000)
    assert shown(10**400) == "a whole number of 401 digits"
    assert "digits" in shown(10**5000) and shown(1e308) == "1e+308"
    assert parse_override("run.days=1_0") == ("run.days", 10)


def test_fresh_seeds_follow_mesa():
    seeds = {fresh_seed() for _ in range(5)}
    assert len(seeds) == 5 and all(0 <= s < 2**63 for s in seeds)
    assert seed_or_fresh(7) == 7 and seed_or_fresh(None) != seed_or_fresh(None)
    with pytest.raises(ParameterError):
        seed_or_fresh(-1)


def test_batch_run_replicates_without_a_seed_differ_and_record_it():
    import mesa

    from scenarios import ScenarioModel

    rows = mesa.batch_run(ScenarioModel, {"shock": "lockdown", "n_households": 600, "days": 12},
                          iterations=3, number_processes=1, data_collection_period=1,
                          max_steps=12, display_progress=False)
    runs = {}
    for r in rows:
        runs.setdefault(r["iteration"], []).append(round(r["functionality"], 12))
    assert len(runs) == 3 and len({tuple(v) for v in runs.values()}) == 3
    m = ScenarioModel("status_quo", "lockdown", n_households=600, days=12)
    assert m.manifest()["params"]["run.seed"] == m.params.run.seed
    assert ScenarioModel("status_quo", "lockdown", n_households=600, days=12,
                         seed=4).params.run.seed == 4


def test_other_writers_check_their_target_first(tmp_path, capsys):
    from experiments.store import Store

    (tmp_path / "FILE").write_text("keep me")
    assert main(["scenarios", "new", "shock", "s", "--out", "/proc/nope/s.toml"]) == 2
    assert main(["scenarios", "new", "shock", "s", "--out", ""]) == 2
    assert main(["validate", "--quick", "--json", str(tmp_path)]) == 2  # a folder, at once
    assert main(["gallery", "--out", str(tmp_path / "FILE")]) == 2
    err = capsys.readouterr().err
    assert "cannot write there" in err and "is empty" in err and "is a folder" in err
    assert "existing file" in err and "Traceback" not in err
    with pytest.raises(OutputError, match="existing file"):
        Store(tmp_path / "FILE").open({"spec": {"x": math.nan}}, resume=False)
    store = Store(tmp_path / "results")
    store.open({"spec": {"x": math.nan}}, resume=False)
    assert json.loads((tmp_path / "results" / "manifest.json").read_text()) == {
        "spec": {"x": None}}
    store.open({"spec": {"x": math.nan}}, resume=True)  # the same spec, as written


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.floats(0.0, 1.0)), min_size=1, max_size=4),
       st.integers(1, 300), st.integers(10, 20_000))
def test_check_shock_rule_over_horizons_and_city_sizes(events, days, n):
    shock = Shock("s", tuple(Event("flood", start, 2, GridSelector(lowest_share=share))
                             for start, share in events))
    grids = community(n)
    misses = any(round(share * len(grids)) == 0 for _, share in events)
    all_late = all(start >= days for start, _ in events)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            notes = check_shock(shock, days, grids, n)
        except ScenarioError as e:
            assert misses or all_late, str(e)
            assert "\n" not in str(e) and "'s'" in str(e)
            return
    assert not misses and not all_late
    assert len(notes) == len(caught) == sum(start >= days for start, _ in events)


def test_every_commands_help_reads_cleanly():
    """`--help` of every command: formatted without error, no doubled `%%` (argparse
    formats only argument help, not descriptions) and no line wider than 100."""
    import argparse

    from grassroots.cli import parser

    ap = parser()
    subs = next(a for a in ap._actions if isinstance(a, argparse._SubParsersAction))
    assert len(subs.choices) >= 10
    for name, p in [("grassroots", ap), *subs.choices.items()]:
        text = p.format_help()
        assert "%%" not in text and "%(" not in text, name
        assert max(len(line) for line in text.splitlines()) <= 100, name
