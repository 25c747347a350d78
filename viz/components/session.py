"""What one browser session runs: the workshop model, its caps and its controls.

`WorkshopModel` is the Mesa model that SolaraViz steps and resets. It holds
run A (the chosen strategy, with the lever sliders applied) and, in compare
mode, run B (another strategy) under the same shock and seed, so the two
runs meet the same random numbers (common random numbers) and step
together. Panels read a `Snapshot`, taken under the model's lock, so a
redraw never sees half a day.

`model_params(caps)` generates SolaraViz's `model_params` from the parameter
metadata in `sim.params.SPECS` (label, unit, help, bounds): nothing here
re-declares a parameter. Caps on population and horizon come from the
environment the `grassroots ui` command sets, so no page can exceed them.
"""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import mesa
import numpy as np

from scenarios import make_model
from sim.errors import ParameterError, shown
from sim.flags import UP
from sim.model import ResilienceModel, numba_threads
from sim.params import SPECS, Params

# The governance levers the page offers (docs/ODD.md 7.1.4; each strategy's levels in 6.2),
# in display order.
LEVERS: tuple[str, ...] = (
    "platform_sensing", "reporting_burden", "data_openness", "direct_dispatch",
    "chat_groups", "volunteer_coordination", "kpi_pressure", "social_capital_investment",
)
NO_COMPARE = "none"
NO_SHOCK = "none"
DEFAULTS = {"strategy": "status_quo", "shock": "flood", "n_households": 2_000, "days": 120,
            "seed": 0}
MIN_HOUSEHOLDS = 100
MIN_DAYS = 10
SEED_MAX = 99  # a workshop needs a few replicate seeds, not 2**63 of them

ENV_MAX_HOUSEHOLDS = "GRASSROOTS_UI_MAX_HOUSEHOLDS"
ENV_MAX_DAYS = "GRASSROOTS_UI_MAX_DAYS"
ENV_PLAY_BUDGET = "GRASSROOTS_UI_PLAY_BUDGET"
ENV_DISTRICT = "GRASSROOTS_UI_DISTRICT"  # a district map every page builds its city on


class PlayPacer:
    """A process-wide budget of Play redraws per second, shared by all sessions.

    All sessions live in one server process, and a day's redraw costs the
    server 10-15 ms of Python (one core, the GIL). Twenty sessions playing at
    full speed (about 5 days a second each) would ask for more than that core,
    and every click and new page would queue behind them. So the days SolaraViz's
    Play loop asks for draw from a shared budget of `rate` per second: with
    few players nothing changes, with many each gets a fair share, and
    clicks (never paced) and page loads keep the rest of the core. Days
    stepped back to back within `batch_gap` seconds (SolaraViz's render
    interval: several days, one redraw) share one slot.
    """

    def __init__(self, rate: float, batch_gap: float = 0.02):
        self.rate, self.batch_gap = rate, batch_gap
        self._lock = threading.Lock()
        self._next = 0.0  # when the next slot is free (time.monotonic)

    def wait(self, since_last_step: float) -> float:
        """Block until a Play step may run; returns the seconds waited."""
        if self.rate <= 0 or since_last_step < self.batch_gap:
            return 0.0
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + 1.0 / self.rate
        if start > now:
            time.sleep(start - now)
        return start - now


@contextmanager
def one_numba_thread():
    """Run the kernels on one Numba thread, then give the caller its setting back.

    Many sessions share the server's cores, and a 2,000-household day takes
    well under a millisecond on one thread; several threads per call only
    contend (with OpenMP, a busy machine can make a day a hundred times
    slower). The setting is per calling thread, and SolaraViz steps from
    several."""
    with numba_threads(1):
        yield


def in_play_loop(depth: int = 8) -> bool:
    """True when SolaraViz's Play loop (the `step` task of Mesa 3.3's
    ModelController) is what calls the model's step, False for a click."""
    frame = sys._getframe(1)
    for _ in range(depth):
        frame = frame.f_back
        if frame is None:
            return False
        code = frame.f_code
        if code.co_name == "step" and code.co_filename.endswith("solara_viz.py"):
            return True
    return False


