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
docs/ODD.md ("Adding a mechanism") works an example through.
"""

from __future__ import annotations

import dataclasses
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
HOW = {"sum": "the sum over rows", "mean": "the mean over rows",
       "count": "the number of rows above zero"}


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


def _check(m: Mechanism) -> None:
    """Every part of `m` checked before anything is added: one message naming the part."""
    where = f"mechanism {m.name!r}"
    if not (m.name.isidentifier() and not keyword.iskeyword(m.name) and m.name.islower()):
        raise ParameterError(f"{where}: its name must be a lower-case Python identifier "
                             "(it names its parameter group)")
    phase_names = [p.name for p in phases()]
    if m.name in phase_names or m.name in params_module.GROUPS + tuple(
            params_module.MECHANISM_GROUPS):
        raise ParameterError(f"{where}: a phase or parameter group of that name exists")
    if m.after not in phase_names:
        raise ParameterError(f"{where}: after = {m.after!r} is not a phase; the phases are "
                             f"{', '.join(phase_names)}")
    if not m.kernels or not m.steps or len(m.kernels) != len(tuple(m.kernels)):
        raise ParameterError(f"{where}: give its kernels (fast engine) and its steps "
                             "(reference engine), at least one of each")
    for step in m.steps:
        if not (isinstance(step, tuple) and len(step) == 2 and step[0] in WHO
                and callable(step[1])):
            raise ParameterError(f"{where}: step {step!r} must be (who, function), who one of "
                                 f"{', '.join(WHO)}")
    for table, fields in m.fields.items():
        if table not in TABLES:
            raise ParameterError(f"{where}: fields of table {table!r}; the tables are "
                                 f"{', '.join(TABLES)}")
        for name, spec in fields.items():
            if name in TABLES[table] or not name.isidentifier():
                raise ParameterError(f"{where}: field {table}.{name} exists or is not a name")
            if not (isinstance(spec, tuple) and len(spec) == 3 and isinstance(spec[2], str)):
                raise ParameterError(f"{where}: field {table}.{name} must be "
                                     "(dtype, fill, meaning)")
            np.dtype(spec[0])  # a dtype NumPy knows (TypeError otherwise)
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
        taken = {k for fields in TABLES.values() for k in fields}
        taken |= {k.split(".", 1)[1] for k in params_module.SPECS
                  if k.split(".", 1)[0] not in ("population", "network", "run")}
        clash = sorted(set(m.parameters.__dataclass_fields__) & taken)
        if clash:
            raise ParameterError(f"{where}: parameter(s) {', '.join(clash)} share a name with "
                                 "a state field or another parameter a kernel can take")
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
    first: a part that clashes or is malformed is refused and nothing is added."""
    _check(m)
    if m.parameters is not None:
        params_module.add_group(m.name, m.parameters)
    for table, fields in m.fields.items():
        TABLES[table].update(fields)
    _REGISTERED.append(m)
    return m


def unregister(name: str) -> None:
    """Remove the mechanism `name` and everything it added (the last registered first)."""
    if not _REGISTERED or _REGISTERED[-1].name != name:
        raise ParameterError(f"mechanism {name!r} is not the last registered; remove "
                             "mechanisms in the reverse order of registration")
    m = _REGISTERED.pop()
    for table, fields in m.fields.items():
        for k in fields:
            del TABLES[table][k]
    if m.parameters is not None:
        params_module.remove_group(m.name)


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


def record_measures(state, row: np.ndarray) -> None:
    """Write every mechanism column of today's `row` (both engines: a serial sum,
    as the record kernels add, so the engines agree exactly)."""
    col = len(COLUMNS)
    for x in measures():
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
