"""A mechanism declared in one place: fields, parameters, record columns, kernels, agent steps.

The model's own mechanisms grew up inside the day's table (`sim.phases`), the
state tables (`sim.state`), the parameter groups (`sim.pars_*`) and the record
(`sim.outputs`); `sim.mechanism_index` says where each one's parts are. A new mechanism
need not be spread out like that: a `Mechanism` declares, in one object (and so
in one file), everything it adds (the way a Starsim module declares its own
parameters and states):

- `fields`: state arrays, per table ("households", "volunteers", "grids"),
  as in `sim.state` ({name: (dtype, fill, meaning)});
- `parameters`: a frozen dataclass of `sim.parspec.par` fields, the parameter
  group named after the mechanism ("<name>.<field>": set, swept, sampled and
  checked like any other parameter);
- `measures`: columns of the daily record, each a reduction of one state
  array (a sum, a mean or a count of the rows above zero), recorded by both
  engines after phase 10;
- `kernels`: the fast engine's kernels, bound to their arguments by name
  (`sim.binding`: state arrays, parameters, today's inputs, ...);
- `steps`: the reference engine's steps, each ("households", f) to call
  f(household) for every household in row order (or "volunteers",
  "grid_units", "departments"), or ("model", f) to call f(model) once;
- `after`: the phase (or earlier mechanism) it runs after, every day;
- `setup`: optional, f(state, params) run once when the city is built.

`register(mechanism)` adds it to every model built from then on, in both
engines: its fields to the state tables, its parameters to `sim.params`, its
phase to the day (`phases()`), its columns to the record (`columns()`).
docs/ODD.md, section 9.3, works an example through.
"""

from __future__ import annotations

import dataclasses
import inspect
import keyword
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim import params as params_module
from sim import state as state_module
from sim.errors import ParameterError
from sim.outputs import COLUMNS, KINDS, Column
from sim.parspec import specs_of, uncertain_of
from sim.phases import PHASES, Phase

TABLES = {"households": state_module.HOUSEHOLD_FIELDS,
          "volunteers": state_module.VOLUNTEER_FIELDS, "grids": state_module.GRID_FIELDS}
# who runs a reference step: the model's agent lists ("model": the model itself)
WHO = ("households", "volunteers", "grid_units", "departments", "model")
HOW = ("sum", "mean", "count")  # a measure's reduction (see Measure)


@dataclass(frozen=True)
class Measure:
    """A record column a mechanism adds: a reduction of one state array, each day.

    Attributes:
        name: the column's name (unique among all columns).
        unit: as `sim.outputs.Column.unit`.
        kind: how it aggregates over days, a key of `sim.outputs.KINDS`.
        meaning: what it measures, in a line.
        of: the array reduced, "<table>.<field>" ("households.cooling").
        how: "sum", "mean" or "count" (rows above zero).
    """

    name: str
    unit: str
    kind: str
    meaning: str
    of: str
    how: str = "sum"

    def column(self) -> Column:
        return Column(self.name, self.unit, self.kind, self.meaning)


@dataclass(frozen=True)
class Mechanism:
    """One mechanism, declared whole (see the module's docstring)."""

    name: str
    summary: str
    after: str
    kernels: tuple[Callable, ...]
    steps: tuple[tuple[str, Callable], ...]
    fields: Mapping[str, Mapping[str, tuple[type, Any, str]]] = field(default_factory=dict)
    parameters: type | None = None
    measures: tuple[Measure, ...] = ()
    setup: Callable | None = None

    def phase(self, number: str) -> Phase:
        """Its phase of the day (numbered `number`)."""
        return Phase(number, self.name, self.summary, tuple(self.kernels), tuple(self.steps))


_REGISTERED: list[Mechanism] = []


def registered() -> tuple[Mechanism, ...]:
    """The registered mechanisms, in registration order."""
    return tuple(_REGISTERED)


# Names a kernel can take besides the state tables' fields and the parameters (the
# model's namespace: sim.model.ResilienceModel.namespace; tests/test_mechanisms.py
# holds this to it), and names the agents hold themselves: a mechanism's field or
# parameter may be none of them.
NAMESPACE = ("department_capacity", "department_served_today", "dashboard", "warehouse",
             "warehouse_in_today", "indptr", "indices", "weight", "time_off_visits",
             "hazard", "heat", "supply", "power", "telecom", "income", "warning",
             "warning_prev", "closure", "telling_prev", "grid_telling", "pool", "pool_size",
             "grid_offered", "grid_shop_goods", "grid_goods", "keys", "n_queued", "grid_trips",
             "department_trips_left", "triage_count", "seed", "reporting_hours", "day",
             "platform", "n_asking_ties", "row")
