"""Which levers carry a ranking: Shapley values of the paired gap between two strategies.

`grassroots decompose A B --shock S` attributes the difference between
strategy B and strategy A in the shock-attributable harm (an outcome of the
shocked run minus the same outcome of its paired no-shock run, same seed) to
the levers in which they differ, grouped (LEVER_GROUPS) or one by one.

A *coalition* is a set of players (lever groups) switched from A's values to
B's; the value v(C) is the mean over seeds of the shock-attributable outcome
of strategy A with C's levers set to B's values (common random numbers: seed
r is the same city and the same luck in every coalition). The Shapley value
of player j is its marginal contribution v(C + j) - v(C), averaged over the
orders in which the players can be switched; it is estimated by sampling
orders (permutations), or taken over all orders when there are few. Along
one order the marginal contributions telescope to v(all) - v(none), so the
attributions add up to the total gap exactly, whatever the sample. A player
whose levers change nothing gets exactly 0 (each of its marginal
contributions compares two identical runs).

Intervals (95%) come from a bootstrap over the sampled orders and the seeds
together (both resampled); the *interaction* is the total gap minus the sum
of the one-at-a-time effects (v({j}) - v(none)): what no lever does alone.
The no-shock gap (everyday hardship, v computed on the no-shock runs) is
reported beside it, never mixed in.

With `worlds = W` the gap decomposed is the mean gap over W plausible worlds
instead of the gap at the stated values: the worlds are drawn as
`grassroots robustness` draws them (a seeded Latin hypercube over the
uncertainty table and each strategy's lever ranges, experiments/robustness.py
`design`), world w runs with seed `seed + w`, and each world gets its own
antithetic pair of orders (an order and its reverse). A world's two orders
telescope to its own gap, so the attributions still add up exactly to the mean
gap over the worlds; since a Shapley value is linear in the value function,
the mean of the worlds' Shapley values is the Shapley value of the mean gap,
estimated without bias by sampling worlds and orders together. Intervals come
from a bootstrap over the worlds.

Runs go through `experiments.runners.execute` (serial, process or Dask,
resumable), one task per coalition, seed (or world) and shock ("none" included).
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.errors import SpecError
from sim.metrics import OUTCOME_INFO, OUTCOMES
from sim.params import LEVERS, Params

# Lever groups: the assumptions a sceptic argues about together. Every lever is in
# exactly one group (tests/test_decompose.py); a lever added later and not placed here
# is its own group.
LEVER_GROUPS: dict[str, tuple[str, ...]] = {
    "reporting and indicators": ("reporting_burden", "kpi_pressure"),
    "platform sensing": ("platform_sensing",),
    "dashboard steering and allocation": ("dashboard_steering", "dashboard_allocation"),
    "dispatch route": ("direct_dispatch", "automated_dispatch"),
    "warnings and outreach": ("broadcast_warnings", "registry_outreach_per_10k"),
    "stock pre-positioning": ("prepositioning", "depot_access"),
    "community channels": ("chat_groups", "chat_to_platform", "volunteer_coordination"),
    "social-capital investment": ("social_capital_investment",),
    "data openness": ("data_openness",),
}
def N_(message: str) -> str:
    """Mark a sentence for the message catalogue (viz/i18n.py) without translating it."""
    return message


EXACT_UP_TO = 6  # players: up to this many, every order is used (6! = 720)
DEFAULT_PERMUTATIONS = 24
DEFAULT_SEEDS = 3


def groups() -> dict[str, tuple[str, ...]]:
    """LEVER_GROUPS, with every lever of sim.params.LEVERS not in one as its own group."""
    placed = {lv for g in LEVER_GROUPS.values() for lv in g}
    out = {k: tuple(v for v in g if v in LEVERS) for k, g in LEVER_GROUPS.items()}
    out = {k: g for k, g in out.items() if g}
    out.update({lv: (lv,) for lv in LEVERS if lv not in placed})
    return out


def lever_values(strategy) -> dict[str, Any]:
    """Every lever's value under a strategy (a Strategy object): its own or the default."""
    p = Params().with_overrides(strategy.as_dict())
    return {lv: p.get(f"governance.{lv}") for lv in LEVERS}


