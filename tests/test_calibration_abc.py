"""`grassroots calibrate`: planted-truth recovery, determinism, resume, bad input.

Small on purpose: a few hundred households, a short tenure, the serial
executor, tiny populations."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyabc
import pytest

from experiments.calibration import abc, sampler
from experiments.calibration.outputs import evaluate
from experiments.calibration.posterior import (
    last_generation,
    predictive,
    read_manifest,
    wquantile,
)
from experiments.calibration.targets import load_targets
from grassroots.cli import main

SMALL = {"households": 600, "overrides": {"run.tenure_days": 5}}


def lockdown_targets():
    return [t for t in load_targets() if t.name == "shanghai_food_insecurity"]


def test_same_seed_same_posterior_and_resume(tmp_path, capsys):
    ts = lockdown_targets()
    s1 = abc.check_settings(params=["population.reserve_days"], population=8, generations=1,
                            **SMALL)
    s2 = abc.check_settings(params=["population.reserve_days"], population=8, generations=2,
                            **SMALL)
    lines = []
    abc.run(ts, s1, tmp_path / "a", executor="serial", say=lines.append)
    first = pd.read_parquet(tmp_path / "a" / "posterior.parquet")
    assert list(first["generation"].unique()) == [0]
    assert "generation 0: population 8" in lines[0] and "acceptance" in lines[0]
    # continuing: only generation 1 is run, generation 0 is kept as it was
    lines.clear()
    rec = abc.run(ts, s2, tmp_path / "a", executor="serial", say=lines.append)
    assert len(lines) == 1 and lines[0].startswith("generation 1:")
    assert [g["generation"] for g in rec["generations_done"]] == [0, 1]
    resumed = pd.read_parquet(tmp_path / "a" / "posterior.parquet")
    pd.testing.assert_frame_equal(resumed[resumed["generation"] == 0], first)
    # a finished calibration run again does nothing
    lines.clear()
    abc.run(ts, s2, tmp_path / "a", executor="serial", say=lines.append)
    assert lines == []
    # the same seed in one go gives the same posterior
    abc.run(ts, s2, tmp_path / "b", executor="serial", say=lambda m: None)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "b" / "posterior.parquet"),
                                  resumed)
    manifest = json.loads((tmp_path / "a" / "calibration.json").read_text())
    assert manifest["settings"]["params"] == {"population.reserve_days": [3.0, 14.0]}
    assert manifest["targets"][0]["citation"]["year"] == 2023


def test_resume_refuses_other_settings(tmp_path):
    ts = lockdown_targets()
    s = abc.check_settings(params=["population.reserve_days"], population=6, generations=1,
                           **SMALL)
    abc.run(ts, s, tmp_path, executor="serial", say=lambda m: None)
    other = abc.check_settings(params=["population.reserve_days"], population=7,
                               generations=1, **SMALL)
    with pytest.raises(abc.SpecError, match="different settings \\(population\\)"):
        abc.run(ts, other, tmp_path, executor="serial", say=lambda m: None)


PRIOR = (3.0, 14.0)  # population.reserve_days' calibration range


def planted_truth_found(values, weights, truth: float) -> tuple[bool, str]:
    """The criterion of a planted-truth test, and the reason when it fails: the
    truth lies inside the posterior's 5-95% interval, and that interval is
    under half the prior's width. Half, because an ABC that returns its prior
    (40 uniform draws, the population used here) has a 5-95% span of about
    0.9 of the prior's width, and a span under half of it would need about 36
    of 40 uniform draws inside one half of the range (probability below 1e-4;
    test_the_planted_truth_criterion_fails_for_the_prior draws 1,000 such priors)."""
    lo, hi = wquantile(np.asarray(values), np.asarray(weights), [0.05, 0.95])
    ratio = (hi - lo) / (PRIOR[1] - PRIOR[0])
    if not lo <= truth <= hi:
        return False, f"truth {truth} outside the 90% interval [{lo:.2f}, {hi:.2f}]"
    if ratio >= 0.5:
        return False, f"90% interval [{lo:.2f}, {hi:.2f}] is {ratio:.0%} of the prior's width"
    return True, f"90% interval [{lo:.2f}, {hi:.2f}], {ratio:.0%} of the prior's width"


def test_the_planted_truth_criterion_fails_for_the_prior():
    """An ABC that learns nothing (returns 40 draws of its prior) never passes."""
    rng = np.random.default_rng(0)
    passed = sum(planted_truth_found(rng.uniform(*PRIOR, 40), np.ones(40), 8.0)[0]
                 for _ in range(1_000))
    assert passed == 0
    ok, why = planted_truth_found(rng.normal(8.0, 0.8, 40), np.ones(40), 8.0)
    assert ok, why


@pytest.mark.slow  # minutes; the criterion is tested by default (above)
def test_planted_truth_recovered(tmp_path):
    """Synthetic targets from the model at a known reserve_days: the share of
    households in the flooded grids that ran short, which falls from about 0.77
    at 3 days of reserves to 0.33 at 14 (600 households, tenure 5; the lockdown's
    share_ever_in_need is 1.0 across the range, so it could not tell them apart).
    The posterior passes `planted_truth_found`. Five generations of 40: with four the
    90% interval sat at the criterion's edge (51% of the prior's width against 50%)
    once rule 7a changed top-down's runs (commit 7e84f47)."""
    truth = 8.0
    base = lockdown_targets()[0]
    base = type(base)(**{**base.__dict__, "shock": "flood", "output": "share_ever_in_need_hit"})
    values = [evaluate([base], 600, s, {"run.tenure_days": 5,
                                        "population.reserve_days": truth})[base.name]
              for s in range(5)]
    obs = float(np.mean(values))
    t = type(base)(**{**base.__dict__, "observed": obs, "sd": 0.03,
                      "interval": (obs - 0.06, obs + 0.06), "name": "planted"})
    s = abc.check_settings(params=["population.reserve_days"], population=40, generations=5,
                           **SMALL)
    abc.run([t], s, tmp_path, executor="serial", say=lambda m: None)
    post = last_generation(tmp_path / "posterior.parquet")
    ok, why = planted_truth_found(post["population.reserve_days"], post["weight"], truth)
    assert ok, why