AGENT_NAMES = ("idx", "model", "unique_id", "pos", "random", "rng", "grid_id",
               "household_idx")


def _source(fn: Callable) -> str:
    """The source text of a kernel or step (what the code version hashes)."""
    return inspect.getsource(getattr(fn, "py_func", fn))


def _taken(m: Mechanism) -> set[str]:
    """Every name a kernel can already take, and the agents' own names."""
    taken = {k for fields in TABLES.values() for k in fields}
    taken |= {k.split(".", 1)[1] for k in params_module.SPECS
              if k.split(".", 1)[0] not in ("population", "network", "run")}
    return taken | set(NAMESPACE) | set(AGENT_NAMES) | {m.name}


def _check(m: Mechanism) -> None:
    """Every part of `m` checked before anything is added: one message naming the part."""
    from sim.mechanism_index import BUILT_IN  # (the index reads this module)

    where = f"mechanism {m.name!r}"
    if not (isinstance(m.name, str) and m.name.isidentifier()
            and not keyword.iskeyword(m.name) and m.name.islower()):
        raise ParameterError(f"{where}: its name must be a lower-case Python identifier "
                             "(it names its parameter group)")
    phase_names = [p.name for p in phases()]
    if (m.name in phase_names or m.name in params_module.GROUPS
            or m.name in params_module.MECHANISM_GROUPS or m.name in {e.name for e in BUILT_IN}):
        raise ParameterError(f"{where}: a phase, parameter group or built-in mechanism of that "
                             "name exists")
    if m.after not in phase_names:
        raise ParameterError(f"{where}: after = {m.after!r} is not a phase; the phases are "
                             f"{', '.join(phase_names)}")
    if not (isinstance(m.kernels, tuple) and m.kernels and all(map(callable, m.kernels))
            and isinstance(m.steps, tuple) and m.steps):
        raise ParameterError(f"{where}: kernels (fast engine) and steps (reference engine) "
                             "must be tuples, of at least one kernel and one step")
    for step in m.steps:
        if not (isinstance(step, tuple) and len(step) == 2 and step[0] in WHO
                and callable(step[1])):
            raise ParameterError(f"{where}: step {step!r} must be (who, function), who one of "
                                 f"{', '.join(WHO)}")
    if m.setup is not None and not callable(m.setup):
        raise ParameterError(f"{where}: setup must be a function f(state, params) or None")
    for fn in _functions(m):
        try:
            _source(fn)
        except (TypeError, OSError):
            raise ParameterError(
                f"{where}: the source of {fn!r} cannot be read (a snapshot's code version "
                "hashes it): define kernels and steps as functions in a file or a notebook "
                "cell, not as partials or lambdas built at run time") from None
    taken = _taken(m)
    new: set[str] = set()
    for table, fields in m.fields.items():
        if table not in TABLES:
            raise ParameterError(f"{where}: fields of table {table!r}; the tables are "
                                 f"{', '.join(TABLES)}")
        for name, spec in fields.items():
            if not (isinstance(name, str) and name.isidentifier()) or name in taken | new:
                raise ParameterError(f"{where}: field {table}.{name} is not a name, or a kernel "
                                     "or an agent already knows that name")
            if not (isinstance(spec, tuple) and len(spec) == 3 and isinstance(spec[2], str)):
                raise ParameterError(f"{where}: field {table}.{name} must be "
                                     "(dtype, fill, meaning)")
            try:
                np.full(1, spec[1], dtype=spec[0])
            except (TypeError, ValueError, OverflowError):
                raise ParameterError(f"{where}: field {table}.{name}: fill {spec[1]!r} is not "
                                     f"a value of dtype {spec[0]!r}") from None
            new.add(name)
    if m.parameters is not None and not (dataclasses.is_dataclass(m.parameters)
                                         and m.parameters.__dataclass_params__.frozen):
        raise ParameterError(f"{where}: parameters must be a frozen dataclass of "
                             "sim.parspec.par fields")
    if m.parameters is not None:
        specs = specs_of({m.name: m.parameters})
        uncertain_of({m.name: m.parameters}, specs)
        for sp in specs.values():  # the defaults too: Params takes them unchecked
            sp.check(sp.default)
        # kernels take parameters by their bare name: one name, one value
        clash = sorted(set(m.parameters.__dataclass_fields__) & (taken | new))
        if clash:
            raise ParameterError(f"{where}: parameter(s) {', '.join(clash)} share a name with "
                                 "a state field, another parameter or a value a kernel can take")
    known = set(columns())
    for x in m.measures:
        table, _, name = x.of.partition(".")
        fields = {**TABLES.get(table, {}), **m.fields.get(table, {})}
        if x.name in known:
            raise ParameterError(f"{where}: a record column {x.name!r} exists")
        if x.kind not in KINDS or x.how not in HOW or name not in fields:
            raise ParameterError(
                f"{where}: measure {x.name!r} needs kind in {', '.join(KINDS)}, how in "
                f"{', '.join(HOW)} and of = '<table>.<field>' naming a field "
                f"(got kind={x.kind!r}, how={x.how!r}, of={x.of!r})")
        known.add(x.name)