def _pacer_from_env() -> PlayPacer:
    raw = os.environ.get(ENV_PLAY_BUDGET, "").strip()
    try:
        rate = float(raw) if raw else 40.0
    except ValueError:
        raise ParameterError(f"{ENV_PLAY_BUDGET}={raw!r}: not a number") from None
    return PlayPacer(rate)


PACER = _pacer_from_env()


@dataclass(frozen=True)
class Caps:
    """Per-session limits, set at launch (`grassroots ui --max-households/--max-days`)."""

    max_households: int = 5_000
    max_days: int = 365

    @classmethod
    def from_env(cls) -> Caps:
        """Caps from GRASSROOTS_UI_MAX_HOUSEHOLDS / GRASSROOTS_UI_MAX_DAYS (defaults if unset)."""
        def read(name: str, default: int, lo: int, hi: int) -> int:
            raw = os.environ.get(name, "").strip()
            if not raw:
                return default
            try:
                v = int(raw)
            except ValueError:
                raise ParameterError(f"{name}={raw!r}: not a whole number") from None
            if not lo <= v <= hi:
                raise ParameterError(f"{name}={v}: allowed {lo:,} to {hi:,}")
            return v

        n_spec, d_spec = SPECS["population.n_households"], SPECS["run.days"]
        return cls(read(ENV_MAX_HOUSEHOLDS, cls.max_households, MIN_HOUSEHOLDS, int(n_spec.hi)),
                   read(ENV_MAX_DAYS, cls.max_days, MIN_DAYS, int(d_spec.hi)))


def strategies() -> list[str]:
    """Strategy names the page may choose from (the scenario library's; never a path)."""
    from scenarios import available

    return sorted(available("strategy"))


def shocks() -> list[str]:
    """Shock names the page may choose from, plus "none"."""
    from scenarios import available

    return [NO_SHOCK, *sorted(available("shock"))]


# Post-tenure cities (sim.snapshot.Snapshot at day 0), most recently used last:
# a session starts from one at once instead of simulating its 395 days again.
_PASTS: OrderedDict[tuple, Any] = OrderedDict()
_PASTS_LOCK = threading.Lock()
PASTS_KEPT = 8  # at 10,000 households, about 3 MB each


def city_after_tenure(strategy: str, n_households: int | None, seed: int,
                      overrides: dict[str, Any] | None = None):
    """The city of `strategy` at day 0 (after the warm-up and its tenure), as a
    snapshot: simulated on the first call for these values, then cached."""
    own = {f"governance.{k}": v for k, v in strategy_levers(strategy).items()}
    edits = {k: v for k, v in (overrides or {}).items() if own.get(k, not v) != v}
    key = (strategy, n_households, seed, tuple(sorted(edits.items())))
    with _PASTS_LOCK:
        if key in _PASTS:
            _PASTS.move_to_end(key)
            return _PASTS[key]
    snap = make_model(strategy, NO_SHOCK, n_households=n_households, days=1, seed=seed,
                      overrides=edits).snapshot()
    with _PASTS_LOCK:
        _PASTS[key] = snap
        while len(_PASTS) > PASTS_KEPT:
            _PASTS.popitem(last=False)
    return snap


def start_model(strategy: str, shock: str, n_households: int | None, days: int, seed: int,
                overrides: dict[str, Any] | None = None) -> ResilienceModel:
    """`make_model(strategy, shock, ...)` at day 0, the same model, continued from
    the cached post-tenure city (`city_after_tenure`)."""
    from scenarios.models import resolve
    from sim import population
    from sim.inputs import check_shock

    _, sh = resolve(strategy, shock)
    if n_households is not None:  # before any work; a district's city is checked by the model
        pop = Params().with_overrides({"population.n_households": n_households}).population
        check_shock(sh, days, population.grid_communities(pop), n_households)
    return ResilienceModel.from_snapshot(city_after_tenure(strategy, n_households, seed,
                                                           overrides), sh, days=days)


@lru_cache(maxsize=64)
def _strategy_levers(name: str) -> tuple[tuple[str, Any], ...]:
    from scenarios import load_strategy

    g = Params().with_overrides(load_strategy(name).as_dict()).governance
    return tuple((k, getattr(g, k)) for k in LEVERS)


