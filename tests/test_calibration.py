"""Calibration (issue 16): target files, the output registry, the logistic regression,
the migrant attribute, presets and posterior ranges. Model runs are kept small."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.calibration import logistic
from experiments.calibration.outputs import OUTPUTS
from experiments.calibration.targets import BUILTIN, load_file, load_targets
from sim.errors import SpecError

GOOD = '''
[citation]
authors = "A B"
year = 2020
title = "T"
journal = "J"
locator = "table 2"

[[targets]]
name = "t1"
shock = "lockdown"
strategy = "status_quo"
output = "share_ever_in_need"
observed = 0.7
interval = [0.6, 0.8]
use = "calibration"
'''


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "t.toml"
    p.write_text(text)
    return p


def test_builtin_targets_validate():
    ts = load_targets()
    assert {t.use for t in ts} == {"calibration", "held_out"}
    assert len({t.name for t in ts}) == len(ts)
    for t in ts:
        assert t.citation["authors"] and t.citation["locator"] and t.sd > 0
        assert t.interval[0] < t.observed < t.interval[1]
    assert sorted(p.name for p in BUILTIN.glob("*.toml")) == [
        "harvey_2017.toml", "kobe_1995.toml", "shanghai_2022.toml", "vermont_2020.toml"]


def test_every_fitted_group_is_seen_by_two_calibration_targets():
    """The default fitted set (issue 23): each group of parameters is seen by at least
    two of the built-in calibration targets, and the groups make up DEFAULT_PARAMS."""
    from experiments.calibration.abc import DEFAULT_PARAMS, PARAM_GROUPS
    from sim.params import UNCERTAIN

    used = {t.output for t in load_targets() if t.use == "calibration"}
    for group, (params, outputs) in PARAM_GROUPS.items():
        seen = set(outputs) & used
        assert len(seen) >= 2, f"{group}: seen by {sorted(seen)}"
        assert all(p in UNCERTAIN for p in params)
    assert len(set(DEFAULT_PARAMS)) == len(DEFAULT_PARAMS)
    for p in ("behaviour.group_buy_days", "behaviour.platform_delivery_days",
              "governance.warehouse_resupply_per_10k", "population.reserve_days"):
        assert p in DEFAULT_PARAMS  # the lockdown's budget and stocks are fitted


def test_good_file_and_sd_from_interval(tmp_path):
    (t,) = load_file(write(tmp_path, GOOD))
    assert t.sd == pytest.approx(0.1 / 1.959964)
    assert t.z(0.7) == 0 and t.z(float("nan")) == math.inf


@pytest.mark.parametrize("old, new, words", [
    ('output = "share_ever_in_need"', 'output = "share_in_need"',
     ["targets[0] (t1).output", "'share_in_need'", "share_ever_in_need"]),
    ('locator = "table 2"\n', "", ["citation.locator", "is missing"]),
    ('authors = "A B"\n', "", ["citation.authors", "is missing"]),
    ("observed = 0.7", "observed = 1.7", ["observed", "1.7", "0 to 1"]),
    ("interval = [0.6, 0.8]", "interval = [0.75, 0.8]", ["interval", "low < observed"]),
    ("interval = [0.6, 0.8]", "interval = [0.6, 0.8]\nsd = 0.1", ["exactly one of interval"]),
    ('use = "calibration"', 'use = "maybe"', ["use", "calibration, held_out", "'maybe'"]),
    ('shock = "lockdown"', 'shock = "lockdwn"', ["shock", "'lockdwn'", "did you mean lockdown"]),
    ('strategy = "status_quo"', 'strategy = "anarchy"', ["strategy", "'anarchy'"]),
    ('name = "t1"', 'name = "t1"\nobserve = 3', ["observe", "unknown field", "observed"]),
    ("year = 2020", 'year = "2020"', ["citation.year", "'2020'"]),
    ('observed = 0.7', 'observed = "high"', ["observed", "must be a number", "'high'"]),
])
def test_bad_target_files(tmp_path, old, new, words):
    assert old in GOOD
    p = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(SpecError) as e:
        load_file(p)
    msg = str(e.value)
    assert str(p) in msg
    for w in words:
        assert w in msg, msg


def test_a_target_may_name_a_shock_file(tmp_path):
    """A past event that is not a built-in shock (the held-out Vermont 2020 pattern):
    a shock file read relative to the targets file's folder, checked before any run."""
    from experiments.calibration.targets import ROOT, shock_path
    from scenarios.load import load_shock

    (vermont,) = [t for t in load_targets() if t.name == "vermont_or_job_loss"]
    # recorded relative to the project (a calibration folder resumes from another clone)
    assert vermont.shock == "experiments/calibration/shocks/vermont_2020.toml"
    assert Path(shock_path(vermont.shock)) == ROOT / vermont.shock and vermont.use == "held_out"
    events = load_shock(shock_path(vermont.shock)).events
    assert [e.kind for e in events] == ["economic", "lockdown"]
    (tmp_path / "shocks").mkdir()
    (tmp_path / "shocks" / "own.toml").write_text(
        'name = "own"\n[[events]]\nkind = "economic"\nstart = 10\ndays = 5\n'
        'grids = { all = true }\n')
    (t,) = load_file(write(tmp_path, GOOD.replace('shock = "lockdown"',
                                                   'shock = "shocks/own.toml"')))
    assert t.shock == str((tmp_path / "shocks" / "own.toml").resolve())
    p = write(tmp_path, GOOD.replace('shock = "lockdown"', 'shock = "shocks/none.toml"'))
    with pytest.raises(SpecError, match=r"targets\[0\] \(t1\)\.shock: 'shocks/none.toml': no such"):
        load_file(p)
    (tmp_path / "shocks" / "own.toml").write_text('name = "own"\n[[events]]\nkind = "comet"\n'
                                                   'start = 10\ndays = 5\n')
    p = write(tmp_path, GOOD.replace('shock = "lockdown"', 'shock = "shocks/own.toml"'))
    with pytest.raises(SpecError, match=r"\.shock: 'shocks/own.toml': .*comet"):
        load_file(p)


