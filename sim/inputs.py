"""What a run is given: a strategy (governance values) and a shock (events).

`Strategy` is a named bundle of parameter overrides, nearly always in the
`governance` group. `Shock` is a named list of `Event`s; `schedule()` turns it
into per-day, per-grid arrays (`Schedule`) that the shock phase reads. Both
are frozen, plain data; the scenario library (`scenarios/`) reads them from
TOML files and validates every field.

Event kinds and what each does to the grids it covers while it lasts
(`intensity` scales the effect; an explicit field overrides the default):

| kind            | hazard    | heat      | supply         | power | telecom | platform | income | closure |
|-----------------|-----------|-----------|----------------|-------|---------|----------|--------|---------|
| flood           | intensity |           | 1 - 0.8 x int. | 0     |         |          |        |         |
| lockdown        |           |           | 1 - intensity  |       |         |          |        | 1       |
| heatwave        |           | intensity |                |       |         |          |        |         |
| blackout        |           |           |                | 0     | 0       |          |        |         |
| platform_outage |           |           |                |       |         | 0        |        |         |
| economic        |           |           |                |       |         |          | 1 - i. |         |

`closure` is a stay-at-home order (0 none, 1 full): shops are shut to walk-in
buyers (households and volunteers), and households order through delivery
platforms and group buying and receive government food packages instead
(docs/ODD.md, section 7.5).

Overlapping events combine by the worst value (max for hazard, heat,
closure and warning; min for supply, power, telecom, platform and income).

Warnings: a flood, heatwave or lockdown raises the `warning` level of its
grids to its intensity from `lead_days` before its start to its end. Other
kinds (blackouts, platform outages, economic shocks) come unannounced unless
the event has `lead_days` > 0 (planned power rationing, say): then the level
is 1 over the same window.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import numpy as np

from sim.errors import GrassrootsError, ScenarioError, ShockWarning, shown

EVENT_KINDS = ("flood", "lockdown", "heatwave", "blackout", "platform_outage", "economic")
HAZARDS = ("flood", "heatwave", "lockdown")  # kinds households are warned of while they last
CHANNELS = ("hazard", "heat", "supply", "power", "telecom", "platform", "income", "closure")
RISING = ("hazard", "heat", "closure")  # channels normal at 0 that combine by the maximum


_CLAUSE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(==|!=|<=|>=|<|>)\s*"
                     r"([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)\s*$")
_OPS = {"==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal,
        ">": np.greater, ">=": np.greater_equal}


def parse_where(text: str) -> tuple[tuple[tuple[str, str, float], ...], ...]:
    """A map condition such as "flood_zone == 1 and elevation < 5" as clauses:
    alternatives joined by `or`, each a conjunction (`and`) of
    (attribute, operator, number). Raises ScenarioError naming what is allowed."""
    if not isinstance(text, str) or not text.strip():
        raise ScenarioError(f"where = {shown(text)}: must be a condition such as "
                            "\"flood_zone == 1\"")
    out = []
    for alt in re.split(r"\s+or\s+", text.strip()):
        terms = []
        for clause in re.split(r"\s+and\s+", alt):
            m = _CLAUSE.match(clause)
            if not m:
                raise ScenarioError(
                    f"where = {shown(text, 120)}: cannot read {shown(clause.strip(), 60)}; "
                    "allowed: ATTRIBUTE OP NUMBER (OP one of == != < <= > >=), joined by "
                    "'and' / 'or', e.g. \"flood_zone == 1 and elevation < 5\"")
            terms.append((m.group(1), m.group(2), float(m.group(3))))
        out.append(tuple(terms))
    return tuple(out)


@dataclass(frozen=True)
class GridSelector:
    """Which grids an event covers: all, the lowest share, a list, communities, and
    in a district (`sim.district.District`) by its map: a condition on its
    attributes (`where`), the lowest `share` of an attribute (`lowest`), or the
    grids whose centre lies in the polygons of a file (`polygons`). The rules add
    up: a grid chosen by any of them is covered."""

    all: bool = False
    lowest_share: float | None = None
    grids: tuple[int, ...] = ()
    communities: tuple[int, ...] = ()
    where: str = ""
    lowest: str = ""
    share: float | None = None
    polygons: str = ""

    def uses_map(self) -> bool:
        """Whether the selector needs a district's map."""
        return bool(self.where or self.lowest or self.polygons)

    def map_attributes(self) -> tuple[str, ...]:
        """The map attributes the selector reads."""
        names = [t[0] for alt in (parse_where(self.where) if self.where else ()) for t in alt]
        return tuple(dict.fromkeys(names + ([self.lowest] if self.lowest else [])))

    def mask(self, elevation: np.ndarray, community: np.ndarray, district=None) -> np.ndarray:
        """Boolean mask over grids."""
        n = len(elevation)
        m = np.zeros(n, dtype=bool)
        if self.all:
            m[:] = True
        if self.lowest_share is not None:
            k = int(round(self.lowest_share * n))
            m[np.argsort(elevation, kind="stable")[:k]] = True
        if self.grids:
            g = np.asarray(self.grids)
            m[g[g < n]] = True
        if self.communities:
            m |= np.isin(community, np.asarray(self.communities))
        if self.uses_map():
            if district is None:
                raise ScenarioError(f"{_selector_text(self)} chooses grids on a map: it needs "
                                    "a district (--district FILE or population.district)")
            attrs = map_attributes(district)
            if self.where:
                for alt in parse_where(self.where):
                    hit = np.ones(n, dtype=bool)
                    for name, op, value in alt:
                        hit &= _OPS[op](attrs[name], value)  # NaN compares False
                    m |= hit
            if self.lowest:
                values = attrs[self.lowest]
                k = int(round((self.share if self.share is not None else 0.25) * n))
                k = min(k, int(np.count_nonzero(~np.isnan(values))))
                m[np.argsort(values, kind="stable")[:k]] = True  # NaN sorts last
            if self.polygons:
                m |= district.grids_in(self.polygons)
        return m


