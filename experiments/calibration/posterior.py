"""After a calibration: the posterior's summary, predictive checks, the preset, robustness ranges.

`summarise` gives each parameter's weighted posterior median and 5-95%
interval against its prior range, and the width ratio (posterior 5-95% width
over the prior's): below `PINNED` the targets pin the parameter down, above
`OPEN` they leave it open. `predictive` runs the model at posterior draws
(and at the defaults, for comparison) and reports every target, held-out
ones included, against its observed interval. `write_preset` writes the
calibrated parameter set (posterior medians) with its provenance;
`load_preset` reads it for `grassroots compare --params`; `posterior_ranges`
turns a posterior into the uncertainty ranges of `grassroots robustness
--ranges`.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration.targets import Target
from sim.errors import SpecError, shown
from sim.io import atomic_write, is_dir, is_file, read_json

PRESETS = Path(__file__).parent / "presets"
DEFAULT_PRESET = "calibrated"  # what compare, robustness and decompose hold by default
STYLISED = "defaults"  # `--params defaults`: every parameter at its default
PINNED, OPEN = 0.5, 0.8


def wquantile(x, w, q) -> np.ndarray:
    """Weighted quantiles `q` of values `x` with weights `w` (midpoint rule)."""
    x, w = np.asarray(x, float), np.asarray(w, float)
    order = np.argsort(x, kind="stable")
    x, w = x[order], w[order]
    cw = (np.cumsum(w) - 0.5 * w) / w.sum()
    return np.interp(np.atleast_1d(q), cw, x)


def read_manifest(out: Path) -> dict[str, Any]:
    """The calibration.json of an output folder."""
    p = Path(out) / "calibration.json"
    if not p.is_file():
        raise SpecError(f"{out} holds no calibration (calibration.json)")
    record = read_json(p, SpecError, "calibration record (calibration.json)")
    if not isinstance(record, dict) or not {"settings", "targets"} <= set(record):
        raise SpecError(f"{p}: not a calibration record (needs settings and targets)")
    return record


def targets_of(record: dict) -> list[Target]:
    """The Target objects of a manifest."""
    out = []
    for d in record["targets"]:
        d = dict(d)
        d["interval"] = tuple(d["interval"])
        out.append(Target(**d))
    return out


def last_generation(path: Path) -> pd.DataFrame:
    """The final generation of a posterior.parquet (parameters and weight), validated:
    at least one row, numeric finite columns, weights >= 0 and not all 0, at least
    one model parameter, and whole numbers where the parameter is whole. Every
    problem names the file, the column and what is allowed."""
    from sim.params import SPECS

    p = Path(path)
    if is_dir(p):
        raise SpecError(f"posterior {shown(str(p), 200)} is a folder; give its "
                        "posterior.parquet")
    if not is_file(p):
        raise SpecError(f"posterior {shown(str(p), 200)} does not exist (a calibration's "
                        "posterior.parquet)")
    try:
        df = pd.read_parquet(p)
    except Exception as e:  # noqa: BLE001 - any unreadable file gets the same message
        first = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise SpecError(f"{p}: not a Parquet file: {shown(first, 160)}") from None
    if not {"weight", "generation"} <= set(df.columns):
        raise SpecError(f"{p}: not a posterior (needs weight and generation columns)")
    params = [c for c in df.columns if c not in ("weight", "generation")]
    if not params:
        raise SpecError(f"{p}: no parameter columns: a posterior has one column per calibrated "
                        "parameter beside weight and generation")
    if not len(df):
        raise SpecError(f"{p}: has no rows: the calibration finished no generation")
    for c in df.columns:
        if c not in ("weight", "generation") and c not in SPECS:
            raise SpecError(f"{p}: column {shown(c)} is not a model parameter (see "
                            "`grassroots params`)")
        if not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]):
            raise SpecError(f"{p}: column {shown(c)} holds {df[c].dtype} values; "
                            "a posterior holds numbers")
        v = df[c].to_numpy(dtype=float)
        if not np.isfinite(v).all():
            raise SpecError(f"{p}: column {shown(c)} has NaN or infinite values "
                            f"(row {int(np.flatnonzero(~np.isfinite(v))[0])}); a posterior "
                            "holds finite numbers")
        whole = c == "generation" or (c in SPECS and SPECS[c].type is int)
        if whole and (v != np.round(v)).any():
            raise SpecError(f"{p}: column {shown(c)} must hold whole numbers")
    last = df[df["generation"] == df["generation"].max()].drop(columns="generation")
    w = last["weight"].to_numpy(dtype=float)
    if (w < 0).any() or not w.sum() > 0:
        raise SpecError(f"{p}: weight: must be >= 0 and not all 0 in the last generation")
    return last.reset_index(drop=True)


def summarise(post: pd.DataFrame, params: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """Per parameter: prior range, posterior median and 5-95%, width ratio, verdict."""
    from sim.params import SPECS

    rows = []
    w = post["weight"].to_numpy()
    for k, (lo, hi) in params.items():
        q5, q50, q95 = wquantile(post[k], w, [0.05, 0.5, 0.95])
        ratio = (q95 - q5) / (0.9 * (hi - lo))
        rows.append({"parameter": k, "default": SPECS[k].default, "prior_low": lo,
                     "prior_high": hi, "median": q50, "q05": q5, "q95": q95,
                     "width_ratio": ratio,
                     "verdict": "pinned" if ratio < PINNED else "open" if ratio > OPEN
                     else "narrowed"})
    return pd.DataFrame(rows)


def draws(post: pd.DataFrame, k: int, seed: int) -> pd.DataFrame:
    """k particles resampled by weight (seeded)."""
    rng = np.random.default_rng(seed)
    w = post["weight"].to_numpy()
    idx = rng.choice(len(post), size=k, replace=True, p=w / w.sum())
    return post.iloc[idx].drop(columns="weight").reset_index(drop=True)


def predict_one(targets, households: int, seed: int, overrides: dict[str, Any],
                scenarios: dict[str, Any] | None = None,
                threads: int | None = 1) -> dict[str, float]:
    """One predictive evaluation (`evaluate`) with `threads` Numba threads (None: as
    they are). The numbers do not depend on the thread count; on a worker, one
    thread is the fastest at a calibration's city size."""
    from experiments.calibration.outputs import evaluate
    from sim.model import numba_threads

    with numba_threads(threads):
        return evaluate(targets, households, seed, overrides, scenarios=scenarios)


