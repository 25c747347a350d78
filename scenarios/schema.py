"""The shape of shock and strategy files, and their validation.

A shock file: `name`, `description`, optional `extends`, and `[[events]]`,
each with the keys of `EVENT_KEYS`. A strategy file: `name`, `description`,
optional `extends`, and a `[governance]` table of parameter values (checked
against `sim.params`). Checks return the engine's frozen objects or raise
`ScenarioError` with the file, the key path and what is allowed.
"""

from __future__ import annotations

import difflib
import math
import numbers
from pathlib import Path
from typing import Any

from sim.errors import ParameterError, ScenarioError, shown
from sim.inputs import EVENT_KINDS, Event, GridSelector, Shock, Strategy, check_shock, parse_where
from sim.params import SPECS

MAX_DAY = 3650

SHOCK_KEYS = {"name": "text", "description": "text", "extends": "shock name",
              "events": "list of [[events]] tables"}
STRATEGY_KEYS = {"name": "text", "description": "text", "extends": "strategy name",
                 "governance": "table of governance parameters",
                 "plausible": "table of lever = { low, high, source }: how far the real "
                              "magnitude of a numeric lever may be from its stated value"}
# key: (type, lo, hi, meaning)
EVENT_KEYS: dict[str, tuple[str, float | None, float | None, str]] = {
    "kind": ("kind", None, None, "what happens: " + ", ".join(EVENT_KINDS)),
    "start": ("int", 0, MAX_DAY, "first day of the event"),
    "days": ("int", 1, MAX_DAY, "how many days it lasts"),
    "grids": ("grids", None, None, "which grids: all, lowest_share, grids, communities, or on "
              "a district map: where, lowest with share, polygons"),
    "intensity": ("float", 0.0, 1.0, "how hard it hits, 0-1"),
    "lead_days": ("int", 0, 60, "days before start that a forecast exists"),
    "recovery_days": ("int", 0, MAX_DAY, "days to return linearly to normal after it"),
    "hazard": ("float", 0.0, 1.0, "hazard intensity while it lasts (overrides the kind)"),
    "heat": ("float", 0.0, 1.0, "heat intensity while it lasts"),
    "supply": ("float", 0.0, 1.0, "supply access while it lasts (1 normal)"),
    "power": ("float", 0.0, 1.0, "power availability while it lasts (1 normal)"),
    "telecom": ("float", 0.0, 1.0, "telecom availability while it lasts (1 normal)"),
    "platform": ("float", 0.0, 1.0, "platform up while it lasts (1 normal), city-wide"),
    "income": ("float", 0.0, 1.0, "low-income restocking multiplier while it lasts"),
    "closure": ("float", 0.0, 1.0, "stay-at-home order while it lasts (0 none, 1 shops shut "
                                   "to walk-in buyers)"),
}
GRID_KEYS = {"all": "true", "lowest_share": "a share 0-1 of grids, lowest first",
             "grids": "list of grid ids", "communities": "list of community ids",
             "where": "a condition on a district map's attributes, e.g. \"flood_zone == 1\"",
             "lowest": "a district map attribute: its lowest `share` of grids",
             "share": "a share 0-1 of grids (with lowest)",
             "polygons": "a polygon file: the district's grids whose centre lies inside"}


def where(path: Path | str, key: str) -> str:
    """'file: key' prefix of a message."""
    return f"{path}: {key}"


def _close(value: str, allowed) -> str:
    """' (did you mean x?)' for a short typo of an allowed key, else ''."""
    if not isinstance(value, str) or len(value) > 100:
        return ""
    close = difflib.get_close_matches(value, allowed, n=2)
    return f" (did you mean {' or '.join(close)}?)" if close else ""


def _key(key: str) -> str:
    """A key as typed, or its cut-down repr if it is very long."""
    return key if len(key) <= 40 else shown(key, 40)


def _unknown(path, prefix: str, doc: dict, allowed: dict) -> None:
    for key in doc:
        if key not in allowed:
            raise ScenarioError(f"{where(path, prefix + _key(key))}: unknown key"
                                f"{_close(key, allowed)}; allowed: " + ", ".join(allowed))


