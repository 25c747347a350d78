"""Experiment specs: strategies x shocks x parameter points x replicates, as TOML.

    name = "openness"
    strategies = ["status_quo", "grassroots_empowerment"]   # a list is swept
    shocks = ["flood"]
    replicates = 10
    days = 120
    seed = 0                      # replicate k uses seed + k under every cell
    outcomes = ["resilience_loss", "illusion_gap_mean"]  # default: all
    series = true                 # keep daily series: true, false or a list of metrics
    counterfactual = true         # also run each strategy x replicate without a shock
    window_days = 90              # counterfactual window after onset (default 90)
    [fixed]                       # scalars: fixed for every run
    "population.n_households" = 5_000
    [sweep]                       # lists: full factorial over them
    "governance.data_openness" = [0.2, 0.5, 0.9]
    [design]                      # or a sampled design over ranges
    kind = "lhs"                  # "factorial" (default), "lhs", "sobol", "morris"
    samples = 64
    [design.ranges]
    "governance.reporting_burden" = [0.0, 0.8]

Every name is checked against `sim.params`, every strategy and shock against
the scenario library; problems raise `SpecError` naming the file, the key
and what is allowed. EMA Workbench's words apply: strategies and governance
values are levers, shocks and behaviour values uncertainties, the run
summary's fields outcomes.

`counterfactual = true` adds one no-shock run per strategy, parameter point
and replicate (not per shock), with the same seed: the paired run each
shocked run's counterfactual loss is measured against, over days onset ..
onset + window_days - 1 (cut at the run's end). It keeps the functionality
and in_crisis series, which the pairing reads.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim import mechanisms
from sim.errors import GrassrootsError, ParameterError, ScenarioError, SpecError, shown
from sim.io import is_dir, is_file
from sim.io import read_toml as sim_read_toml
from sim.metrics import DEFAULT_WINDOW_DAYS, OUTCOMES
from sim.params import SPECS, Params

BUILTIN = Path(__file__).parent
DESIGNS = ("factorial", "lhs", "sobol", "morris")
TOP_KEYS = ("name", "description", "strategies", "shocks", "replicates", "days", "seed",
            "outcomes", "series", "counterfactual", "window_days", "fixed", "sweep", "design")
PAIRING_SERIES = ("functionality", "in_crisis")  # what the counterfactual outcomes read


@dataclass(frozen=True)
class ExperimentSpec:
    """A validated experiment."""

    name: str
    strategies: tuple[str, ...]
    shocks: tuple[str, ...]
    replicates: int = 1
    days: int = 180
    seed: int = 0
    description: str = ""
    outcomes: tuple[str, ...] = tuple(OUTCOMES)
    series: tuple[str, ...] = ()
    fixed: dict[str, Any] = field(default_factory=dict)
    sweep: dict[str, tuple] = field(default_factory=dict)
    design: str = "factorial"
    samples: int = 0
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    counterfactual: bool = False
    window_days: int = DEFAULT_WINDOW_DAYS

    def to_dict(self) -> dict[str, Any]:
        """Plain data for manifests (round-trips through `from_dict`)."""
        cf = {"counterfactual": True, "window_days": self.window_days} if self.counterfactual \
            else {"counterfactual": False}
        return {"name": self.name, "description": self.description,
                "strategies": list(self.strategies), "shocks": list(self.shocks),
                "replicates": self.replicates, "days": self.days, "seed": self.seed,
                "outcomes": list(self.outcomes), "series": list(self.series),
                **cf,
                "fixed": dict(self.fixed), "sweep": {k: list(v) for k, v in self.sweep.items()},
                "design": {"kind": self.design, "samples": self.samples,
                           "ranges": {k: list(v) for k, v in self.ranges.items()}}}


def _err(src, key: str, msg: str) -> SpecError:
    return SpecError(f"{src}: {key}: {msg}")


def _names(src, key, value, allowed, what) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise _err(src, key, f"must be a non-empty list of {what} names, got {shown(value)}")
    for v in value:
        if allowed is not None and v not in allowed:
            close = difflib.get_close_matches(v, allowed, n=2)
            hint = f" (did you mean {' or '.join(close)}?)" if close else ""
            raise _err(src, key, f"unknown {what} {shown(v)}{hint}; allowed: {', '.join(allowed)}")
    if len(set(value)) != len(value):
        raise _err(src, key, f"lists a {what} twice")
    return tuple(value)


def _int(src, key, value, lo, hi) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise _err(src, key, f"must be a whole number from {lo:,} to {hi:,}, got {shown(value)}")
    return value


def _param(src, key: str, name: str, value: Any) -> Any:
    if name not in SPECS:
        close = difflib.get_close_matches(name, SPECS, n=2, cutoff=0.7)
        hint = f" (did you mean {' or '.join(close)}?)" if close else ""
        raise _err(src, f"{key}.{name}", f"unknown parameter{hint}; names are group.field, "
                                         "see `grassroots params`")
    try:
        return SPECS[name].check(value)
    except GrassrootsError as e:
        raise _err(src, f"{key}.{name}", str(e)) from None


NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}", re.ASCII)


def check_name(src, name) -> str:
    """A spec's name, which names its default results folder (results/<name>):
    letters, digits, _, - and . only, at most 100 characters, so it can never
    reach outside results/ or be a path the system refuses."""
    if not isinstance(name, str) or not NAME.fullmatch(name) or ".." in name:
        raise _err(src, "name", f"must be 1-100 letters, digits, _, - or . (it names the "
                                f"results folder results/<name>), got {shown(name)}")
    return name


def check_keys(doc: dict, allowed, src: str | Path) -> None:
    """An unknown top-level key is an error that names the close matches."""
    for k in doc:
        if k not in allowed:
            close = difflib.get_close_matches(k, allowed, n=2)
            hint = f" (did you mean {' or '.join(close)}?)" if close else ""
            raise _err(src, k, f"unknown key{hint}; allowed: {', '.join(allowed)}")


def check_spec(doc: dict, src: str | Path = "<spec>") -> ExperimentSpec:
    """Validate a parsed spec document and return the ExperimentSpec."""
    from scenarios import available

    if not isinstance(doc, dict):
        raise SpecError(f"{src}: a spec must be a table")
    check_keys(doc, TOP_KEYS, src)
    for k in ("strategies", "shocks"):
        if k not in doc:
            raise _err(src, k, "missing")
    name = check_name(src, doc.get("name", Path(str(src)).stem))
    strategies = _names(src, "strategies", doc["strategies"], None, "strategy")
    shocks = _names(src, "shocks", doc["shocks"], None, "shock")
    known_st, known_sh = available("strategy"), available("shock")
    for s in strategies:  # a path is allowed; a name must be known
        if not s.endswith(".toml") and s not in known_st:
            _names(src, "strategies", [s], sorted(known_st), "strategy")
    for s in shocks:
        if not s.endswith(".toml") and s != "none" and s not in known_sh:
            _names(src, "shocks", [s], sorted(known_sh) + ["none"], "shock")
    replicates = _int(src, "replicates", doc.get("replicates", 1), 1, 100_000)
    days = _int(src, "days", doc.get("days", 180), 1, 3650)
    seed = _int(src, "seed", doc.get("seed", 0), 0, 2**62)
    outcomes = _names(src, "outcomes", doc.get("outcomes", list(OUTCOMES)), list(OUTCOMES),
                      "outcome")
    series_doc = doc.get("series", False)
    columns = mechanisms.columns()  # registered mechanisms' columns too
    if series_doc is True:
        series = columns
    elif series_doc is False:
        series = ()
    else:
        series = _names(src, "series", series_doc, list(columns), "daily metric")
    counterfactual = doc.get("counterfactual", False)
    if not isinstance(counterfactual, bool):
        raise _err(src, "counterfactual", f"must be true or false, got {counterfactual!r}")
    if "window_days" in doc and not counterfactual:
        raise _err(src, "window_days", "is the counterfactual window: it needs "
                                       "counterfactual = true")
    window_days = _int(src, "window_days", doc.get("window_days", DEFAULT_WINDOW_DAYS), 1, 3650)
    if counterfactual:
        series = tuple(series) + tuple(m for m in PAIRING_SERIES if m not in series)
    fixed_doc = doc.get("fixed", {})
    sweep_doc = doc.get("sweep", {})
    design_doc = doc.get("design", {})
    for key, d in (("fixed", fixed_doc), ("sweep", sweep_doc), ("design", design_doc)):
        if not isinstance(d, dict):
            raise _err(src, key, "must be a table")
    fixed = {}
    for k, v in fixed_doc.items():
        if isinstance(v, list):
            raise _err(src, f"fixed.{k}", "is a list: put swept values under [sweep]")
        if k in ("run.days", "run.seed"):
            raise _err(src, f"fixed.{k}", "set days and seed at the top of the spec")
        fixed[k] = _param(src, "fixed", k, v)
    sweep = {}
    for k, v in sweep_doc.items():
        if not isinstance(v, list) or not v:
            raise _err(src, f"sweep.{k}", f"must be a non-empty list of values, got {shown(v)}")
        if k in fixed:
            raise _err(src, f"sweep.{k}", "is also under [fixed]")
        sweep[k] = tuple(_param(src, "sweep", k, x) for x in v)
        if len(set(map(repr, sweep[k]))) != len(sweep[k]):
            raise _err(src, f"sweep.{k}", f"lists a value twice ({shown(v)}): each point "
                                          "would run twice")
    kind = design_doc.get("kind", "factorial")
    if not isinstance(kind, str) or kind not in DESIGNS:
        raise _err(src, "design.kind", f"unknown design {shown(kind)}; allowed: "
                                       f"{', '.join(DESIGNS)}")
    for k in design_doc:
        if k not in ("kind", "samples", "ranges"):
            raise _err(src, f"design.{k}", "unknown key; allowed: kind, samples, ranges")
    ranges = {}
    samples = 0
    if kind != "factorial":
        samples = _int(src, "design.samples", design_doc.get("samples", 0), 1, 1_000_000)
        rdoc = design_doc.get("ranges", {})
        if not isinstance(rdoc, dict) or not rdoc:
            raise _err(src, "design.ranges", "must list at least one parameter = [low, high]")
        for k, v in rdoc.items():
            if (not isinstance(v, list) or len(v) != 2):
                raise _err(src, f"design.ranges.{k}", f"must be [low, high], got {shown(v)}")
            lo, hi = (_param(src, "design.ranges", k, x) for x in v)
            if SPECS[k].type not in (int, float) or not lo < hi:
                raise _err(src, f"design.ranges.{k}", "must be a numeric parameter with low < high")
            if k in fixed or k in sweep:
                raise _err(src, f"design.ranges.{k}", "is also under [fixed] or [sweep]")
            ranges[k] = (lo, hi)
    elif "ranges" in design_doc or "samples" in design_doc:
        raise _err(src, "design", "ranges and samples need kind = 'lhs', 'sobol' or 'morris'")
    _check_shocks_fit(src, shocks, days, fixed, sweep, ranges)
    return ExperimentSpec(name=name, strategies=strategies, shocks=shocks,
                          replicates=replicates, days=days, seed=seed,
                          description=str(doc.get("description", "")), outcomes=outcomes,
                          series=tuple(series), fixed=fixed, sweep=sweep, design=kind,
                          samples=samples, ranges=ranges, counterfactual=counterfactual,
                          window_days=window_days)


def _check_shocks_fit(src, shocks, days: int, fixed, sweep, ranges) -> None:
    """Every shock against the spec's horizon and every city size it runs
    (`sim.inputs.check_shock`, the rule the model and `grassroots run` use)."""
    from scenarios import load_shock
    from sim.inputs import check_shock
    from sim.population import grid_communities

    key = "population.n_households"
    if fixed.get("population.district"):
        from sim.district import read_district

        try:
            district = read_district(fixed["population.district"])
        except GrassrootsError as e:
            raise _err(src, "fixed.population.district", str(e)) from None
        for name in shocks:
            if name != "none":
                try:
                    check_shock(load_shock(name), days, district.community,
                                district.n_households, district)
                except ScenarioError as e:
                    raise _err(src, "shocks", str(e)) from None
        return
    sizes = ({fixed[key]} if key in fixed else set(sweep.get(key, ()))
             or ({int(ranges[key][0])} if key in ranges else {SPECS[key].default}))
    layout = {k: v for k, v in fixed.items() if k.startswith("population.")}
    for name in shocks:
        if name == "none":
            continue
        try:
            shock = load_shock(name)
            for n in sorted(sizes):
                pop = Params().with_overrides({**layout, key: n}).population
                check_shock(shock, days, grid_communities(pop), n)
        except (ScenarioError, ParameterError) as e:
            raise _err(src, "shocks", str(e)) from None


def load_spec(path: str | Path | None = None) -> ExperimentSpec:
    """Read and validate a spec file (None or a bare name: a built-in spec)."""
    if path is None:
        path = BUILTIN / "headline.toml"
    p = Path(path)
    if not p.suffix and not (is_file(p) or is_dir(p)) and is_file(BUILTIN / f"{p}.toml"):
        p = BUILTIN / f"{p}.toml"
    if is_dir(p):
        raise SpecError(f"experiment spec {shown(str(path), 200)} is a folder, not a TOML file")
    if not is_file(p):
        raise SpecError(f"experiment spec {shown(str(path), 200)} does not exist")
    return check_spec(read_toml(p), p)


def read_toml(p: Path, what: str = "experiment spec") -> dict[str, Any]:
    """The table of TOML file `p` (the experiment, robustness, calibration target
    and preset files): `sim.io.read_toml`, the rules the scenario files follow,
    with SpecError naming the file."""
    return sim_read_toml(p, SpecError, what, empty=f"a {what} needs its tables and keys")


def from_dict(doc: dict) -> ExperimentSpec:
    """The spec a manifest recorded (inverse of ExperimentSpec.to_dict)."""
    d = dict(doc)
    design = d.pop("design", {}) or {}
    if design.get("kind", "factorial") != "factorial":
        d["design"] = design
    if not d.get("series"):
        d["series"] = False
    if not d.get("counterfactual"):
        d.pop("window_days", None)
    return check_spec(d, "<manifest>")
