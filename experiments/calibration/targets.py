"""Calibration targets: published patterns the model should reproduce, read and validated.

A target file (`experiments/calibration/targets/*.toml`) holds one study: a
`[citation]` shared by its targets and one `[[targets]]` table per number.

    [citation]
    authors = "Liu Y, Li G, Qi X, Wu B, Latkin CA, Tang W, Hall BJ"
    year = 2023
    title = "Prevalence and determinants of food insecurity during ..."
    journal = "Global Public Health 18(1): 2246066"
    locator = "abstract: nearly 70% of 3,230 participants ..."   # which number in it

    [[targets]]
    name = "shanghai_food_insecurity"
    shock = "lockdown"                  # a shock of the scenario library, or a shock
                                        # file (.toml, relative to this file's folder)
    strategy = "top_down_digital"       # the governance the observed city had
    output = "share_ever_in_need"       # a name of experiments.calibration.outputs.OUTPUTS
    observed = 0.70
    interval = [0.62, 0.78]             # a 95% interval (or: sd = 0.04)
    scale = "linear"                    # or "log" (odds ratios: distance on log odds)
    use = "calibration"                 # or "held_out" (docs/validation.md)
    note = "how the number maps to the model, and what could not be verified"

A target may carry its own `[targets.citation]`. Every error names the file,
the field, the value and what is allowed, and is raised before any run.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from experiments.spec import read_toml
from sim.errors import SpecError, shown
from sim.io import is_dir, is_file

BUILTIN = Path(__file__).parent / "targets"
ROOT = Path(__file__).resolve().parents[2]  # the project's root
USES = ("calibration", "held_out")
SCALES = ("linear", "log")
TARGET_KEYS = ("name", "shock", "strategy", "output", "observed", "interval", "sd", "scale",
               "use", "note", "citation")
CITATION_KEYS = ("authors", "year", "title", "journal", "locator", "url")
CITATION_REQUIRED = ("authors", "year", "title", "journal", "locator")
Z95 = 1.959964  # a 95% interval is observed +- Z95 sd (on the target's scale)


@dataclass(frozen=True)
class Target:
    """One published number, the model output it corresponds to, and its uncertainty."""

    name: str
    shock: str
    strategy: str
    output: str
    observed: float
    sd: float  # on the target's scale (log for scale = "log")
    interval: tuple[float, float]  # 95%, on the natural scale
    scale: str
    use: str
    citation: dict[str, Any]
    note: str = ""
    source: str = ""  # the file it came from
    extra: dict[str, Any] = field(default_factory=dict)

    def transform(self, x: float) -> float:
        """A value on the scale the distance uses (log for odds ratios)."""
        if self.scale == "log":
            return math.log(x) if x > 0 else -math.inf
        return x

    def z(self, simulated: float) -> float:
        """(simulated - observed) / sd on the target's scale; inf if not a number."""
        if simulated is None or not math.isfinite(simulated):
            return math.inf
        v = self.transform(simulated)
        if not math.isfinite(v):
            return math.inf
        return (v - self.transform(self.observed)) / self.sd

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the manifest."""
        return {"name": self.name, "shock": self.shock, "strategy": self.strategy,
                "output": self.output, "observed": self.observed, "sd": self.sd,
                "interval": list(self.interval), "scale": self.scale, "use": self.use,
                "note": self.note, "citation": dict(self.citation), "source": self.source}


def _err(src, where: str, msg: str) -> SpecError:
    return SpecError(f"{src}: {where}: {msg}")


def _hint(value: str, allowed) -> str:
    close = difflib.get_close_matches(str(value), list(allowed), n=2, cutoff=0.6)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def _citation(doc, src, where: str) -> dict[str, Any]:
    if not isinstance(doc, dict):
        raise _err(src, where, "must be a table with " + ", ".join(CITATION_REQUIRED))
    for k in doc:
        if k not in CITATION_KEYS:
            raise _err(src, f"{where}.{k}", f"unknown field{_hint(k, CITATION_KEYS)}; "
                                            f"allowed: {', '.join(CITATION_KEYS)}")
    for k in CITATION_REQUIRED:
        v = doc.get(k)
        if k == "year":
            if isinstance(v, bool) or not isinstance(v, int) or not 1800 <= v <= 2100:
                raise _err(src, f"{where}.year",
                           f"must be a year from 1800 to 2100, got {shown(v)}")
        elif not isinstance(v, str) or not v.strip():
            raise _err(src, f"{where}.{k}", f"is missing: every target needs its source "
                                            f"({', '.join(CITATION_REQUIRED)})")
    return dict(doc)


def _number(src, where, v) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise _err(src, where, f"must be a number, got {shown(v)}")
    return float(v)


def _shock_file(src, where: str, v: str) -> str:
    """The resolved path of a target's shock file (relative to the targets file's
    folder), checked as a shock: a past event that is not a built-in shock."""
    from scenarios.load import load_shock
    from sim.errors import GrassrootsError

    path = Path(v) if Path(v).is_absolute() else Path(str(src)).parent / v
    if not is_file(path):
        raise _err(src, where, f"{shown(v)}: no such shock file (a path is read relative to "
                               "the targets file's folder)")
    try:
        load_shock(path)
    except GrassrootsError as e:
        raise _err(src, where, f"{shown(v)}: {e}") from None
    path = path.resolve()
    # inside the project: recorded relative to its root (calibration.json, resume
    # checks), so a calibration folder still resumes from another clone or install
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def shock_path(shock: str) -> str:
    """A target's shock as `load_shock` takes it: a built-in name as it is, a shock
    file recorded relative to the project's root resolved against that root."""
    if shock.endswith(".toml") and not Path(shock).is_absolute():
        return str(ROOT / shock)
    return shock


