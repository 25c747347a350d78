"""Robustness under deep uncertainty: every strategy in many plausible worlds.

`grassroots robustness` samples N plausible worlds (a Latin hypercube over
the uncertainty table, `sim.params.UNCERTAIN`), runs every strategy under
every shock in each world, plus one no-shock run per world and strategy
(shock "none": the counterfactual for paired losses), and asks the questions
of decision making under deep uncertainty (experiments/robustness_analysis.py):
how often each strategy is best, how far it falls short when it is not,
where community_resilience beats top_down_digital, and which uncertainties
decide that. Runs go through `experiments.runners.execute` (serial, process
or Dask executors, resumable); world w uses seed `seed + w` under every
strategy and shock (common random numbers).

    name = "robustness"
    worlds = 200                  # Latin hypercube rows
    strategies = ["status_quo", "top_down_digital", "community_resilience",
                  "grassroots_empowerment"]
    shocks = ["flood", "lockdown", ...]
    baseline = true               # add shock "none" (the paired no-shock run)
    households = 5_000
    days = 180
    seed = 0
    outcomes = ["crisis_household_days", "resilience_loss"]
    pair = ["community_resilience", "top_down_digital"]   # PRIM and sensitivity
    density = 0.8                 # PRIM's density threshold
    [satisficing]                 # outcome = threshold that a strategy should keep
    crisis_household_days = 500
    [uncertain]                   # optional: only these, with these ranges
    "behaviour.crowd_out" = [0.0, 0.3]
    [fixed]                       # optional: other parameters held at a value
    lever_ranges = true           # each strategy's numeric levers drawn from its
                                  # [plausible] ranges, per world (default true)

The analyses rank strategies on shock-attributable harm (`scored`): a shocked run's
outcome minus the same world's no-shock run of the same strategy; everyday hardship
(the no-shock runs themselves) is reported beside it under "none (everyday)".
"""

from __future__ import annotations

import difflib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.runners import Task, check_tasks, execute
from experiments.spec import ExperimentSpec, check_keys, check_spec, read_toml
from experiments.store import Store, spec_difference
from sim.errors import GrassrootsError, SpecError, shown
from sim.io import atomic_write, check_out_dir, is_dir, is_file, read_json
from sim.metrics import OUTCOME_INFO, OUTCOMES
from sim.params import SPECS, UNCERTAIN

BUILTIN = Path(__file__).parent / "robustness.toml"
KEYS = ("name", "description", "worlds", "strategies", "shocks", "baseline", "households",
        "days", "seed", "outcomes", "pair", "density", "satisficing", "uncertain", "fixed",
        "lever_ranges")
EVERYDAY = "none (everyday)"  # the no-shock runs' label in the analyses: not ranked on harm


@dataclass(frozen=True)
class RobustnessSpec:
    """A validated robustness experiment (see the module docstring)."""

    name: str
    strategies: tuple[str, ...]
    shocks: tuple[str, ...]
    worlds: int = 200
    baseline: bool = True
    households: int = 5_000
    days: int = 180
    seed: int = 0
    description: str = ""
    outcomes: tuple[str, ...] = ("crisis_household_days", "resilience_loss")
    pair: tuple[str, ...] = ()
    density: float = 0.8
    satisficing: dict[str, float] = field(default_factory=dict)
    uncertain: dict[str, tuple[float, float]] = field(default_factory=dict)
    fixed: dict[str, Any] = field(default_factory=dict)
    lever_ranges: bool = True

    @property
    def all_shocks(self) -> tuple[str, ...]:
        """The shocks run: the spec's, then "none" when `baseline` is on."""
        return self.shocks + (("none",) if self.baseline and "none" not in self.shocks else ())

    def to_dict(self) -> dict[str, Any]:
        """Plain data (round-trips through `check_robustness`)."""
        d = asdict(self)
        d.update(strategies=list(self.strategies), shocks=list(self.shocks),
                 outcomes=list(self.outcomes), pair=list(self.pair),
                 uncertain={k: list(v) for k, v in self.uncertain.items()})
        return d


def _err(src, key: str, msg: str) -> SpecError:
    return SpecError(f"{src}: {key}: {msg}")