def map_attributes(district) -> dict[str, np.ndarray]:
    """The attributes a shock may choose a district's grids by: every numeric column
    of its map, plus `elevation` (ranked 0-1) and `households` if the map has no
    column of that name."""
    attrs = dict(district.attributes)
    attrs.setdefault("elevation", district.elevation)
    attrs.setdefault("households", district.households.astype(float))
    return attrs


@dataclass(frozen=True)
class Event:
    """One shock event: what happens, when, where and how hard.

    `lead_days` is how long before `start` a forecast exists (0: no warning
    before onset); `recovery_days` is how long the affected channels take to
    return linearly to normal after the event. A channel given explicitly
    (e.g. `supply = 0.3`) replaces the kind's default effect.
    """

    kind: str
    start: int
    days: int
    grids: GridSelector = field(default_factory=lambda: GridSelector(all=True))
    intensity: float = 1.0
    lead_days: int = 0
    recovery_days: int = 0
    hazard: float | None = None
    heat: float | None = None
    supply: float | None = None
    power: float | None = None
    telecom: float | None = None
    platform: float | None = None
    income: float | None = None
    closure: float | None = None

    def __post_init__(self):
        if self.kind not in EVENT_KINDS:
            raise ScenarioError(f"event kind {self.kind!r} is unknown; "
                                f"allowed: {', '.join(EVENT_KINDS)}")
        for name in ("start", "days", "lead_days", "recovery_days"):
            if getattr(self, name) < 0:
                raise ScenarioError(f"event {name} = {getattr(self, name)} must be >= 0")
        if self.days < 1:
            raise ScenarioError(f"event days = {self.days} must be >= 1")

    def effects(self) -> dict[str, float]:
        """Channel -> value while the event lasts (defaults, then overrides)."""
        i = self.intensity
        eff: dict[str, float] = {
            "flood": {"hazard": i, "supply": 1.0 - 0.8 * i, "power": 0.0},
            "lockdown": {"supply": 1.0 - i, "closure": 1.0},
            "heatwave": {"heat": i},
            "blackout": {"power": 0.0, "telecom": 0.0},
            "platform_outage": {"platform": 0.0},
            "economic": {"income": 1.0 - i},
        }[self.kind]
        for ch in CHANNELS:
            v = getattr(self, ch)
            if v is not None:
                eff[ch] = v
        return eff