def predictive(record: dict, post: pd.DataFrame, k: int,
               preset: dict[str, float] | None = None, executor=None) -> pd.DataFrame:
    """Every target's model value at k posterior draws, at the defaults and (if
    given) at the preset's values, with the same k seeds: columns draw, kind
    ("posterior", "default", "preset"), target, value. `executor`: where the
    evaluations run (anything with `submit`, as for the calibration: each with one
    Numba thread; default this process, with its threads as they are); the table
    is the same either way."""
    from experiments.calibration.abc import as_overrides, check_settings
    from experiments.calibration.outputs import scenarios_of
    from experiments.calibration.sampler import InlineExecutor

    s = record["settings"]
    settings = check_settings(params={n: tuple(v) for n, v in s["params"].items()},
                              population=s["population"], generations=s["generations"],
                              min_epsilon=s["min_epsilon"], households=s["households"],
                              seed=s["seed"], min_acceptance=s["min_acceptance"],
                              overrides=s["overrides"])
    targets = targets_of(record)
    loaded = scenarios_of(targets)
    jobs = []
    for i, row in draws(post, k, settings.seed).iterrows():
        seed = settings.seed + 100_000 + int(i)
        kinds = [("posterior", row.to_dict()), ("default", {})]
        if preset is not None:
            kinds.append(("preset", preset))
        jobs += [(int(i), kind, seed, as_overrides(settings, values)) for kind, values in kinds]
    run, threads = (InlineExecutor(), None) if executor is None else (executor, 1)
    futures = [run.submit(predict_one, targets, settings.households, seed, over, loaded,
                          threads) for _, _, seed, over in jobs]
    rows = []
    for (i, kind, _, _), f in zip(jobs, futures, strict=True):
        rows += [{"draw": i, "kind": kind, "target": n, "value": v}
                 for n, v in f.result().items()]
    return pd.DataFrame(rows)