def check_target(doc: dict, src, index: int, shared_citation: dict | None) -> Target:
    """Validate one `[[targets]]` table (see the module docstring)."""
    from experiments.calibration.outputs import OUTPUTS
    from scenarios import available

    where = f"targets[{index}]"
    if not isinstance(doc, dict):
        raise _err(src, where, "must be a table")
    for k in doc:
        if k not in TARGET_KEYS:
            raise _err(src, f"{where}.{k}", f"unknown field{_hint(k, TARGET_KEYS)}; "
                                            f"allowed: {', '.join(TARGET_KEYS)}")
    name = doc.get("name")
    if not isinstance(name, str) or not name.isidentifier():
        raise _err(src, f"{where}.name", f"must be a name of letters, digits and _, got {name!r}")
    where = f"targets[{index}] ({name})"
    for k in ("shock", "strategy"):
        v = doc.get(k)
        allowed = available(k)
        if k == "shock":
            allowed = [s for s in allowed if s != "none"]
            if isinstance(v, str) and v.endswith(".toml"):  # an event that is not built in
                doc = {**doc, "shock": _shock_file(src, f"{where}.shock", v)}
                continue
        if not isinstance(v, str) or v not in allowed:
            raise _err(src, f"{where}.{k}", f"{shown(v)} is not a built-in {k}{_hint(v, allowed)}; "
                                            f"allowed: {', '.join(allowed)}")
    out = doc.get("output")
    if not isinstance(out, str) or out not in OUTPUTS:
        raise _err(src, f"{where}.output", f"unknown model output {out!r}{_hint(out, OUTPUTS)}; "
                                           f"allowed: {', '.join(OUTPUTS)}")
    spec = OUTPUTS[out]
    observed = _number(src, f"{where}.observed", doc.get("observed"))
    lo, hi = spec.range
    if not lo <= observed <= hi:
        raise _err(src, f"{where}.observed", f"{observed:g} is outside what {out} can be "
                                             f"({lo:g} to {hi:g})")
    scale = doc.get("scale", "linear")
    if not isinstance(scale, str) or scale not in SCALES:
        raise _err(src, f"{where}.scale", f"must be one of {', '.join(SCALES)}, got {scale!r}")
    if scale == "log" and observed <= 0:
        raise _err(src, f"{where}.observed", f"must be above 0 on the log scale, got {observed:g}")
    has_i, has_sd = "interval" in doc, "sd" in doc
    if has_i == has_sd:
        raise _err(src, where, "needs exactly one of interval = [low, high] (95%) or sd = number "
                               "(the observed value's uncertainty)")
    t = (lambda x: math.log(x)) if scale == "log" else (lambda x: x)
    if has_i:
        iv = doc["interval"]
        if not isinstance(iv, list) or len(iv) != 2:
            raise _err(src, f"{where}.interval", f"must be [low, high], got {shown(iv)}")
        a, b = (_number(src, f"{where}.interval", x) for x in iv)
        if not (lo <= a and b <= hi):
            raise _err(src, f"{where}.interval", f"{shown(iv)} goes outside what {out} can be "
                                                 f"({lo:g} to {hi:g})")
        if not a < observed < b or (scale == "log" and a <= 0):
            raise _err(src, f"{where}.interval", f"must be [low, high] with low < observed "
                                                 f"({observed:g}) < high"
                                                 f"{' and low > 0' if scale == 'log' else ''}, "
                                                 f"got {shown(iv)}")
        sd = max(t(observed) - t(a), t(b) - t(observed)) / Z95
        interval = (a, b)
    else:
        sd = _number(src, f"{where}.sd", doc["sd"])
        if sd <= 0:
            raise _err(src, f"{where}.sd", f"must be above 0, got {sd:g}")
        if scale == "log":
            interval = (observed * math.exp(-Z95 * sd), observed * math.exp(Z95 * sd))
        else:  # clipped to what the output can be (a share is never below 0)
            interval = (max(lo, observed - Z95 * sd), min(hi, observed + Z95 * sd))
    use = doc.get("use")
    if not isinstance(use, str) or use not in USES:
        raise _err(src, f"{where}.use", f"must be one of {', '.join(USES)}, got {use!r}")
    note = doc.get("note", "")
    if not isinstance(note, str):
        raise _err(src, f"{where}.note", f"must be text, got {note!r}")
    if "citation" in doc:
        citation = _citation(doc["citation"], src, f"{where}.citation")
    elif shared_citation is not None:
        citation = shared_citation
    else:
        raise _err(src, f"{where}.citation", "is missing: give the file a [citation] table or "
                                             "the target its own (authors, year, title, "
                                             "journal, locator)")
    return Target(name=name, shock=doc["shock"], strategy=doc["strategy"], output=out,
                  observed=observed, sd=float(sd), interval=interval, scale=scale, use=use,
                  citation=citation, note=note, source=str(src))


