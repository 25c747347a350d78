"""Model outputs that correspond to published numbers: the registry targets name.

`observe` runs one model (a strategy under a shock) day by day and keeps, per
household, what the targets need: whether it went without (need left at the
end of a day, after its own purchases and every kind of help: the model's
counterpart of food insecurity) inside the windows of the shock's first
event, whether it had a need episode (ran short after its own purchases:
`t_need_start >= 0`) in the first three days, and the essentials it received
by source in those days. Each function of `OUTPUTS`
turns that `Observation` into one number; its docstring says exactly what it
measures, and docs/calibration.md what it does and does not correspond to.

Windows (days of the run, the first event of the shock): the event window is
`start` to `start + days - 1`; the extended window adds `recovery_days`; the
first 72 hours are `start` to `start + 2`. Each output names the window it
reads, and a run lasts only until the last day a window of its outputs
needs (`days_needed`): what comes after is never read, and the random
numbers of a day do not depend on the days after it, so the outputs are the
same as a run to the end of the recovery's (tests/test_calibration.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from experiments.calibration.logistic import odds_ratios


@dataclass
class Observation:
    """What one run leaves for the outputs (arrays are per household)."""

    ever_event: np.ndarray  # went without (need left at the end of a day) in the event window
    ever_extended: np.ndarray  # ... in the event window plus recovery
    ever_first3: np.ndarray  # need episode on a day of the first three days from onset
    hit: np.ndarray  # lives in a grid the first event covers
    received: dict[str, np.ndarray]  # essentials received days 0-2 by source, days
    attributes: dict[str, np.ndarray]  # fixed household attributes
    cache: dict[str, Any] = field(default_factory=dict)
    windows: tuple[str, ...] = ("event", "extended", "first3")  # complete in this run


# window -> its last day + 1, from the first event's start, days and recovery_days
WINDOWS: dict[str, Callable[[Any], int]] = {
    "event": lambda e: e.start + e.days,
    "extended": lambda e: e.start + e.days + e.recovery_days,
    "first3": lambda e: e.start + 3,
}


def run_days(shock) -> int:
    """Days a run needs to see every event and its recovery (plus a day)."""
    return max(e.start + e.days + e.recovery_days for e in shock.events) + 1


def days_needed(shock, outputs) -> int:
    """Days a run needs for `outputs` (names of OUTPUTS): to the end of the
    latest window they read, at most `run_days(shock)`."""
    e = shock.events[0]
    return min(run_days(shock), max(WINDOWS[OUTPUTS[k].window](e) for k in outputs))


def observe(strategy: str, shock: str, households: int, seed: int,
            overrides: dict[str, Any] | None = None) -> Observation:
    """Run `strategy` under `shock` (names of the scenario library) and keep what the
    outputs read. `overrides` are dotted parameter values (run.tenure_days among them)."""
    from experiments.calibration.targets import shock_path
    from scenarios import make_model
    from scenarios.load import load_shock

    sh = load_shock(shock_path(shock))
    return watch(make_model(strategy, sh, n_households=households, days=run_days(sh),
                            seed=seed, overrides=overrides or {}))


def watch(m) -> Observation:
    """Run a model to its end (built for `run_days(m.shock)` days, or `days_needed`
    by its targets' outputs) and keep what the outputs read (`observe`, for a model
    already built); `windows` says which windows the run saw whole."""
    e = m.shock.events[0]
    h, s = m.state.households, m.schedule
    n = h.n
    ever_event = np.zeros(n, bool)
    ever_ext = np.zeros(n, bool)
    ever3 = np.zeros(n, bool)
    flows = {"bought_today": "self", "aid_in_today": "neighbours",
             "volunteer_in_today": "volunteers", "department_in_today": "departments"}
    received = {v: np.zeros(n) for v in flows.values()}
    start = e.start
    stop, stop_ext, stop3 = (WINDOWS[w](e) for w in ("event", "extended", "first3"))
    if m.day > start:  # a fork starts before any shock acts, so never here
        raise ValueError(f"the model stands at day {m.day}, after the event's start ({start})")
    while m.day < m.days:
        d = m.day
        m.step()
        in_need = h.t_need_start >= 0
        went_without = h.need > 0.0  # need left at the end of the day, after every channel
        if start <= d < stop:
            ever_event |= went_without
        if start <= d < stop_ext:
            ever_ext |= went_without
        if start <= d < stop3:
            ever3 |= in_need
            for k, v in flows.items():
                received[v] += getattr(h, k)
    grid_hit = (s.hazard[start] > 0) | (s.supply[start] < 1) | (s.heat[start] > 0) \
        | (s.power[start] < 1) | (s.income[start] < 1) | (s.closure[start] > 0)
    attrs = {k: getattr(h, k).copy() for k in ("reserve_target", "social_capital0",
                                                "is_low_income", "is_migrant", "is_vulnerable")}
    windows = tuple(w for w, end in WINDOWS.items() if end(e) <= m.days)
    return Observation(ever_event, ever_ext, ever3, grid_hit[h.grid], received, attrs,
                       windows=windows)


@dataclass(frozen=True)
class Output:
    """A registered output: its function, the values it can take, its meaning."""

    name: str
    fn: Callable[[Observation], float]
    range: tuple[float, float]
    window: str  # the window it reads (a key of WINDOWS)

    def __call__(self, o: Observation) -> float:
        if self.window not in o.windows:
            raise ValueError(f"output {self.name} reads the {self.window} window, which "
                             "this run stopped before the end of")
        return self.fn(o)

    @property
    def doc(self) -> str:
        """What the output measures (the function's docstring)."""
        return " ".join((self.fn.__doc__ or "").split())


OUTPUTS: dict[str, Output] = {}


def output(lo: float, hi: float, window: str):
    """Register a function as an output with values in [lo, hi], reading `window`."""
    def deco(fn):
        OUTPUTS[fn.__name__] = Output(fn.__name__, fn, (lo, hi), window)
        return fn
    return deco


@output(0.0, 1.0, "event")
def share_ever_in_need(o: Observation) -> float:
    """Share of all households that went without (need left at the end of a day,
    after their own purchases and every kind of help) on at least one day of the
    shock's first event (start to start + days - 1)."""
    return float(o.ever_event.mean())


@output(0.0, 1.0, "extended")
def share_ever_in_need_hit(o: Observation) -> float:
    """Share of the households living in the grids the shock's first event
    covers that went without (need left at the end of a day) on at least one
    day of the event or its recovery (start to start + days + recovery_days - 1)."""
    return float(o.ever_extended[o.hit].mean()) if o.hit.any() else float("nan")


def _lockdown_design(o: Observation) -> np.ndarray:
    """Odds ratios of the lockdown regression (cached per observation)."""
    if "lockdown" not in o.cache:
        a = o.attributes
        sc = a["social_capital0"]
        X = np.column_stack([a["reserve_target"] > np.median(a["reserve_target"]),
                             (sc - sc.mean()) / max(sc.std(), 1e-12),
                             a["is_low_income"], a["is_migrant"]])
        o.cache["lockdown"] = odds_ratios(X, o.ever_event)
    return o.cache["lockdown"]


@output(0.0, 1e6, "event")
def or_prepared(o: Observation) -> float:
    """Odds ratio of going without (need left at the end of a day) during the
    event window for households with
    a habitual stock (reserve_target) above the city's median, against the
    rest, in the logistic regression of all households on four predictors:
    prepared (reserve_target above median), bonding social capital
    (social_capital0 per standard deviation), income loss (is_low_income) and
    migrant (is_migrant)."""
    return float(_lockdown_design(o)[0])


@output(0.0, 1e6, "event")
def or_bonding_social_capital(o: Observation) -> float:
    """Odds ratio of going without during the event window per standard
    deviation of baseline social capital (social_capital0), in the same
    four-predictor regression as or_prepared."""
    return float(_lockdown_design(o)[1])


@output(0.0, 1e6, "event")
def or_income_loss(o: Observation) -> float:
    """Odds ratio of going without during the event window for low-income
    households (is_low_income: they restock at low_income_restock_factor and
    lose income in economic shocks), in the same regression as or_prepared."""
    return float(_lockdown_design(o)[2])


@output(0.0, 1e6, "event")
def or_migrant(o: Observation) -> float:
    """Odds ratio of going without during the event window for migrant
    households (is_migrant) against the others, in the same regression as
    or_prepared."""
    return float(_lockdown_design(o)[3])


def _hit_design(o: Observation) -> np.ndarray:
    """Odds ratios of the regression among households of the covered grids (cached)."""
    if "hit" not in o.cache:
        a, hit = o.attributes, o.hit
        sc = a["social_capital0"][hit]
        X = np.column_stack([sc > np.median(sc), a["is_low_income"][hit]]) if hit.any() \
            else np.zeros((0, 2))
        o.cache["hit"] = odds_ratios(X, o.ever_extended[hit])
    return o.cache["hit"]


@output(0.0, 1e6, "extended")
def or_high_social_support(o: Observation) -> float:
    """Among households of the grids the first event covers: odds ratio of
    going without (need left at the end of a day) during the event or its
    recovery for households with baseline social capital (social_capital0)
    above those households' median, in a regression on two predictors (that and is_low_income)."""
    return float(_hit_design(o)[0])


@output(0.0, 1e6, "extended")
def or_economic_instability(o: Observation) -> float:
    """Among households of the grids the first event covers: odds ratio of
    going without during the event or its recovery for low-income households
    (is_low_income), in the same regression as or_high_social_support."""
    return float(_hit_design(o)[1])


def _help_shares(o: Observation) -> dict[str, float]:
    """Shares of essentials received days 0-2 by households of the covered grids
    with a need episode in those days: self, ties+volunteers, departments."""
    if "help" not in o.cache:
        who = o.hit & o.ever_first3
        r = {k: float(v[who].sum()) for k, v in o.received.items()}
        total = sum(r.values())
        if total <= 0:
            o.cache["help"] = dict.fromkeys(("self", "neighbours", "public"), float("nan"))
        else:
            o.cache["help"] = {"self": r["self"] / total,
                               "neighbours": (r["neighbours"] + r["volunteers"]) / total,
                               "public": r["departments"] / total}
    return o.cache["help"]


@output(0.0, 1.0, "first3")
def help_share_self(o: Observation) -> float:
    """Of the essentials received in the first three days from onset (start to
    start + 2) by households of the covered grids that had a need episode in
    those days: the share they bought themselves (bought_today)."""
    return _help_shares(o)["self"]


@output(0.0, 1.0, "first3")
def help_share_neighbours(o: Observation) -> float:
    """Same households and days as help_share_self: the share given by ties
    (aid_in_today) and delivered by the community's volunteers
    (volunteer_in_today) together."""
    return _help_shares(o)["neighbours"]


@output(0.0, 1.0, "first3")
def help_share_public(o: Observation) -> float:
    """Same households and days as help_share_self: the share delivered by
    departments (department_in_today), the public services."""
    return _help_shares(o)["public"]


def scenarios_of(targets) -> dict[str, Any]:
    """The strategies and shocks `targets` name, loaded: {name: Strategy or Shock}
    (for `evaluate`; a calibration loads them once, not once a particle)."""
    from experiments.calibration.targets import shock_path
    from scenarios.load import load_shock, load_strategy

    out: dict[str, Any] = {}
    for t in targets:
        out.setdefault(f"strategy:{t.strategy}", load_strategy(t.strategy))
        out.setdefault(f"shock:{t.shock}", load_shock(shock_path(t.shock)))
    return out


def evaluate(targets, households: int, seed: int, overrides: dict[str, Any],
             stop: Callable[[dict[str, float]], bool] | None = None,
             scenarios: dict[str, Any] | None = None) -> dict[str, float]:
    """Every target's output from one run per (strategy, shock) group, all with
    `seed` (the same city and luck across groups). Returns {target name: value},
    strategy by strategy, then shock by shock, each in the order it first appears.

    `stop`, if given, is asked after each run with the outputs so far; True ends
    the evaluation there, and only those outputs are returned. Runs go
    strategy by strategy, the strategy with the most targets first, since it
    is the likeliest to decide alone (the calibration's early rejection,
    experiments.calibration.abc). Each run's outputs depend on its own group
    and the seed only, never on the order or on which runs were left out.
    `scenarios`: the targets' strategies and shocks already loaded (`scenarios_of`),
    else they are read from their files."""
    from sim.fork import forked_runs

    loaded = scenarios if scenarios is not None else scenarios_of(targets)

    groups: dict[tuple[str, str], list] = {}
    for t in targets:
        groups.setdefault((t.strategy, t.shock), []).append(t)
    by_strategy: dict[str, list[str]] = {}
    for strategy, shock in groups:
        by_strategy.setdefault(strategy, []).append(shock)
    listed = [t.name for strategy, names in by_strategy.items() for k in names
              for t in groups[strategy, k]]
    order = sorted(by_strategy, key=lambda k: -sum(len(groups[k, s]) for s in by_strategy[k]))
    out = {}
    for strategy in order:  # one shared past per strategy (sim.fork)
        names = by_strategy[strategy]
        shocks = [loaded[f"shock:{k}"] for k in names]
        days = [days_needed(sh, [t.output for t in groups[strategy, k]])
                for sh, k in zip(shocks, names, strict=True)]
        forks = forked_runs(loaded[f"strategy:{strategy}"], shocks, days,
                            n_households=households, seed=seed, overrides=overrides or {})
        for i, m in forks:
            obs = watch(m)
            for t in groups[strategy, names[i]]:
                out[t.name] = float(OUTPUTS[t.output](obs))
            if stop is not None and stop(out):
                return {k: out[k] for k in listed if k in out}
    return {k: out[k] for k in listed}