def checks(targets: list[Target], pred: pd.DataFrame) -> pd.DataFrame:
    """Per target: observed and interval, model median and 5-95% at the posterior
    draws and at the defaults, and whether the posterior median falls inside
    the observed 95% interval (pass) or not (miss)."""
    rows = []
    for t in targets:
        row = {"target": t.name, "use": t.use, "output": t.output, "observed": t.observed,
               "low": t.interval[0], "high": t.interval[1]}
        for kind in ("posterior", "default", "preset"):
            v = pred[(pred["target"] == t.name) & (pred["kind"] == kind)]["value"].to_numpy()
            v = v[np.isfinite(v)]
            q = np.quantile(v, [0.05, 0.5, 0.95]) if len(v) else [math.nan] * 3
            row.update({f"{kind}_q05": q[0], f"{kind}_median": q[1], f"{kind}_q95": q[2],
                        f"{kind}_finite": len(v)})
        m = row["posterior_median"]
        row["result"] = "pass" if t.interval[0] <= m <= t.interval[1] else "miss"
        p = row["preset_median"]
        row["preset_result"] = "pass" if t.interval[0] <= p <= t.interval[1] else "miss"
        rows.append(row)
    return pd.DataFrame(rows)


def write_preset(path: Path, record: dict, summary: pd.DataFrame, out: Path) -> Path:
    """The calibrated preset: posterior medians with their provenance, as TOML."""
    from sim.params import SPECS

    gens = record.get("generations_done", [])
    last = gens[-1] if gens else {}
    again = record["command"].strip()
    if "--preset" not in again:
        again += f" --preset {path}"
    s = record["settings"]
    used = [t["name"] for t in record["targets"] if t["use"] == "calibration"]
    held = [t["name"] for t in record["targets"] if t["use"] == "held_out"]
    lines = ["# The calibrated parameter set: weighted posterior medians of the last ABC-SMC",
             "# generation (docs/calibration.md), used by",
             "# `grassroots compare --params calibrated`.",
             "# Regenerate (the lead reruns this after model changes):",
             f"#   {again}",
             "", "[provenance]",
             f'command = {json.dumps(record["command"].strip())}',
             f'date = "{dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")}"',
             'values = "weighted posterior medians of the last generation"',
             f"targets = {json.dumps(used)}",
             f"held_out = {json.dumps(held)}",
             f'population = {s["population"]}',
             f'generations = {len(gens)}',
             f'households = {s["households"]}',
             f'seed = {s["seed"]}',
             f'overrides = {json.dumps(json.dumps(s["overrides"]))}',
             f'final_epsilon = {last.get("epsilon", float("nan")):.4f}',
             f'evaluations = {sum(g["evaluations"] for g in gens)}',
             f'wall_seconds = {sum(g.get("seconds", 0.0) for g in gens):.0f}',
             f'commit = {json.dumps(str(record.get("git_commit", record.get("commit", ""))))}',
             "", "[posterior]  # 5% / median / 95%, prior range, posterior width over prior width"]
    for _, r in summary.iterrows():
        lines.append(f'"{r["parameter"]}" = {{ q05 = {r["q05"]:.6g}, median = {r["median"]:.6g}, '
                     f'q95 = {r["q95"]:.6g}, prior = [{r["prior_low"]:g}, {r["prior_high"]:g}], '
                     f'width_ratio = {r["width_ratio"]:.3f} }}')
    lines += ["", "[params]"]
    for _, r in summary.iterrows():
        k = r["parameter"]
        v = int(round(r["median"])) if SPECS[k].type is int else float(f"{r['median']:.6g}")
        lines.append(f'"{k}" = {v}')
    text = "\n".join(lines) + "\n"
    path = Path(path)
    atomic_write(path, lambda p: Path(p).write_text(text))
    return path


PRESET_KEYS = ("params", "provenance", "posterior")


def _preset_doc(name_or_path: str | Path, option: str) -> tuple[Path, dict[str, Any]]:
    """(file, its tables) of a preset: a .toml file or a name in presets/; the tables'
    names checked. Errors name the option or the file."""
    import difflib

    from experiments.spec import read_toml

    p = Path(name_or_path)
    if not is_file(p) and is_file(PRESETS / f"{name_or_path}.toml"):
        p = PRESETS / f"{name_or_path}.toml"
    if is_dir(p):
        raise SpecError(f"{option}: {shown(str(name_or_path), 200)} is a folder, not a preset "
                        "file (a .toml file with a [params] table)")
    if not is_file(p):
        names = sorted(f.stem for f in PRESETS.glob("*.toml"))
        raise SpecError(f"{option}: {shown(str(name_or_path), 200)} is neither a preset file "
                        f"nor a preset name; presets: {', '.join(names) or 'none'}, or "
                        f"{STYLISED!r} for the stylised model")
    doc = read_toml(p, "parameter preset")
    for k in doc:
        if k not in PRESET_KEYS:
            close = difflib.get_close_matches(k, PRESET_KEYS, n=1)
            hint = f" (did you mean [{close[0]}]?)" if close else ""
            raise SpecError(f"{p}: {shown(k)}: unknown table{hint}; a preset holds "
                            f"{', '.join(PRESET_KEYS)}")
    return p, doc