def test_duplicate_names_and_missing_file(tmp_path):
    p = write(tmp_path, GOOD)
    with pytest.raises(SpecError, match="already used"):
        load_targets([p, p])
    with pytest.raises(SpecError, match="does not exist"):
        load_targets([tmp_path / "nope.toml"])


def test_every_output_documented():
    for name, o in OUTPUTS.items():
        assert len(o.doc) > 60, name
        assert o.range[0] < o.range[1]


def test_logistic_matches_statsmodels():
    import statsmodels.api as sm  # in the [test] extra
    rng = np.random.default_rng(3)
    X = np.column_stack([rng.random(800) < 0.5, rng.normal(size=800), rng.random(800) < 0.2])
    eta = -0.2 + 0.8 * X[:, 0] - 0.4 * X[:, 1] + 1.1 * X[:, 2]
    y = (rng.random(800) < 1 / (1 + np.exp(-eta))).astype(float)
    ours = logistic.fit(X, y)
    ref = sm.Logit(y, sm.add_constant(X.astype(float))).fit(disp=0).params
    np.testing.assert_allclose(ours, ref, rtol=1e-8, atol=1e-10)
    # Firth's fit is close without separation and finite with it
    np.testing.assert_allclose(logistic.fit(X, y, firth=True), ref, atol=0.05)
    sep = np.column_stack([np.r_[np.zeros(40), np.ones(40)], rng.normal(size=80)])
    assert np.all(np.isnan(logistic.fit(sep, sep[:, 0])))
    f = logistic.fit(sep, sep[:, 0], firth=True)
    assert np.all(np.isfinite(f)) and f[1] > 3
    assert np.all(np.isnan(logistic.fit(X, np.ones(800))))


