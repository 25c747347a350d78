"""Every model parameter, declared once.

Each field of the frozen dataclasses of the five groups (declared in
`sim.pars_city`: population, network, run; `sim.pars_behaviour`;
`sim.pars_governance`) carries its default, bounds, unit, label and a
one-line meaning (`par`). The model, the scenario loader, the UI
sliders and the sweep designs all read this metadata through `Params.specs()`,
so a parameter is never declared twice. Values are addressed by dotted names
(`"governance.data_openness"`); a wrong name, type or value raises
`ParameterError` naming the parameter, the value, what is allowed and, for a
typo, the close names.

Sources and reasoning for every default are in docs/ODD.md (section 7,
"Initialisation", and the parameter table).
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.errors import ParameterError, shown
from sim.pars_behaviour import BehaviourPars
from sim.pars_city import NetworkPars, PopulationPars, RunPars
from sim.pars_governance import GovernancePars
from sim.parspec import ParSpec, fresh_seed, parse_value, specs_of, uncertain_of

__all__ = ["GROUPS", "LEVERS", "idle_levers", "SPECS", "STATUS_QUO", "UNCERTAIN", "BehaviourPars",
           "GovernancePars", "NetworkPars", "Params", "ParSpec", "PopulationPars", "RunPars",
           "MECHANISM_GROUPS", "add_group", "fresh_seed", "parse_override", "remove_group",
           "seed_or_fresh", "spec"]

GROUPS = ("population", "network", "behaviour", "governance", "run")


# The levers a strategy sets, and their status quo values (the defaults of the governance
# group are the status quo's; tests/test_tenure.py holds scenarios/strategies/status_quo.toml
# to them). The warm-up before a strategy is adopted runs with these values.
LEVERS = ("platform_sensing", "reporting_burden", "kpi_pressure", "data_openness",
          "direct_dispatch", "chat_groups", "chat_to_platform", "volunteer_coordination",
          "social_capital_investment", "automated_dispatch", "registry_outreach_per_10k",
          "broadcast_warnings", "dashboard_steering", "prepositioning", "depot_access",
          "dashboard_allocation", "food_package_days", "group_buy_offline")
STATUS_QUO: dict[str, Any] = {f"governance.{k}": getattr(GovernancePars(), k) for k in LEVERS}


def idle_levers(values: Mapping[str, Any]) -> list[str]:
    """Levers set away from the status quo that move nothing at these settings
    (`values`: {lever: value} of every lever): depot access without pre-positioning
    (the depots stay empty) or without volunteer coordination (no volunteer is sent),
    chat groups linked to the platform without chat groups. A built-in strategy sets
    none (tests/test_scenarios.py)."""
    idle = []
    if values["depot_access"] and not (values["prepositioning"] > 0
                                       and values["volunteer_coordination"]):
        idle.append("depot_access")
    if values["chat_to_platform"] and not values["chat_groups"]:
        idle.append("chat_to_platform")
    return idle

_GROUP_TYPES = {"population": PopulationPars, "network": NetworkPars,
                "behaviour": BehaviourPars, "governance": GovernancePars, "run": RunPars}


SPECS: dict[str, ParSpec] = specs_of(_GROUP_TYPES)

# Deep uncertainties: {dotted name: (low, high, source or reasoning)}, from the
# `plausible` and `source` metadata above. Never a lever a strategy sets.
UNCERTAIN: dict[str, tuple[float, float, str]] = uncertain_of(_GROUP_TYPES, SPECS)

# The parameter groups of registered mechanisms ({group: dataclass}, in registration
# order): each mechanism's parameters are a group of their own, named after it
# (sim.mechanisms.register adds and removes them; SPECS and UNCERTAIN follow).
MECHANISM_GROUPS: dict[str, type] = {}


def add_group(name: str, pars_type: type) -> None:
    """Add a mechanism's parameter group `name` (a frozen dataclass of `par`
    fields): its parameters are "<name>.<field>" from now on."""
    if name in _GROUP_TYPES or name in MECHANISM_GROUPS:
        raise ParameterError(f"a parameter group called {name!r} exists")
    specs = specs_of({name: pars_type})
    uncertain = uncertain_of({name: pars_type}, specs)
    MECHANISM_GROUPS[name] = pars_type
    SPECS.update(specs)
    UNCERTAIN.update(uncertain)


def remove_group(name: str) -> None:
    """Remove a mechanism's parameter group (the reverse of `add_group`)."""
    MECHANISM_GROUPS.pop(name)
    for table in (SPECS, UNCERTAIN):
        for k in [k for k in table if k.split(".", 1)[0] == name]:
            del table[k]


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    # the values are numbers, booleans and strings: read directly, not copied as asdict does
    return tuple(f.name for f in dataclasses.fields(cls))


