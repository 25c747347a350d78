"""What a run is given: a strategy (governance values) and a shock (events).

`Strategy` is a named bundle of parameter overrides, nearly always in the
`governance` group. `Shock` is a named list of `Event`s; `schedule()` turns it
into per-day, per-grid arrays (`Schedule`) that the shock phase reads. Both
are frozen, plain data; the scenario library (`scenarios/`) reads them from
TOML files and validates every field.

Event kinds and what each does to the grids it covers while it lasts
(`intensity` scales the effect; an explicit field overrides the default):

| kind            | hazard    | heat      | supply          | power | telecom | platform | income |
|-----------------|-----------|-----------|-----------------|-------|---------|----------|--------|
| flood           | intensity |           | 1 - 0.8 x int.  | 0     |         |          |        |
| lockdown        |           |           | 1 - intensity   |       |         |          |        |
| heatwave        |           | intensity |                 |       |         |          |        |
| blackout        |           |           |                 | 0     | 0       |          |        |
| platform_outage |           |           |                 |       |         | 0        |        |
| economic        |           |           |                 |       |         |          | 1 - i. |

Overlapping events combine by the worst value (max for hazard, heat and
warning; min for supply, power, telecom, platform and income).

Warnings: a flood, heatwave or lockdown raises the `warning` level of its
grids to its intensity from `lead_days` before its start to its end. Other
kinds (blackouts, platform outages, economic shocks) come unannounced unless
the event has `lead_days` > 0 (planned power rationing, say): then the level
is 1 over the same window.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.errors import ScenarioError

EVENT_KINDS = ("flood", "lockdown", "heatwave", "blackout", "platform_outage", "economic")
HAZARDS = ("flood", "heatwave", "lockdown")  # kinds households are warned of while they last
CHANNELS = ("hazard", "heat", "supply", "power", "telecom", "platform", "income")


@dataclass(frozen=True)
class GridSelector:
    """Which grids an event covers: all, the lowest share, a list, communities."""

    all: bool = False
    lowest_share: float | None = None
    grids: tuple[int, ...] = ()
    communities: tuple[int, ...] = ()

    def mask(self, elevation: np.ndarray, community: np.ndarray) -> np.ndarray:
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
        return m


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
            "lockdown": {"supply": 1.0 - i},
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

    def as_dict(self) -> dict[str, object]:
        """The values as {dotted name: value}."""
        return dict(self.values)


NO_SHOCK = Shock("none", (), "No shock: the baseline")


@dataclass
class Schedule:
    """Per-day, per-grid shock inputs read by the shock phase.

    Arrays (days, grids), float64: `hazard` and `heat` intensity 0-1;
    `supply`, `power`, `telecom` availability 0-1; `income` multiplier of
    low-income restocking; `warning` forecast level 0-1 (from `lead_days`
    before an event until its end; see the module docstring). `platform` (days,): platform up 0-1.
    """

    hazard: np.ndarray
    heat: np.ndarray
    supply: np.ndarray
    power: np.ndarray
    telecom: np.ndarray
    income: np.ndarray
    warning: np.ndarray
    platform: np.ndarray
    onset: int  # first day of the first event (days if none)


def schedule(shock: Shock, days: int, elevation: np.ndarray, community: np.ndarray) -> Schedule:
    """Expand `shock` into the arrays of a `Schedule` for `days` days."""
    g = len(elevation)
    zeros = lambda: np.zeros((days, g))  # noqa: E731
    ones = lambda: np.ones((days, g))  # noqa: E731
    s = Schedule(zeros(), zeros(), ones(), ones(), ones(), ones(), zeros(), np.ones(days),
                 onset=min((e.start for e in shock.events), default=days))
    for ev in shock.events:
        mask = ev.grids.mask(elevation, community)
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
                    normal = 0.0 if ch in ("hazard", "heat") else 1.0
                    v = value + (normal - value) * frac
                if ch == "platform":
                    s.platform[d] = min(s.platform[d], v)
                elif ch in ("hazard", "heat"):
                    arr = getattr(s, ch)
                    arr[d, mask] = np.maximum(arr[d, mask], v)
                else:
                    arr = getattr(s, ch)
                    arr[d, mask] = np.minimum(arr[d, mask], v)
    return s