def test_migrants_initialisation():
    from sim import population
    from sim.params import Params

    p = Params().with_overrides({"population.n_households": 4000, "run.seed": 2})
    st = population.build(p)
    h = st.households
    assert 0.38 < h.is_migrant.mean() < 0.46
    assert not (h.is_registered & h.is_migrant).any()
    assert h.social_capital0[h.is_migrant].mean() < h.social_capital0[~h.is_migrant].mean()
    # no migrants: the same city otherwise (the draws do not move)
    q = population.build(p.with_overrides({"population.share_migrant": 0.0}))
    assert not q.households.is_migrant.any()
    keep = ~h.is_migrant
    np.testing.assert_array_equal(h.reserve_target[keep], q.households.reserve_target[keep])
    np.testing.assert_array_equal(h.is_elderly, q.households.is_elderly)
    # the factors at 1: migrants differ only in registries
    r = population.build(p.with_overrides({"population.migrant_reserve_factor": 1.0,
                                           "population.migrant_social_factor": 1.0}))
    np.testing.assert_array_equal(r.households.reserve_target, q.households.reserve_target)


def test_outputs_of_small_runs():
    from experiments.calibration.outputs import evaluate

    ts = load_targets()
    v = evaluate(ts, 800, 3, {"run.tenure_days": 5})
    assert set(v) == {t.name for t in ts}
    assert 0 <= v["shanghai_food_insecurity"] <= 1
    shares = [v["kobe_help_self"], v["kobe_help_neighbours"], v["kobe_help_public"]]
    assert sum(shares) == pytest.approx(1.0)
    again = evaluate(ts, 800, 3, {"run.tenure_days": 5})  # deterministic (NaN == NaN)
    assert pd.Series(v).equals(pd.Series(again)[list(v)])


def test_runs_stop_after_the_last_day_their_outputs_read(monkeypatch):
    """A run lasts until the end of the latest window its targets read (the Kobe
    earthquake's first 72 hours: 13 days instead of 48); every output is the same
    as from a run to the end of the recovery, for every built-in target."""
    from experiments.calibration import outputs
    from scenarios.load import load_shock

    ts = load_targets()
    short = outputs.evaluate(ts, 800, 3, {"run.tenure_days": 5})
    quake = load_shock("earthquake")
    assert outputs.days_needed(quake, ["help_share_self"]) == 13 < outputs.run_days(quake)
    monkeypatch.setattr(outputs, "days_needed", lambda shock, names: outputs.run_days(shock))
    full = outputs.evaluate(ts, 800, 3, {"run.tenure_days": 5})
    assert pd.Series(short).equals(pd.Series(full)[list(short)])
    o = outputs.watch(_model_for(quake, days=13))  # stopped before the recovery ends
    assert outputs.OUTPUTS["help_share_self"](o) >= 0
    with pytest.raises(ValueError, match="or_economic_instability reads the extended window"):
        outputs.OUTPUTS["or_economic_instability"](o)


def _model_for(shock, days):
    from scenarios import make_model

    return make_model("status_quo", shock, n_households=800, days=days, seed=3,
                      overrides={"run.tenure_days": 5})


def test_posterior_ranges_and_preset(tmp_path):
    from experiments.calibration.posterior import load_preset, posterior_ranges, wquantile

    df = pd.DataFrame({"population.reserve_days": np.linspace(4, 12, 101),
                       "governance.visit_capacity": np.r_[np.full(50, 20.0), np.full(51, 31.0)],
                       "weight": np.full(101, 1 / 101), "generation": 1})
    old = df.assign(generation=0, **{"population.reserve_days": 3.0})
    path = tmp_path / "posterior.parquet"
    pd.concat([old, df]).to_parquet(path)
    r = posterior_ranges(path)
    assert r["population.reserve_days"] == pytest.approx((4.4, 11.6), abs=0.05)
    assert r["governance.visit_capacity"] == (20, 31)
    assert wquantile([1, 2, 3], [0, 1, 0], 0.5)[0] == pytest.approx(2.0)
    p = tmp_path / "p.toml"
    p.write_text('[params]\n"population.reserve_days" = 9.5\n')
    assert load_preset(p) == {"population.reserve_days": 9.5}
    p.write_text('[params]\n"population.reserve_dayz" = 9.5\n')
    with pytest.raises(SpecError, match="reserve_dayz"):
        load_preset(p)
    with pytest.raises(SpecError, match="presets"):
        load_preset("no_such_preset")


