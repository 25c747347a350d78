"""Snapshots and forks: a run continued from a snapshot is the run straight through."""

from __future__ import annotations

import json
import zipfile
from types import SimpleNamespace

import numpy as np
import pytest

from agents import ReferenceModel
from scenarios import load_shock, load_strategy
from sim import snapshot as snapshot_module
from sim.fork import first_active_day, forked_runs
from sim.inputs import NO_SHOCK
from sim.model import ResilienceModel
from sim.snapshot import SnapshotError, load, model_arrays
from tests.engine_helpers import SHOCKS, STRATEGIES, assert_same_run, make

SHORT = {"run.tenure_days": 20}


def _shock(name):
    return NO_SHOCK if name == "none" else load_shock(name)


# Two strategies by default (the two most unlike the status quo), the other two in the slow
# set (CI runs both).
@pytest.mark.parametrize("strategy", [
    s if s in ("community_resilience", "top_down_digital") else pytest.param(
        s, marks=pytest.mark.slow) for s in STRATEGIES])
def test_every_shock_forked_from_one_past_is_the_straight_run(strategy):
    """Byte-identical daily series and final state, for every strategy x shock."""
    shocks = SHOCKS + ["none"]
    forks = forked_runs(load_strategy(strategy), [_shock(k) for k in shocks], 40,
                        n_households=800, seed=5, overrides=SHORT)
    for i, m in forks:
        m.run()
        straight = make(strategy, shocks[i], n=800, days=40, seed=5, overrides=SHORT)
        straight.run()
        assert_same_run(m, straight)
        assert m.summary() == straight.summary()


def test_default_tenure_fork_is_the_straight_run():
    """With the default warm-up and tenure (395 days before day 0)."""
    a = make("grassroots_empowerment", "compound", n=1_000, days=40, seed=9)
    a.run()
    forks = forked_runs(load_strategy("grassroots_empowerment"),
                        [load_shock("compound"), NO_SHOCK], 40, n_households=1_000, seed=9)
    _, b = next(forks)
    assert b.past["clock"] == a.burn_in + 8  # days 0-7 shared: a warning on day 8
    b.run()
    assert_same_run(a, b)


def test_a_single_shock_is_run_straight_through():
    """With nothing to share, forked_runs builds the run itself (no snapshot)."""
    (_, b), = forked_runs(load_strategy("status_quo"), [load_shock("flood")], 20,
                          n_households=600, seed=4, overrides=SHORT)
    assert b.past is None
    a = make("status_quo", "flood", n=600, days=20, seed=4, overrides=SHORT)
    a.run()
    b.run()
    assert_same_run(a, b)


def test_reference_engine_continues_from_a_snapshot():
    ov = {"run.warm_up_days": 3, "run.tenure_days": 4}
    a = make("community_resilience", "lockdown", n=300, days=14, seed=2, overrides=ov,
             engine="reference")
    a.run()
    base = make("community_resilience", "none", n=300, days=14, seed=2, overrides=ov,
                engine="reference")
    b = ReferenceModel.from_snapshot(base.snapshot(), load_shock("lockdown"))
    assert isinstance(b, ReferenceModel) and b.households[0].model is b
    b.run()
    assert_same_run(a, b)
    with pytest.raises(SnapshotError, match="engine"):
        ResilienceModel.from_snapshot(base.snapshot(), load_shock("lockdown"))


def test_mid_run_snapshot_saved_and_continued(tmp_path):
    a = make("top_down_digital", "lockdown", n=1_500, days=35, seed=4, overrides=SHORT)
    a.run()
    b = make("top_down_digital", "lockdown", n=1_500, days=35, seed=4, overrides=SHORT)
    b.run(17)
    path = b.save(tmp_path / "day17.npz")
    del b
    c = ResilienceModel.from_snapshot(path)
    assert (c.day, c.clock) == (17, c.burn_in + 17) and c.shock.name == "lockdown"
    c.run()
    assert_same_run(a, c)
    assert c.series().equals(a.series())
    assert len(c.datacollector.get_model_vars_dataframe()) == 35
    # a longer run: the same first 35 days
    d = ResilienceModel.from_snapshot(path, days=50)
    d.run()
    np.testing.assert_array_equal(d.daily[:35], a.daily)


def test_the_file_is_documented_and_versioned(tmp_path):
    m = make("status_quo", "flood", n=1_000, days=12, seed=1, overrides=SHORT)
    path = m.save(tmp_path / "s.npz")
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
    with np.load(path) as z:
        header = json.loads(bytes(z["header"]).decode())
    assert header["format"] == "grassroots-snapshot" and header["format_version"] == 1
    assert header["code_version"] == snapshot_module.code_version()
    assert header["params"]["run.seed"] == 1 and header["strategy"]["name"] == "status_quo"
    assert header["shock"]["name"] == "flood" and header["clock"] == m.burn_in
    # everything the model holds in its state, scratch and today's inputs, derived
    assert {f"{k}.npy" for k in model_arrays(m)} | {"daily.npy", "header.npy"} == names
    assert "state.grids.in_transit.npy" in names and "scratch.triage_count.npy" in names


def test_state_added_to_the_declarations_is_saved(monkeypatch):
    """A field added to a state table or a new scratch buffer needs no change
    in the snapshot code."""
    from sim import state

    fields = dict(state.HOUSEHOLD_FIELDS, new_counter=(np.int64, 0, "a new field"))
    monkeypatch.setattr(state, "HOUSEHOLD_FIELDS", fields)
    m = make("status_quo", "none", n=300, days=3, seed=1, overrides=SHORT)
    monkeypatch.undo()
    m.state.households.new_counter[:] = 7
    m.scratch.carried = np.arange(3.0)
    snap = m.snapshot()
    assert (snap.arrays["state.households.new_counter"] == 7).all()
    assert (snap.arrays["scratch.carried"] == np.arange(3.0)).all()


