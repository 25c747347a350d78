"""Read shocks and strategies from TOML files into the engine's frozen inputs.

`load_shock(name_or_path)` and `load_strategy(name_or_path)` return
`sim.inputs.Shock` and `sim.inputs.Strategy`. A name is looked up in the
user folders (`GRASSROOTS_SCENARIOS`, several separated by the path
separator, then those given to `add_scenarios_dir`) and then among the
built-ins in this package; anything with a `/` or ending in `.toml` is a path.

Every value is validated: strategy values against the engine's parameter
metadata, shock events against `scenarios.schema`, each parent of an
`extends` chain against its own file. Any problem (an empty, non-UTF-8 or
malformed file included; a UTF-8 byte-order mark is accepted) raises one
`ScenarioError` naming the file, the key path and what is allowed; nothing
is returned from an invalid file. `load_file` is the one rule `grassroots
run`, `scenarios validate` and `scenarios show` share: a file is valid when
it loads as a shock or as a strategy.
"""

from __future__ import annotations

import os
from pathlib import Path

from scenarios.schema import check_shock_doc, check_strategy_doc, where
from sim.errors import ScenarioError, shown
from sim.inputs import Shock, Strategy, check_shock
from sim.io import is_dir, is_file
from sim.io import read_toml as sim_read_toml

BUILTIN = Path(__file__).parent
KINDS = {"shock": "shocks", "strategy": "strategies"}
_extra_dirs: list[Path] = []


def add_scenarios_dir(path: str | Path) -> None:
    """Also look for scenario names in `path` (with shocks/ and strategies/ inside,
    or the files directly)."""
    p = Path(path)
    if not is_dir(p):
        what = "is a file, not a folder" if is_file(p) else "does not exist"
        raise ScenarioError(f"scenarios folder {shown(str(p), 200)} {what}")
    if p not in _extra_dirs:
        _extra_dirs.append(p)


def search_dirs(kind: str) -> list[Path]:
    """Folders searched for names of `kind` ('shock' or 'strategy'), in order."""
    roots = [Path(d) for d in os.environ.get("GRASSROOTS_SCENARIOS", "").split(os.pathsep) if d]
    out = []
    for root in roots + _extra_dirs:
        out += [root / KINDS[kind], root]
    return out + [BUILTIN / KINDS[kind]]


def available(kind: str) -> dict[str, Path]:
    """Every name of `kind` that can be loaded, with its file (first found wins)."""
    found: dict[str, Path] = {}
    for d in search_dirs(kind):
        if d.is_dir():
            for f in sorted(d.glob("*.toml")):
                found.setdefault(f.stem, f)
    return found


def resolve(kind: str, name_or_path: str | Path) -> Path:
    """The file a name or path refers to; a clear error if there is none."""
    text = str(name_or_path)
    if "/" in text or os.sep in text or text.endswith(".toml"):
        p = Path(text)
        if not is_file(p):
            what = "is a folder, not a file" if is_dir(p) else "does not exist"
            raise ScenarioError(f"{kind} file {shown(text, 200)} {what}")
        return p
    names = available(kind)
    if text not in names:
        raise ScenarioError(f"unknown {kind} {shown(text)}; known: {', '.join(sorted(names))}")
    return names[text]


def read_toml(path: Path) -> dict:
    """Parse a TOML file; unreadable, malformed or empty files raise ScenarioError
    (`sim.io.read_toml`, the reader every user TOML file goes through).

    A UTF-8 byte-order mark (which some Windows editors write) is accepted."""
    return sim_read_toml(path, ScenarioError, "scenario file",
                         empty="a shock lists [[events]], a strategy has a [governance] table "
                               "(see `grassroots scenarios new`)",
                         depth="a scenario file needs at most 3 levels")


def _parent_file(kind: str, path: Path, name: str) -> Path:
    """The file that `extends = name` in `path` refers to: a bare name beside
    the file first, then among the known names; a path relative to the file."""
    if "/" in name:
        return resolve(kind, path.parent / name)
    return _parent_candidate(path, name) or resolve(kind, name)


def _parent_candidate(path: Path, name: str) -> Path | None:
    """The file beside `path` (or relative to it) that `extends = name` names, if any."""
    p = path.parent / name if "/" in name else path.parent / f"{name}.toml"
    return p if p.is_file() else None


def _resolved_doc(kind: str, path: Path, chain: tuple[Path, ...] = ()) -> dict:
    """The document with `extends` applied (parent first, child keys win).

    Each parent is validated on its own first, so a bad value in a parent is
    reported against the parent's file, not the child's."""
    key = path.resolve()
    if key in chain:
        names = " -> ".join(p.stem for p in chain + (key,))
        raise ScenarioError(f"{path}: 'extends' makes a cycle: {names}")
    doc = read_toml(path)
    parent_name = doc.get("extends")
    if parent_name is None:
        return doc
    if not isinstance(parent_name, str):
        raise ScenarioError(f"{where(path, 'extends')}: must be a {kind} name, got "
                            f"{shown(parent_name)}")
    try:
        parent_path = _parent_file(kind, path, parent_name)
    except ScenarioError as e:
        raise ScenarioError(f"{where(path, 'extends')}: {e}") from None
    parent = _resolved_doc(kind, parent_path, chain + (key,))
    CHECKS[kind](parent, parent_path)
    merged = dict(parent)
    for key, value in doc.items():
        if key in ("governance", "plausible") and isinstance(value, dict) \
                and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    merged.pop("extends", None)
    # a lever the child sets anew loses the parent's range unless the child states its own
    own = set(doc.get("governance", {}) or {}) if isinstance(doc.get("governance"), dict) else set()
    if isinstance(merged.get("plausible"), dict):
        stated = set(doc.get("plausible", {}) or {}) if isinstance(doc.get("plausible"),
                                                                  dict) else set()
        merged["plausible"] = {k: v for k, v in merged["plausible"].items()
                               if k in stated or k not in own}
    return merged