def players(a: dict[str, Any], b: dict[str, Any], by: str = "group", also=frozenset()
            ) -> dict[str, tuple[str, ...]]:
    """The players: lever groups (by="group") or levers (by="lever") where B differs
    from A (or that are in `also`: levers that differ in some plausible world), each
    with its differing levers."""
    differ = [lv for lv in LEVERS if a[lv] != b[lv] or lv in also]
    if by == "lever":
        return {lv: (lv,) for lv in differ}
    out = {}
    for name, levers in groups().items():
        d = tuple(lv for lv in levers if lv in differ)
        if d:
            out[name] = d
    return out


def orders(n: int, permutations: int, seed: int = 0) -> list[tuple[int, ...]]:
    """The orders to average over: all n! when n <= EXACT_UP_TO, else `permutations`
    sampled (seeded) in antithetic pairs (an order and its reverse)."""
    if n <= EXACT_UP_TO:
        return list(itertools.permutations(range(n)))
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < permutations:
        p = tuple(int(x) for x in rng.permutation(n))
        out.append(p)
        if len(out) < permutations:
            out.append(p[::-1])
    return out


def coalitions(n: int, perms: list[tuple[int, ...]]) -> list[frozenset]:
    """Every coalition the orders pass through, plus each player alone (for the
    one-at-a-time effects); the empty coalition first, the full one second."""
    seen = {frozenset(): None, frozenset(range(n)): None}
    for p in perms:
        for k in range(1, n):
            seen.setdefault(frozenset(p[:k]), None)
    for j in range(n):
        seen.setdefault(frozenset([j]), None)
    return list(seen)


@dataclass
class Attribution:
    """The decomposition of v(all) - v(none) over players (see the module docstring)."""

    names: list[str]
    total: float
    total_low: float
    total_high: float
    shapley: np.ndarray        # (n,)
    low: np.ndarray            # (n,) 95% interval
    high: np.ndarray
    alone: np.ndarray          # (n,) one-at-a-time effects v({j}) - v(none)
    interaction: float         # total - sum(alone)
    orders: int
    seeds: int
    exact_orders: bool
    extra: dict[str, Any] = field(default_factory=dict)

    def table(self) -> pd.DataFrame:
        """One row per player, largest |Shapley value| first, then the total and the
        interaction rows."""
        rows = [{"player": n, "shapley": float(s), "low": float(lo), "high": float(hi),
                 "share_of_gap": float(s / self.total) if self.total else math.nan,
                 "alone": float(a)}
                for n, s, lo, hi, a in zip(self.names, self.shapley, self.low, self.high,
                                           self.alone)]
        rows.sort(key=lambda r: -abs(r["shapley"]))
        rows.append({"player": "total (B - A)", "shapley": self.total, "low": self.total_low,
                     "high": self.total_high, "share_of_gap": 1.0 if self.total else math.nan,
                     "alone": float(np.sum(self.alone))})
        rows.append({"player": "interactions (total - sum of one-at-a-time)",
                     "shapley": math.nan, "low": math.nan, "high": math.nan,
                     "share_of_gap": (self.interaction / self.total) if self.total
                     else math.nan, "alone": self.interaction})
        return pd.DataFrame(rows)