def _number(src, key, value, lo, hi, whole=False):
    ok = (not isinstance(value, bool) and isinstance(value, (int, float))
          and (not whole or isinstance(value, int)) and lo <= value <= hi)
    if not ok:
        kind = "a whole number" if whole else "a number"
        raise _err(src, key, f"must be {kind} from {lo:,} to {hi:,}, got {shown(value)}")
    return value


def levers() -> set[str]:
    """Parameters some built-in strategy sets: choices, never uncertainties."""
    from scenarios import available
    from scenarios.load import load_strategy

    return {k for s in available("strategy") for k in load_strategy(s).as_dict()}


def check_robustness(doc: dict, src: str | Path = "<spec>") -> RobustnessSpec:
    """Validate a parsed robustness spec; errors name the key, value and what is allowed."""
    if not isinstance(doc, dict):
        raise SpecError(f"{src}: a robustness spec must be a table")
    check_keys(doc, KEYS, src)
    # strategies, shocks and outcomes are checked by the experiment spec's rules
    worlds = _number(src, "worlds", doc.get("worlds", 200), 2, 1_000_000, whole=True)
    households = _number(src, "households", doc.get("households", 5_000), 10,
                         int(SPECS["population.n_households"].hi), whole=True)
    # shocks are checked against this city size (not the model's default)
    base = check_spec({"name": doc.get("name", Path(str(src)).stem),
                       "strategies": doc.get("strategies", []), "shocks": doc.get("shocks", []),
                       "outcomes": doc.get("outcomes", ["crisis_household_days",
                                                        "resilience_loss"]),
                       "days": doc.get("days", 180), "seed": doc.get("seed", 0),
                       "fixed": {"population.n_households": households}}, src)
    baseline = doc.get("baseline", True)
    if not isinstance(baseline, bool):
        raise _err(src, "baseline", f"must be true or false, got {baseline!r}")
    lever_ranges = doc.get("lever_ranges", True)
    if not isinstance(lever_ranges, bool):
        raise _err(src, "lever_ranges", f"must be true or false, got {lever_ranges!r}")
    density = _number(src, "density", doc.get("density", 0.8), 0.05, 1.0)
    default_pair = [s for s in ("community_resilience", "top_down_digital")
                    if s in base.strategies]
    pair = doc.get("pair", default_pair if len(default_pair) == 2 else [])
    if not isinstance(pair, list) or not all(isinstance(x, str) for x in pair) or (
            pair and (len(pair) != 2 or len(set(pair)) != 2
                                                or not set(pair) <= set(base.strategies))):
        raise _err(src, "pair", f"must be two different strategies of the spec "
                                f"({', '.join(base.strategies)}), or [], got {shown(pair)}")
    undirected = [o for o in base.outcomes if OUTCOME_INFO[o].better == "none"]
    if undirected:
        ranked = [o for o in OUTCOMES if OUTCOME_INFO[o].better != "none"]
        raise _err(src, "outcomes", f"{', '.join(undirected)} has no better direction "
                                    "(sim.outputs declares it 'none'), so strategies cannot be "
                                    f"ranked by it; allowed: {', '.join(ranked)}")
    sat = doc.get("satisficing", {})
    if not isinstance(sat, dict):
        raise _err(src, "satisficing", "must be a table of outcome = threshold")
    for k, v in sat.items():
        if k not in base.outcomes:
            raise _err(src, f"satisficing.{k}", "is not one of the spec's outcomes "
                                                f"({', '.join(base.outcomes)})")
        _number(src, f"satisficing.{k}", v, -1e18, 1e18)
    lever = levers()
    udoc = doc.get("uncertain", {k: [lo, hi] for k, (lo, hi, _) in UNCERTAIN.items()})
    if not isinstance(udoc, dict) or not udoc:
        raise _err(src, "uncertain", "must be a table of at least one parameter = [low, high]")
    uncertain = {}
    for k, v in udoc.items():
        key = f"uncertain.{k}"
        if k not in SPECS:
            close = difflib.get_close_matches(k, SPECS, n=2, cutoff=0.7)
            hint = f" (did you mean {' or '.join(close)}?)" if close else ""
            raise _err(src, key, f"unknown parameter{hint}; names are group.field")
        if k in lever:
            raise _err(src, key, "is a lever a strategy sets, not an uncertainty")
        if SPECS[k].type not in (int, float) or k.startswith("run.") \
                or k == "population.n_households":
            raise _err(src, key, "must be a numeric model parameter (not run.* or the city size)")
        if not isinstance(v, list) or len(v) != 2:
            raise _err(src, key, f"must be [low, high], got {shown(v)}")
        try:
            lo, hi = (SPECS[k].check(x) for x in v)
        except GrassrootsError as e:
            raise _err(src, key, str(e)) from None
        if not lo < hi:
            raise _err(src, key, f"needs low < high, got {shown(v)}")
        uncertain[k] = (lo, hi)
    fdoc = doc.get("fixed", {})
    if not isinstance(fdoc, dict):
        raise _err(src, "fixed", "must be a table of parameter = value")
    fixed = {}
    for k, v in fdoc.items():
        if k in uncertain or k in lever or k.startswith("run.") \
                or k == "population.n_households":
            raise _err(src, f"fixed.{k}", "is uncertain, a strategy lever, run.* or the city "
                                          "size (set households, days and seed at the top)")
        if k not in SPECS:
            close = difflib.get_close_matches(k, SPECS, n=2, cutoff=0.7)
            hint = f" (did you mean {' or '.join(close)}?)" if close else ""
            raise _err(src, f"fixed.{k}", f"unknown parameter{hint}; names are group.field")
        try:
            fixed[k] = SPECS[k].check(v)
        except GrassrootsError as e:
            raise _err(src, f"fixed.{k}", str(e)) from None
    return RobustnessSpec(name=base.name, strategies=base.strategies, shocks=base.shocks,
                          worlds=worlds, baseline=baseline, households=households,
                          days=base.days, seed=base.seed,
                          description=str(doc.get("description", "")),
                          outcomes=base.outcomes, pair=tuple(pair), density=float(density),
                          satisficing={k: float(v) for k, v in sat.items()},
                          uncertain=uncertain, fixed=fixed, lever_ranges=lever_ranges)