@pytest.mark.parametrize("args, words", [
    (["--params", "population.reserve_dayz"], ["--params", "reserve_dayz",
                                               "did you mean population.reserve_days"]),
    (["--population", "2"], ["--population", "5 to 100,000", "2"]),
    (["--households", "100"], ["--households", "600", "100"]),
    (["--generations", "0"], ["--generations", "0"]),
    (["nope.toml"], ["target file", "nope.toml", "does not exist"]),
    (["--draws", "0"], ["--draws", "at least 1"]),
    (["--workers", "0"], ["--workers", "at least 1", "0"]),
    (["--workers", "-1", "--report-only"], ["--workers", "at least 1", "-1"]),
])
def test_cli_bad_input_before_any_run(tmp_path, capsys, args, words):
    out = tmp_path / "out"
    code = main(["calibrate", "--out", str(out), *args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("grassroots calibrate: error:") and err.count("\n") == 1
    for w in words:
        assert w in err, err
    assert not out.exists()


def test_cli_bad_target_file_names_file_and_field(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[citation]\nauthors = "A"\nyear = 2020\ntitle = "T"\njournal = "J"\n'
                   'locator = "p. 1"\n[[targets]]\nname = "x"\nshock = "flood"\n'
                   'strategy = "status_quo"\noutput = "share_ever_in_need"\nobserved = 0.5\n'
                   'sd = -1\nuse = "calibration"\n')
    code = main(["calibrate", str(bad), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and str(bad) in err and "targets[0] (x).sd" in err and "-1" in err
    assert not (tmp_path / "o").exists()


def test_cli_refuses_a_folder_of_something_else(tmp_path, capsys):
    (tmp_path / "other.txt").write_text("x")
    code = main(["calibrate", "--out", str(tmp_path), "--quick"])
    assert code == 2 and "not a calibration folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.txt"]


# slow: ~5 s each; serial against the same seed is tested by default (same seed, same posterior)
@pytest.mark.slow
@pytest.mark.parametrize("executor", ["process", "dask"])
def test_posterior_does_not_depend_on_executor(tmp_path, executor):
    ts = lockdown_targets()
    s = abc.check_settings(params=["population.reserve_days"], population=6, generations=2,
                           **SMALL)
    abc.run(ts, s, tmp_path / "serial", executor="serial", say=lambda m: None)
    d = tmp_path / executor
    on_workers = {}

    def report(pool):  # the command line's predictive draws, on the same workers
        on_workers["table"] = predictive(read_manifest(d), last_generation(
            d / "posterior.parquet"), 2, executor=pool)

    abc.run(ts, s, d, executor=executor, workers=2, say=lambda m: None, after=report)
    pd.testing.assert_frame_equal(pd.read_parquet(d / "posterior.parquet"),
                                  pd.read_parquet(tmp_path / "serial" / "posterior.parquet"))
    here = predictive(read_manifest(d), last_generation(d / "posterior.parquet"), 2)
    assert len(here) == 4  # 2 draws x (posterior, default) x 1 target
    pd.testing.assert_frame_equal(on_workers["table"], here)


# slow: ~5 s each; resuming a finished history is tested by default (same seed, same posterior)
@pytest.mark.slow
@pytest.mark.parametrize("stop_at", [0, 1])
def test_interrupted_generation_is_redone(tmp_path, monkeypatch, stop_at):
    """An interrupt inside a generation loses that generation only; the rerun
    gives the posterior of an uninterrupted calibration."""
    from experiments.calibration import sampler

    ts = lockdown_targets()
    s = abc.check_settings(params=["population.reserve_days"], population=6, generations=2,
                           **SMALL)
    abc.run(ts, s, tmp_path / "whole", executor="serial", say=lambda m: None)
    real = sampler.OrderedSampler.sample_until_n_accepted

    def interrupt(self, n, simulate_one, t, **kw):
        if t == stop_at:
            raise KeyboardInterrupt
        return real(self, n, simulate_one, t, **kw)

    monkeypatch.setattr(sampler.OrderedSampler, "sample_until_n_accepted", interrupt)
    with pytest.raises(KeyboardInterrupt):
        abc.run(ts, s, tmp_path / "cut", executor="serial", say=lambda m: None)
    monkeypatch.setattr(sampler.OrderedSampler, "sample_until_n_accepted", real)
    abc.run(ts, s, tmp_path / "cut", executor="serial", say=lambda m: None)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "cut" / "posterior.parquet"),
                                  pd.read_parquet(tmp_path / "whole" / "posterior.parquet"))


def test_resume_refuses_other_code(tmp_path, monkeypatch):
    ts = lockdown_targets()
    s = abc.check_settings(params=["population.reserve_days"], population=6, generations=1,
                           **SMALL)
    abc.run(ts, s, tmp_path, executor="serial", say=lambda m: None)
    path = tmp_path / "calibration.json"
    rec = json.loads(path.read_text())
    rec["git_commit"] = "0" * 40
    path.write_text(json.dumps(rec))
    with pytest.raises(abc.SpecError, match="another version of the code \\(commit 0000000"):
        abc.run(ts, s, tmp_path, executor="serial", say=lambda m: None)


def _folder_with_history(tmp_path, content: bytes | None):
    """A calibration folder as `abc.run` leaves it (its manifest), with abc.db."""
    ts = lockdown_targets()
    s = abc.check_settings(params=["population.reserve_days"], population=6, generations=1,
                           **SMALL)
    (tmp_path / "calibration.json").write_text(json.dumps(abc.manifest(ts, s, None)))
    if content is not None:
        (tmp_path / "abc.db").write_bytes(content)
    return ts, s


def test_a_corrupt_history_is_kept_with_a_clear_message(tmp_path):
    """A history that is not a database is never deleted to start anew."""
    junk = b"not a database " * 300
    ts, s = _folder_with_history(tmp_path, junk)
    with pytest.raises(abc.OutputError, match="abc.db: the calibration history cannot be read "
                                              ".*it is kept as it is"):
        abc.run(ts, s, tmp_path, executor="serial", say=lambda m: None)
    assert (tmp_path / "abc.db").read_bytes() == junk
    assert not (tmp_path / "posterior.parquet").exists()


def test_a_locked_history_is_kept_with_a_clear_message(tmp_path, monkeypatch):
    """A history locked by another writer (another calibration) is an error, and
    the file is still there, unchanged, once the lock is released."""
    import sqlite3

    # pyabc waits DB_TIMEOUT (120 s) for a lock before it gives up: 1 s here
    monkeypatch.setattr(pyabc.History, "DB_TIMEOUT", 1)
    ts, s = _folder_with_history(tmp_path, None)
    con = sqlite3.connect(tmp_path / "abc.db", isolation_level=None)
    con.execute("CREATE TABLE abc_smc (id INTEGER)")
    con.execute("INSERT INTO abc_smc VALUES (1)")
    before = (tmp_path / "abc.db").read_bytes()
    con.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(abc.OutputError, match="cannot be read .*locked.*it is kept"):
            abc.run(ts, s, tmp_path, executor="serial", say=lambda m: None)
    finally:
        con.execute("ROLLBACK")
        con.close()
    assert (tmp_path / "abc.db").read_bytes() == before


def test_the_calibration_leaves_the_global_generators_as_they_were():
    """pyabc needs NumPy's global generator seeded: only inside the block."""
    import random

    from experiments.calibration.sampler import global_draws

    np.random.seed(123)
    random.seed(123)
    expect = np.random.random(), random.random()
    np.random.seed(123)
    random.seed(123)
    with global_draws(7):
        inside = np.random.random()
    with global_draws(7):
        assert np.random.random() == inside
    assert (np.random.random(), random.random()) == expect


def two_strategy_targets():
    """Two Shanghai targets (top-down, lockdown) and a Kobe share (status quo, earthquake)."""
    names = ("kobe_help_self", "shanghai_food_insecurity", "shanghai_or_preparedness")
    return [t for t in load_targets() if t.name in names]


def test_evaluate_stops_after_the_strategy_with_most_targets():
    ts = two_strategy_targets()
    over = {"run.tenure_days": 5}
    full = evaluate(ts, 600, 3, over)
    assert list(full) == ["kobe_help_self", "shanghai_food_insecurity",
                          "shanghai_or_preparedness"]
    asked = []
    part = evaluate(ts, 600, 3, over, stop=lambda x: asked.append(dict(x)) or True)
    shanghai = ("shanghai_food_insecurity", "shanghai_or_preparedness")
    np.testing.assert_equal(part, {k: full[k] for k in shanghai})
    assert len(asked) == 1  # one run, then stopped
    again = evaluate(ts, 600, 3, over, stop=lambda x: False)
    assert list(again) == list(full)
    np.testing.assert_equal(list(again.values()), list(full.values()))


def test_rejected_already_is_a_lower_bound_of_the_distance():
    ts = [t for t in load_targets() if t.use == "calibration"]
    rng = np.random.default_rng(0)
    decided = 0
    for _ in range(2_000):
        x = {t.name: float(t.observed * np.exp(rng.normal(0, 0.6))) for t in ts}
        x[ts[int(rng.integers(len(ts)))].name] = float("nan")  # a NaN counts as the cap
        eps = float(rng.uniform(0.5, 6))
        known = {k: v for k, v in x.items() if rng.random() < 0.5}
        if abc.rejected_already(ts, known, eps):
            decided += 1
            assert abc.distance(ts, x) > eps
        if abc.distance(ts, x) <= eps:
            assert not abc.rejected_already(ts, known, eps)
    assert decided > 100


@pytest.mark.slow  # about 30 s: two small calibrations of two generations
def test_early_rejection_changes_no_generation(tmp_path, monkeypatch):
    """Rejecting a particle as soon as its first runs decide it leaves every
    generation as evaluating every run would: particles, weights, thresholds,
    evaluations; and it did cut evaluations short here."""
    from experiments.calibration import outputs

    ts = two_strategy_targets()
    s = abc.check_settings(params=["population.reserve_days", "behaviour.aid_share"],
                           population=8, generations=2, **SMALL)
    short = []
    evaluate_all = outputs.evaluate

    def counted(targets, *args, **kwargs):
        x = evaluate_all(targets, *args, **kwargs)
        short.append(len(x) < len(targets))
        return x

    monkeypatch.setattr(outputs, "evaluate", counted)
    early = abc.run(ts, s, tmp_path / "early", executor="serial", say=lambda m: None)
    assert sum(short) > 0
    monkeypatch.setattr(abc, "rejected_already", lambda *a: False)
    monkeypatch.setattr(sampler, "_LOADED", {})  # nothing kept from the first calibration
    short.clear()
    full = abc.run(ts, s, tmp_path / "full", executor="serial", say=lambda m: None)
    assert sum(short) == 0
    a = pyabc.History(f"sqlite:///{tmp_path / 'early' / 'abc.db'}")
    b = pyabc.History(f"sqlite:///{tmp_path / 'full' / 'abc.db'}")
    for t in range(2):  # every accepted particle's distance, weight and outputs
        pd.testing.assert_frame_equal(a.get_weighted_distances(t), b.get_weighted_distances(t))
        wa, xa = a.get_weighted_sum_stats(t=t)
        wb, xb = b.get_weighted_sum_stats(t=t)
        np.testing.assert_array_equal(wa, wb)
        np.testing.assert_equal(xa, xb)  # NaN outputs (an odds ratio with no fit) equal
    strip = [{k: v for k, v in g.items() if k != "seconds"}
             for g in early["generations_done"]]
    assert strip == [{k: v for k, v in g.items() if k != "seconds"}
                     for g in full["generations_done"]]
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "early" / "posterior.parquet"),
                                  pd.read_parquet(tmp_path / "full" / "posterior.parquet"))


def test_a_batch_runs_on_the_threads_asked_and_gives_them_back(two_threads):
    """Numba's thread count belongs to the calling thread (a Dask worker's task
    thread is not the one its start-up ran on): each batch sets its own."""
    import cloudpickle
    import numba

    numba.set_num_threads(2)
    payload = cloudpickle.dumps(lambda: numba.get_num_threads())
    assert sampler.run_jobs(payload, [(0, 1), (1, 2)], threads=1) == [(0, 1), (1, 1)]
    assert numba.get_num_threads() == 2
    assert sampler.run_jobs(payload, [(0, 1)]) == [(0, 2)]  # None: as they are