@dataclass(frozen=True)
class Shock:
    """A named shock schedule: a list of events."""

    name: str
    events: tuple[Event, ...] = ()
    description: str = ""

    def last_day(self) -> int:
        """The last day any event (with its recovery) touches."""
        return max((e.start + e.days + e.recovery_days for e in self.events), default=0)


@dataclass(frozen=True)
class Strategy:
    """A named bundle of parameter values (dotted names), with a description."""

    name: str
    values: tuple[tuple[str, object], ...] = ()
    description: str = ""
    # (dotted lever, low, high, source): the plausible range of a numeric lever's real
    # magnitude, which the robustness worlds draw from (the model runs `values`)
    plausible: tuple[tuple[str, float, float, str], ...] = ()

    def as_dict(self) -> dict[str, object]:
        """The values as {dotted name: value}."""
        return dict(self.values)


NO_SHOCK = Shock("none", (), "No shock: the baseline")


def _selector_text(g: GridSelector) -> str:
    parts = (["all = true"] if g.all else []) + (
        [f"lowest_share = {g.lowest_share:g}"] if g.lowest_share is not None else []) + (
        [f"grids = {shown(list(g.grids))}"] if g.grids else []) + (
        [f"communities = {shown(list(g.communities))}"] if g.communities else []) + (
        [f"where = {shown(g.where)}"] if g.where else []) + (
        [f"lowest = {shown(g.lowest)}"] if g.lowest else []) + (
        [f"share = {g.share:g}"] if g.share is not None else []) + (
        [f"polygons = {shown(g.polygons, 80)}"] if g.polygons else [])
    return "grids = { " + ", ".join(parts) + " }"


def check_shock(shock: Shock, days: int, community: np.ndarray | None = None,
                n_households: int | None = None, district=None) -> tuple[str, ...]:
    """Check `shock` against the run it is used in; the one rule, used wherever a
    shock meets a horizon and a city (the model, `grassroots run`, sweep specs,
    `grassroots scenarios validate --days/--households`).

    Args:
        shock: The shock.
        days: The run's horizon (days 0 to days - 1 are recorded).
        community: int (grids,), each grid's community (`State.grids.community`
            or `sim.population.grid_communities`); None skips the city check.
        n_households: The city's size, for the messages.
        district: The district (`sim.district.District`) the city is built on,
            or None. An event choosing grids on the map needs one, and the
            attributes it names must be among the map's.

    Returns:
        One message per event that starts after the run ends while other
        events fall within it; each is also issued as a `ShockWarning`.

    Raises:
        ScenarioError: If the shock touches no household: an event covers no
            grid of this city (say `lowest_share = 0.25` of 3 grids rounds to
            0), or every event starts after the run ends. The message names
            the shock, the event, the horizon and the city size.
    """
    city = ""
    if community is not None:
        n_grids = len(community)
        size = f"{n_households:,} households in " if n_households is not None else ""
        city = f"a city of {size}{n_grids:,} grid{'s' if n_grids != 1 else ''}"
        for i, ev in enumerate(shock.events):
            g = ev.grids
            if g.uses_map():
                _check_map_selector(shock, i, ev, district, community)
                continue
            covered = (g.all or (g.lowest_share is not None and round(g.lowest_share * n_grids) > 0)
                       or any(0 <= x < n_grids for x in g.grids)
                       or bool(np.isin(np.asarray(g.communities), community).any()))
            if not covered:
                why = ""
                if g.lowest_share is not None:
                    why = f" (round({g.lowest_share:g} x {n_grids}) = 0 grids)"
                raise ScenarioError(
                    f"shock {shown(shock.name)}: event {i} ({ev.kind}, {_selector_text(g)}) "
                    f"covers no grid of {city}{why}, so it touches no household; use a larger "
                    f"city (population.n_households) or choose grids that exist (grid ids 0 to "
                    f"{n_grids - 1}, communities 0 to {int(np.max(community, initial=0))})")
    late = [(i, ev) for i, ev in enumerate(shock.events) if ev.start >= days]
    if late and len(late) == len(shock.events):
        i, ev = late[0]
        raise ScenarioError(
            f"shock {shown(shock.name)}: every event starts after the run ends (event {i}, "
            f"{ev.kind}, starts on day {ev.start:,}; the run has {days:,} days, 0 to {days - 1:,}"
            f"{', ' + city if city else ''}), so it touches no household; run longer (run.days "
            f"or --days) or use the shock 'none'")
    notes = tuple(f"shock {shown(shock.name)}: event {i} ({ev.kind}) starts on day {ev.start:,}, "
                  f"after the run's {days:,} days end: it has no effect" for i, ev in late)
    for note in notes:
        warnings.warn(note, ShockWarning, stacklevel=2)
    return notes