def load_robustness(path: str | Path | None = None) -> RobustnessSpec:
    """Read and validate a robustness spec: a TOML file, a results folder (its
    robustness.json) or None for the built-in experiments/robustness.toml."""
    p = Path(path) if path is not None else BUILTIN
    if not p.suffix and not (is_file(p) or is_dir(p)) and is_file(BUILTIN.parent / f"{p}.toml"):
        p = BUILTIN.parent / f"{p}.toml"  # a built-in spec by name
    if is_dir(p):
        if not is_file(p / "robustness.json"):
            raise SpecError(f"{shown(str(p), 200)} is a folder but not a robustness results "
                            "folder (no robustness.json); give a spec TOML or such a folder")
        p = p / "robustness.json"
    if p.suffix == ".json" and is_file(p):
        return check_robustness(read_record(p)["spec"], p)
    if not is_file(p):
        raise SpecError(f"robustness spec {shown(str(p), 200)} does not exist")
    return check_robustness(read_toml(p, "robustness spec"), p)


def read_record(path: Path) -> dict[str, Any]:
    """A results folder's robustness.json, checked to be one (a dict with a spec)."""
    doc = read_json(path, SpecError, "robustness record (robustness.json)")
    if not isinstance(doc, dict) or not isinstance(doc.get("spec"), dict):
        raise SpecError(f"{path}: not a robustness record (needs a spec)")
    return doc


def with_changes(spec: RobustnessSpec, **changes: Any) -> RobustnessSpec:
    """The spec with command-line changes (worlds, households, days), validated."""
    doc = spec.to_dict()
    doc.update({k: v for k, v in changes.items() if v is not None})
    return check_robustness(doc, f"{spec.name} (with command-line changes)")