def test_compare_params_preset(tmp_path, monkeypatch, capsys):
    import viz.report
    from grassroots.cli import main

    seen = {}

    def fake(**kw):
        seen.update(kw)
        return tmp_path / "report.md"

    monkeypatch.setattr(viz.report, "compare", fake)
    monkeypatch.setattr(viz.report, "finding_of", lambda folder, lang: "the finding")
    p = tmp_path / "p.toml"
    p.write_text('[params]\n"population.reserve_days" = 9.5\n"governance.visit_capacity" = 25\n')
    assert main(["compare", "--params", str(p), "--out", str(tmp_path / "o")]) == 0
    assert seen["params"] == {"population.reserve_days": 9.5, "governance.visit_capacity": 25}
    assert main(["compare", "--params", "nope", "--out", str(tmp_path / "o")]) == 2
    assert "presets:" in capsys.readouterr().err


def test_robustness_ranges_from_posterior(tmp_path, monkeypatch, capsys):
    import experiments.robustness
    import viz.robustness_report
    from grassroots.cli import main

    seen = {}
    monkeypatch.setattr(experiments.robustness, "run",
                        lambda spec, out, **kw: seen.setdefault("spec", spec))

    def report(out, elapsed=None, lang="en"):
        (tmp_path / "summary.md").write_text("summary")
        return tmp_path / "report.md"

    monkeypatch.setattr(viz.robustness_report, "write_report", report)
    post = tmp_path / "posterior.parquet"
    pd.DataFrame({"population.reserve_days": [8.0, 10.0, 12.0], "weight": [1 / 3] * 3,
                  "generation": 0}).to_parquet(post)
    assert main(["robustness", "--ranges", str(post), "--out", str(tmp_path / "r")]) == 0
    u = seen["spec"].uncertain
    assert 8.0 <= u["population.reserve_days"][0] < u["population.reserve_days"][1] <= 12.0
    assert u["behaviour.aid_share"] == (0.2, 0.8)  # the others keep their plausible ranges
    assert main(["robustness", "--ranges", str(tmp_path / "no.parquet")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_the_calibrated_preset_is_the_default_answer(tmp_path, monkeypatch, capsys):
    """Issue 23 item 5: compare, robustness and decompose hold the calibrated preset by
    default (robustness and decompose --worlds range its parameters over their posterior
    intervals); `--params defaults` gives the stylised model; a spec's own values win."""
    import experiments.decompose
    import experiments.robustness
    import viz.decompose_figures
    import viz.report
    import viz.robustness_report
    from experiments.calibration.posterior import load_preset, preset_ranges
    from grassroots.cli import main
    from sim.params import UNCERTAIN

    calibrated = load_preset("calibrated")
    values, ranges = preset_ranges(None)
    assert values == calibrated and set(ranges) == set(calibrated)
    assert preset_ranges("defaults") == ({}, {})
    seen = {}
    monkeypatch.setattr(viz.report, "compare",
                        lambda **kw: seen.update(kw) or tmp_path / "report.md")
    monkeypatch.setattr(viz.report, "finding_of", lambda folder, lang: "the finding")
    assert main(["compare", "--out", str(tmp_path / "o")]) == 0
    assert seen["params"] == calibrated
    assert main(["compare", "--params", "defaults", "--out", str(tmp_path / "o")]) == 0
    assert seen["params"] is None
    spec = tmp_path / "own.toml"
    spec.write_text((Path(__file__).parents[1] / "experiments" / "headline.toml").read_text()
                    + '"population.reserve_days" = 4.0\n')
    assert main(["compare", "--spec", str(spec), "--out", str(tmp_path / "o")]) == 0
    assert "population.reserve_days" not in seen["params"]  # the spec's own value wins
    assert seen["params"]["behaviour.aid_share"] == calibrated["behaviour.aid_share"]
    swept = tmp_path / "swept.toml"
    swept.write_text((Path(__file__).parents[1] / "experiments" / "headline.toml").read_text()
                     + '\n[sweep]\n"behaviour.aid_share" = [0.3, 0.7]\n')
    assert main(["compare", "--spec", str(swept), "--out", str(tmp_path / "o")]) == 0
    assert "behaviour.aid_share" not in seen["params"]  # swept by the spec: not held
    assert main(["compare", "--preset-levers", "--out", str(tmp_path / "o")]) == 2
    assert "--preset-levers" in capsys.readouterr().err

    monkeypatch.setattr(experiments.robustness, "run",
                        lambda spec, out, **kw: seen.update(spec=spec))
    monkeypatch.setattr(viz.robustness_report, "write_report",
                        lambda out, elapsed=None, lang="en": (
                            (tmp_path / "summary.md").write_text("s"), tmp_path / "r.md")[1])
    assert main(["robustness", "--out", str(tmp_path / "r")]) == 0
    u = seen["spec"].uncertain
    for k, (lo, hi) in ranges.items():
        assert u[k] == (lo, hi) != UNCERTAIN[k][:2]
    assert u["behaviour.crowd_out"] == UNCERTAIN["behaviour.crowd_out"][:2]
    assert main(["robustness", "--params", "defaults", "--out", str(tmp_path / "r")]) == 0
    assert {k: v for k, v in seen["spec"].uncertain.items()} == {
        k: (lo, hi) for k, (lo, hi, _) in UNCERTAIN.items()}
    assert main(["robustness", "--params", "calibrated", "--ranges", "x.parquet"]) == 2
    assert "one source" in capsys.readouterr().err

    monkeypatch.setattr(experiments.decompose, "run",
                        lambda spec, out, **kw: seen.update(decompose=spec))
    monkeypatch.setattr(viz.decompose_figures, "write_decomposition",
                        lambda *a, **kw: "table")
    args = ["decompose", "top_down_digital", "community_resilience", "--shock", "flood",
            "--out", str(tmp_path / "d")]
    assert main(args + ["--set", "population.reserve_days=5"]) == 0
    held = dict(seen["decompose"].overrides)
    assert held == {**calibrated, "population.reserve_days": 5.0}
    assert seen["decompose"].ranges == ()
    assert main(args + ["--worlds", "4"]) == 0
    d = seen["decompose"]
    assert dict(d.overrides) == {} and {k: (lo, hi) for k, lo, hi in d.ranges} == ranges
    world = experiments.decompose.world_levers(d)[1][0][0]
    assert all(lo <= world[k] <= hi for k, (lo, hi) in ranges.items())
    assert main(args + ["--params", "defaults"]) == 0
    assert seen["decompose"].overrides == () and seen["decompose"].ranges == ()


def test_compare_holds_a_preset_on_a_spec_without_series(tmp_path, monkeypatch):
    """run_compare rebuilds the spec with the preset's values: a spec without series
    or a counterfactual (as experiments.spec.from_dict reads one back) stays valid."""
    import experiments.compare

    spec = tmp_path / "plain.toml"
    spec.write_text('name = "plain"\nstrategies = ["status_quo"]\nshocks = ["flood"]\n'
                    'replicates = 1\ndays = 20\ncounterfactual = false\n')
    seen = {}
    monkeypatch.setattr(experiments.compare, "execute",
                        lambda s, out, **kw: seen.update(spec=s) or "store")
    experiments.compare.run_compare(spec=spec, out=tmp_path / "o",
                                    params={"behaviour.aid_share": 0.4})
    assert seen["spec"].fixed["behaviour.aid_share"] == 0.4
    assert not seen["spec"].series and not seen["spec"].counterfactual


def test_the_reports_say_which_parameters_they_held():
    from experiments.calibration.posterior import load_preset
    from experiments.robustness import load_robustness, with_changes
    from viz.report import parameters_line
    from viz.robustness_report import _not_plausible

    calibrated = load_preset("calibrated")
    size = {"population.n_households": 600, "run.tenure_days": 365}
    assert "stylised defaults" in parameters_line(size, str)
    line = parameters_line({**size, **calibrated}, str)
    assert "calibrated preset" in line and "also held" not in line
    assert "also held: `behaviour.crowd_out` = 0.1" in parameters_line(
        {**calibrated, "behaviour.crowd_out": 0.1}, str)
    assert parameters_line({"behaviour.crowd_out": 0.1}, str) == (
        "parameters held in every run: `behaviour.crowd_out` = 0.1")
    spec = load_robustness(None)
    assert _not_plausible(spec, str) == []
    unc = {k: list(v) for k, v in spec.uncertain.items() if k != "behaviour.crowd_out"}
    spec = with_changes(spec, uncertain={**unc, "population.reserve_days": [6, 12]},
                        fixed={"behaviour.crowd_out": 0.1})
    text = _not_plausible(spec, str)[0]
    assert "`population.reserve_days` 6-12 (3-14)" in text
    assert "Held: `behaviour.crowd_out` = 0.1" in text


def test_a_presets_posterior_is_checked(tmp_path):
    from experiments.calibration.posterior import preset_ranges, with_preset

    p = tmp_path / "p.toml"
    p.write_text('[params]\n"population.reserve_days" = 9.5\n"behaviour.aid_share" = 0.4\n'
                 '[posterior]\n"population.reserve_days" = { q05 = 6, q95 = "x" }\n')
    with pytest.raises(SpecError, match=r"posterior\.population\.reserve_days.*q05 and q95"):
        preset_ranges(p)
    p.write_text('[params]\n"population.reserve_days" = 9.5\n"behaviour.aid_share" = 0.4\n'
                 '[posterior]\n"population.reserve_days" = { q05 = 6, q95 = 12 }\n')
    p.write_text('[params]\n"population.reserve_days" = 9.5\n'
                 '[posterior]\n"population.reserve_days" = { q05 = 12, q95 = 6 }\n')
    with pytest.raises(SpecError, match="q05 12 is above q95 6"):
        preset_ranges(p)
    p.write_text('[params]\n"population.reserve_days" = 9.5\n"behaviour.aid_share" = 0.4\n'
                 '[posterior]\n"population.reserve_days" = { q05 = 6, q95 = 12 }\n')
    values, ranges = preset_ranges(p)
    assert ranges == {"population.reserve_days": (6.0, 12.0)}
    unc, held = with_preset({"population.reserve_days": (3, 14), "behaviour.aid_share": (0.2, 0.8),
                             "behaviour.crowd_out": (0, 0.3)}, {}, values, ranges)
    assert unc == {"population.reserve_days": [6.0, 12.0], "behaviour.crowd_out": [0, 0.3]}
    assert held == {"behaviour.aid_share": 0.4}  # no posterior: held at the preset's value
    unc, held = with_preset({"behaviour.aid_share": (0.2, 0.8)},
                            {"population.reserve_days": 4.0}, values, ranges)
    assert held == {"population.reserve_days": 4.0, "behaviour.aid_share": 0.4}
    assert unc == {}


def test_the_cliff_diagnostic_reads_the_shanghai_target():
    """`python -m experiments.calibration.cliff` (docs/calibration.md, "The lead dial"):
    the share going without, under the target's strategy and shock, over a grid."""
    from experiments.calibration.cliff import table

    t = table(seeds=(1,), households=600, group_buy=(0.6,), leads=(1.0, 0.0))
    assert t.shape == (1, 2) and ((0.0 <= t) & (t <= 1.0)).all()
    assert t[0, 1] > t[0, 0]  # no building led: no group orders, more go without
