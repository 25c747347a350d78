"""Every file a user hands over besides scenarios: experiment and robustness specs,
calibration targets, parameter presets, posteriors, results folders, `query`
and the options that name parameters. Each malformed input gets one line naming
the file (or option) and the problem, never a traceback; a command that fails
writes nothing and leaves no worker process. Checks before work suffice here:
no test runs a simulation. docs/robustness-inputs.md counts the cases.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experiments.calibration.posterior import last_generation, load_preset, posterior_ranges
from experiments.calibration.targets import load_file as load_target_file
from experiments.robustness import check_robustness, load_robustness
from experiments.spec import check_spec, load_spec
from experiments.store import Store
from grassroots.cli import main
from sim.errors import GrassrootsError, ParameterError, SpecError
from sim.params import command_overrides

ROOT = Path(__file__).resolve().parents[1]

SPEC = 'name = "t"\nstrategies = ["status_quo"]\nshocks = ["lockdown"]\ndays = 20\n'
ROBUST = SPEC + "worlds = 4\nhouseholds = 300\n"
TARGET = """[citation]
authors = "A"
year = 2020
title = "T"
journal = "J"
locator = "p. 1"

[[targets]]
name = "t1"
shock = "lockdown"
strategy = "status_quo"
output = "share_ever_in_need"
observed = 0.5
interval = [0.4, 0.6]
use = "calibration"
"""
PRESET = '[params]\n"population.reserve_days" = 9.5\n'
LOADERS = {  # every experiment TOML goes through sim.io.read_toml
    "spec": load_spec,
    "robustness": load_robustness,
    "target": load_target_file,
    "preset": load_preset,
}
GOOD = {"spec": SPEC, "robustness": ROBUST, "target": TARGET, "preset": PRESET}


def write(tmp_path, text: str | bytes, name: str = "f.toml") -> Path:
    f = tmp_path / name
    f.write_bytes(text if isinstance(text, bytes) else text.encode())
    return f


def refused(call, *words, error=GrassrootsError) -> str:
    """`call()` raises one line (no traceback, not too long) holding every word."""
    with pytest.raises(error) as e:
        call()
    msg = str(e.value)
    assert "\n" not in msg and len(msg) < 600, msg
    for w in words:
        assert w in msg, (w, msg)
    return msg


# -- one TOML reader: the shapes that broke the experiment reader -----------------------------

SHAPES = [
    ("x = " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply"),
    ("x = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n", "nested too deeply"),
    ("x = " + "9" * 5000 + "\n", "more than 4,300 digits"),
    (b"\xff\xfe\x00binary\x00\x01", "not UTF-8"),
    (b"name = \"caf\xe9\"\n", "not UTF-8"),
    ("", "empty"),
    ("# only a comment\n", "empty"),
    ("x = [1,\n", "not valid TOML"),
    ("[a]\n[a]\n", "not valid TOML"),
    ("x = 1\nx = 2\n", "not valid TOML"),
    ("x = 'a\n", "not valid TOML"),
    ("x = 1979-05-27T07:32:00Zjunk\n", "not valid TOML"),
]


@pytest.mark.parametrize("kind", LOADERS)
@pytest.mark.parametrize("text, words", SHAPES)
def test_every_experiment_toml_has_the_scenario_readers_rules(tmp_path, kind, text, words):
    f = write(tmp_path, text)
    refused(lambda: LOADERS[kind](f), str(f), words, error=SpecError)


@pytest.mark.parametrize("kind", LOADERS)
def test_a_byte_order_mark_is_accepted_and_folders_and_missing_files_named(tmp_path, kind):
    f = write(tmp_path, b"\xef\xbb\xbf" + GOOD[kind].encode())
    assert LOADERS[kind](f)
    (tmp_path / "d.toml").mkdir()
    refused(lambda: LOADERS[kind](tmp_path / "d.toml"), "d.toml", "folder", error=SpecError)
    refused(lambda: LOADERS[kind](tmp_path / "missing.toml"), "missing.toml", error=SpecError)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200), kind=st.sampled_from(sorted(LOADERS)))
def test_random_bytes_are_a_file_or_one_spec_error(tmp_path, data, kind):
    f = write(tmp_path, data, f"r-{kind}.toml")
    try:
        LOADERS[kind](f)
    except SpecError as e:
        assert "\n" not in str(e) and str(f) in str(e)


# -- experiment specs ------------------------------------------------------------------------

@pytest.mark.parametrize("extra, words", [
    ('name = "../../x"', ["name", "results folder"]),
    ('name = "a/b"', ["name"]),
    ('name = ""', ["name"]),
    ('name = "a\\u0000b"', ["name"]),
    ('name = "' + "n" * 10_000 + '"', ["name", "characters"]),
    ('name = ".hidden"', ["name"]),
    ("name = 5", ["name"]),
    ("name = [\"a\"]", ["name"]),
    ("[sweep]\n\"governance.data_openness\" = [0.2, 0.2]", ["sweep", "twice"]),
    ("[sweep]\n\"population.n_households\" = [600, 600]", ["twice"]),
    ("[sweep]\n\"governance.data_openness\" = []", ["non-empty"]),
    ("[sweep]\n\"governance.data_openness\" = 0.2", ["non-empty list"]),
    ("[sweep]\n\"governance.data_openness\" = [[0.1], [0.2]]", ["data_openness"]),
    ("[design]\nkind = [\"lhs\"]", ["design.kind"]),
    ("[design]\nkind = \"lhs\"\nsamples = 4", ["design.ranges"]),
    ("[design]\nkind = \"lhs\"\nsamples = 4\n[design.ranges]\n\"run.days\" = [5, 5]",
     ["low < high"]),
    ("[fixed]\n\"run.seed\" = 3", ["top of the spec"]),
    ("[fixed]\n\"population.n_households\" = 5", ["n_households"]),
    ("[fixed]\n\"governance.data_openess\" = 0.3", ["did you mean"]),
    ("[fixed]\n\"governance.data_openness\" = 1e999", ["data_openness"]),
    ("[fixed]\n\"governance.data_openness\" = nan", ["data_openness"]),
    ("[fixed]\n\"governance.data_openness\" = \"high\"", ["data_openness"]),
    ("[parms]\nx = 1", ["parms", "unknown key"]),
    ("outcomes = [\"resilience_loss\", \"resilience_loss\"]", ["twice"]),
    ("outcomes = [[\"a\"]]", ["outcomes"]),
    ("series = 3", ["series"]),
    ("counterfactual = \"yes\"", ["counterfactual"]),
    ("window_days = 10", ["counterfactual = true"]),
    ("replicates = 0", ["replicates"]),
    ("replicates = " + "9" * 401, ["replicates", "401 digits"]),
    ("seed = -1", ["seed"]),
    ("fixed = 3", ["fixed", "table"]),
])
def test_spec_mistakes_are_one_line_naming_the_file(tmp_path, extra, words):
    text = SPEC.replace('name = "t"\n', "") if extra.startswith("name") else SPEC
    f = write(tmp_path, text + extra + "\n")
    refused(lambda: load_spec(f), str(f), *words, error=SpecError)


@pytest.mark.parametrize("line, words", [
    ('strategies = ["missing.toml"]', ["missing.toml", "does not exist"]),
    ('strategies = ["bad.toml"]', ["bad.toml", "data_openness"]),
    ('shocks = ["bad_shock.toml"]', ["bad_shock.toml"]),
    ('shocks = ["flood"]\n[fixed]\n"population.n_households" = 300', ["flood", "300"]),
    ('[fixed]\n"network.kind" = "edge_list"', ["edge_list"]),
    ('[fixed]\n"network.kind" = "edge_list"\n"network.edge_list" = "nope.csv"', ["nope.csv"]),
    ('[fixed]\n"network.kind" = "edge_list"\n"network.edge_list" = "ties.csv"\n'
     '"population.n_households" = 600', ["ties.csv", "duplicate tie"]),
])
def test_a_sweep_checks_every_file_it_names_before_writing(tmp_path, monkeypatch, capsys,
                                                           line, words):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "[governance]\ndata_openness = 7\n", "bad.toml")
    write(tmp_path, "[[events]]\nkind = \"flood\"\n", "bad_shock.toml")
    write(tmp_path, "0,1\n1,0\n", "ties.csv")
    lines = SPEC.splitlines()
    key = line.split(" =")[0]
    text = "\n".join(x for x in lines if not x.startswith(key + " ")) + "\n" + line + "\n"
    f = write(tmp_path, text, "s.toml")
    assert main(["sweep", str(f), "--out", "out", "--executor", "serial", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and all(w in err for w in words), err
    assert not (tmp_path / "out").exists()  # nothing written, so a rerun shows the same error
    assert main(["sweep", str(f), "--out", "out", "--executor", "serial", "--no-progress"]) == 2
    assert capsys.readouterr().err == err


_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                    st.lists(st.one_of(st.integers(-5, 5), st.text(max_size=5),
                                       st.lists(st.integers(0, 2), max_size=2)), max_size=3),
                    st.dictionaries(st.text(max_size=8), st.integers(0, 3), max_size=2))
_KEYS = st.sampled_from(["name", "strategies", "shocks", "replicates", "days", "seed",
                         "outcomes", "series", "counterfactual", "window_days", "fixed",
                         "sweep", "design", "worlds", "households", "baseline", "pair",
                         "density", "satisficing", "uncertain", "nmae", "description"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(changes=st.dictionaries(_KEYS, _VALUES, min_size=1, max_size=3),
       robustness=st.booleans())
def test_mutated_specs_validate_or_are_one_spec_error(changes, robustness):
    doc = {"name": "t", "strategies": ["status_quo"], "shocks": ["lockdown"], "days": 20}
    if robustness:
        doc.update(worlds=4, households=600)
    doc.update(changes)
    try:
        (check_robustness if robustness else check_spec)(doc, "mutated.toml")
    except SpecError as e:
        assert "\n" not in str(e) and str(e).startswith("mutated.toml"), str(e)


# -- robustness specs ------------------------------------------------------------------------

@pytest.mark.parametrize("extra, words", [
    ('pair = [["a"], ["b"]]', ["pair"]),
    ('pair = ["status_quo", "status_quo"]', ["pair"]),
    ("worlds = 1", ["worlds"]),
    ("density = 0", ["density"]),
    ("baseline = 1", ["baseline"]),
    ('shocks = ["flood"]', ["flood", "300"]),
    ("[uncertain]\n\"governance.data_openness\" = [0.1, 0.2]", ["lever"]),
    ("[uncertain]\n\"behaviour.crowd_out\" = [0.3, 0.1]", ["low < high"]),
    ("[uncertain]\n\"behaviour.crowd_out\" = [[0.1], 0.2]", ["crowd_out"]),
    ("[fixed]\n\"run.days\" = 3", ["fixed.run.days"]),
    ("[satisficing]\nnope = 3", ["satisficing.nope"]),
    ("[satisficing]\nresilience_loss = \"low\"", ["satisficing.resilience_loss"]),
])
def test_robustness_spec_mistakes(tmp_path, extra, words):
    key = extra.split(" =")[0] + " ="
    text = "".join(x for x in ROBUST.splitlines(True) if not x.startswith(key))
    f = write(tmp_path, text + extra + "\n")
    refused(lambda: load_robustness(f), str(f), *words, error=SpecError)


def test_robustness_checks_shocks_against_the_households_it_runs(tmp_path, capsys):
    out = tmp_path / "r"
    assert main(["robustness", "--households", "300", "--out", str(out), "--no-progress",
                 "--executor", "serial"]) == 2
    err = capsys.readouterr().err
    assert "flood" in err and "300" in err and err.count("\n") == 1, err
    assert not out.exists()


def test_broken_records_in_results_folders(tmp_path, capsys):
    d = tmp_path / "r"
    d.mkdir()
    for text in (b"{", b"[]", b'{"spec": 3}', b"\xff", b"", b"[" * 100_000):
        (d / "robustness.json").write_bytes(text)
        refused(lambda: load_robustness(d), "robustness.json", error=SpecError)
        assert main(["robustness", str(d), "--report-only", "--out", str(d)]) == 2
        assert capsys.readouterr().err.count("\n") == 1
    for text in (b"{", b"[1]", b'{"spec": []}', b"\xff\xfe"):
        (d / "manifest.json").write_bytes(text)
        refused(lambda: Store(d).manifest(), "manifest.json", error=SpecError)
        assert main(["query", str(d), "SELECT 1"]) == 2
        assert "manifest.json" in capsys.readouterr().err
    (d / "calibration.json").write_bytes(b"{broken")
    assert main(["calibrate", "--report-only", "--out", str(d)]) == 2
    assert "calibration.json" in capsys.readouterr().err
    assert main(["calibrate", "--quick", "--out", str(d)]) == 2  # continuing it
    assert "calibration.json" in capsys.readouterr().err


# -- calibration targets ---------------------------------------------------------------------

@pytest.mark.parametrize("old, new, words", [
    ('output = "share_ever_in_need"', 'output = ["a"]', ["output"]),
    ('output = "share_ever_in_need"', "output = 3", ["output"]),
    ('shock = "lockdown"', 'shock = ["lockdown"]', ["shock"]),
    ('strategy = "status_quo"', 'strategy = {a = 1}', ["strategy"]),
    ('use = "calibration"', 'use = ["calibration"]', ["use"]),
    ("interval = [0.4, 0.6]", "interval = [-5, 7]", ["interval", "outside"]),
    ("interval = [0.4, 0.6]", "interval = [0.6, 0.4]", ["interval"]),
    ("interval = [0.4, 0.6]", "interval = [0.4]", ["interval"]),
    ("interval = [0.4, 0.6]", "interval = [0.4, nan]", ["interval"]),
    ("interval = [0.4, 0.6]", "sd = 0", ["sd"]),
    ("interval = [0.4, 0.6]", "sd = -1", ["sd"]),
    ("interval = [0.4, 0.6]", "", ["interval"]),
    ("observed = 0.5", "observed = 5", ["observed"]),
    ("observed = 0.5", "observed = inf", ["observed"]),
    ("observed = 0.5", "observed = " + "9" * 5000, ["4,300 digits"]),
    ("year = 2020", "year = 20", ["year"]),
    ('authors = "A"', "", ["authors"]),
    ('name = "t1"', 'name = "a b"', ["name"]),
    ('name = "t1"', 'name = ["t1"]', ["name"]),
    ("[[targets]]", "[[targetz]]", ["targetz"]),
])
def test_target_mistakes(tmp_path, old, new, words):
    assert old in TARGET
    f = write(tmp_path, TARGET.replace(old, new))
    refused(lambda: load_target_file(f), str(f), *words, error=SpecError)


# -- parameter presets -----------------------------------------------------------------------

@pytest.mark.parametrize("text, words", [
    ('[parms]\n"population.reserve_days" = 9.5\n', ["parms", "did you mean [params]"]),
    ('[params]\n"governance.data_openness" = 1.0\n', ["lever", "every strategy",
                                                       "--preset-levers"]),
    ('[params]\n"population.n_households" = 100\n', ["n_households", "own options"]),
    ('[params]\n"run.seed" = 3\n', ["run.seed"]),
    ('[params]\n"run.days" = 30\n', ["run.days"]),
    ('[params]\n"population.reserve_dayz" = 9.5\n', ["reserve_dayz", "did you mean"]),
    ('[params]\n"population.reserve_days" = "nine"\n', ["reserve_days"]),
    ('[params]\n"population.reserve_days" = ' + "9" * 401 + "\n", ["reserve_days"]),
    ('[params]\n"population.reserve_days" = nan\n', ["reserve_days"]),
    ('[params]\n"population.reserve_days" = [9]\n', ["reserve_days"]),
    ("[params]\n", ["[params]"]),
    ("params = 3\n", ["[params]"]),
    ('[provenance]\nx = 1\n', ["[params]"]),
])
def test_preset_mistakes_name_the_preset(tmp_path, text, words):
    f = write(tmp_path, text, "p.toml")
    refused(lambda: load_preset(f), str(f), *words, error=SpecError)


def test_a_lever_in_a_preset_needs_asking_and_a_folder_is_named(tmp_path, capsys):
    f = write(tmp_path, '[params]\n"governance.data_openness" = 1.0\n', "p.toml")
    assert load_preset(f, allow_levers=True) == {"governance.data_openness": 1.0}
    assert main(["compare", "--params", str(f), "--out", str(tmp_path / "c")]) == 2
    assert "lever" in capsys.readouterr().err and not (tmp_path / "c").exists()
    assert main(["compare", "--preset-levers", "--out", str(tmp_path / "c")]) == 2
    assert "needs --params" in capsys.readouterr().err
    refused(lambda: load_preset(tmp_path), "folder", error=SpecError)
    refused(lambda: load_preset("x" * 100_000), "characters", error=SpecError)


def test_compare_checks_a_presets_network_file_before_writing(tmp_path, capsys):
    f = write(tmp_path, '[params]\n"network.kind" = "edge_list"\n'
                        '"network.edge_list" = "no_such_ties.csv"\n', "p.toml")
    out = tmp_path / "c"
    assert main(["compare", "--params", str(f), "--out", str(out), "--households", "600",
                 "--replicates", "1", "--days", "20", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "no_such_ties.csv" in err and err.count("\n") == 1, err
    assert not out.exists()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(table=st.sampled_from(["params", "parms", "provenance", "posterior", "x"]),
       items=st.dictionaries(st.sampled_from(["population.reserve_days", "run.seed",
                                              "governance.data_openness", "behaviour.aid_share",
                                              "population.n_households", "nope", "Population.x"]),
                             _VALUES, max_size=3))
def test_random_presets_load_or_are_one_error(tmp_path, table, items):
    lines = [f"[{table}]"]
    for k, v in items.items():
        lines.append(f'"{k}" = {json.dumps(v) if not isinstance(v, float) else repr(v)}')
    f = write(tmp_path, "\n".join(lines) + "\n", "rp.toml")
    try:
        values = load_preset(f)
    except SpecError as e:
        assert "\n" not in str(e) and str(f) in str(e)
    else:
        assert table == "params" and values and not any(
            k.startswith("run.") or k == "governance.data_openness" for k in values)


# -- posteriors ------------------------------------------------------------------------------

def _posterior(**cols):
    base = {"population.reserve_days": np.linspace(4, 12, 10),
            "weight": np.full(10, 0.1), "generation": np.ones(10, int)}
    base.update(cols)
    return pd.DataFrame({k: v for k, v in base.items() if v is not None})


@pytest.mark.parametrize("df, words", [
    (_posterior().iloc[:0], ["no rows"]),
    (_posterior(**{"population.reserve_days": None}), ["no parameter columns"]),
    (_posterior(**{"population.reserve_days": ["a"] * 10}), ["reserve_days", "numbers"]),
    (_posterior(**{"population.reserve_days": np.r_[np.nan, np.ones(9)]}), ["NaN or infinite"]),
    (_posterior(**{"population.reserve_days": np.r_[np.inf, np.ones(9)]}), ["NaN or infinite"]),
    (_posterior(weight=np.r_[-1.0, np.ones(9)]), ["weight", ">= 0"]),
    (_posterior(weight=np.zeros(10)), ["weight"]),
    (_posterior(weight=None), ["weight and generation"]),
    (_posterior(nope=np.ones(10)), ["'nope'", "not a model parameter"]),
    (_posterior(**{"governance.visit_capacity": np.full(10, 2.5)}), ["whole numbers"]),
    (_posterior(**{"governance.visit_capacity": np.r_[np.nan, np.ones(9)]}), ["NaN"]),
    (_posterior(**{"governance.data_openness": np.full(10, 0.5)}), ["lever"]),
    (_posterior(**{"run.days": np.full(10, 30)}), ["run.days"]),
    (_posterior(**{"population.reserve_days": np.full(10, -50.0)}), ["reserve_days"]),
    (_posterior(**{"population.reserve_days": [True] * 10}), ["reserve_days"]),
])
def test_posterior_mistakes_name_the_file(tmp_path, df, words):
    f = tmp_path / "posterior.parquet"
    df.to_parquet(f)
    refused(lambda: posterior_ranges(f), str(f), *words, error=SpecError)


@pytest.mark.parametrize("content", [b"", b"PAR1garbage", b"not parquet at all", None])
def test_unreadable_posteriors(tmp_path, capsys, content):
    f = tmp_path / "posterior.parquet"
    if content is None:
        f.mkdir()
    else:
        f.write_bytes(content)
    refused(lambda: last_generation(f), str(f), error=SpecError)
    assert main(["robustness", "--ranges", str(f), "--report-only", "--out",
                 str(tmp_path / "r")]) == 2
    assert str(f) in capsys.readouterr().err


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=0, max_size=6),
       weights=st.lists(st.floats(-1, 2), min_size=6, max_size=6),
       col=st.sampled_from(["population.reserve_days", "governance.visit_capacity",
                            "behaviour.aid_share", "other"]))
def test_random_posteriors_give_ranges_or_one_error(tmp_path, values, weights, col):
    n = len(values)
    df = pd.DataFrame({col: values, "weight": weights[:n], "generation": [0] * n})
    f = tmp_path / "rp.parquet"
    df.to_parquet(f)
    try:
        ranges = posterior_ranges(f)
    except SpecError as e:
        assert "\n" not in str(e) and str(f) in str(e)
    else:
        (lo, hi), = ranges.values()
        assert np.isfinite([lo, hi]).all() and lo < hi


# -- query -----------------------------------------------------------------------------------

@pytest.fixture
def store(tmp_path):
    """A results folder made by hand (no run): a manifest and a runs table."""
    d = tmp_path / "it's a \"folder\""
    d.mkdir()
    (d / "manifest.json").write_text(json.dumps({"spec": {"name": "t"}}))
    pd.DataFrame({"run_id": [0, 1], "strategy": ["a", "b"],
                  "resilience_loss": [1.0, 2.0]}).to_parquet(d / "runs.parquet")
    return Store(d)


def test_query_reads_a_folder_with_both_quote_characters(store):
    df = store.query("SELECT strategy, resilience_loss FROM runs ORDER BY run_id")
    assert list(df["strategy"]) == ["a", "b"]


@pytest.mark.parametrize("sql, words", [
    ("", ["empty"]),
    ("   ;  ", ["empty"]),
    ("-- only a comment", ["empty"]),
    ("/* block */", ["empty"]),
    ("SELEC 1", ["query failed"]),
    ("SELECT * FROM series", ["series", "runs"]),
    ("SELECT * FROM nope", ["nope", "runs"]),
    ("SELECT nope FROM runs", ["nope"]),
    ("COPY runs TO 'out.csv'", ["one SELECT", "COPY"]),
    ("COPY (SELECT 5) TO '{root}/runs.parquet' (USE_TMP_FILE false)", []),
    ("COPY (SELECT 5) TO 'runs.parquet' (USE_TMP_FILE false)", ["COPY"]),
    ("ATTACH 'x.duckdb' AS x", ["ATTACH"]),
    ("INSTALL httpfs", ["one SELECT"]),
    ("SET enable_external_access = true", ["SET"]),
    ("PRAGMA version", ["PRAGMA"]),
    ("CREATE TABLE t AS SELECT 1", ["CREATE"]),
    ("SELECT 1; SELECT 2", ["one SELECT"]),
    ("SELECT * FROM read_csv('/etc/passwd')", ["query failed"]),
    ("SELECT * FROM read_parquet('{root}/../x.parquet')", ["query failed"]),
    ("SELECT * FROM read_parquet('/tmp/../etc/passwd')", ["query failed"]),
    ("SELECT * FROM read_text('/etc/hostname')", ["query failed"]),
    ("SELECT * FROM glob('/*')", ["query failed"]),
    ("EXPORT DATABASE 'x'", ["EXPORT"]),
])
def test_query_is_read_only_and_clear(store, sql, words):
    before = sorted(os.listdir(store.root)) + sorted(os.listdir(store.root.parent))
    msg = refused(lambda: store.query(sql.format(root=store.root)), *words, error=SpecError)
    assert sorted(os.listdir(store.root)) + sorted(os.listdir(store.root.parent)) == before, msg
    assert len(pd.read_parquet(store.root / "runs.parquet")) == 2


def test_query_names_a_broken_file_and_a_folder_without_runs(store, tmp_path):
    (store.root / "series.parquet").write_bytes(b"garbage")
    refused(lambda: store.query("SELECT 1 FROM runs"), "series.parquet", "damaged",
            error=SpecError)
    (store.root / "series.parquet").unlink()
    (store.root / "runs.parquet").unlink()
    refused(lambda: store.query("SELECT 1"), "no finished runs", error=SpecError)
    refused(lambda: Store(tmp_path / "nope").query("SELECT 1"), "does not exist",
            error=SpecError)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(words=st.lists(st.sampled_from(["SELECT", "*", "FROM", "runs", "series", "COPY", "TO",
                                       "'x.csv'", "ATTACH", ";", "--", "(", ")", "1",
                                       "count(*)", "WHERE", "=", "strategy", "'a'", "SET",
                                       "read_csv('/etc/passwd')", "GROUP", "BY", "/*", "*/"]),
                      max_size=8))
def test_random_sql_answers_or_is_one_error_and_writes_nothing(store, words):
    before = sorted(os.listdir(store.root))
    try:
        df = store.query(" ".join(words))
    except SpecError as e:
        assert "\n" not in str(e)
    else:
        assert isinstance(df, pd.DataFrame)
    assert sorted(os.listdir(store.root)) == before


# -- options: which value wins ---------------------------------------------------------------

def test_the_same_parameter_twice_is_refused():
    with pytest.raises(ParameterError, match="given twice"):
        command_overrides(["run.days=40", "run.days=30"])
    with pytest.raises(ParameterError, match="--days 30 and --set run.days=40"):
        command_overrides(["run.days=40"], {"run.days": ("--days", 30)})
    assert command_overrides(["run.seed=7"], {"run.days": ("--days", 30)}) == {
        "run.seed": 7, "run.days": 30}
    with pytest.raises(ParameterError) as e:
        command_overrides(["x" * 120_000 + "=1"])
    assert len(str(e.value)) < 400


@pytest.mark.parametrize("args, words", [
    (["--set", "run.days=40", "--days", "30"], ["--days 30", "--set run.days=40"]),
    (["--set", "run.days=40", "--set", "run.days=41"], ["given twice"]),
    (["--set", "run.seed=7", "--seed", "7"], ["--seed 7"]),
    (["--set", "population.n_households=700", "--households", "600"], ["--households"]),
])
def test_run_refuses_a_parameter_given_twice(tmp_path, capsys, args, words):
    assert main(["run", "--out", str(tmp_path / "o"), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and all(w in err for w in words), err
    assert not (tmp_path / "o").exists()


def test_set_run_seed_reaches_the_model(monkeypatch, capsys):
    import scenarios

    seen = {}

    def fake(strategy, shock, **kwargs):
        seen.update(kwargs)
        raise SpecError("stop here")

    monkeypatch.setattr(scenarios, "make_model", fake)
    main(["run", "--set", "run.seed=7"])
    assert seen["overrides"]["run.seed"] == 7 and "seed" not in seen
    main(["run", "--seed", "3", "--days", "12"])
    assert seen["overrides"]["run.seed"] == 3 and seen["overrides"]["run.days"] == 12
    main(["run"])
    assert seen["overrides"]["run.seed"] == 0  # the command's documented default
    capsys.readouterr()


@pytest.mark.parametrize("args, words", [
    (["--quick", "--population", "0"], ["--quick", "--population 0"]),
    (["--quick", "--households", "100"], ["--households 100"]),
    (["--quick", "--generations", "5"], ["--generations 5"]),
])
def test_quick_refuses_values_it_would_override(tmp_path, capsys, args, words):
    assert main(["calibrate", "--out", str(tmp_path / "c"), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and all(w in err for w in words), err
    assert not (tmp_path / "c").exists()


def test_calibrate_checks_out_and_preset_before_running(tmp_path, capsys):
    f = write(tmp_path, "x", "file.txt")
    assert main(["calibrate", "--quick", "--out", str(f)]) == 2
    assert "existing file" in capsys.readouterr().err
    assert main(["calibrate", "--quick", "--out", str(tmp_path / "c"), "--preset",
                 str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()


# -- nothing left running --------------------------------------------------------------------

def test_a_failed_run_leaves_no_worker_process():
    from experiments.runners import run_in_processes
    from tests.process_helpers import fail_on_second, no_warm_up

    seen = []
    with pytest.raises(RuntimeError, match="task 1 failed"):
        run_in_processes([0, 1, 2, 3, 4, 5], None, 2, lambda: None,
                         lambda bar, result: seen.append(result),
                         fn=fail_on_second, initializer=no_warm_up)
    assert multiprocessing.active_children() == []


@pytest.mark.slow
@pytest.mark.parametrize("executor", ["process", "dask"])
def test_a_sweep_that_fails_at_a_run_leaves_nothing(tmp_path, monkeypatch, executor):
    """A failure the checks before work cannot see (here: they are switched off):
    the workers are joined (on Dask: the client and the local cluster closed), and the
    folder of a first start is removed again. (Slow: the workers load the kernels;
    the test above covers the joining.)"""
    import experiments.runners as runners

    if executor == "dask":
        pytest.importorskip("dask.distributed")
    monkeypatch.setattr(runners, "check_tasks", lambda tasks: None)
    spec = check_spec({"name": "t", "strategies": ["status_quo"], "shocks": ["lockdown"],
                       "days": 20})
    out = tmp_path / "out"
    with pytest.raises(GrassrootsError, match="missing.toml"):
        runners.execute(spec, out, executor=executor, workers=1, progress=False,
                        tasks=[runners.Task(0, str(tmp_path / "missing.toml"), "lockdown", 0,
                                            0, 0, 20)])
    if executor == "dask":
        from distributed import default_client

        with pytest.raises(ValueError, match="No clients found"):
            default_client()  # the client was closed
    assert multiprocessing.active_children() == []  # and every worker process
    assert not out.exists()


def _strategy_files_removed_after_the_checks(tmp_path, monkeypatch, *names) -> list[Path]:
    """Strategy files (copies of built-in ones) that pass the checks before work and
    are then removed (as a user might, mid-run): every run fails in its worker."""
    import experiments.runners as runners

    files = [tmp_path / f"mine_{n}.toml" for n in names]
    for f, n in zip(files, names):
        f.write_text((ROOT / f"scenarios/strategies/{n}.toml").read_text())
    check = runners.check_tasks

    def check_then_remove(tasks):
        check(tasks)
        for f in files:
            f.unlink()
    monkeypatch.setattr(runners, "check_tasks", check_then_remove)
    return files


@pytest.mark.slow
@pytest.mark.parametrize("command", ["compare", "robustness"])
def test_a_comparison_that_fails_at_a_run_leaves_nothing(tmp_path, monkeypatch, command):
    from experiments.compare import run_compare
    from experiments.robustness import run

    files = _strategy_files_removed_after_the_checks(tmp_path, monkeypatch, "status_quo",
                                                      "community_resilience")
    names = ", ".join(f'"{f}"' for f in files)
    out = tmp_path / "out"
    if command == "compare":
        spec = write(tmp_path, f'name = "t"\nstrategies = [{names}]\nshocks = ["flood"]\n'
                     'replicates = 2\ndays = 20\ncounterfactual = true\nwindow_days = 10\n'
                     '[fixed]\n"population.n_households" = 600\n"run.tenure_days" = 5\n',
                     "spec.toml")
        with pytest.raises(GrassrootsError, match="mine_"):
            run_compare(spec, out, workers=2, progress=False)
    else:
        spec = check_robustness({"name": "t", "worlds": 2, "strategies": [str(f) for f in files],
                                 "shocks": ["flood"], "households": 600, "days": 20})
        with pytest.raises(GrassrootsError, match="mine_"):
            run(spec, out, workers=2, progress=False)
    assert multiprocessing.active_children() == []
    assert not out.exists()


def test_the_calibrations_pool_stops_its_workers_at_once(monkeypatch):
    """The calibration's executor (abc.make_executor) closes with stop_pool: queued
    and running evaluations are dropped and every worker is joined."""
    import time

    import experiments.runners as runners
    from experiments.calibration.abc import make_executor
    from tests.process_helpers import no_warm_up

    monkeypatch.setattr(runners, "warm_up", no_warm_up)
    pool, n, close = make_executor("process", 2, None)
    futures = [pool.submit(time.sleep, 30) for _ in range(4)]
    t0 = time.time()
    close()
    assert multiprocessing.active_children() == []
    assert time.time() - t0 < 20 and not any(f.done() and not f.cancelled()
                                             and f.exception() is None for f in futures)


# -- network files: read the way networkx users expect ---------------------------------------

def _graphml(tmp_path, G, name="g.graphml") -> Path:
    import networkx as nx

    f = tmp_path / name
    nx.write_graphml(G, f)
    return f


def _graph(nodes, edges):
    import networkx as nx

    G = nx.Graph()
    for v, attrs in nodes:
        G.add_node(v, **attrs)
    for u, v, attrs in edges:
        G.add_edge(u, v, **attrs)
    return G


@pytest.mark.parametrize("nodes, edges, words", [
    ([("1", {}), ("01", {})], [("1", "01", {})], ["'1'", "'01'", "two nodes"]),
    ([("1", {}), ("+1", {}), ("2", {})], [("1", "2", {}), ("+1", "2", {})], ["two nodes"]),
    ([("9" * 5000, {}), ("1", {})], [("9" * 5000, "1", {})], ["unknown household id"]),
    ([("a", {"grid": "9" * 5000}), ("b", {})], [("a", "b", {})], ["grid", "whole number"]),
    ([("a", {"household_size": "9" * 5000}), ("b", {})], [("a", "b", {})], ["household_size"]),
    ([("a", {"age_group": "9" * 5000}), ("b", {})], [("a", "b", {})], ["age_group"]),
    ([("a", {"age": "9" * 5000}), ("b", {})], [("a", "b", {})], ["age"]),
    ([("a", {"age": 20, "elderly": "yes"}), ("b", {})], [("a", "b", {})],
     ["age = 20", "elderly", "disagree"]),
    ([("a", {"Elderly": "yes", "elderly": "no"}), ("b", {})], [("a", "b", {})], ["disagree"]),
    ([("a", {"AGE": 70, "is_elderly": 0}), ("b", {})], [("a", "b", {})], ["disagree"]),
    ([("a", {"Lives_Alone": "maybe"}), ("b", {})], [("a", "b", {})], ["Lives_Alone", "maybe"]),
    ([("a", {}), ("b", {})], [("a", "b", {"Weight": 0})], ["weight 0", "> 0"]),
    ([("a", {}), ("b", {})], [("a", "b", {"WEIGHT": 2.0})], ["weight_scale"]),
    ([("a", {}), ("b", {})], [("a", "b", {"weight": 0.5, "Weight": 0.7})], ["different"]),
    ([("a", {}), ("b", {})], [("a", "b", {"weight": "x"})], ["not a number"]),
    ([("a", {}), ("b", {})], [], ["no ties"]),
])
def test_graphml_mistakes(tmp_path, nodes, edges, words):
    from sim.errors import NetworkError
    from sim.network import read_network

    f = _graphml(tmp_path, _graph(nodes, edges))
    refused(lambda: read_network(f, 600), str(f), *words, error=NetworkError)


def test_attributes_in_any_case_and_unknown_ones_warned(tmp_path):
    from sim.errors import InputWarning
    from sim.network import read_network

    f = _graphml(tmp_path, _graph([("a", {"AGE": 70, "Elderly": "yes", "club": "x"}),
                                   ("b", {"Lives_Alone": "no", "label": "B"})],
                                  [("a", "b", {"Weight": 0.25, "since": 1990})]))
    with pytest.warns(InputWarning) as record:
        net = read_network(f, 600)
    text = " ".join(str(w.message) for w in record)
    assert "'club'" in text and "'since'" in text and "label" not in text
    assert net.attributes["elderly"][0] == 1.0 and net.attributes["alone"][1] == 0.0
    assert net.weight.tolist() == [0.25, 0.25]


@pytest.mark.parametrize("fmt, text, words", [
    ("net", "*Vertices 2\n1 \"a\"\n2 \"b\"\n*Edges\n1 2 x\n", ["weight 'x'", "line 5"]),
    ("net", "*Vertices 2\n1 \"a\"\n2 \"b\"\n*Edges\n", ["no ties"]),
    ("gml", "graph [\n node [ id 0 label \"a\" ]\n node [ id 1 label \"b\" ]\n]\n", ["no ties"]),
    ("adjlist", "a\nb\n", ["no ties"]),
    ("gexf", "<gexf><graph><nodes><node id=\"0\"/></nodes></graph></gexf>", []),
])
def test_other_formats_refuse_what_graphml_refuses(tmp_path, fmt, text, words):
    from sim.errors import NetworkError
    from sim.network import read_network

    f = write(tmp_path, text, f"g.{fmt}")
    refused(lambda: read_network(f, 600), str(f), *words, error=NetworkError)


@pytest.mark.parametrize("text, expected", [
    ('"a","b"\n"b","c"\n', {(0, 1, 1.0), (1, 2, 1.0)}),
    ('"source","target","weight"\n"a","b","0.5"\n', {(0, 1, 0.5)}),
    ('"a,1","b"\n', {(0, 1, 1.0)}),
    ("0;1;0,5\n1;2;1\n", {(0, 1, 0.5), (1, 2, 1.0)}),
    ("0\t1\t0,25\n", {(0, 1, 0.25)}),
    ("'a' 'b'\n", {(0, 1, 1.0)}),
])
def test_csv_quotes_and_decimal_commas(tmp_path, text, expected):
    from sim.network import read_edge_list

    net = read_edge_list(write(tmp_path, text, "t.csv"), 10)
    rows = np.repeat(np.arange(net.n), np.diff(net.indptr))
    up = rows < net.indices
    got = set(zip(rows[up].tolist(), net.indices[up].tolist(), net.weight[up].round(9).tolist()))
    assert got == expected


@pytest.mark.parametrize("text, words", [
    ("1,2\n01,3\n", ["'1'", "'01'", "two nodes"]),
    ("0;1;0,5,7\n", ["weight"]),
    ("0,1,0;5\n", ["weight"]),
    ("9" * 5000 + ",1\n", ["unknown household id"]),
    ('"0,1\n', ["not a whole number"]),
    ("0;1\n1,2\n", ["columns"]),
])
def test_csv_mistakes(tmp_path, text, words):
    from sim.errors import NetworkError
    from sim.network import read_edge_list

    f = write(tmp_path, text, "t.csv")
    refused(lambda: read_edge_list(f, 10), str(f), *words, error=NetworkError)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(nodes=st.lists(st.tuples(st.sampled_from(["1", "01", "a", "B", "2", " 3", "9" * 30]),
                                st.dictionaries(st.sampled_from(["age", "AGE", "elderly",
                                                                 "Elderly", "grid", "club",
                                                                 "income", "Household_Size"]),
                                                st.one_of(st.integers(-5, 200),
                                                          st.sampled_from(["yes", "no", "low",
                                                                           "x", "60+", ""])),
                                                max_size=3)),
                      min_size=1, max_size=5, unique_by=lambda t: t[0]),
       weights=st.lists(st.one_of(st.floats(-1, 3), st.sampled_from(["x", "0,5", ""])),
                        max_size=4),
       ids=st.sampled_from(["auto", "index", "label"]))
def test_random_graphml_gives_a_network_or_one_network_error(tmp_path, nodes, weights, ids):
    import warnings as w

    from sim.errors import NetworkError
    from sim.network import read_network

    names = [v for v, _ in nodes]
    edges = [(names[i % len(names)], names[(i + 1) % len(names)], {"weight": x})
             for i, x in enumerate(weights)]
    f = _graphml(tmp_path, _graph(nodes, edges), "r.graphml")
    try:
        with w.catch_warnings():
            w.simplefilter("ignore")
            net = read_network(f, 50, node_ids=ids)
    except NetworkError as e:
        assert "\n" not in str(e) and str(f) in str(e)
    else:
        assert net.n == 50 and len(net.indices) > 0
        assert ((net.weight > 0) & (net.weight <= 1)).all()


@pytest.mark.parametrize("out, words", [
    ("a\0b", ["NUL"]),
    ("x" * 5000, ["characters", "cannot write there"]),
    ("y/" * 3000, ["cannot write there"]),
])
def test_output_paths_the_system_refuses(tmp_path, monkeypatch, capsys, out, words):
    from sim.errors import OutputError
    from sim.io import check_out_dir, check_out_file

    monkeypatch.chdir(tmp_path)
    refused(lambda: check_out_dir(out), *words, error=OutputError)
    refused(lambda: check_out_file(out.rstrip("/") + ".json", "--json"), error=OutputError)
    assert os.listdir(tmp_path) == []


def test_robustness_checks_its_network_file_before_writing(tmp_path, capsys):
    f = write(tmp_path, ROBUST + '[fixed]\n"network.kind" = "edge_list"\n'
                                 '"network.edge_list" = "no_ties_here.csv"\n')
    out = tmp_path / "r"
    assert main(["robustness", str(f), "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "no_ties_here.csv" in err and err.count("\n") == 1, err
    assert not out.exists()


@pytest.mark.parametrize("option", ["--shock", "--strategy", "--scenarios-dir"])
def test_a_folder_or_file_in_the_wrong_place_says_so(tmp_path, capsys, option):
    f = write(tmp_path, "x = 1\n", "plain.toml")
    given = str(f) if option == "--scenarios-dir" else str(tmp_path) + "/"
    assert main(["run", option, given]) == 2
    err = capsys.readouterr().err
    assert ("is a file" if option == "--scenarios-dir" else "is a folder") in err, err


# -- snapshot files (grassroots run --from-snapshot) -----------------------------------------

@pytest.fixture(scope="module")
def snapshot_bytes(tmp_path_factory) -> bytes:
    """A real snapshot of a small run (60 households, 3 days), as bytes."""
    from scenarios import make_model

    m = make_model("status_quo", "none", n_households=60, days=3, seed=0)
    m.run()
    return m.save(tmp_path_factory.mktemp("snap") / "s.npz").read_bytes()


def _rewrite(src: bytes, tmp_path, change) -> bytes:
    """The snapshot with its header or arrays changed by `change(header, arrays)`."""
    import io

    with np.load(io.BytesIO(src)) as z:
        header = json.loads(bytes(z["header"]).decode())
        arrays = {k: z[k] for k in z.files if k != "header"}
    header = change(header, arrays)
    buf = io.BytesIO()
    text = header if isinstance(header, bytes) else json.dumps(header).encode()
    np.savez(buf, header=np.frombuffer(text, dtype=np.uint8), **arrays)
    return buf.getvalue()


def _first_array(arrays) -> str:
    return next(iter(arrays))


SNAPSHOT_CASES = {
    "empty": lambda s, t: b"",
    "random bytes": lambda s, t: bytes(range(256)) * 4,
    "truncated": lambda s, t: s[: len(s) // 2],
    "a byte flipped": lambda s, t: s[:200] + bytes([s[200] ^ 0xFF]) + s[201:],
    "an npy file": lambda s, t: b"\x93NUMPY\x01\x00v\x00{'descr': '<f8', 'fortran_order': False,"
                                b" 'shape': (0,), }" + b" " * 60 + b"\n",
    "header a list": lambda s, t: _rewrite(s, t, lambda h, a: [1, 2]),
    "header not JSON": lambda s, t: _rewrite(s, t, lambda h, a: b"{not json"),
    "header not UTF-8": lambda s, t: _rewrite(s, t, lambda h, a: b"\xff\xfe"),
    "header nested deep": lambda s, t: _rewrite(s, t, lambda h, a: b"[" * 100_000),
    "other format": lambda s, t: _rewrite(s, t, lambda h, a: {**h, "format": "x"}),
    "no arrays table": lambda s, t: _rewrite(s, t, lambda h, a: {
        k: v for k, v in h.items() if k != "arrays"}),
    "arrays a list": lambda s, t: _rewrite(s, t, lambda h, a: {**h, "arrays": [1]}),
    "an array missing": lambda s, t: _rewrite(s, t, lambda h, a: (
        a.pop(_first_array(a)), h)[1]),
    "an array of another shape": lambda s, t: _rewrite(s, t, lambda h, a: (
        a.update({_first_array(a): np.zeros(7)}), h)[1]),
    "an array of another dtype": lambda s, t: _rewrite(s, t, lambda h, a: (
        a.update({_first_array(a): a[_first_array(a)].astype(np.int8)}), h)[1]),
    "a bad dtype in the header": lambda s, t: _rewrite(s, t, lambda h, a: {
        **h, "arrays": {**h["arrays"], _first_array(a): ["no-such-type", [1]]}}),
    "no strategy": lambda s, t: _rewrite(s, t, lambda h, a: {
        k: v for k, v in h.items() if k != "strategy"}),
    "a bad strategy": lambda s, t: _rewrite(s, t, lambda h, a: {**h, "strategy": [1]}),
    "another code version": lambda s, t: _rewrite(s, t, lambda h, a: {
        **h, "code_version": "0" * 16}),
    "another format version": lambda s, t: _rewrite(s, t, lambda h, a: {
        **h, "format_version": 99}),
}


@pytest.mark.parametrize("case", SNAPSHOT_CASES)
def test_broken_snapshots_are_one_message_naming_the_file(tmp_path, capsys, snapshot_bytes,
                                                          case):
    from sim.snapshot import SnapshotError, load

    f = tmp_path / "s.npz"
    f.write_bytes(SNAPSHOT_CASES[case](snapshot_bytes, tmp_path))
    refused(lambda: load(f), error=SnapshotError)
    assert main(["run", "--from-snapshot", str(f), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ("s.npz" in err or "snapshot" in err), err
    assert not (tmp_path / "o").exists()


def test_snapshot_paths_are_checked_before_the_run(tmp_path, capsys, snapshot_bytes):
    from sim.snapshot import SnapshotError, load

    f = tmp_path / "s.npz"
    f.write_bytes(snapshot_bytes)
    assert load(f).day == 3  # the unchanged file loads
    refused(lambda: load(tmp_path), "folder", error=SnapshotError)
    refused(lambda: load(tmp_path / "nope.npz"), "does not exist", error=SnapshotError)
    assert main(["run", "--households", "600", "--days", "12", "--save-snapshot",
                 str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