def load_file(path: str | Path) -> list[Target]:
    """The targets of one TOML file, validated."""
    p = Path(path)
    if is_dir(p):
        raise SpecError(f"target file {shown(str(p), 200)} is a folder")
    if not is_file(p):
        raise SpecError(f"target file {shown(str(p), 200)} does not exist")
    doc = read_toml(p, "calibration target file")
    for k in doc:
        if k not in ("citation", "targets"):
            raise _err(p, k, f"unknown top-level field{_hint(k, ('citation', 'targets'))}; "
                             "allowed: citation, targets")
    shared = _citation(doc["citation"], p, "citation") if "citation" in doc else None
    items = doc.get("targets")
    if not isinstance(items, list) or not items:
        raise _err(p, "targets", "needs at least one [[targets]] table")
    return [check_target(d, p, i, shared) for i, d in enumerate(items)]


def load_targets(paths=None) -> list[Target]:
    """Targets of files or folders (default: every built-in file), names unique."""
    if not paths:
        paths = [BUILTIN]
    files: list[Path] = []
    for p in map(Path, paths):
        if is_dir(p):
            files += sorted(p.glob("*.toml"))
        elif not (is_file(p) or is_dir(p)) and not p.suffix and is_file(BUILTIN / f"{p}.toml"):
            files.append(BUILTIN / f"{p}.toml")  # a built-in file by name
        else:
            files.append(p)
    if not files:
        raise SpecError(f"no target files (*.toml) in {', '.join(map(str, paths))}")
    out: list[Target] = []
    seen: dict[str, str] = {}
    for f in files:
        for t in load_file(f):
            if t.name in seen:
                raise SpecError(f"{f}: target name {t.name!r} is already used in {seen[t.name]}")
            seen[t.name] = str(f)
            out.append(t)
    return out