def strategy_levers(name: str) -> dict[str, Any]:
    """The lever values a strategy sets (defaults where it is silent)."""
    return dict(_strategy_levers(name))


def slider_step(lo: float, hi: float) -> float:
    """A round slider step: about 1/100 of the range (0.01 for 0-1, 0.0001 for 0-0.05)."""
    return 10.0 ** (math.floor(math.log10(hi - lo) + 0.1) - 2)


def control(name: str, value=None, lo=None, hi=None, step=None) -> dict[str, Any]:
    """A SolaraViz input (Mesa's model_params format) for the parameter `name`,
    from its SPECS entry; `help` and `unit` feed the tooltips."""
    s = SPECS[name]
    value = s.default if value is None else value
    entry: dict[str, Any] = {"label": s.label, "value": value, "help": s.help, "unit": s.unit}
    if s.type is bool:
        return {"type": "Checkbox", **entry}
    lo = s.lo if lo is None else lo
    hi = s.hi if hi is None else hi
    if s.type is int:
        return {"type": "SliderInt", **entry, "min": int(lo), "max": int(hi),
                "step": int(step or max(1, 10 ** int(math.log10(max(hi - lo, 1)) - 2)))}
    return {"type": "SliderFloat", **entry, "min": float(lo), "max": float(hi),
            "step": step or slider_step(lo, hi)}


def model_params(caps: Caps | None = None) -> dict[str, dict[str, Any]]:
    """SolaraViz `model_params` for `WorkshopModel`, generated from SPECS and the caps.

    The strategy entry carries `presets`: choosing a strategy sets the lever
    sliders to that strategy's values (see `controls.ParameterInputs`).
    """
    caps = caps or Caps.from_env()
    names = strategies()
    start = DEFAULTS["strategy"] if DEFAULTS["strategy"] in names else names[0]
    levers = strategy_levers(start)
    n0 = min(DEFAULTS["n_households"], caps.max_households)
    d0 = min(DEFAULTS["days"], caps.max_days)
    return {
        "shock": {"type": "Select", "label": "Shock", "value": DEFAULTS["shock"],
                  "values": shocks(), "unit": "",
                  "help": "The shock the city meets; 'No shock' for a quiet city"},
        "strategy": {"type": "Select", "label": "Strategy (A)", "value": start, "values": names,
                     "unit": "", "presets": {s: strategy_levers(s) for s in names},
                     "help": "How the city is governed; choosing one sets the levers below "
                             "to its values"},
        "compare_with": {"type": "Select", "label": "Compare with (B)", "value": NO_COMPARE,
                         "values": [NO_COMPARE, *names], "unit": "",
                         "help": "A second strategy run side by side under the same shock, in the "
                                 "same city with the same luck; 'No comparison' for one run"},
        "n_households": control("population.n_households", n0, MIN_HOUSEHOLDS,
                                caps.max_households, step=100),
        "days": control("run.days", d0, MIN_DAYS, caps.max_days, step=5),
        "seed": control("run.seed", DEFAULTS["seed"], 0, SEED_MAX, step=1),
        **{k: control(f"governance.{k}", levers[k]) for k in LEVERS},
    }