def attribute(names: list[str], perms: list[tuple[int, ...]],
              value: dict[frozenset, np.ndarray], boot: int = 2000,
              seed: int = 0) -> Attribution:
    """Shapley values from the coalitions' per-seed values `value[C]` (arrays of equal
    length R). Marginals are taken per order and seed; the estimate is their mean, so
    each order's attributions add up to v(all) - v(none) and so does the mean."""
    n = len(names)
    full, empty = frozenset(range(n)), frozenset()
    r = len(value[empty])
    marg = np.zeros((len(perms), r, n))
    for i, p in enumerate(perms):
        c = empty
        for j in p:
            nxt = c | {j}
            marg[i, :, j] = value[nxt] - value[c]
            c = nxt
    shap = marg.mean(axis=(0, 1))
    per_seed_total = value[full] - value[empty]
    total = float(per_seed_total.mean())
    # telescoping makes sum(shap) == total up to rounding; remove the rounding so the
    # table adds up to the last digit (a larger gap would be a bug in the orders)
    assert abs(total - float(shap.sum())) <= 1e-9 * max(1.0, float(np.abs(marg).sum()))
    shap[-1] += total - float(shap.sum()) if n else 0.0
    alone = np.array([float((value[frozenset([j])] - value[empty]).mean()) for j in range(n)])
    rng = np.random.default_rng(seed)
    exact = len(perms) == math.factorial(n) and n <= EXACT_UP_TO
    return _with_intervals(names, marg, per_seed_total, shap, alone, perms, exact, boot, rng)


def _with_intervals(names, marg, per_seed_total, shap, alone, perms, exact, boot, rng
                    ) -> Attribution:
    """The Attribution of `attribute` and `attribute_worlds`: 95% intervals from a
    bootstrap over the seeds (the second axis of `marg`) and, unless every order is
    used, over the orders (its first axis)."""
    n, r = len(names), marg.shape[1]
    total = float(per_seed_total.mean())
    bs, bt = np.empty((boot, n)), np.empty(boot)
    for b in range(boot):
        ri = rng.integers(0, r, r)
        pi = np.arange(len(perms)) if exact else rng.integers(0, len(perms), len(perms))
        bs[b] = marg[pi][:, ri].mean(axis=(0, 1))
        bt[b] = per_seed_total[ri].mean()
    lo, hi = np.percentile(bs, [2.5, 97.5], axis=0) if n else (np.zeros(0), np.zeros(0))
    tlo, thi = np.percentile(bt, [2.5, 97.5])
    return Attribution(list(names), total, float(tlo), float(thi), shap, lo, hi, alone,
                       total - float(alone.sum()), len(perms), r, exact)


def attribute_worlds(names: list[str], perms: list[list[tuple[int, ...]]],
                     value: dict[frozenset, np.ndarray], boot: int = 2000,
                     seed: int = 0) -> Attribution:
    """Shapley values of the mean gap over worlds: world w's orders are `perms[w]` and
    `value[C][w]` its value of coalition C (NaN where C was not run in world w). Each
    world's marginals are averaged over its own orders (so they add up to its own gap),
    then over the worlds; the intervals resample the worlds."""
    n, w_count = len(names), len(perms)
    full, empty = frozenset(range(n)), frozenset()
    marg = np.zeros((1, w_count, n))
    for w, ps in enumerate(perms):
        for p in ps:
            c = empty
            for j in p:
                nxt = c | {j}
                marg[0, w, j] += (value[nxt][w] - value[c][w]) / len(ps)
                c = nxt
    if np.isnan(marg).any():
        w = int(np.flatnonzero(np.isnan(marg[0]).any(axis=1))[0])
        raise SpecError(f"world {w}: the outcome is undefined in a run of that world (an "
                        "outcome such as a recovery time is not defined in every run); "
                        "decompose an outcome every run defines, such as "
                        "crisis_household_days")
    shap = marg.mean(axis=(0, 1))
    per_world_total = value[full] - value[empty]
    gap = float(per_world_total.mean()) - float(shap.sum())
    # each world's orders telescope to its gap: what is left is rounding, nothing more
    assert abs(gap) <= 1e-9 * max(1.0, float(np.abs(marg).sum())), gap
    shap[-1] += gap if n else 0.0
    alone = np.array([float((value[frozenset([j])] - value[empty]).mean())
                      for j in range(n)])
    out = _with_intervals(names, marg, per_world_total, shap, alone, [()], True, boot,
                          np.random.default_rng(seed))
    out.orders = sum(len(ps) for ps in perms)
    out.exact_orders = False
    out.extra["worlds"] = w_count
    return out