def _mechanism_defaults() -> tuple[tuple[str, Any], ...]:
    return tuple((g, cls()) for g, cls in MECHANISM_GROUPS.items())


# Parameters renamed: old name -> new name (an old name is an error that says the new one).
RENAMED = {"run.burn_in_days": "run.warm_up_days"}  # the burn-in is warm-up plus tenure


def spec(name: str) -> ParSpec:
    """The spec of a dotted parameter name; an unknown name lists close ones."""
    try:
        return SPECS[name]
    except KeyError:
        if name in RENAMED:
            raise ParameterError(f"parameter '{name}' is now called '{RENAMED[name]}'") from None
        close = difflib.get_close_matches(name, SPECS, n=3, cutoff=0.8)
        if not close:  # try the field name alone ("data_openness")
            tail = {k.split(".", 1)[1]: k for k in SPECS}
            close = [tail[c] for c in difflib.get_close_matches(name.split(".")[-1], tail, n=3)]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        groups = ", ".join((*GROUPS, *MECHANISM_GROUPS))
        raise ParameterError(f"unknown parameter {shown(name)}{hint} "
                             f"(names are group.field, groups: {groups})") from None


@dataclass(frozen=True)
class Params:
    """All parameters of one run: five groups of validated values."""

    population: PopulationPars = field(default_factory=PopulationPars)
    network: NetworkPars = field(default_factory=NetworkPars)
    behaviour: BehaviourPars = field(default_factory=BehaviourPars)
    governance: GovernancePars = field(default_factory=GovernancePars)
    run: RunPars = field(default_factory=RunPars)
    # (group, values) of every registered mechanism's parameters (sim.mechanisms)
    mechanisms: tuple[tuple[str, Any], ...] = field(default_factory=_mechanism_defaults)

    def __post_init__(self):
        for name, value in self.to_dict().items():
            checked = spec(name).check(value)
            if checked != value or type(checked) is not type(value):
                group, key = name.split(".")
                object.__setattr__(self.group(group), key, checked)
        self._check_combinations()

    @classmethod
    def _of_checked(cls, groups: dict[str, Any],
                    mechanisms: tuple[tuple[str, Any], ...]) -> Params:
        """A Params of groups whose every value is checked already (`with_overrides`:
        the unchanged ones by the Params they come from, the changed ones there):
        only the combinations are checked again. A model run builds several."""
        obj = cls.__new__(cls)
        for k, v in groups.items():
            object.__setattr__(obj, k, v)
        object.__setattr__(obj, "mechanisms", mechanisms)
        obj._check_combinations()
        return obj

    def _check_combinations(self) -> None:
        """Values allowed one by one but not together."""
        net = self.network
        if net.edge_list and net.kind != "edge_list":
            raise ParameterError(
                f"parameter 'network.edge_list' = {shown(net.edge_list)} is set but "
                f"network.kind = {net.kind!r}: the file is read only with "
                "network.kind = 'edge_list' (set both, or leave network.edge_list empty)")
        if net.kind == "edge_list" and not net.edge_list:
            raise ParameterError("network.kind = 'edge_list' needs network.edge_list = FILE "
                                 "(a CSV edge list, GraphML, GEXF, Pajek or adjacency list)")

    @staticmethod
    def specs() -> dict[str, ParSpec]:
        """Every parameter's spec, by dotted name."""
        return SPECS

    def group(self, name: str) -> Any:
        """The values of one parameter group (a mechanism's too), by its name."""
        if name in GROUPS:
            return getattr(self, name)
        for g, values in self.mechanisms:
            if g == name:
                return values
        hint = (" (these parameters were made before its mechanism was registered: build "
                "them again)" if name in MECHANISM_GROUPS else "")
        raise ParameterError(f"no parameter group {name!r} in these parameters{hint}")

    def get(self, name: str) -> Any:
        """The value of a dotted parameter name."""
        spec(name)
        group, key = name.split(".")
        return getattr(self.group(group), key)

    def to_dict(self) -> dict[str, Any]:
        """Flat {dotted name: value} of every parameter."""
        groups = [(g, getattr(self, g)) for g in GROUPS] + list(self.mechanisms)
        return {f"{g}.{k}": getattr(values, k) for g, values in groups
                for k in _field_names(type(values))}

    def with_overrides(self, overrides: Mapping[str, Any] | None) -> Params:
        """A copy with dotted overrides applied, each validated."""
        if not overrides:
            return self
        changes: dict[str, dict[str, Any]] = {}
        for name, value in overrides.items():
            checked = spec(name).check(value)
            group, key = name.split(".")
            changes.setdefault(group, {})[key] = checked
        groups = {g: (dataclasses.replace(getattr(self, g), **changes[g]) if g in changes
                      else getattr(self, g)) for g in GROUPS}
        mine = dict(self.mechanisms)  # a group registered since has its defaults
        for g, values in mine.items():
            if type(values) is not MECHANISM_GROUPS.get(g):
                raise ParameterError(
                    f"these parameters hold the group {g!r} of a mechanism that is not "
                    "registered in this process (or registered anew since): register it "
                    "(sim.mechanisms.register) before using them, or build them again")
        mechanisms = tuple((g, dataclasses.replace(mine.get(g) or cls(), **changes.get(g, {})))
                           for g, cls in MECHANISM_GROUPS.items())
        return Params._of_checked(groups, mechanisms)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> Params:
        """Defaults with `values` (dotted names) applied."""
        return cls().with_overrides(values)