def load_shock(name_or_path: str | Path) -> Shock:
    """A validated `Shock` from a built-in name, a user name or a file path."""
    if isinstance(name_or_path, Shock):
        return name_or_path
    path = resolve("shock", name_or_path)
    return check_shock_doc(_resolved_doc("shock", path), path)


def load_strategy(name_or_path: str | Path) -> Strategy:
    """A validated `Strategy` from a built-in name, a user name or a file path."""
    if isinstance(name_or_path, Strategy):
        return name_or_path
    path = resolve("strategy", name_or_path)
    return check_strategy_doc(_resolved_doc("strategy", path), path)


def kind_of(path: Path, chain: tuple[Path, ...] = ()) -> str:
    """'shock' or 'strategy', from the file's keys (events / governance), else
    from the file it extends (beside it first, as loading looks, then by name)."""
    doc = read_toml(path)
    if "events" in doc:
        return "shock"
    if "governance" in doc:
        return "strategy"
    parent = doc.get("extends")
    if isinstance(parent, str):
        beside = _parent_candidate(path, parent)
        if beside is not None and beside.resolve() not in chain:
            return kind_of(beside, chain + (path.resolve(),))
        kinds = [k for k in KINDS if parent in available(k)]
        if len(kinds) == 1:
            return kinds[0]
    raise ScenarioError(f"{path}: cannot tell whether this is a shock (needs [[events]]) or a "
                        "strategy (needs [governance])")


def load_file(path: str | Path) -> tuple[str, Shock | Strategy]:
    """(kind, object) of any scenario file: the one rule `run`, `scenarios
    validate` and `scenarios show` share. A file is valid exactly when it
    loads as a shock or as a strategy (which `grassroots run` does with it)."""
    p = Path(path)
    if not is_file(p):
        what = "is a folder, not a file" if is_dir(p) else "does not exist"
        raise ScenarioError(f"file {shown(str(path), 200)} {what}")
    if "/" not in str(p) and p.suffix != ".toml":
        p = p.resolve()  # so that it is read as a path, never looked up as a name
    errors: dict[str, ScenarioError] = {}
    for kind, load in (("shock", load_shock), ("strategy", load_strategy)):
        try:
            return kind, load(p)
        except ScenarioError as e:
            errors[kind] = e
    raise errors[kind_of(p)]  # the error of the kind the file looks like (or why not)


def validate_file(path: str | Path, horizon: int | None = None,
                  n_households: int | None = None, district: str | Path | None = None
                  ) -> Shock | Strategy:
    """Load any scenario file; a shock is also checked against a run of `horizon`
    days and, if given, a city of `n_households` (default layout) or a district
    map (its grids and attributes) by `sim.inputs.check_shock`. Returns the
    object; warnings are issued as `ShockWarning`."""
    kind, obj = load_file(path)
    if kind == "shock" and district is not None:
        from sim.district import read_district
        from sim.errors import GrassrootsError
        from sim.params import Params

        days = horizon if horizon is not None else Params().run.days
        try:
            d = read_district(district)
            check_shock(obj, days, d.community, d.n_households, d)
        except GrassrootsError as e:
            raise ScenarioError(f"{path}: {e}") from None
        return obj
    if kind == "shock" and (horizon is not None or n_households is not None):
        from sim.params import Params
        from sim.population import grid_communities

        days = horizon if horizon is not None else Params().run.days
        community = None
        if n_households is not None:
            pop = Params().with_overrides({"population.n_households": n_households}).population
            community = grid_communities(pop)
        try:
            check_shock(obj, days, community, n_households)
        except ScenarioError as e:
            raise ScenarioError(f"{path}: {e}") from None
    return obj


def provenance(kind: str, name_or_path: str | Path) -> tuple[object, list[str], dict[str, str]]:
    """(object, inheritance chain, {value name: where it comes from}).

    For a strategy, each governance value's source is the file in the
    `extends` chain that set it last, or 'default'. For a shock, events come
    from the nearest file in the chain that lists them."""
    path = resolve(kind, name_or_path)
    obj = load_shock(path) if kind == "shock" else load_strategy(path)
    chain, sources = [], {}
    p: Path | None = path
    while p is not None:
        doc = read_toml(p)
        chain.append(p.stem)
        key = "governance" if kind == "strategy" else "events"
        if kind == "strategy":
            for k in doc.get("governance", {}):
                sources.setdefault(k, str(p))
        elif key in doc:
            sources.setdefault("events", str(p))
        parent = doc.get("extends")
        p = _parent_file(kind, p, parent) if isinstance(parent, str) else None
    return obj, chain, sources


CHECKS = {"shock": check_shock_doc, "strategy": check_strategy_doc}