def initial_values(params: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The values a fresh page starts from (what SolaraViz's ModelCreator passes)."""
    return {k: v["value"] for k, v in params.items()}


def _whole(name: str, value) -> int:
    """A page value that must be a whole number; a ParameterError otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value \
            or value in (math.inf, -math.inf) or int(value) != value:
        raise ParameterError(f"{name} = {shown(value)}: must be a whole number")
    return int(value)


def _round_to_step(name: str, value):
    """Sliders send floats such as 0.35000000000000003; keep what the user saw."""
    s = SPECS[f"governance.{name}"]
    if s.type is float:
        digits = max(0, -math.floor(math.log10(slider_step(s.lo, s.hi))))
        return round(float(value), digits)
    return value


@dataclass(frozen=True)
class RunView:
    """One run as the panels see it at the end of a day (copies, not live arrays)."""

    label: str
    strategy: str
    daily: np.ndarray  # (day, metrics), see sim.metrics.DAILY
    state: np.ndarray  # (n,) int8 household state code, see city_map.STATES
    summary: dict[str, float] | None  # run summary so far (None before day 1)
    onset: int
    # in compare mode under a shock: the summary so far of the same strategy's run without
    # the shock (same city, same luck), so a panel can score the harm the shock added
    everyday: dict[str, float] | None = None


@dataclass(frozen=True)
class Snapshot:
    """Everything the panels draw, taken at one instant under the model's lock."""

    step: int
    day: int
    days: int
    shock: str
    seed: int
    n_households: int
    a: RunView
    b: RunView | None
    hazard: np.ndarray | None  # (grids,) today's hazard intensity (None before day 1)
    power: np.ndarray | None  # (grids,) today's power state
    platform_up: bool
    shock_window: tuple[int, int] | None = None  # (first day, first day back to normal)


def shock_window(schedule, days: int) -> tuple[int, int] | None:
    """(first day of the shock, first day with every input back to normal), or
    None without a shock. Read from the schedule (sim.inputs.Schedule): the days
    on which any hazard, heat, cut supply, power, telecom, income or platform differs
    from normal."""
    off = ((schedule.hazard > 0).any(axis=1) | (schedule.heat > 0).any(axis=1)
           | (schedule.supply < 1).any(axis=1) | (schedule.power < 1).any(axis=1)
           | (schedule.telecom < 1).any(axis=1) | (schedule.income < 1).any(axis=1)
           | (schedule.platform < 1))
    hit = np.flatnonzero(off)
    if not len(hit):
        return None
    return int(hit[0]), min(int(hit[-1]) + 1, days)


class WorkshopModel(mesa.Model):
    """The session's model: run A and, in compare mode, run B, one day per step.

    Args:
        strategy: run A's strategy (a library name, never a path).
        shock: the shock both runs meet, a library name or "none".
        n_households, days, seed: city size, horizon and seed (within the caps).
        compare_with: run B's strategy, or "none" for a single run.
        **kwargs: governance levers (LEVERS) applied to run A over its strategy.
            (Named `kwargs` because SolaraViz accepts extra parameters only
            under that name.)
    """

    def __init__(self, strategy: str = DEFAULTS["strategy"], shock: str = DEFAULTS["shock"],
                 n_households: int = DEFAULTS["n_households"], days: int = DEFAULTS["days"],
                 seed: int = DEFAULTS["seed"], compare_with: str = NO_COMPARE, **kwargs):
        levers = kwargs
        caps = Caps.from_env()
        names = strategies()
        for what, value, allowed in (("strategy", strategy, names), ("shock", shock, shocks()),
                                     ("compare_with", compare_with, [NO_COMPARE, *names])):
            if not isinstance(value, str) or value not in allowed:
                raise ParameterError(f"{what} = {shown(value)}: allowed {', '.join(allowed)}")
        unknown = sorted(map(str, set(levers) - set(LEVERS)))
        if unknown:
            raise ParameterError(f"unknown lever(s) {shown(', '.join(unknown))}; "
                                 f"allowed: {', '.join(LEVERS)}")
        for k, v in levers.items():  # each value as its parameter allows (ParameterError)
            SPECS[f"governance.{k}"].check(v)
        n_households, days, seed = (_whole(k, v) for k, v in (
            ("n_households", n_households), ("days", days), ("seed", seed)))
        if not 0 <= seed <= SEED_MAX:
            raise ParameterError(f"seed = {shown(seed)}: this server allows 0 to {SEED_MAX}")
        district = os.environ.get(ENV_DISTRICT, "").strip()
        if district:  # the district's counts set the city's size (grassroots ui --district)
            n_households = None
        elif not MIN_HOUSEHOLDS <= n_households <= caps.max_households:
            raise ParameterError(f"n_households = {shown(n_households)}: this server allows "
                                 f"{MIN_HOUSEHOLDS:,} to {caps.max_households:,}")
        if not MIN_DAYS <= days <= caps.max_days:
            raise ParameterError(f"days = {shown(days)}: this server allows {MIN_DAYS} to "
                                 f"{caps.max_days}")
        super().__init__(seed=seed)
        levers = {k: _round_to_step(k, v) for k, v in levers.items()}
        base = strategy_levers(strategy)
        self.edits = {k: v for k, v in levers.items() if v != base[k]}
        overrides = {f"governance.{k}": v for k, v in levers.items()}
        city = {"population.district": district} if district else {}
        overrides.update(city)
        self.shock_name, self.seed_value = shock, seed
        self.lock = threading.Lock()
        with one_numba_thread():  # a city's past is simulated once (city_after_tenure)
            self.a = start_model(strategy, shock, n_households, days, seed, overrides)
            self.b = (start_model(compare_with, shock, n_households, days, seed, city)
                      if compare_with != NO_COMPARE else None)
            # Compare mode scores the shock, as `grassroots compare` does: each run beside
            # its strategy's run without the shock (the same post-tenure city and seed)
            self.a0 = self.b0 = None
            if self.b is not None and shock != "none":
                self.a0 = start_model(strategy, "none", n_households, days, seed, overrides)
                self.b0 = start_model(compare_with, "none", n_households, days, seed, city)
        self.label_a = strategy + (" (edited)" if self.edits else "")
        self.label_b = compare_with if self.b is not None else None
        if self.b is not None and self.label_b == self.label_a:
            self.label_a, self.label_b = f"A: {self.label_a}", f"B: {self.label_b}"
        self.shock_window = shock_window(self.a.schedule, days)
        self.running = True
        self._snapshot: Snapshot | None = None
        self._last_step = -math.inf

    @property
    def day(self) -> int:
        """Days simulated so far."""
        return self.a.day

    @property
    def days(self) -> int:
        """The horizon, in days."""
        return self.a.days

    def step(self):
        """Advance both runs one day (a no-op once the horizon is reached)."""
        if in_play_loop():
            PACER.wait(time.monotonic() - self._last_step)
        with one_numba_thread(), self.lock:
            if self.a.day < self.a.days:
                for m in (self.a, self.b, self.a0, self.b0):
                    if m is not None:
                        m.step()
            self.running = self.a.day < self.a.days
        self._last_step = time.monotonic()

    def snapshot(self) -> Snapshot:
        """What the panels draw, consistent across runs; cached until the next step."""
        from viz.components.city_map import household_states

        with self.lock:
            snap = self._snapshot
            if snap is not None and snap.day == self.a.day:
                return snap

            def view(m: ResilienceModel, label: str, m0: ResilienceModel | None) -> RunView:
                summary = m.summary().as_dict() if m.day > 0 else None
                everyday = m0.summary().as_dict() if m0 is not None and m0.day > 0 else None
                return RunView(label, m.strategy.name, m.daily[:m.day].copy(),
                               household_states(m), summary, m.schedule.onset, everyday)

            a, d = self.a, self.a.day
            snap = Snapshot(
                step=self.steps, day=d, days=a.days, shock=self.shock_name,
                seed=self.seed_value, n_households=a.state.households.n,
                a=view(a, self.label_a, self.a0),
                b=view(self.b, self.label_b, self.b0) if self.b is not None else None,
                hazard=a.schedule.hazard[d - 1].copy() if d > 0 else None,
                power=a.schedule.power[d - 1].copy() if d > 0 else None,
                platform_up=bool(a.schedule.platform[d - 1] > UP) if d > 0 else True,
                shock_window=self.shock_window)
            self._snapshot = snap
            return snap

    def series(self):
        """The daily series so far, tidy: one row per run and day (CSV export)."""
        import pandas as pd

        with self.lock:
            runs = [("A", self.label_a, self.a)]
            if self.b is not None:
                runs.append(("B", self.label_b, self.b))
            frames = []
            for key, label, m in runs:
                df = m.series()
                df.insert(0, "strategy", m.strategy.name)
                df.insert(0, "run", key)
                df.insert(2, "label", label)
                frames.append(df)
        df = pd.concat(frames, ignore_index=True)
        df.insert(3, "shock", self.shock_name)
        df.insert(4, "seed", self.seed_value)
        return df

