"""A mechanism in one place (issue 20 item 2): declared whole and registered
(`sim.mechanisms`), and every built-in one found from one table
(`sim.mechanism_index`).

The worked example of docs/ODD.md, tests/example_mechanism.py, is registered
here and run in both engines: they agree exactly, its dial at zero changes no
number of the model, turned up it lifts wellbeing, and everything it added goes
again when it is removed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from agents import ReferenceModel
from scenarios import load_shock, load_strategy
from sim import mechanism_index as index
from sim import mechanisms
from sim.errors import ParameterError
from sim.model import ResilienceModel
from sim.outputs import COLUMNS
from sim.params import SPECS, Params
from sim.parspec import par
from sim.phases import PHASE_NAMES, PHASES
from sim.state import GRID_FIELDS, HOUSEHOLD_FIELDS, VOLUNTEER_FIELDS
from tests.example_mechanism import CALLS

ROOT = Path(__file__).resolve().parents[1]
SMALL = {"run.tenure_days": 20, "run.warm_up_days": 10}


def _run(cls=ResilienceModel, overrides=None, n=600, days=25):
    m = cls(load_strategy("community_resilience"), load_shock("heatwave_blackout"),
            n_households=n, days=days, seed=7, overrides={**SMALL, **(overrides or {})})
    m.run()
    return m


@pytest.fixture
def calls():
    """The example mechanism, registered for one test and removed after it."""
    mechanisms.register(CALLS)
    try:
        yield CALLS
    finally:
        mechanisms.unregister(CALLS.name)


def test_registering_adds_every_part_and_removing_takes_it_away(calls):
    assert "called_today" in HOUSEHOLD_FIELDS
    assert SPECS["calls.call_lift"].hi == 0.2
    assert Params().get("calls.call_lift") == 0.0
    assert Params().with_overrides({"calls.call_lift": 0.05}).to_dict()["calls.call_lift"] == 0.05
    table = mechanisms.phases()
    names = [p.name for p in table]
    assert names.index("calls") == names.index("update_wellbeing") + 1
    assert table[names.index("calls")].number == "7.1"
    assert mechanisms.columns() == (*COLUMNS, "called")
    mechanisms.unregister("calls")
    try:
        assert "called_today" not in HOUSEHOLD_FIELDS and "calls.call_lift" not in SPECS
        assert mechanisms.phases() == PHASES and mechanisms.columns() == COLUMNS
    finally:
        mechanisms.register(CALLS)  # the fixture removes it again


def test_a_parameter_of_a_mechanism_is_checked_like_any_other(calls):
    with pytest.raises(ParameterError, match=r"calls\.call_lift.*0\.5"):
        Params().with_overrides({"calls.call_lift": 0.5})
    with pytest.raises(ParameterError, match="did you mean calls.call_lift"):
        Params().with_overrides({"calls.call_lifts": 0.1})


def test_the_dial_at_zero_changes_no_number_of_the_model():
    plain = _run()
    mechanisms.register(CALLS)
    try:
        with_calls = _run()
    finally:
        mechanisms.unregister(CALLS.name)
    assert with_calls.daily.shape[1] == plain.daily.shape[1] + 1
    np.testing.assert_array_equal(with_calls.daily[:, :len(COLUMNS)], plain.daily)
    assert not with_calls.daily[:, -1].any()  # nobody called


def test_both_engines_agree_exactly_and_a_call_lifts_wellbeing(calls):
    on = {"calls.call_lift": 0.05}
    fast, ref = _run(overrides=on, n=300, days=16), _run(ReferenceModel, overrides=on, n=300,
                                                          days=16)
    np.testing.assert_array_equal(fast.daily, ref.daily)
    h = fast.state.households
    lone_elderly = int(np.count_nonzero(h.is_elderly & h.lives_alone))
    assert lone_elderly > 0 and (fast.series()["called"] == lone_elderly).all()
    off = _run(n=300, days=16)
    assert fast.series()["wellbeing_mean"].mean() > off.series()["wellbeing_mean"].mean()


def test_a_run_continued_from_a_snapshot_keeps_the_mechanism(calls):
    on = {"calls.call_lift": 0.05}
    straight = _run(overrides=on, days=20)
    past = ResilienceModel(load_strategy("community_resilience"), days=20, n_households=600,
                           seed=7, overrides={**SMALL, **on})  # built: its burn-in is run
    m = ResilienceModel.from_snapshot(past.snapshot(), load_shock("heatwave_blackout"),
                                      days=20)
    m.run()
    np.testing.assert_array_equal(m.daily, straight.daily)


@dataclass(frozen=True)
class _Clashing:
    aid_share: float = par(0.1, 0.0, 1.0, "share", "Aid", "A name behaviour has")


def test_a_mechanism_that_clashes_is_refused_whole():
    from dataclasses import replace

    before = (dict(HOUSEHOLD_FIELDS), dict(SPECS), mechanisms.columns())
    bad = [(replace(CALLS, after="no_such_phase"), "after = 'no_such_phase' is not a phase"),
           (replace(CALLS, fields={"households": {"need": (np.float64, 0.0, "x")}}),
            "field households.need is not a name, or a kernel or an agent already knows"),
           (replace(CALLS, name="behaviour"), "phase, parameter group or built-in mechanism"),
           (replace(CALLS, measures=(mechanisms.Measure("in_need", "households", "count", "x",
                                                        of="households.need"),)),
            "record column 'in_need' exists"),
           (replace(CALLS, measures=(mechanisms.Measure("x", "households", "count", "x",
                                                        of="households.nothing"),)),
            "of = '<table>.<field>'"),
           (replace(CALLS, steps=(("people", print),)), "who one of"),
           (replace(CALLS, parameters=_Clashing), "parameter(s) aid_share share a name")]
    for m, message in bad:
        with pytest.raises(ParameterError, match=re.escape(message)):
            mechanisms.register(m)
        assert (dict(HOUSEHOLD_FIELDS), dict(SPECS), mechanisms.columns()) == before
    assert mechanisms.registered() == ()


def test_the_worked_example_in_the_odd_is_the_tested_file():
    odd = (ROOT / "docs" / "ODD.md").read_text()
    source = (ROOT / "tests" / "example_mechanism.py").read_text()
    blocks = re.findall(r"```python\n(.*?)```", odd, flags=re.S)
    assert source in blocks, "docs/ODD.md must show tests/example_mechanism.py whole"


# -- the index of the built-in mechanisms --------------------------------------------------

def _universe() -> dict[str, list[str]]:
    fields = ([f"households.{k}" for k in HOUSEHOLD_FIELDS]
              + [f"volunteers.{k}" for k in VOLUNTEER_FIELDS]
              + [f"grids.{k}" for k in GRID_FIELDS]
              + ["state.department_capacity", "state.department_served_today",
                 "state.dashboard", "state.warehouse", "state.warehouse_in_today"])
    return {"fields": fields, "parameters": list(SPECS), "columns": list(COLUMNS)}


def test_every_field_parameter_and_column_belongs_to_exactly_one_mechanism():
    for part, names in _universe().items():
        counts = Counter(x for e in index.BUILT_IN for x in getattr(e, part))
        assert sorted(set(counts) - set(names)) == [], f"{part} that do not exist"
        assert sorted(set(names) - set(counts)) == [], f"{part} in no mechanism"
        assert [x for x, c in counts.items() if c > 1] == [], f"{part} in two mechanisms"
    used = {p for e in index.BUILT_IN for p in e.phases}
    assert used <= set(PHASE_NAMES) and set(PHASE_NAMES) <= used
    assert len({e.name for e in index.BUILT_IN}) == len(index.BUILT_IN)


def test_the_index_names_files_that_hold_the_parts():
    from agents.department import Department
    from agents.grid_unit import GridUnit
    from agents.household import Household
    from agents.volunteer import Volunteer

    classes = {"households": Household, "volunteers": Volunteer, "grid_units": GridUnit,
               "departments": Department, "model": ReferenceModel}
    for who, path in index.AGENT_FILES.items():
        assert Path(classes[who].__module__.replace(".", "/") + ".py").as_posix() == path
    for e in index.BUILT_IN:
        for part, paths in index.files(e).items():
            for path in paths:
                assert (ROOT / path).exists(), (e.name, part, path)
    text = index.describe("mutual_aid")
    assert "sim/kernels/mutual_aid.py" in text and "behaviour.aid_share" in text
    with pytest.raises(KeyError, match="the mechanisms are shock, warnings"):
        index.find("nothing")


def test_a_registered_mechanism_is_found_in_one_file(calls):
    e = index.find("calls")
    assert e.parameters == ("calls.call_lift",) and e.columns == ("called",)
    assert set(index.files(e).values()) == {("tests/example_mechanism.py",)}


def test_a_registered_mechanism_is_part_of_the_code_version():
    from sim.snapshot import code_version

    before = code_version()
    mechanisms.register(CALLS)
    try:
        assert code_version() != before
    finally:
        mechanisms.unregister(CALLS.name)
    assert code_version() == before


def test_removing_a_mechanism_leaves_nothing_behind():
    from agents.household import Household
    from sim.params import MECHANISM_GROUPS, UNCERTAIN

    mechanisms.register(CALLS)
    try:
        _run(ReferenceModel, n=300, days=12)
        assert "called_today" in vars(Household)
        made_with = Params().with_overrides({"calls.call_lift": 0.05})
    finally:
        mechanisms.unregister(CALLS.name)
    assert "calls" not in MECHANISM_GROUPS
    assert not [k for k in (*SPECS, *UNCERTAIN) if k.startswith("calls.")]
    _run(ReferenceModel, n=300, days=12)  # the agents drop the field's view
    assert "called_today" not in vars(Household)
    with pytest.raises(ParameterError, match="group 'calls' of a mechanism that is not "
                                             "registered"):
        made_with.with_overrides({"run.days": 10})
    with pytest.raises(ParameterError, match="unknown parameter 'calls.call_lift'"):
        Params.from_dict(made_with.to_dict())
    with pytest.raises(ParameterError, match="no mechanism 'calls' is registered"):
        mechanisms.unregister("calls")


def test_a_model_keeps_the_mechanisms_it_was_built_with(calls):
    m = ResilienceModel(load_strategy("status_quo"), load_shock("heatwave_blackout"),
                        n_households=600, days=16, seed=1,
                        overrides={**SMALL, "calls.call_lift": 0.05})
    m.run(3)
    mechanisms.unregister(CALLS.name)
    try:
        m.run(3)  # still records its column: the record is the model's own
    finally:
        mechanisms.register(CALLS)
    assert (m.series()["called"] > 0).all()


def test_a_snapshot_names_the_mechanisms_it_needs(calls, tmp_path):
    past = ResilienceModel(load_strategy("community_resilience"), days=20, n_households=600,
                           seed=7, overrides=SMALL)
    path = past.save(tmp_path / "s.npz")
    mechanisms.unregister(CALLS.name)
    try:
        from sim.snapshot import SnapshotError, load

        with pytest.raises(SnapshotError, match=r"made with the mechanisms \['calls'\]"):
            load(path)
    finally:
        mechanisms.register(CALLS)


def test_the_names_a_mechanism_may_not_take_are_every_name_a_kernel_or_agent_knows():
    m = ResilienceModel(load_strategy("status_quo"), n_households=300, days=2, seed=1,
                        overrides=SMALL)
    ns = m.namespace()
    tables = {k for t in (HOUSEHOLD_FIELDS, VOLUNTEER_FIELDS, GRID_FIELDS) for k in t}
    params = {k.split(".", 1)[1] for k in SPECS}
    assert set(ns.fixed) | set(ns.live) <= tables | params | set(mechanisms.NAMESPACE)
    assert set(mechanisms.NAMESPACE) <= set(ns.fixed) | set(ns.live)
    ref = ReferenceModel(load_strategy("status_quo"), n_households=300, days=2, seed=1,
                         overrides=SMALL)
    for agent in (ref.households[0], ref.volunteers[0], ref.grid_units[0]):
        assert set(vars(agent)) <= set(mechanisms.AGENT_NAMES)


def _late_kernel(called_today):
    pass


@pytest.mark.parametrize("change, message", [
    ({"fields": {"households": {"idx": (np.int32, 0, "x")}}}, "field households.idx"),
    ({"fields": {"households": {"start": (np.int64, 0, "x")}}}, "field households.start"),
    ({"fields": {"households": {"cool": (np.int64, "abc", "x")}}}, "fill 'abc' is not a value"),
    ({"kernels": CALLS.kernels[0]}, "must be tuples"),
    ({"steps": (("households", __import__("functools").partial(print, 1)),)},
     "cannot be read"),
    ({"name": "warnings"}, "built-in mechanism of that name"),
])
def test_register_checks_what_the_first_model_would_trip_on(change, message):
    from dataclasses import replace

    with pytest.raises(ParameterError, match=re.escape(message)):
        mechanisms.register(replace(CALLS, **change))
    assert mechanisms.registered() == ()


def test_the_code_version_follows_the_declaration():
    from dataclasses import replace

    from sim.snapshot import code_version

    versions = []
    for m in (CALLS, replace(CALLS, after="mutual_aid")):
        mechanisms.register(m)
        try:
            versions.append(code_version())
        finally:
            mechanisms.unregister(m.name)
    assert versions[0] != versions[1]


def test_a_sweep_records_a_mechanisms_columns(calls, tmp_path):
    from experiments.runners import execute
    from experiments.spec import from_dict

    spec = from_dict({"name": "calls", "strategies": ["status_quo"],
                      "shocks": ["heatwave_blackout"],
                      "days": 16, "series": ["called"],
                      "fixed": {**SMALL, "calls.call_lift": 0.05,
                                "population.n_households": 600}})
    store = execute(spec, tmp_path / "sweep", executor="serial", progress=False)
    series = store.load()[1]
    assert set(series["metric"]) == {"called"} and (series["value"] > 0).all()


def _mark_lonely(state, params):
    h = state.households
    h.lonely[:] = h.is_elderly & h.lives_alone


def test_a_mechanisms_setup_runs_once_on_the_new_city_in_both_engines():
    from dataclasses import replace

    fields = {"households": {**CALLS.fields["households"],
                             "lonely": (np.bool_, False, "elderly and alone")}}
    mechanisms.register(replace(CALLS, fields=fields, setup=_mark_lonely))
    try:
        fast, ref = _run(n=300, days=12), _run(ReferenceModel, n=300, days=12)
    finally:
        mechanisms.unregister(CALLS.name)
    h = fast.state.households
    assert h.lonely.any() and (h.lonely == (h.is_elderly & h.lives_alone)).all()
    np.testing.assert_array_equal(ref.state.households.lonely, h.lonely)
    np.testing.assert_array_equal(ref.daily, fast.daily)