@dataclass(frozen=True)
class DecomposeSpec:
    """What `grassroots decompose` runs."""

    a: str
    b: str
    shock: str
    households: int = 5_000
    days: int = 180
    seeds: int = DEFAULT_SEEDS
    seed: int = 1
    permutations: int = DEFAULT_PERMUTATIONS
    by: str = "group"
    outcome: str = "crisis_household_days"
    overrides: tuple[tuple[str, Any], ...] = ()
    worlds: int = 0  # 0: at the stated values; W >= 2: the mean gap over W plausible worlds
    # --worlds: (name, low, high) replacing the uncertainty table's range of a parameter
    # (by default the calibrated preset's 5-95% posterior intervals)
    ranges: tuple[tuple[str, Any, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = dict(self.__dict__)
        d["overrides"] = [list(kv) for kv in self.overrides]
        d["ranges"] = [list(r) for r in self.ranges]
        if not self.ranges:
            del d["ranges"]  # as a folder from before ranges has it, so it resumes
        return d


def check(spec: DecomposeSpec):
    """(A's and B's lever values, players), or one clear SpecError line."""
    from scenarios import available
    from scenarios.load import load_strategy

    if not spec.shock:
        raise SpecError("decompose needs --shock NAME: the gap is the shock-attributable "
                        f"harm under one shock (shocks: {', '.join(sorted(available('shock')))})")
    if spec.shock == "none":
        raise SpecError("--shock none: the shock-attributable harm of no shock is 0 by "
                        "construction; give a shock")
    if not spec.shock.endswith(".toml") and spec.shock not in available("shock"):
        raise SpecError(f"unknown shock {spec.shock!r}; known: "
                        f"{', '.join(sorted(available('shock')))}")
    for s in (spec.a, spec.b):
        if not s.endswith(".toml") and s not in available("strategy"):
            raise SpecError(f"unknown strategy {s!r}; known: "
                            f"{', '.join(sorted(available('strategy')))}")
    if spec.outcome not in OUTCOMES:
        raise SpecError(f"--outcome {spec.outcome!r} is not a run outcome; allowed: "
                        f"{', '.join(OUTCOMES)}")
    if spec.by not in ("group", "lever"):
        raise SpecError(f"--by {spec.by!r}: allowed: group, lever")
    if spec.worlds and not 2 <= spec.worlds <= 100_000:
        raise SpecError(f"--worlds {spec.worlds}: allowed: a whole number from 2 to 100,000 "
                        "(or leave it out to decompose the gap at the stated values)")
    if spec.seeds < 1 or spec.permutations < 2:
        raise SpecError(f"--seeds {spec.seeds} / --permutations {spec.permutations}: need "
                        "at least 1 seed and 2 permutations")
    a, b = lever_values(load_strategy(spec.a)), lever_values(load_strategy(spec.b))
    pl = players(a, b, spec.by)
    if spec.worlds and (spec.a == spec.b or load_strategy(spec.a).name
                        == load_strategy(spec.b).name):
        raise SpecError(f"{spec.a} and {spec.b} are the same strategy: there is no lever gap "
                        "to decompose")
    if spec.worlds:  # a lever drawn for one side may differ in some world only
        _, worlds = world_levers(spec)
        pl = players(a, b, spec.by, also={lv for _, aw, bw in worlds for lv in LEVERS
                                          if aw[lv] != bw[lv]})
    if not pl:
        raise SpecError(f"{spec.a} and {spec.b} set every lever the same: there is no lever "
                        "gap to decompose")
    return a, b, pl


@lru_cache(maxsize=4)
def world_levers(spec: DecomposeSpec):
    """The worlds of `--worlds`: (the robustness spec that draws them, [(the world's
    uncertain parameter values, A's levers there, B's levers there)], one per world).
    Drawn as `grassroots robustness` draws them (experiments.robustness.design) for the
    two strategies, with the parameters held by --set taken out of the uncertainty
    table and `spec.ranges` replacing their plausible ranges; once per spec (`check`
    and `plan` both need them)."""
    from experiments.robustness import check_robustness, design, lever_columns
    from scenarios.load import load_strategy
    from sim.params import SPECS, UNCERTAIN

    a, b = lever_values(load_strategy(spec.a)), lever_values(load_strategy(spec.b))

    held = dict(spec.overrides)
    rs = check_robustness({"name": "decompose", "worlds": spec.worlds,
                           "strategies": [spec.a, spec.b], "shocks": [spec.shock],
                           "households": spec.households, "days": spec.days,
                           "seed": spec.seed,
                           "uncertain": {**{k: [lo, hi] for k, (lo, hi, _) in UNCERTAIN.items()
                                            if k not in held},
                                         **{k: [lo, hi] for k, lo, hi in spec.ranges}}},
                          "decompose --worlds")
    cols = lever_columns(rs)
    out = []
    for row in design(rs).to_dict("records"):
        unc = {k: (int(v) if SPECS[k].type is int else float(v))
               for k, v in row.items() if k in rs.uncertain}
        own = {}
        for col, (st, lever, *_) in cols.items():
            v = int(round(row[col])) if SPECS[lever].type is int else float(row[col])
            own.setdefault(st, {})[lever.split(".", 1)[1]] = v
        out.append((unc, {**a, **own.get(spec.a, {})}, {**b, **own.get(spec.b, {})}))
    return rs, out


def world_orders(n: int, world: int, seed: int) -> list[tuple[int, ...]]:
    """World `world`'s own orders: an antithetic pair (one order and its reverse), seeded
    by (seed, world); the single order when there is one player."""
    p = tuple(int(x) for x in np.random.default_rng([seed, world]).permutation(n))
    return [p] if n < 2 else [p, p[::-1]]


def plan(spec: DecomposeSpec):
    """(players, orders, coalitions, tasks) of a decomposition. With `worlds`, the orders
    are one list per world and a task's replicate is its world."""
    from experiments.runners import Task

    a, b, pl = check(spec)
    names = list(pl)
    if spec.worlds:
        return _plan_worlds(spec, a, b, pl, names)
    perms = orders(len(names), spec.permutations, spec.seed)
    coals = coalitions(len(names), perms)
    base = {"population.n_households": spec.households, **dict(spec.overrides)}
    tasks = []
    for ci, c in enumerate(coals):
        pars = dict(base)
        for j in sorted(c):
            pars.update({f"governance.{lv}": b[lv] for lv in pl[names[j]]})
        for shock in (spec.shock, "none"):
            for r in range(spec.seeds):
                tasks.append(Task(len(tasks), spec.a, shock, ci, r, spec.seed + r, spec.days,
                                  pars, (spec.outcome,), ()))
    return pl, perms, coals, tasks


def _plan_worlds(spec: DecomposeSpec, a, b, pl, names):
    from experiments.runners import Task

    _, worlds = world_levers(spec)
    base = {"population.n_households": spec.households, **dict(spec.overrides)}
    index: dict[frozenset, int] = {}
    perms, tasks = [], []
    for w, (unc, aw, bw) in enumerate(worlds):
        ps = world_orders(len(names), w, spec.seed)
        perms.append(ps)
        own = {f"governance.{lv}": v for lv, v in aw.items() if v != a[lv]}
        for c in coalitions(len(names), ps):
            ci = index.setdefault(c, len(index))
            pars = {**base, **unc, **own}
            for j in sorted(c):
                pars.update({f"governance.{lv}": bw[lv] for lv in pl[names[j]]})
            for shock in (spec.shock, "none"):
                tasks.append(Task(len(tasks), spec.a, shock, ci, w, spec.seed + w, spec.days,
                                  pars, (spec.outcome,), ()))
    return pl, perms, list(index), tasks


def run(spec: DecomposeSpec, out: str | Path, executor: str = "process",
        workers: int | None = None, resume: bool = False, progress: bool = True,
        dask_address: str | None = None) -> dict[str, Any]:
    """Run the decomposition into `out` (its runs, decomposition.json/.csv) and return
    {"attribution": shock-attributable, "routine": the no-shock gap's, ...}."""
    from experiments.runners import execute
    from experiments.spec import check_spec
    from experiments.store import Store
    from sim.io import atomic_write

    pl, perms, coals, tasks = plan(spec)
    out = Path(out)
    record_path = out / "decompose.json"
    if record_path.is_file() and resume:
        old = json.loads(record_path.read_text())
        was = {"worlds": 0, **old.get("spec", {})}  # before --worlds: 0
        if was != spec.to_dict():
            from experiments.store import spec_difference

            raise SpecError(f"{out} holds a different decomposition "
                            f"({spec_difference(was, spec.to_dict())}); resume needs the "
                            "same strategies, shock and options (--params and --set included)")
    elif record_path.is_file():
        raise SpecError(f"{out} already holds a decomposition; use --resume to finish it "
                        "or choose another --out folder")
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(record_path, lambda p: Path(p).write_text(
        json.dumps({"spec": spec.to_dict(), "players": {k: list(v) for k, v in pl.items()}},
                   indent=2) + "\n"))
    espec = check_spec({"name": "decompose",
                        "description": f"grassroots decompose {spec.a} {spec.b} --shock "
                                       f"{spec.shock}",
                        "strategies": [spec.a], "shocks": [spec.shock, "none"],
                        "days": spec.days, "seed": spec.seed,
                        "fixed": {"population.n_households": spec.households}}, "decompose")
    execute(espec, out, executor=executor, workers=workers, resume=resume,
            progress=progress, dask_address=dask_address, tasks=tasks)
    runs, _ = Store(out).load()
    return summarise(spec, pl, perms, coals, runs, out)


def values_from(runs: pd.DataFrame, coals: list[frozenset], outcome: str, shock: str,
                seeds: int) -> tuple[dict, dict]:
    """({coalition: per-seed shock-attributable values}, {coalition: no-shock values})."""
    wide = runs.pivot_table(index=["point", "replicate"], columns="shock", values=outcome)
    att, routine = {}, {}
    for ci, c in enumerate(coals):
        cell = wide.loc[ci].reindex(range(seeds))
        att[c] = (cell[shock] - cell["none"]).to_numpy(dtype=float)
        routine[c] = cell["none"].to_numpy(dtype=float)
    return att, routine


def summarise(spec: DecomposeSpec, pl, perms, coals, runs: pd.DataFrame,
              out: Path | None = None) -> dict[str, Any]:
    names = list(pl)
    how = attribute_worlds if spec.worlds else attribute
    att_v, rout_v = values_from(runs, coals, spec.outcome, spec.shock,
                                spec.worlds or spec.seeds)
    att = how(names, perms, att_v, seed=spec.seed)
    rout = how(names, perms, rout_v, seed=spec.seed)
    result = {"spec": spec, "players": pl, "attribution": att, "routine": rout,
              "runs": len(runs), "coalitions": len(coals)}
    if out is not None:
        t = att.table()
        t["levers"] = [", ".join(pl.get(p, ())) for p in t["player"]]
        r = rout.table().set_index("player")["shapley"]
        t["routine_shapley"] = [r.get(p, math.nan) for p in t["player"]]
        t.to_csv(out / "decomposition.csv", index=False)
    return result


def outcome_words(outcome: str, _=None) -> str:
    """An outcome's label as running text: translated by `_`, or, untranslated
    (English), with a lower-case first letter unless it is an abbreviation ('Q0')."""
    info = OUTCOME_INFO.get(outcome)
    label = info.label if info else outcome
    what = _(label) if _ else label
    if what == label and label[1:2].islower():
        what = label[:1].lower() + label[1:]
    return what


def markdown(result: dict[str, Any], _=None, name=None, strategy=None,
             shock=None) -> str:
    """The decomposition as a Markdown section: what was run, the table, how to read it.
    `_` translates a sentence (a gettext msgid), `name` a row's player, `strategy` and
    `shock` a strategy's and the shock's names (viz/i18n.py passes them; by default the
    English text and the library's names)."""
    from experiments.formats import number

    def same(x):
        return x

    _, name, strategy, shock = _ or same, name or same, strategy or same, shock or same
    spec, att, rout = result["spec"], result["attribution"], result["routine"]
    what = outcome_words(spec.outcome, _)
    words = {"a": strategy(spec.a), "b": strategy(spec.b), "shock": shock(spec.shock),
             "what": what, "n": f"{spec.households:,}", "days": spec.days,
             "seed": spec.seed, "last": spec.seed + spec.seeds - 1, "worlds": spec.worlds,
             "players": len(att.names), "orders": att.orders,
             "coalitions": result["coalitions"], "runs": result["runs"]}
    kind = _("lever groups") if spec.by == "group" else _("levers")
    if spec.worlds:
        title = _("Which levers carry the gap: {b} minus {a} under {shock}, over {worlds} "
                  "plausible worlds")
        where = _("averaged over {worlds} plausible worlds (drawn as `grassroots robustness` "
                  "draws them: a Latin hypercube, seed {seed}, over the uncertainty table and "
                  "each strategy's lever ranges; world w has seed {seed} + w)")
        how = _("Shapley values of the mean gap over {players} {kind}, one antithetic pair of "
                "orders per world ({orders} orders), {coalitions} coalitions, {runs} runs; "
                "95% intervals from a bootstrap over the worlds")
    else:
        title = _("Which levers carry the gap: {b} minus {a} under {shock}")
        where = _("at the stated values, seeds {seed}-{last}")
        how = (_("Shapley values over {players} {kind}, all {orders} orders (exact), "
                 "{coalitions} coalitions, {runs} runs; 95% intervals from a bootstrap over "
                 "seeds") if att.exact_orders else
               _("Shapley values over {players} {kind}, {orders} orders (sampled, antithetic "
                 "pairs), {coalitions} coalitions, {runs} runs; 95% intervals from a "
                 "bootstrap over orders and seeds"))
    words["kind"] = kind
    lines = [
        "### " + title.format(**words), "",
        _("Outcome: shock-attributable {what} (the shocked run minus its paired no-shock run, "
          "same seed), {n} households, {days} days, {where}. Positive: B has more harm than "
          "A. {how}. The column 'alone' switches only that group from A's values to B's; the "
          "no-shock column attributes the everyday (no-shock) gap the same way, reported "
          "beside it and not ranked on.").format(**words, where=where.format(**words),
                                                 how=how.format(**words)), "",
        "| " + " | ".join(_(h) for h in (
            N_("levers switched from A to B"), N_("Shapley value [95%]"), N_("share of gap"),
            N_("alone"), N_("no-shock gap's Shapley value"))) + " |",
        "|---|---|---|---|---|"]
    rt = rout.table().set_index("player")["shapley"]
    for row in att.table().itertuples(index=False):
        levers = ", ".join(result["players"].get(row.player, ()))
        shown = name(row.player)
        label = f"{shown} ({levers})" if levers and levers != row.player else shown
        val = (f"{number(row.shapley)} [{number(row.low)}, {number(row.high)}]"
               if not math.isnan(row.shapley) else "")
        share = "" if math.isnan(row.share_of_gap) else f"{round(100 * row.share_of_gap)}%"
        routine = rt.get(row.player, math.nan)
        lines.append(f"| {label} | {val} | {share} | {number(row.alone)} | "
                     f"{'' if math.isnan(routine) else number(routine)} |")
    lines += ["", _("The total no-shock (everyday) gap is {total} [{low}, {high}].").format(
        total=number(rout.total), low=number(rout.total_low), high=number(rout.total_high)),
        ""]
    return "\n".join(lines)