def seed_or_fresh(seed: int | None) -> int:
    """`seed` itself, or a fresh seed (`fresh_seed`) when it is None."""
    return fresh_seed() if seed is None else SPECS["run.seed"].check(seed)


def parse_override(text: str) -> tuple[str, Any]:
    """Parse `name=value` from the command line into a typed override."""
    if "=" not in text:
        raise ParameterError(f"override {shown(text)} is not of the form group.field=value")
    name, raw = (s.strip() for s in text.split("=", 1))
    return name, parse_value(spec(name), raw)


def command_overrides(sets: list[str], flags: dict[str, tuple[str, Any]] | None = None
                      ) -> dict[str, Any]:
    """The parameters a command line sets: its `--set NAME=VALUE` values and its
    flags that stand for a parameter (`flags`: name -> (flag, value or None)).

    Nothing is resolved silently: the same name given twice, or given by a
    flag and by `--set`, is a ParameterError naming both, so the user says
    which one they meant (docs/robustness-inputs.md, "Which value wins")."""
    out: dict[str, Any] = {}
    for text in sets:
        name, value = parse_override(text)
        if name in out:
            raise ParameterError(f"--set {name} is given twice ({shown(out[name])} and "
                                 f"{shown(value)}); give it once")
        out[name] = value
    for name, (flag, value) in (flags or {}).items():
        if value is None:
            continue
        if name in out:
            raise ParameterError(f"{flag} {shown(value)} and --set {name}={shown(out[name])} "
                                 f"both set {name}; give one of them")
        out[name] = spec(name).check(value)
    return out