def chosen_preset(value: str | Path | None, allow_levers: bool = False,
                  option: str = "--params") -> dict[str, Any] | None:
    """The values `--params VALUE` holds fixed: the calibrated preset's when `value`
    is None (DEFAULT_PRESET, the default answer), nothing for "defaults" (STYLISED:
    the stylised model, every parameter at its default), else `load_preset`'s."""
    if str(value) == STYLISED:
        return None
    return load_preset(DEFAULT_PRESET if value is None else value, allow_levers, option)


def preset_ranges(name_or_path: str | Path | None,
                  option: str = "--params") -> tuple[dict[str, Any], dict[str, tuple]]:
    """(values, ranges) of a preset for the commands that sample worlds (`grassroots
    robustness`, `decompose --worlds`, through `with_preset`): every value of its
    [params], and the 5-95% posterior interval of each with a [posterior] entry
    (whole-number parameters widened to whole numbers). None: the calibrated preset;
    "defaults": neither (the plausible ranges of the uncertainty table)."""
    if str(name_or_path) == STYLISED:
        return {}, {}
    name_or_path = DEFAULT_PRESET if name_or_path is None else name_or_path
    p, doc = _preset_doc(name_or_path, option)
    values = _preset_values(p, doc, allow_levers=False)
    post = doc.get("posterior", {})
    if not isinstance(post, dict):
        raise SpecError(f"{p}: posterior: needs a table of parameter = {{ q05, q95 }}")
    ranges = {}
    for k, entry in post.items():
        if k not in values:
            continue  # summarised, not held: the preset's [params] decide what it sets
        if not (isinstance(entry, dict) and all(
                isinstance(entry.get(q), (int, float)) and not isinstance(entry.get(q), bool)
                for q in ("q05", "q95"))):
            raise SpecError(f"{p}: posterior.{k}: needs numbers q05 and q95 (the "
                            f"5-95% posterior interval); found {shown(entry)}")
        if entry["q05"] > entry["q95"]:
            raise SpecError(f"{p}: posterior.{k}: q05 {entry['q05']:g} is above q95 "
                            f"{entry['q95']:g}; the 5% quantile cannot exceed the 95%")
        ranges[k] = _range(k, entry["q05"], entry["q95"], f"{p}: posterior.{k}")
    return values, ranges