def _text(path, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ScenarioError(f"{where(path, key)}: must be text, got {shown(value)}")
    return value


def _number(path, key: str, value: Any, typ: str, lo, hi):
    """`value` as an int or float within [lo, hi]; never converts before the range
    check, so 1e308 or a 401-digit number gives a message, not an OverflowError."""
    whole = "a whole number" if typ == "int" else "a number"
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value != value:
        raise ScenarioError(f"{where(path, key)}: must be {whole} from {lo} to {hi}, "
                            f"got {shown(value)}")
    if (typ == "int" and isinstance(value, float) and math.isfinite(value)
            and not value.is_integer()):
        raise ScenarioError(f"{where(path, key)}: must be a whole number from {lo} to {hi}, "
                            f"got {shown(value)}")
    if value < lo or value > hi:
        raise ScenarioError(f"{where(path, key)}: {shown(value)} is out of range; "
                            f"allowed: {lo} to {hi}")
    return int(value) if typ == "int" else float(value)


def _grids(path, key: str, value: Any) -> GridSelector:
    if not isinstance(value, dict) or not value:
        raise ScenarioError(f"{where(path, key)}: must be a table with one of "
                            + ", ".join(GRID_KEYS) + f"; got {shown(value)}")
    _unknown(path, key + ".", value, GRID_KEYS)
    kw: dict[str, Any] = {}
    if "all" in value:
        if value["all"] is not True:
            raise ScenarioError(f"{where(path, key + '.all')}: must be true")
        kw["all"] = True
    if "lowest_share" in value:
        kw["lowest_share"] = _number(path, key + ".lowest_share", value["lowest_share"],
                                     "float", 0.0, 1.0)
    for k in ("grids", "communities"):
        if k in value:
            ids = value[k]
            if not isinstance(ids, list) or not ids:
                raise ScenarioError(f"{where(path, f'{key}.{k}')}: must be a non-empty list of "
                                    f"ids, got {shown(ids)}")
            kw[k] = tuple(_number(path, f"{key}.{k}[{j}]", x, "int", 0, 10**9)
                          for j, x in enumerate(ids))
    if "where" in value:
        text = value["where"]
        if not isinstance(text, str):
            raise ScenarioError(f"{where(path, key + '.where')}: must be a condition in quotes, "
                                f"e.g. \"flood_zone == 1\"; got {shown(text)}")
        try:
            parse_where(text)
        except ScenarioError as e:
            raise ScenarioError(f"{where(path, key + '.where')}: {e}") from None
        kw["where"] = text
    if "lowest" in value and not isinstance(value["lowest"], str):
        raise ScenarioError(f"{where(path, key + '.lowest')}: must name a district map "
                            f"attribute (with share), got {shown(value['lowest'])}; for the "
                            "lowest share of grids by elevation, did you mean lowest_share?")
    if ("lowest" in value) != ("share" in value):
        missing = "share" if "lowest" in value else "lowest"
        raise ScenarioError(f"{where(path, key + '.' + missing)}: missing; lowest and share go "
                            "together: { lowest = \"elevation\", share = 0.2 } chooses the 20% "
                            "of grids lowest in that map attribute")
    if "lowest" in value:
        if not isinstance(value["lowest"], str) or not value["lowest"]:
            raise ScenarioError(f"{where(path, key + '.lowest')}: must name a map attribute, "
                                f"got {shown(value['lowest'])}")
        kw["lowest"] = value["lowest"]
        kw["share"] = _number(path, key + ".share", value["share"], "float", 0.0, 1.0)
    if "polygons" in value:
        poly = value["polygons"]
        if not isinstance(poly, str) or not poly:
            raise ScenarioError(f"{where(path, key + '.polygons')}: must be a map file of "
                                f"polygons (relative to this file), got {shown(poly)}")
        full = Path(str(path)).parent / poly
        if not full.is_file():
            raise ScenarioError(f"{where(path, key + '.polygons')}: {shown(poly, 200)} does not "
                                f"exist (looked for {shown(str(full), 200)})")
        kw["polygons"] = str(full.resolve())
    return GridSelector(**kw)


def check_event(path, i: int, ev: Any) -> Event:
    """One [[events]] table -> Event."""
    key = f"events[{i}]"
    if not isinstance(ev, dict):
        raise ScenarioError(f"{where(path, key)}: must be a table, got {shown(ev)}")
    _unknown(path, key + ".", ev, EVENT_KEYS)
    for required in ("kind", "start", "days"):
        if required not in ev:
            raise ScenarioError(f"{where(path, f'{key}.{required}')}: missing "
                                f"({EVENT_KEYS[required][3]})")
    kw: dict[str, Any] = {}
    for k, value in ev.items():
        typ, lo, hi, _ = EVENT_KEYS[k]
        if typ == "kind":
            if not isinstance(value, str) or value not in EVENT_KINDS:
                raise ScenarioError(f"{where(path, f'{key}.kind')}: unknown event kind "
                                    f"{shown(value)}{_close(value, EVENT_KINDS)}; allowed: "
                                    f"{', '.join(EVENT_KINDS)}")
            kw[k] = value
        elif typ == "grids":
            kw[k] = _grids(path, f"{key}.grids", value)
        else:
            kw[k] = _number(path, f"{key}.{k}", value, typ, lo, hi)
    return Event(**kw)


def check_shock_doc(doc: dict, path, horizon: int | None = None) -> Shock:
    """A whole shock document -> Shock (at least one event; with `horizon`, every
    event checked against a run of that many days by `sim.inputs.check_shock`)."""
    if "governance" in doc and "events" not in doc:
        raise ScenarioError(f"{path}: this is a strategy file (it has [governance]), not a "
                            "shock: give it as the strategy (--strategy)")
    _unknown(path, "", doc, SHOCK_KEYS)
    name = _text(path, "name", doc.get("name", Path(str(path)).stem))
    description = _text(path, "description", doc.get("description", ""))
    if "events" not in doc:
        raise ScenarioError(f"{where(path, 'events')}: missing; a shock file lists at least "
                            "one [[events]] table (for no shock, use the name 'none')")
    events = doc["events"]
    if not isinstance(events, list) or not events:
        raise ScenarioError(f"{where(path, 'events')}: must be a non-empty list of [[events]] "
                            f"tables, got {shown(events)} (for no shock, use the name 'none')")
    shock = Shock(name, tuple(check_event(path, i, e) for i, e in enumerate(events)),
                  description)
    if horizon is not None:
        try:
            check_shock(shock, horizon)
        except ScenarioError as e:
            raise ScenarioError(f"{path}: {e}") from None
    return shock


def check_strategy_doc(doc: dict, path) -> Strategy:
    """A whole strategy document -> Strategy (values checked against sim.params)."""
    if "events" in doc and "governance" not in doc:
        raise ScenarioError(f"{path}: this is a shock file (it has [[events]]), not a "
                            "strategy: give it as the shock (--shock)")
    _unknown(path, "", doc, STRATEGY_KEYS)
    name = _text(path, "name", doc.get("name", Path(str(path)).stem))
    description = _text(path, "description", doc.get("description", ""))
    if "governance" not in doc:
        raise ScenarioError(f"{where(path, 'governance')}: missing; a strategy file has a "
                            "[governance] table (empty keeps every default) or extends one "
                            "that has")
    gov = doc["governance"]
    if not isinstance(gov, dict):
        raise ScenarioError(f"{where(path, 'governance')}: must be a table of parameters")
    allowed = {k.split(".", 1)[1]: k for k in SPECS if k.startswith("governance.")}
    values = []
    for key, value in gov.items():
        if key not in allowed:
            raise ScenarioError(f"{where(path, 'governance.' + _key(key))}: unknown "
                                f"parameter{_close(key, allowed)}; allowed: "
                                f"{', '.join(allowed)}")
        try:
            values.append((allowed[key], SPECS[allowed[key]].check(value)))
        except ParameterError as e:
            raise ScenarioError(f"{where(path, 'governance.' + key)}: {e}") from None
    plausible = _plausible(path, doc.get("plausible", {}), dict(values))
    return Strategy(name, tuple(values), description, plausible)


def _plausible(path, doc: Any, values: dict) -> tuple[tuple[str, float, float, str], ...]:
    """The strategy's `[plausible]` table -> ((dotted lever, low, high, source), ...).

    Each entry is a numeric lever the strategy sets (or inherits), with a range
    inside the lever's bounds that holds the strategy's value, and a non-empty
    source or reasoning. The robustness worlds draw the lever's real magnitude
    from it (docs/robustness.md)."""
    from sim.params import LEVERS

    if not isinstance(doc, dict):
        raise ScenarioError(f"{where(path, 'plausible')}: must be a table of "
                            "lever = { low = .., high = .., source = \"..\" }")
    out = []
    for key, entry in doc.items():
        here = where(path, "plausible." + _key(key))
        name = f"governance.{key}"
        if key not in LEVERS or SPECS[name].type not in (int, float):
            numeric = [lv for lv in LEVERS if SPECS[f"governance.{lv}"].type in (int, float)]
            raise ScenarioError(f"{here}: not a numeric lever{_close(key, numeric)}; allowed: "
                                f"{', '.join(numeric)}")
        if not isinstance(entry, dict) or set(entry) != {"low", "high", "source"}:
            raise ScenarioError(f"{here}: must be {{ low = .., high = .., source = \"..\" }}, "
                                f"got {shown(entry)}")
        spec = SPECS[name]
        try:
            lo, hi = spec.check(entry["low"]), spec.check(entry["high"])
        except ParameterError as e:
            raise ScenarioError(f"{here}: {e}") from None
        value = values.get(name, spec.default)
        if not lo <= value <= hi or not lo < hi:
            raise ScenarioError(f"{here}: the range [{lo:g}, {hi:g}] must have low < high and "
                                f"hold the strategy's value {value:g}")
        source = entry["source"]
        if not isinstance(source, str) or not source.strip():
            raise ScenarioError(f"{here}.source: must say where the range comes from "
                                "(a source or the reasoning)")
        out.append((name, float(lo), float(hi), source.strip()))
    return tuple(out)