def test_every_array_of_the_model_is_saved_or_rebuilt():
    """No array hides outside the state, scratch and today's inputs."""
    m = make("status_quo", "flood", n=1_000, days=12, seed=1, overrides=SHORT)
    rebuilt = {"daily", "network", "schedule", "_normal_day", "params", "run_params",
               "status_quo_params", "strategy", "shock", "state", "scratch", "today",
               "live", "_call_sets", "_calls", "datacollector"}
    for k, v in vars(m).items():
        if isinstance(v, (np.ndarray, SimpleNamespace, dict)) or hasattr(v, "__dict__"):
            if not k.startswith("_") or k in rebuilt:
                assert k in rebuilt or not isinstance(v, (np.ndarray, SimpleNamespace)), k
    assert set(model_arrays(m)) >= {f"scratch.{k}" for k in vars(m.scratch)}


def test_refusals(tmp_path, monkeypatch):
    m = make("status_quo", "flood", n=1_000, days=20, seed=1, overrides=SHORT)
    m.run(12)
    snap = m.snapshot()
    with pytest.raises(SnapshotError, match="population.n_households"):
        ResilienceModel.from_snapshot(snap, overrides={"population.n_households": 1_200})
    with pytest.raises(SnapshotError, match="network.grid_degree"):
        ResilienceModel.from_snapshot(snap, overrides={"network.grid_degree": 3.0})
    with pytest.raises(SnapshotError, match="run.tenure_days"):
        ResilienceModel.from_snapshot(snap, overrides={"run.tenure_days": 3})
    with pytest.raises(SnapshotError, match="already recorded"):  # the flood began on day 8
        ResilienceModel.from_snapshot(snap, load_shock("lockdown"))
    with pytest.raises(SnapshotError, match="already"):
        ResilienceModel.from_snapshot(snap, days=10)
    path = m.save(tmp_path / "s.npz")
    monkeypatch.setattr(snapshot_module, "_code_version", {(): "0123456789abcdef"})
    with pytest.raises(SnapshotError, match="another version of the model's code"):
        ResilienceModel.from_snapshot(path)
    monkeypatch.undo()
    (tmp_path / "bad.npz").write_text("not a snapshot")
    with pytest.raises(SnapshotError, match="not a readable grassroots snapshot"):
        load(tmp_path / "bad.npz")
    with pytest.raises(SnapshotError, match="does not exist"):
        load(tmp_path / "missing.npz")


def test_restart_the_shock_comes_now():
    """restart=True: day 0 is the snapshot's moment; the 'ever' flags start afresh."""
    m = make("community_resilience", "none", n=800, days=30, seed=3, overrides=SHORT)
    m.run()
    r = ResilienceModel.from_snapshot(m.snapshot(), load_shock("flood"), restart=True, days=25)
    assert (r.day, r.burn_in, r.days) == (0, m.clock, 25)
    assert r.state.households.need_total.sum() == 0
    r.run()
    assert r.summary().resilience_loss > 0
    # the same as a run whose tenure is longer by the 30 recorded days
    s = make("community_resilience", "flood", n=800, days=25, seed=3,
             overrides={"run.tenure_days": 50})
    s.run()
    np.testing.assert_array_equal(r.daily, s.daily)


def test_first_active_day():
    m = make("status_quo", "none", n=1_000, days=2, seed=1, overrides=SHORT)
    g = m.state.grids
    assert first_active_day(load_shock("flood"), 60, g.elevation, g.community) == 8
    assert first_active_day(NO_SHOCK, 60, g.elevation, g.community) == 60
    assert first_active_day(load_shock("flood"), 5, g.elevation, g.community) == 5


def test_command_line_saves_and_continues(tmp_path, capsys):
    from grassroots.cli import main

    snap = tmp_path / "s.npz"
    base = ["run", "--strategy", "community_resilience", "--households", "1000", "--set",
            "run.tenure_days=20"]
    assert main([*base, "--shock", "lockdown", "--days", "30", "--quiet",
                 "--out", str(tmp_path / "straight")]) == 0
    assert main([*base, "--shock", "lockdown", "--days", "12", "--quiet",
                 "--save-snapshot", str(snap)]) == 0
    assert main(["run", "--from-snapshot", str(snap), "--days", "18", "--quiet",
                 "--out", str(tmp_path / "continued")]) == 0
    a = (tmp_path / "straight" / "daily.csv").read_text()
    assert a == (tmp_path / "continued" / "daily.csv").read_text()
    capsys.readouterr()
    assert main(["run", "--from-snapshot", str(snap), "--shock", "flood", "--days", "20"]) == 0
    assert "shock flood | 1,000 households | 20 days" in capsys.readouterr().out
    assert main(["run", "--from-snapshot", str(snap), "--seed", "3"]) == 2
    assert "--seed cannot be given with --from-snapshot" in capsys.readouterr().err


def test_workshop_sessions_start_from_the_cached_city():
    from viz.components import session

    kw = {"n_households": 1_000, "days": 30, "seed": 2}
    a = session.start_model("community_resilience", "flood", **kw)
    session.start_model("community_resilience", "lockdown", **kw)
    key = [k for k in session._PASTS if k[:3] == ("community_resilience", 1_000, 2)]
    assert len(key) == 1  # one past for both shocks
    a.run()
    straight = make("community_resilience", "flood", n=1_000, days=30, seed=2)
    straight.run()
    assert_same_run(a, straight)