def with_preset(uncertain: dict[str, Any], held: dict[str, Any], values: dict[str, Any],
                ranges: dict[str, tuple]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(uncertainty ranges, held values) of a world-sampling command under a preset's
    `values` and posterior `ranges` (`preset_ranges`): a parameter the command already
    holds stays as it holds it; one it ranges over takes the preset's posterior range,
    or is held at the preset's value when the preset has no range for it; any other is
    held at the preset's value."""
    unc, fixed = {k: list(v) for k, v in uncertain.items()}, dict(held)
    for k, v in values.items():
        if k in held:
            continue
        if k in ranges and k in unc:
            unc[k] = list(ranges[k])
        else:
            unc.pop(k, None)
            fixed[k] = v
    return unc, fixed


def _range(k: str, a: float, b: float, where: str) -> tuple:
    """A checked uncertainty range (a, b) of parameter `k`: whole-number parameters
    widened to whole numbers, an empty interval opened by a hair."""
    from sim.errors import GrassrootsError
    from sim.params import SPECS

    if SPECS[k].type is int:
        a, b = math.floor(a), math.ceil(b)
    if not a < b:
        b = a + (1 if SPECS[k].type is int else max(abs(a) * 1e-6, 1e-9))
    pair = (int(a), int(b)) if SPECS[k].type is int else (float(a), float(b))
    try:
        for x in pair:
            SPECS[k].check(x)
    except GrassrootsError as e:
        raise SpecError(f"{where}: its 5-95% range {pair} is not allowed: {e}") from None
    return pair


def load_preset(name_or_path: str | Path, allow_levers: bool = False,
                option: str = "--params") -> dict[str, Any]:
    """The parameter values of a preset: a .toml file, or a name in
    experiments/calibration/presets/ ("calibrated"); every value checked.

    A preset holds uncertain model values, not choices: a strategy lever
    (`governance.<lever>`, sim.params.LEVERS) would be set for every strategy
    and erase the contest, so it is refused unless `allow_levers`. Run
    parameters (`run.*`) and the city size belong to the command's own
    options and are refused too. Errors name the preset file."""
    return _preset_values(*_preset_doc(name_or_path, option), allow_levers)


def _preset_values(p: Path, doc: dict[str, Any], allow_levers: bool) -> dict[str, Any]:
    """The checked [params] of a preset file `p` already read into `doc`."""
    import difflib

    from sim.errors import GrassrootsError
    from sim.params import LEVERS, SPECS

    params = doc.get("params")
    if not isinstance(params, dict) or not params:
        raise SpecError(f"{p}: params: needs a [params] table of parameter = value")
    out = {}
    for k, v in params.items():
        if k not in SPECS:
            close = difflib.get_close_matches(k, SPECS, n=2, cutoff=0.7)
            hint = f" (did you mean {' or '.join(close)}?)" if close else ""
            raise SpecError(f"{p}: params.{shown(k)}: unknown parameter{hint}; names are "
                            "group.field (see `grassroots params`)")
        if k.startswith("run.") or k == "population.n_households":
            raise SpecError(f"{p}: params.{k}: a preset holds model values; set the city size, "
                            "days and seed with the command's own options")
        if k.startswith("governance.") and k.split(".", 1)[1] in LEVERS and not allow_levers:
            raise SpecError(f"{p}: params.{k}: is a strategy lever: a preset would set it for "
                            "every strategy and erase the contest; remove it, or pass "
                            "--preset-levers to hold it fixed on purpose")
        try:
            out[k] = SPECS[k].check(v)
        except GrassrootsError as e:
            raise SpecError(f"{p}: params.{k}: {e}") from None
    return out


def posterior_ranges(path: str | Path, low: float = 0.05,
                     high: float = 0.95) -> dict[str, tuple[float, float]]:
    """Uncertainty ranges from a posterior: each parameter's weighted `low`-`high`
    quantiles in the last generation (whole-number parameters widened to whole
    numbers), for `grassroots robustness --ranges`."""
    from sim.params import LEVERS, SPECS

    post = last_generation(Path(path))
    w = post["weight"].to_numpy()
    out = {}
    for k in post.columns:
        if k == "weight":
            continue
        if SPECS[k].type not in (int, float):
            raise SpecError(f"{path}: column {shown(k)} is not a numeric model parameter")
        if k.startswith("run.") or k == "population.n_households" or (
                k.startswith("governance.") and k.split(".", 1)[1] in LEVERS):
            raise SpecError(f"{path}: column {shown(k)} is run.*, the city size or a strategy "
                            "lever: not an uncertainty robustness can range over")
        out[k] = _range(k, *wquantile(post[k], w, [low, high]), f"{path}: column {shown(k)}")
    return out


def write_outputs(out: str | Path, draws: int = 30, preset: str | Path | None = None,
                  say=print, executor=None) -> dict[str, Any]:
    """Summary, predictive checks and the preset of the calibration in `out`
    (the command line then draws the figures and writes the report);
    `executor`: where the predictive runs go (`predictive`)."""
    out = Path(out)
    record = read_manifest(out)
    post = last_generation(out / "posterior.parquet")
    params = {k: tuple(v) for k, v in record["settings"]["params"].items()}
    summary = summarise(post, params)
    medians = dict(zip(summary["parameter"], summary["median"]))
    say(f"predictive checks: {draws} posterior draws, the defaults and the preset...")
    pred = predictive(record, post, draws, preset=medians, executor=executor)
    targets = targets_of(record)
    table = checks(targets, pred)
    for name, df in (("summary.csv", summary), ("predictive.csv", pred), ("checks.csv", table)):
        atomic_write(out / name, lambda p, df=df: df.to_csv(p, index=False))
    presets = [write_preset(out / "calibrated.toml", record, summary, out)]
    if preset:
        presets.append(write_preset(Path(preset), record, summary, out))
    return {"record": record, "posterior": post, "summary": summary, "predictive": pred,
            "checks": table, "targets": targets, "presets": presets}