def design(spec: RobustnessSpec) -> pd.DataFrame:
    """The worlds: a seeded Latin hypercube (scipy.stats.qmc) over `inputs(spec)` (the
    uncertain parameters, then each strategy's lever magnitudes), one row per world;
    whole-number parameters take the value of their stratum's centre, so each whole
    value appears in an equal share of the worlds."""
    from scipy.stats import qmc

    ranges = inputs(spec)
    names = list(ranges)
    unit = qmc.LatinHypercube(d=len(names), seed=np.random.default_rng(spec.seed)).random(
        spec.worlds)
    lo = np.array([ranges[k][0] for k in names], dtype=float)
    hi = np.array([ranges[k][1] for k in names], dtype=float)
    rows = qmc.scale(unit, lo, hi)
    df = pd.DataFrame(rows, columns=names)
    n = spec.worlds
    for k in spec.uncertain:
        if SPECS[k].type is int:  # each whole value gets an equal share of the worlds
            a, b = spec.uncertain[k]
            # the centre of the world's stratum, not the random point in it: whole values
            # then appear equally often, to one world, whatever the draws
            centre = (np.floor(unit[:, names.index(k)] * n) + 0.5) / n
            df[k] = np.minimum(np.floor(a + centre * (b - a + 1)), b).astype(int)
    df.index.name = "world"
    return df


def tasks(spec: RobustnessSpec) -> list[Task]:
    """Every run, in a fixed order (world, shock, strategy); world w has seed `seed + w`."""
    worlds = design(spec)
    levers = lever_columns(spec)
    out = []
    for w, row in enumerate(worlds.to_dict("records")):
        pars = {"population.n_households": spec.households, **spec.fixed,
                **{k: (int(v) if SPECS[k].type is int else float(v)) for k, v in row.items()
                   if k in spec.uncertain}}
        for shock in spec.all_shocks:
            for strategy in spec.strategies:
                own = {lever: (int(round(row[col])) if SPECS[lever].type is int
                               else float(row[col]))
                       for col, (st, lever, *_) in levers.items() if st == strategy}
                out.append(Task(len(out), strategy, shock, w, 0, spec.seed + w, spec.days,
                                {**pars, **own}, tuple(OUTCOMES), ()))
    return out


def lever_columns(spec: RobustnessSpec) -> dict[str, tuple[str, str, float, float, str]]:
    """{"<strategy>:<lever>": (strategy, dotted lever, low, high, source)}: the numeric
    levers whose real magnitude each strategy's file gives a plausible range for (its
    [plausible] table), drawn in every world independently for each strategy; empty
    when `lever_ranges` is off."""
    from scenarios.load import load_strategy

    if not spec.lever_ranges:
        return {}
    out = {}
    for st in spec.strategies:
        for lever, lo, hi, src in load_strategy(st).plausible:
            out[f"{load_strategy(st).name}:{lever.split('.', 1)[1]}"] = (st, lever, lo, hi, src)
    return out


def inputs(spec: RobustnessSpec) -> dict[str, tuple[float, float]]:
    """Every input a world draws, with its range: the uncertain parameters, then each
    strategy's lever magnitudes (lever_columns)."""
    return {**spec.uncertain,
            **{col: (lo, hi) for col, (_, _, lo, hi, _) in lever_columns(spec).items()}}


def scored(spec: RobustnessSpec, df: pd.DataFrame) -> pd.DataFrame:
    """The table the analyses rank: with the no-shock runs, each shocked run's outcome
    is its shock-attributable part (`<outcome>_vs_none`: the run minus the same world and
    strategy without the shock), and the no-shock runs keep their own values under the
    shock label EVERYDAY (everyday hardship, reported beside the shocks, never mixed
    into them). Without no-shock runs, the outcomes as they are."""
    if "none" not in set(df["shock"]):
        return df
    out = df.copy()
    shocked = out["shock"] != "none"
    for o in spec.outcomes:
        out.loc[shocked, o] = out.loc[shocked, f"{o}_vs_none"]
    out.loc[~shocked, "shock"] = EVERYDAY
    return out


def experiment_spec(spec: RobustnessSpec) -> ExperimentSpec:
    """The runner's view of the spec (for the store's manifest)."""
    return check_spec({"name": spec.name, "description": spec.description or "robustness",
                       "strategies": list(spec.strategies), "shocks": list(spec.all_shocks),
                       "days": spec.days, "seed": spec.seed,
                       "fixed": {"population.n_households": spec.households, **spec.fixed}},
                      spec.name)


