"""Robustness under deep uncertainty: the uncertainty table, the design of worlds,
runs under every executor and after a kill, and the analyses on worked examples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.robustness import (
    EVERYDAY,
    check_robustness,
    design,
    inputs,
    lever_columns,
    lever_markdown,
    levers,
    load_robustness,
    results,
    run,
    scored,
    tasks,
    uncertainty_markdown,
    with_changes,
)
from experiments.robustness_analysis import (
    DUMMY,
    paired_sensitivity,
    prim_boxes,
    regret,
    regrets,
    satisficing,
    wilson,
    win_shares,
)
from sim.errors import SpecError
from sim.params import SPECS, UNCERTAIN
from tests.process_helpers import kill_mid_run
from viz.robustness_report import compare_section, write_report

ROOT = Path(__file__).resolve().parents[1]
TINY = {"name": "tiny", "worlds": 3, "strategies": ["status_quo", "community_resilience"],
        "shocks": ["flood"], "households": 600, "days": 20, "seed": 5}


# --- the uncertainty table -------------------------------------------------

def test_uncertainty_table_is_declared_once_and_in_odd():
    assert len(UNCERTAIN) >= 15
    odd = (ROOT / "docs" / "ODD.md").read_text()
    assert "Uncertainty table" in odd
    for name, (lo, hi, source) in UNCERTAIN.items():
        s = SPECS[name]
        assert s.lo <= lo < hi <= s.hi and source, name
    # the ODD lists exactly the table the metadata declares
    assert uncertainty_markdown() in odd
    assert lever_markdown(load_robustness()) in odd  # the strategies' lever ranges too
    assert not set(UNCERTAIN) & levers(), "a strategy's lever is not an uncertainty"


def test_builtin_spec_is_the_documented_one():
    s = load_robustness()
    assert (s.worlds, s.households, s.days) == (200, 5_000, 180)
    assert len(s.strategies) == 4 and len(s.shocks) == 6 and s.all_shocks[-1] == "none"
    assert set(s.uncertain) == set(UNCERTAIN)
    assert len(tasks(s)) == 200 * 4 * 7


@pytest.mark.parametrize("change, words", [
    ({"wrolds": 3}, "unknown key (did you mean worlds?)"),
    ({"worlds": 1}, "worlds: must be a whole number from 2"),
    ({"strategies": ["status_qou"]}, "did you mean status_quo"),
    ({"pair": ["status_quo", "top_down_digital"]}, "pair: must be two different strategies"),
    ({"satisficing": {"robustness": 0.5}}, "satisficing.robustness: is not one of"),
    ({"uncertain": {"governance.platform_sensing": [0.1, 0.9]}}, "is a lever a strategy sets"),
    ({"uncertain": {"behaviour.aid_share": [0.8, 0.2]}}, "needs low < high"),
    ({"uncertain": {"behaviour.aid_share": [0.2, 1.5]}}, "out of range"),
    ({"fixed": {"behaviour.aid_shar": 0.3}}, "did you mean behaviour.aid_share"),
    ({"baseline": "yes"}, "baseline: must be true or false"),
])
def test_bad_specs_are_rejected_clearly(change, words):
    with pytest.raises(SpecError) as e:
        check_robustness({**TINY, **change}, "t.toml")
    assert words in str(e.value) and "t.toml" in str(e.value)


# --- the design --------------------------------------------------------------

def test_design_rows_are_distinct_inside_the_ranges_and_seeded():
    s = with_changes(load_robustness(), worlds=50)
    d = design(s)
    ranges = inputs(s)  # the uncertain parameters, then each strategy's lever magnitudes
    assert len(ranges) > len(UNCERTAIN) and set(UNCERTAIN) <= set(ranges)
    assert d.shape == (50, len(ranges)) and not d.duplicated().any()
    for k, (lo, hi) in ranges.items():
        assert d[k].between(lo, hi).all(), k
        if k in SPECS and SPECS[k].type is int:
            assert (d[k] == d[k].round()).all(), k
            if hi - lo < 10:  # few whole values: each appears, about equally often
                counts = d[k].value_counts()
                assert set(counts.index) == set(range(int(lo), int(hi) + 1)), k
                assert counts.max() - counts.min() <= 1, k
        else:  # Latin hypercube: one world in each of the 50 strata of each range
            strata = np.floor((d[k] - lo) / (hi - lo) * 50).clip(0, 49)
            assert sorted(strata) == list(range(50)), k
    pd.testing.assert_frame_equal(d, design(s))
    assert not design(with_changes(s, seed=1)).equals(d)


def test_tasks_use_common_random_numbers():
    s = check_robustness(TINY)
    ts = tasks(s)
    assert len(ts) == 3 * 2 * 2 and {t.shock for t in ts} == {"flood", "none"}
    levers = lever_columns(s)
    assert levers and {st for st, *_ in levers.values()} == {"status_quo",
                                                              "community_resilience"}
    for w in range(3):
        mine = [t for t in ts if t.point == w]
        assert {t.seed for t in mine} == {5 + w}
        world = {k: v for k, v in mine[0].params.items() if not k.startswith("governance.")}
        assert all({k: v for k, v in t.params.items() if not k.startswith("governance.")}
                   == world for t in mine)
        assert world["population.n_households"] == 600
        # each strategy's lever magnitudes: drawn from its own ranges, the same under
        # every shock of the world
        for t in mine:
            for col, (st, lever, lo, hi, _) in levers.items():
                if st == t.strategy:
                    assert lo <= t.params[lever] <= hi
                    assert t.params[lever] == design(s).loc[w, col]
        assert not lever_columns(check_robustness({**TINY, "lever_ranges": False}))


# --- running ---------------------------------------------------------------

def test_same_world_same_numbers_under_every_executor(tmp_path):
    s = check_robustness(TINY)
    a = run(s, tmp_path / "serial", executor="serial", progress=False).load()[0]
    b = run(s, tmp_path / "process", executor="process", workers=2, progress=False).load()[0]
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 12 and a["population.share_volunteers"].nunique() == 3
    # a world's runs are the model's own: rerunning one by hand gives its numbers
    from scenarios import make_model

    t = tasks(s)[5]
    m = make_model(t.strategy, t.shock, days=t.days, seed=t.seed, overrides=t.params).run()
    assert a.set_index("run_id").loc[5, "crisis_household_days"] == m.crisis_household_days
    with pytest.raises(SpecError, match="already holds results"):
        run(s, tmp_path / "serial", executor="serial", progress=False)
    with pytest.raises(SpecError, match=r"different robustness spec \(worlds\)"):
        run(with_changes(s, worlds=4), tmp_path / "serial", executor="serial",
            progress=False, resume=True)
    (k, (lo, hi)), = list(s.uncertain.items())[:1]
    narrowed = with_changes(s, uncertain={**{a: list(b) for a, b in s.uncertain.items()},
                                          k: [lo, (lo + hi) / 2]})
    with pytest.raises(SpecError, match=rf"uncertain\.{k}: .* in the folder, .* now"):
        run(narrowed, tmp_path / "serial", executor="serial", progress=False, resume=True)


@pytest.mark.slow  # a local Dask cluster, ~7 s; the process executor is tested by default
def test_dask_gives_the_same_numbers(tmp_path):
    pytest.importorskip("dask.distributed")
    s = check_robustness(TINY)
    a = run(s, tmp_path / "serial", executor="serial", progress=False).load()[0]
    b = run(s, tmp_path / "dask", executor="dask", workers=2, progress=False).load()[0]
    pd.testing.assert_frame_equal(a, b)


@pytest.mark.slow  # about 40 s; `grassroots sweep ... --resume` runs by default (docs commands)
def test_killed_run_resumes_without_loss_or_duplicates(tmp_path):
    spec = tmp_path / "kill.toml"
    spec.write_text('name = "kill"\nworlds = 20\nstrategies = ["status_quo", '
                    '"community_resilience"]\nshocks = ["flood"]\nhouseholds = 3000\n'
                    'days = 60\n')
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "grassroots", "robustness", str(spec), "--out", str(out),
           "--executor", "process", "--workers", "2", "--no-progress",
           "--params", "defaults"]  # the library's run below samples the plausible ranges
    kill_mid_run(cmd, out, cwd=ROOT, poll=0.02)  # the runner and its workers, mid-run
    from experiments.store import Store

    done_before = len(Store(out).done_ids())
    assert 4 <= done_before < 80, "the run should have been killed mid-way"
    r = subprocess.run(cmd + ["--resume"], capture_output=True, text=True, timeout=300,
                       cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert (out / "report.md").is_file() and "Win shares" in (out / "report.md").read_text()
    runs = Store(out).load()[0]
    assert sorted(runs["run_id"]) == list(range(80))
    clean = run(load_robustness(spec), tmp_path / "clean", executor="serial", progress=False)
    pd.testing.assert_frame_equal(runs.reset_index(drop=True), clean.load()[0])


# --- the analyses on worked examples -----------------------------------------

def _table(values: dict[str, list[float]], shock: str = "flood") -> pd.DataFrame:
    rows = [{"world": w, "strategy": st, "shock": shock, "y": v}
            for st, vs in values.items() for w, v in enumerate(vs)]
    return pd.DataFrame(rows)


def test_win_shares_regret_and_satisficing_by_hand():
    df = _table({"A": [1.0, 2.0, 3.0, 9.0], "B": [2.0, 5.0, 4.0, 6.0]})
    w = win_shares(df, "y").set_index("strategy")
    assert w.loc["A", "share"] == 0.75 and w.loc["B", "share"] == 0.25
    assert w.loc["A", "low"] == pytest.approx(wilson(3, 4)[0])
    assert 0.3 < w.loc["A", "low"] < 0.75 < w.loc["A", "high"] < 1.0
    # regret of A: 0, 0, 0, 3; of B: 1, 3, 1, 0
    r = regret(df, "y").set_index("strategy")
    assert r.loc["A", "median"] == 0.0 and r.loc["A", "max"] == 3.0
    assert r.loc["B", "median"] == 1.0 and r.loc["B", "max"] == 3.0
    assert r.loc["B", "p90"] == pytest.approx(np.quantile([1, 3, 1, 0], 0.9))
    # higher is better turns it round
    assert win_shares(df, "y", lower=False).set_index("strategy").loc["B", "share"] == 0.75
    assert sorted(regrets(df, "y", lower=False).query("strategy == 'A'")["regret"]) == \
        [0.0, 1.0, 1.0, 3.0]
    s = satisficing(df, "y", 3.0).set_index("strategy")
    assert s.loc["A", "share"] == 0.75 and s.loc["B", "share"] == 0.25


def test_strategies_are_ranked_on_the_harm_the_shock_does():
    """A strategy with more everyday hardship but less added by the shock wins the shock;
    its everyday hardship is shown beside it under EVERYDAY."""
    spec = check_robustness({**TINY, "outcomes": ["crisis_household_days"]})
    rows = []
    for w in range(2):
        for st, none, flood in (("status_quo", 300.0, 600.0), ("community_resilience", 20.0,
                                                                 400.0)):
            rows += [{"world": w, "strategy": st, "shock": "none",
                      "crisis_household_days": none, "crisis_household_days_vs_none": 0.0},
                     {"world": w, "strategy": st, "shock": "flood",
                      "crisis_household_days": flood,
                      "crisis_household_days_vs_none": flood - none}]
    df = scored(spec, pd.DataFrame(rows))
    w = win_shares(df, "crisis_household_days").set_index(["shock", "strategy"])["share"]
    assert w[("flood", "status_quo")] == 1.0  # 300 added against 380, though 600 > 400
    assert w[(EVERYDAY, "community_resilience")] == 1.0


def test_ties_are_shared():
    df = _table({"A": [1.0, 2.0], "B": [1.0, 3.0], "C": [1.0, 5.0]})
    w = win_shares(df, "y").set_index("strategy")["wins"]
    assert w["A"] == pytest.approx(1 + 1 / 3) and w["B"] == w["C"] == pytest.approx(1 / 3)
    assert w.sum() == pytest.approx(2)


def test_prim_recovers_a_planted_region_and_pawn_ranks_it_first():
    rng = np.random.default_rng(3)
    n = 300
    X = pd.DataFrame({"p.x1": rng.uniform(0, 10, n), "p.x2": rng.uniform(0, 1, n),
                      "p.x3": rng.uniform(0, 1, n)})
    # B beats A (lower is better) exactly where x1 < 3
    b = np.where(X["p.x1"] < 3, 1.0, 3.0)
    rows = []
    for w in range(n):
        rows.append({"world": w, "strategy": "A", "shock": "flood", "y": 2.0, **X.iloc[w]})
        rows.append({"world": w, "strategy": "B", "shock": "flood", "y": b[w], **X.iloc[w]})
    df = pd.DataFrame(rows)
    p = prim_boxes(df, "y", "A", "B", list(X.columns)).set_index("winner")
    assert p.loc["B", "share"] == pytest.approx(np.mean(X["p.x1"] < 3))
    assert p.loc["B", "density"] > 0.9 and p.loc["B", "coverage"] > 0.9
    cond = p.loc["B", "conditions"]
    assert len(cond) == 1 and cond[0].startswith("x1 < ")
    assert 2.7 < float(cond[0].split("<")[1]) < 3.3
    assert "mostly where x1 <" in p.loc["B", "sentence"]
    ranges = {"p.x1": (0, 10), "p.x2": (0, 1), "p.x3": (0, 1)}
    s = paired_sensitivity(X, 2.0 - b, ranges)
    assert s["parameter"].iloc[0] == "p.x1"
    noise = s.set_index("parameter").loc[DUMMY, "median"]
    assert s.set_index("parameter").loc["p.x1", "median"] > 2 * noise


def test_a_box_on_whole_numbers_reads_as_the_values_it_holds():
    """PRIM's bounds are inclusive values the inputs take: on a 0/1 latency the box
    of the zeros reads 'x = 0', not 'x < 0' (what the robustness report once said)."""
    from experiments.robustness_analysis import Box, describe_box

    X = pd.DataFrame({"g.lat": [0, 1, 0, 1, 2], "g.cap": [1, 2, 3, 4, 5],
                      "g.share": [0.1, 0.2, 0.3, 0.4, 0.5]})

    def said(rows):
        return describe_box(Box(pd.DataFrame(rows, columns=["input", "min", "max"]),
                                1.0, 1.0, 0.5, 2, 5), X)

    assert said([("g.lat", 0.0, 0.0)]) == ["lat = 0"]
    assert said([("g.lat", 0.0, 1.0), ("g.cap", 2.0, 5.0)]) == ["lat <= 1", "cap >= 2"]
    assert said([("g.share", 0.1, 0.3), ("g.cap", 2.0, 4.0)]) == [
        "share < 0.3", "cap between 2 and 4"]
    # a bound between the values (a float column of whole numbers): what the box holds
    assert said([("g.lat", 0.0, 1.5)]) == ["lat <= 1"]
    assert said([("g.cap", 1.5, 3.5)]) == ["cap between 2 and 3"]


# --- report, compare link, command line --------------------------------------

def test_report_and_compare_link(tmp_path):
    doc = {**TINY, "worlds": 20, "strategies": ["top_down_digital", "community_resilience"],
           "satisficing": {"crisis_household_days": 50}}
    s = check_robustness(doc)
    out = tmp_path / "robustness"
    run(s, out, executor="process", workers=2, progress=False)
    report = write_report(out)
    text = report.read_text()
    for words in ("## Summary", "Win shares", "Regret", "Satisficing", "(PRIM)", "(PAWN)"):
        assert words in text, words
    # ranked on the harm the shock adds; everyday hardship beside it, never dropped
    wins = pd.read_csv(out / "wins.csv")
    assert set(wins["shock"]) == {"flood", EVERYDAY}
    summary = (out / "summary.md").read_text()
    assert "- No shock (everyday): " in summary and "_" not in summary.split("PRIM")[0]
    # the same report in Chinese (`grassroots robustness --lang zh`), figures included
    zh = write_report(out, lang="zh").read_text()
    for words in ("## 摘要", "### 胜出比例", "### 遗憾值", "无冲击（平常日子）", "社区韧性",
                  "| 冲击 | 策略 | 胜出次数 |"):
        assert words in zh, words
    assert "Win shares" not in zh and "community_resilience |" not in zh
    write_report(out)  # back to English for the compare link below
    spec2, df = results(out)
    assert spec2 == s and len(df) == 20 * 2 * 2
    # the paired loss against the same world and strategy without a shock
    none = df[df["shock"] == "none"]
    assert (none["crisis_household_days_vs_none"] == 0).all()
    assert json.loads((out / "robustness.json").read_text())["spec"]["worlds"] == 20
    assert load_robustness(out / "robustness.json") == s  # the record reruns it
    compare = tmp_path / "headline"
    compare.mkdir()
    lines = compare_section(compare, ["community_resilience"], ["flood"])
    assert any("../robustness/report.md" in x for x in lines)
    assert any(x.startswith("> ") for x in lines)
    assert compare_section(compare, ["status_quo"], ["flood"]) == []
    assert compare_section(compare, ["community_resilience"], ["lockdown"]) == []
    # quoted only at the same city size and horizon, and then with its size
    same = compare_section(compare, ["community_resilience"], ["flood"], s.households, s.days)
    assert any(f"20 plausible worlds of {s.households:,} households" in x for x in same)
    assert compare_section(compare, ["community_resilience"], ["flood"],
                           s.households + 100, s.days) == []


def test_command_line_errors_are_one_line(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('strategies = ["status_quo"]\nshocks = ["flood"]\nworlds = 0\n')
    r = subprocess.run([sys.executable, "-m", "grassroots", "robustness", str(bad)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and "worlds: must be a whole number" in r.stderr


@pytest.mark.parametrize("outcome", ["illusion_gap_mean", "volunteer_hours", "recovery_status"])
def test_an_outcome_with_no_direction_is_refused(outcome):
    """Win shares and regret need a better direction: an outcome declared with
    none (sim.outputs) is an error naming it, never silently ranked lower-is-better."""
    with pytest.raises(SpecError, match=f"{outcome} has no better direction"):
        check_robustness({"name": "t", "strategies": ["status_quo", "community_resilience"],
                          "shocks": ["flood"], "outcomes": ["resilience_loss", outcome]})