def register(m: Mechanism) -> Mechanism:
    """Add `m` to every model built from now on (both engines). Checked whole
    first: a part that clashes or is malformed is refused and nothing is added.
    A model already built keeps the mechanisms it was built with."""
    _check(m)
    if m.parameters is not None:
        params_module.add_group(m.name, m.parameters)
    for table, fields in m.fields.items():
        TABLES[table].update(fields)
    _REGISTERED.append(m)
    return m


def unregister(name: str) -> None:
    """Remove the mechanism `name` and everything it added (the last registered first).
    The reference engine's agent classes drop its fields' views when the next
    reference model is built."""
    if name not in {m.name for m in _REGISTERED}:
        raise ParameterError(f"no mechanism {name!r} is registered")
    if _REGISTERED[-1].name != name:
        raise ParameterError(f"mechanism {name!r} is not the last registered; remove "
                             "mechanisms in the reverse order of registration")
    m = _REGISTERED.pop()
    for table, fields in m.fields.items():
        for k in fields:
            del TABLES[table][k]
    if m.parameters is not None:
        params_module.remove_group(m.name)


def declaration(m: Mechanism) -> str:
    """Everything that makes `m` what it is, as text: what a snapshot's code
    version hashes (its declaration and the source of its kernels and steps)."""
    specs = specs_of({m.name: m.parameters}) if m.parameters is not None else {}
    head = repr((m.name, m.after, {t: dict(f) for t, f in m.fields.items()}, m.measures,
                 sorted(specs.items()), [w for w, _ in m.steps]))
    return "\n".join([head, *(_source(f) for f in _functions(m))])


def _functions(m: Mechanism) -> tuple[Callable, ...]:
    """Its kernels, its steps' functions and its setup."""
    return (*m.kernels, *(f for _, f in m.steps), *((m.setup,) if m.setup else ()))


def phases(base: tuple[Phase, ...] = PHASES) -> tuple[Phase, ...]:
    """The day's table with every registered mechanism's phase after the one it
    names, numbered "<that phase's number>.<k>" ("7.1", "7.2", ...). Mechanisms
    placed after the same phase (or after each other) run in registration order."""
    out = list(base)
    for m in _REGISTERED:
        i = next(k for k, p in enumerate(out) if p.name == m.after)
        stem = out[i].number.split(".")[0]
        j = i + 1
        while j < len(out) and out[j].number.startswith(stem + "."):
            j += 1
        k = sum(1 for p in out if p.number.startswith(stem + "."))
        out.insert(j, m.phase(f"{stem}.{k + 1}"))
    return tuple(out)


def measures() -> tuple[Measure, ...]:
    """Every registered mechanism's record columns, in order."""
    return tuple(x for m in _REGISTERED for x in m.measures)


def columns() -> tuple[str, ...]:
    """The daily record's columns: `sim.outputs.COLUMNS`, then the mechanisms'."""
    return COLUMNS + tuple(x.name for x in measures())


def record_measures(state, row: np.ndarray, measured: tuple[Measure, ...]) -> None:
    """Write the mechanism columns `measured` (a model's, in column order, after
    `sim.outputs.COLUMNS`) into today's `row`: both engines (a serial sum, as the
    record kernels add, so the engines agree exactly)."""
    col = len(COLUMNS)
    for x in measured:
        table, _, name = x.of.partition(".")
        a = getattr(getattr(state, table), name)
        if x.how == "count":
            value = float(np.count_nonzero(a > 0))
        else:
            value = float(np.cumsum(a, dtype=np.float64)[-1]) if len(a) else 0.0
            if x.how == "mean":
                value = value / len(a) if len(a) else 0.0
        row[col] = value
        col += 1


def setup(state, params) -> None:
    """Run every registered mechanism's `setup` on a city just built."""
    for m in _REGISTERED:
        if m.setup is not None:
            m.setup(state, params)