def run(spec: RobustnessSpec, out: str | Path, executor: str = "process",
        workers: int | None = None, resume: bool = False, progress: bool = True,
        dask_address: str | None = None) -> Store:
    """Run every missing run of the spec into `out` (robustness.json, the store)."""
    out = Path(out)
    record = {"spec": spec.to_dict(), "uncertainty_sources":
              {k: UNCERTAIN[k][2] for k in spec.uncertain if k in UNCERTAIN}}
    path = out / "robustness.json"
    run_tasks = tasks(spec)
    check_tasks(run_tasks)  # every input checked before robustness.json is written
    check_out_dir(out)
    if path.is_file():
        old = read_record(path)
        if not resume:
            raise SpecError(f"{out} already holds results; use --resume to finish them or "
                            "choose another --out folder")
        if old.get("spec") != record["spec"]:
            raise SpecError(f"{out} holds results of a different robustness spec "
                            f"({spec_difference(old.get('spec') or {}, record['spec'])}); "
                            "resume needs the same spec (and the same --worlds, --households, "
                            "--days and --params)")
        fresh = False
    else:
        out.mkdir(parents=True, exist_ok=True)
        atomic_write(path, lambda p: Path(p).write_text(json.dumps(record, indent=2) + "\n"))
        fresh = True
    try:
        return execute(experiment_spec(spec), out, executor=executor, workers=workers,
                       resume=resume, progress=progress, dask_address=dask_address,
                       tasks=run_tasks)
    except BaseException:
        if fresh:  # nothing ran: remove the record too, so the rerun shows the real error
            Store(out).discard_if_empty()
        raise


def results(root: str | Path) -> tuple[RobustnessSpec, pd.DataFrame]:
    """(spec, tidy table) of a robustness folder: one row per run with columns
    world, strategy, shock, the uncertain parameters and every outcome, plus
    `<outcome>_vs_none` (the run minus the same world and strategy without a
    shock) when the no-shock runs were made."""
    spec = load_robustness(Path(root))
    runs, _ = Store(root).load()
    df = runs.rename(columns={"point": "world"}).drop(columns=["replicate"])
    df = df.sort_values(["world", "shock", "strategy"]).reset_index(drop=True)
    if "none" in set(df["shock"]):
        base = df[df["shock"] == "none"].set_index(["world", "strategy"])
        key = pd.MultiIndex.from_frame(df[["world", "strategy"]])
        for o in spec.outcomes:
            df[f"{o}_vs_none"] = df[o].to_numpy() - base[o].reindex(key).to_numpy()
    levers = lever_columns(spec)
    if levers:  # each world's lever magnitudes, one column per strategy and lever
        worlds = design(spec)[list(levers)]
        df = df.join(worlds, on="world")
    return spec, df


def lever_markdown(spec: RobustnessSpec) -> str:
    """The strategies' lever ranges as Markdown: strategy, lever, stated value, range,
    source or reasoning (from each strategy's [plausible] table)."""
    from scenarios.load import load_strategy

    lines = ["| strategy | lever | stated value | plausible range | source or reasoning |",
             "|---|---|---|---|---|"]
    for st, lever, lo, hi, src in lever_columns(spec).values():
        value = load_strategy(st).as_dict().get(lever, SPECS[lever].default)
        lines.append(f"| {st} | `{lever.split('.', 1)[1]}` | {value:g} | {lo:g} - {hi:g} | "
                     f"{src} |")
    return "\n".join(lines)


def uncertainty_markdown(uncertain: dict[str, tuple] | None = None) -> str:
    """The uncertainty table as Markdown (docs/ODD.md's 'Uncertainty table')."""
    table = UNCERTAIN if uncertain is None else uncertain
    lines = ["| name | default | plausible range | unit | source or reasoning |",
             "|---|---|---|---|---|"]
    for k, v in table.items():
        s = SPECS[k]
        src = UNCERTAIN.get(k, (None, None, "set in the spec"))[2]
        lines.append(f"| `{k}` | {s.default:g} | {v[0]:g} - {v[1]:g} | {s.unit} | {src} |")
    return "\n".join(lines)