def _check_map_selector(shock: Shock, i: int, ev: Event, district, community) -> None:
    """An event choosing grids on the map: a district, attributes it has, a grid covered."""
    g = ev.grids
    head = f"shock {shown(shock.name)}: event {i} ({ev.kind}, {_selector_text(g)})"
    if district is None:
        raise ScenarioError(f"{head} chooses grids on a map, but the run has no district: "
                            "give one (--district FILE or population.district), or choose "
                            "grids by all, lowest_share, grids or communities")
    attrs = map_attributes(district)
    for name in g.map_attributes():
        if name not in attrs:
            import difflib

            close = difflib.get_close_matches(name, attrs, n=2)
            hint = f" (did you mean {' or '.join(close)}?)" if close else ""
            raise ScenarioError(f"{head}: the district {district.path} has no attribute "
                                f"{name!r}{hint}; its attributes: {', '.join(sorted(attrs))}")
    try:
        mask = g.mask(district.elevation, community, district)
    except GrassrootsError as e:
        raise ScenarioError(f"{head}: {e}") from None
    if not mask.any():
        raise ScenarioError(f"{head} covers no grid of the district {district.path} "
                            f"({district.n_grids} grids), so it touches no household")


@dataclass
class Schedule:
    """Per-day, per-grid shock inputs read by the shock phase.

    Arrays (days, grids), float64: `hazard` and `heat` intensity 0-1;
    `supply`, `power`, `telecom` availability 0-1; `income` multiplier of
    low-income restocking; `closure` stay-at-home order 0-1; `warning` forecast
    level 0-1 (from `lead_days` before an event until its end; see the module
    docstring). `platform` (days,): platform up 0-1.
    """

    hazard: np.ndarray
    heat: np.ndarray
    supply: np.ndarray
    power: np.ndarray
    telecom: np.ndarray
    income: np.ndarray
    closure: np.ndarray
    warning: np.ndarray
    platform: np.ndarray
    onset: int  # first day of the first event (days if none)


def schedule(shock: Shock, days: int, elevation: np.ndarray, community: np.ndarray,
             district=None) -> Schedule:
    """Expand `shock` into the arrays of a `Schedule` for `days` days (on the map of
    `district` for events choosing grids by it)."""
    g = len(elevation)
    zeros = lambda: np.zeros((days, g))  # noqa: E731
    ones = lambda: np.ones((days, g))  # noqa: E731
    s = Schedule(zeros(), zeros(), ones(), ones(), ones(), ones(), zeros(), zeros(), np.ones(days),
                 onset=min((e.start for e in shock.events), default=days))
    for ev in shock.events:
        mask = ev.grids.mask(elevation, community, district)
        if ev.kind in HAZARDS:
            level = ev.intensity
        else:  # outages and economic shocks are warned of only when announced ahead
            level = 1.0 if ev.lead_days > 0 else 0.0
        w0, w1 = max(0, ev.start - ev.lead_days), min(days, ev.start + ev.days)
        if w0 < w1 and level > 0.0:
            s.warning[w0:w1, mask] = np.maximum(s.warning[w0:w1, mask], level)
        for ch, value in ev.effects().items():
            for d in range(ev.start, min(days, ev.start + ev.days + ev.recovery_days)):
                if d < ev.start + ev.days:
                    v = value
                else:  # linear return to normal over recovery_days
                    frac = (d - ev.start - ev.days + 1) / (ev.recovery_days + 1)
                    normal = 0.0 if ch in RISING else 1.0
                    v = value + (normal - value) * frac
                if ch == "platform":
                    s.platform[d] = min(s.platform[d], v)
                elif ch in RISING:
                    arr = getattr(s, ch)
                    arr[d, mask] = np.maximum(arr[d, mask], v)
                else:
                    arr = getattr(s, ch)
                    arr[d, mask] = np.minimum(arr[d, mask], v)
    return s
