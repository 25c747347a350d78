"""Experiments: specs, designs, common random numbers, runners, the store, analyses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.designs import points, sample
from experiments.runners import execute, make_tasks
from experiments.sensitivity import indices
from experiments.spec import check_spec, load_spec
from experiments.store import Store
from scenarios import make_model
from sim.errors import SpecError
from tests.process_helpers import kill_mid_run

SMALL = {"name": "small", "strategies": ["status_quo", "community_resilience"],
         "shocks": ["flood"], "replicates": 2, "days": 30,
         "fixed": {"population.n_households": 600, "run.tenure_days": 30},
         "series": ["functionality"]}


def test_headline_spec_is_the_documented_one():
    s = load_spec()
    assert s.name == "headline" and s.replicates == 20 and s.days == 180
    assert len(s.strategies) == 4 and len(s.shocks) == 6
    assert s.fixed["population.n_households"] == 10_000
    assert s.counterfactual and s.window_days == 90
    # One no-shock run per strategy and replicate, not per shock.
    tasks = make_tasks(s)
    assert len(tasks) == 4 * 6 * 20 + 4 * 20
    assert sum(t.shock == "none" for t in tasks) == 4 * 20
    assert {"functionality", "in_crisis"} <= set(s.series)


@pytest.mark.parametrize("change, words", [
    ({"strategies": ["status_qou"]}, "did you mean status_quo"),
    ({"shocks": []}, "non-empty list"),
    ({"replicates": 0}, "replicates: must be a whole number"),
    ({"fixed": {"governance.data_opennes": 0.3}}, "did you mean governance.data_openness"),
    ({"fixed": {"governance.data_openness": [0.1, 0.2]}}, "put swept values under [sweep]"),
    ({"sweep": {"governance.data_openness": [0.1, 1.5]}}, "out of range"),
    ({"design": {"kind": "grid"}}, "unknown design 'grid'"),
    ({"design": {"kind": "lhs", "samples": 4, "ranges": {"governance.data_openness": [1, 0]}}},
     "low < high"),
    ({"outcomes": ["resilience"]}, "unknown outcome"),
    ({"replicats": 3}, "did you mean replicates"),
    ({"counterfactual": "yes"}, "counterfactual: must be true or false"),
    ({"window_days": 30}, "window_days: is the counterfactual window: it needs"),
    ({"counterfactual": True, "window_days": 0}, "window_days: must be a whole number"),
])
def test_bad_specs_are_rejected_clearly(change, words):
    with pytest.raises(SpecError) as e:
        check_spec({**SMALL, **change}, "spec.toml")
    assert words in str(e.value) and "spec.toml" in str(e.value)


def test_missing_and_malformed_spec_files(tmp_path):
    with pytest.raises(SpecError, match="does not exist"):
        load_spec(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("strategies = [")
    with pytest.raises(SpecError, match="not valid TOML"):
        load_spec(bad)


def test_designs():
    s = check_spec({**SMALL, "sweep": {"governance.data_openness": [0.1, 0.9],
                                       "governance.direct_dispatch": [False, True]}})
    pts = points(s)
    assert len(pts) == 4 and all(p["population.n_households"] == 600 for p in pts)
    assert {(p["governance.data_openness"], p["governance.direct_dispatch"]) for p in pts} == {
        (0.1, False), (0.1, True), (0.9, False), (0.9, True)}
    lhs = check_spec({**SMALL, "design": {"kind": "lhs", "samples": 10, "ranges": {
        "governance.data_openness": [0.0, 1.0], "governance.visit_capacity": [10, 40]}}})
    pts = points(lhs)
    assert len(pts) == 10
    assert all(isinstance(p["governance.visit_capacity"], int) for p in pts)
    # a Latin hypercube puts one sample in each of the 10 strata of each range
    strata = sorted(int(p["governance.data_openness"] * 10) for p in pts)
    assert strata == list(range(10))
    sob = check_spec({**SMALL, "design": {"kind": "sobol", "samples": 8, "ranges": {
        "governance.data_openness": [0.0, 1.0], "governance.reporting_burden": [0.0, 0.5]}}})
    assert len(points(sob)) == 8 * (2 + 2)


def test_common_random_numbers_across_strategies():
    """Replicate k: same seed, same city; identical days until the strategies first differ."""
    kw = {"n_households": 2000, "days": 40, "seed": 7}
    # from the very first day, to see when they part
    no_burn = {"run.warm_up_days": 0, "run.tenure_days": 0}
    a = make_model("status_quo", "flood", overrides=no_burn, **kw)
    b = make_model("status_quo", "flood",
                        overrides={**no_burn, "governance.direct_dispatch": True}, **kw)
    for name in ("is_elderly", "has_digital_access", "reserves", "exposure", "trust"):
        assert np.array_equal(getattr(a.state.households, name),
                              getattr(b.state.households, name))
    assert np.array_equal(a.network.indices, b.network.indices)
    first_diff_day = None
    for d in range(40):
        a.step()
        b.step()
        if first_diff_day is None and not np.array_equal(a.daily[d], b.daily[d]):
            first_diff_day = d
        # the strategies act differently only once a case has been dispatched
        dispatched = (a.state.households.t_dispatch >= 0).any()
        if not dispatched:
            assert first_diff_day is None
    assert first_diff_day is not None and first_diff_day > 0
    tasks = make_tasks(check_spec(SMALL))
    by = {(t.strategy, t.replicate): t.seed for t in tasks}
    assert by[("status_quo", 1)] == by[("community_resilience", 1)] != by[("status_quo", 0)]


def _small_store(tmp_path, name, **kw) -> Store:
    return execute(check_spec(SMALL), tmp_path / name, progress=False, **kw)


def test_serial_and_process_give_identical_tables(tmp_path):
    a = _small_store(tmp_path, "serial", executor="serial")
    b = _small_store(tmp_path, "process", executor="process", workers=2)
    ra, sa = a.load()
    rb, sb = b.load()
    pd.testing.assert_frame_equal(ra, rb)
    pd.testing.assert_frame_equal(sa, sb)
    assert sorted(ra["run_id"]) == list(range(4)) and not (a.root / "parts").exists()
    m = json.loads((a.root / "manifest.json").read_text())
    assert m["spec"]["name"] == "small" and len(m["tasks"]) == 4 and m["versions"]["numba"]


@pytest.mark.slow  # a local Dask cluster, ~10 s; process and serial are tested by default
def test_dask_local_cluster_gives_identical_tables(tmp_path):
    pytest.importorskip("dask.distributed")
    a = _small_store(tmp_path, "serial", executor="serial")
    b = _small_store(tmp_path, "dask", executor="dask", workers=2)
    pd.testing.assert_frame_equal(a.load()[0], b.load()[0])
    pd.testing.assert_frame_equal(a.load()[1], b.load()[1])
    c = execute(check_spec(FORKS), tmp_path / "straight", executor="serial", fork=False,
                progress=False)
    d = execute(check_spec(FORKS), tmp_path / "dask_forks", executor="dask", workers=2,
                progress=False)
    pd.testing.assert_frame_equal(c.load()[0], d.load()[0])
    pd.testing.assert_frame_equal(c.load()[1], d.load()[1])


# Runs that share a past: each strategy x replicate under two shocks and without one.
FORKS = {**SMALL, "name": "forks", "shocks": ["flood", "lockdown"], "counterfactual": True,
         "replicates": 1, "series": ["functionality", "in_crisis"]}


def test_forked_runs_give_the_tables_of_runs_straight_through(tmp_path):
    """Sweeps simulate each (strategy, seed, parameters)'s past once and fork the
    shocks and the no-shock run from it: identical tables. (Forked on processes
    and Dask: the slow Dask test; every executor runs the same run_group.)"""
    from experiments.runners import fork_groups

    tasks = make_tasks(check_spec(FORKS))
    assert [len(g) for g in fork_groups(tasks)] == [3, 3]
    a = execute(check_spec(FORKS), tmp_path / "straight", executor="serial", fork=False,
                progress=False)
    b = execute(check_spec(FORKS), tmp_path / "forked", executor="serial", progress=False)
    pd.testing.assert_frame_equal(a.load()[0], b.load()[0])
    pd.testing.assert_frame_equal(a.load()[1], b.load()[1])


def test_store_refuses_to_mix_and_query_works(tmp_path):
    s = _small_store(tmp_path, "q", executor="serial")
    with pytest.raises(SpecError, match="already holds results"):
        _small_store(tmp_path, "q", executor="serial")
    other = {**SMALL, "replicates": 3}
    with pytest.raises(SpecError, match=r"different spec \(replicates\)"):
        execute(check_spec(other), s.root, progress=False, executor="serial", resume=True)
    held = {**SMALL, "fixed": {**SMALL.get("fixed", {}), "population.reserve_days": 9.0}}
    with pytest.raises(SpecError, match="population.reserve_days: default in the folder, 9.0 now"):
        execute(check_spec(held), s.root, progress=False, executor="serial", resume=True)
    df = s.query("SELECT strategy, count(*) AS n, avg(resilience_loss) AS loss "
                 "FROM runs GROUP BY strategy ORDER BY strategy")
    assert list(df["strategy"]) == ["community_resilience", "status_quo"]
    assert list(df["n"]) == [2, 2]
    n = s.query("SELECT count(*) AS n FROM series WHERE metric = 'functionality'")["n"][0]
    assert n == 4 * 30
    with pytest.raises(SpecError, match="query failed"):
        s.query("SELEC nothing")
    with pytest.raises(SpecError, match="not a results folder"):
        Store(tmp_path / "empty").query("SELECT 1")


@pytest.mark.slow  # ~8-15 s; --resume after an interruption runs by default (docs commands)
def test_sweep_killed_with_sigkill_resumes_without_loss_or_duplicates(tmp_path):
    spec = tmp_path / "kill.toml"
    spec.write_text('name = "kill"\nstrategies = ["status_quo", "top_down_digital"]\n'
                    'shocks = ["flood", "lockdown"]\nreplicates = 6\ndays = 60\n'
                    'series = ["functionality"]\n'
                    '[fixed]\n"population.n_households" = 3000\n')
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "grassroots", "sweep", str(spec), "--out", str(out),
           "--executor", "process", "--workers", "2", "--no-progress"]
    kill_mid_run(cmd, out, poll=0.05)  # the runner and its workers, mid-run
    done_before = len(Store(out).done_ids())
    assert 4 <= done_before < 24, "the sweep should have been killed mid-way"
    r = subprocess.run(cmd + ["--resume"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    runs, series = Store(out).load()
    assert sorted(runs["run_id"]) == list(range(24))  # every run exactly once
    assert len(series) == 24 * 60 and not series.duplicated(["run_id", "day", "metric"]).any()
    clean = execute(check_spec({"name": "kill", "strategies": ["status_quo", "top_down_digital"],
                                "shocks": ["flood", "lockdown"], "replicates": 6, "days": 60,
                                "series": ["functionality"],
                                "fixed": {"population.n_households": 3000}}),
                    tmp_path / "clean", executor="process", workers=2, progress=False)
    pd.testing.assert_frame_equal(runs.reset_index(drop=True), clean.load()[0])


def ishigami(X, a=7.0, b=0.1):
    return np.sin(X[:, 0]) + a * np.sin(X[:, 1]) ** 2 + b * X[:, 2] ** 4 * np.sin(X[:, 0])


def test_sobol_pipeline_reproduces_ishigami_indices():
    ranges = {f"x{i}": (-np.pi, np.pi) for i in range(1, 4)}
    X = sample("sobol", ranges, 2**13, seed=1)
    df = indices("sobol", ranges, X, ishigami(X), seed=1).set_index("parameter")
    np.testing.assert_allclose(df["S1"], [0.314, 0.442, 0.0], atol=0.02)
    np.testing.assert_allclose(df["ST"], [0.558, 0.442, 0.244], atol=0.02)


def test_morris_ranks_ishigami_inputs():
    ranges = {f"x{i}": (-np.pi, np.pi) for i in range(1, 4)}
    X = sample("morris", ranges, 200, seed=2)
    df = indices("morris", ranges, X, ishigami(X), seed=2).set_index("parameter")
    assert df["mu_star"]["x2"] > df["mu_star"]["x3"] and df["mu_star"]["x1"] > df["mu_star"]["x3"]


@pytest.mark.slow  # ~7 s; the Ishigami and PRIM worked answers are tested by default
def test_sensitivity_and_discovery_on_a_small_sweep(tmp_path):
    from experiments.discovery import discover, write_discovery
    from experiments.sensitivity import analyse
    from viz.reports import write_sensitivity

    spec = check_spec({"name": "sens", "strategies": ["status_quo"], "shocks": ["lockdown"],
                       "days": 40, "fixed": {"population.n_households": 600},
                       "design": {"kind": "morris", "samples": 4, "ranges": {
                           "behaviour.ask_neighbours": [0.1, 1.0],
                           "governance.data_openness": [0.0, 1.0]}}})
    store = execute(spec, tmp_path / "s", executor="serial", progress=False)
    table = analyse(store, ["resilience_loss"])
    assert list(table["parameter"]) == ["behaviour.ask_neighbours", "governance.data_openness"]
    files = write_sensitivity(store, table)
    assert all(f.is_file() for f in files) and files[-1].suffix == ".png"
    runs, _ = store.load()
    median = float(runs["resilience_loss"].median())
    box = discover(store, "resilience_loss", median)
    assert 0 < box.coverage <= 1 and 0 < box.density <= 1
    assert "behaviour.ask_neighbours" in set(box.limits["input"])
    assert write_discovery(store, box, "test").is_file()
    with pytest.raises(SpecError, match="nothing to discover"):
        discover(store, "resilience_loss", 1e9)


def test_small_compare_writes_report_and_figures(tmp_path):
    from viz.report import compare

    report = compare(out=tmp_path / "cmp", replicates=2, households=600, days=40, workers=2,
                     progress=False)
    short = report.read_text()
    text = (tmp_path / "cmp" / "appendix.md").read_text()  # the full numbers
    from viz.i18n import display_name

    for shock in ("flood", "lockdown", "heatwave_blackout", "platform_outage", "economic",
                  "compound"):
        assert f"## {display_name(shock)} (onset day" in text
    # the report a newcomer reads: plain names, one small table per shock, no tests
    for words in ("### Flood (starts on day 10)", "loses the fewest days", "appendix.md",
                  "| Hybrid (grassroots empowerment) |", "600 households"):
        assert words in short, words
    assert "Holm" not in short and "grassroots_empowerment" not in short
    assert len(short) < len(text)
    assert "Paired differences from Status quo" in text and "[" in text
    figs = {p.name for p in (tmp_path / "cmp" / "figures").iterdir()}
    assert {"resilience_curves.png", "illusion_gap.png"} <= figs
    for section in ("How to read this", "## Summary", "## Notes on the measures",
                    "## Provenance", "Loss vs no-shock run (days)", "lower is better",
                    "distinguishable", "git commit", "onset day 10", "run.tenure_days"):
        assert section in text, section
    assert "e+0" not in text and "e-0" not in text  # no scientific notation
    assert "paired_gap.png" in figs and "heatmap_counterfactual_loss.png" in figs
    # the finding in one plain line, atop the report and for the terminal
    from viz.report import finding_of

    line = finding_of(tmp_path / "cmp")
    assert line.startswith("Fewest days of functioning lost to the shock") and "Flood: " in line
    assert "_" not in line and "\n" not in line
    assert f"**In one line.** {line}" in short
    # the same report in Chinese, figures drawn with the CJK font (no missing glyphs)
    import warnings

    from viz.report import write_report

    with warnings.catch_warnings():
        warnings.filterwarnings("error", "Glyph .* missing")
        zh = write_report(Store(tmp_path / "cmp"), lang="zh").read_text()
    assert "一句话结论" in zh and "### 洪水（第 10 天开始）" in zh
    assert "| 混合模式（基层赋能） |" in zh
    # and its appendix: every heading, table head and note in Chinese
    zh_appendix = (tmp_path / "cmp" / "appendix.md").read_text()
    for words in ("## 洪水（第 10 天开始", "## 摘要", "## 关于各项指标的说明", "## 出处",
                  "| 指标 | 越好的方向 | 现状 |", "与现状的配对差值", "越低越好"):
        assert words in zh_appendix, words
    for english in ("How to read", "Paired differences", "lower is better", "Provenance",
                    "status_quo |"):
        assert english not in zh_appendix, english
    assert "因冲击损失的正常运转天数最少" in finding_of(tmp_path / "cmp", "zh")
    runs, series = Store(tmp_path / "cmp").load()
    assert len(runs) == 4 * 6 * 2 + 4 * 2  # and one no-shock run per strategy x replicate


def test_mesa_batch_run_example():
    root = Path(__file__).resolve().parents[1]
    r = subprocess.run([sys.executable, str(root / "docs" / "examples" / "mesa_batch_run.py"),
                        "--households", "600", "--days", "20"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "community_resilience" in r.stdout and "functionality" in r.stdout


SMALL_COMPARE = ('name = "t"\nstrategies = ["status_quo", "community_resilience"]\n'
                 'shocks = ["flood"]\nreplicates = 2\ndays = 20\ncounterfactual = true\n'
                 'window_days = 10\n[fixed]\n"population.n_households" = 600\n'
                 '"run.tenure_days" = 5\n')


def test_compare_refuses_a_bad_decomposition_before_any_run(tmp_path, capsys):
    from grassroots.cli import main

    spec = tmp_path / "spec.toml"
    spec.write_text(SMALL_COMPARE)
    out = tmp_path / "cmp"
    for args, words in ((["--decompose", "status_quo"], "two strategies"),
                        (["--decompose", "status_quo,nobody"], "unknown strategy 'nobody'"),
                        (["--decompose", "status_quo,status_quo"], "same"),
                        (["--decompose", "status_quo,community_resilience",
                          "--decompose-shocks", "flod"], "flod"),
                        (["--decompose-shocks", "flood"], "needs --decompose")):
        assert main(["compare", "--spec", str(spec), "--out", str(out), *args,
                     "--no-progress"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and words in err, err
        assert not out.exists()


@pytest.mark.slow
def test_compare_decomposes_the_gap_and_says_what_carries_it(tmp_path):
    """`compare --decompose A,B`: a decomposition per shock inside the comparison's folder
    on its city and days, the report's section on what carries each gap, the full
    table in the appendix. (Slow: about 30 s, most of it the 996 runs of the
    decomposition; the refusals above are the fast part.)"""
    from grassroots.cli import main

    spec = tmp_path / "spec.toml"
    spec.write_text(SMALL_COMPARE)
    out = tmp_path / "cmp"
    assert main(["compare", "--spec", str(spec), "--out", str(out), "--decompose",
                 "status_quo,community_resilience", "--no-progress"]) == 0
    record = json.loads((out / "decompose" / "flood" / "decompose.json").read_text())
    assert (record["spec"]["households"], record["spec"]["days"]) == (600, 20)
    assert ["run.tenure_days", 5] in record["spec"]["overrides"]
    short = (out / "report.md").read_text()
    assert "## What carries each gap" in short and "- Flood: gap " in short
    assert "(decompose/flood/waterfall.png)" in short
    appendix = (out / "appendix.md").read_text()
    assert "Which levers carry the gap: Community resilience minus Status quo" in appendix
    assert (out / "decompose" / "flood" / "waterfall.png").is_file()
