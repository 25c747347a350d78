"""Write shocks and strategies as TOML, describe them, and give their JSON Schemas.

`to_toml` writes the resolved object (inheritance applied), so that
`load(to_toml(obj))` gives back an equal object. `template` writes a commented
starting file for `grassroots scenarios new`. `json_schema` describes each file
kind for editors.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from scenarios.schema import EVENT_KEYS, GRID_KEYS, SHOCK_KEYS, STRATEGY_KEYS
from sim.errors import ScenarioError
from sim.inputs import EVENT_KINDS, Event, GridSelector, Shock, Strategy
from sim.params import SPECS


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return str(v)


def _grids(g: GridSelector) -> str:
    parts = []
    if g.all:
        parts.append("all = true")
    if g.lowest_share is not None:
        parts.append(f"lowest_share = {_value(g.lowest_share)}")
    if g.grids:
        parts.append(f"grids = {_value(list(g.grids))}")
    if g.communities:
        parts.append(f"communities = {_value(list(g.communities))}")
    if g.where:
        parts.append(f"where = {_value(g.where)}")
    if g.lowest:
        parts.append(f"lowest = {_value(g.lowest)}, share = {_value(g.share)}")
    if g.polygons:
        parts.append(f"polygons = {_value(g.polygons)}")
    return "{ " + ", ".join(parts) + " }"


def to_toml(obj: Shock | Strategy, inherits: list[str] | None = None) -> str:
    """The object as a TOML document (all values resolved)."""
    lines = []
    if inherits:
        lines.append(f"# resolved; inherits from: {' -> '.join(inherits)}")
    lines += [f"name = {_value(obj.name)}", f"description = {_value(obj.description)}"]
    if isinstance(obj, Strategy):
        lines += ["", "[governance]"]
        for name, value in obj.values:
            lines.append(f"{name.split('.', 1)[1]} = {_value(value)}")
        if obj.plausible:
            lines += ["", "[plausible]"]
            for name, lo, hi, src in obj.plausible:
                lines.append(f"{name.split('.', 1)[1]} = {{ low = {_value(lo)}, high = "
                             f"{_value(hi)}, source = {_value(src)} }}")
        return "\n".join(lines) + "\n"
    defaults = Event(kind="flood", start=0, days=1)
    for ev in obj.events:
        lines += ["", "[[events]]"]
        for f in fields(Event):
            v = getattr(ev, f.name)
            if f.name in ("kind", "start", "days"):
                lines.append(f"{f.name} = {_value(v)}")
            elif f.name == "grids":
                lines.append(f"grids = {_grids(v)}")
            elif v is not None and v != getattr(defaults, f.name):
                lines.append(f"{f.name} = {_value(v)}")
    return "\n".join(lines) + "\n"


def template(kind: str, name: str) -> str:
    """A commented starting file for a new shock or strategy."""
    if kind == "shock":
        return f'''# A shock: a list of events. Check it with `grassroots scenarios validate FILE`.
name = "{name}"
description = "One line saying what happens."
# extends = "flood"          # optional: start from another shock's events

[[events]]
kind = "flood"               # one of: {", ".join(EVENT_KINDS)}
start = 10                   # first day (day 0 is the first day of the run)
days = 5                     # how long it lasts
grids = {{ lowest_share = 0.2 }}  # or {{ all = true }}, {{ grids = [0, 1] }},
                             #    {{ communities = [0] }}
intensity = 0.7              # 0-1: how hard it hits
lead_days = 2                # a forecast exists this many days before start
recovery_days = 5            # days to return linearly to normal afterwards
# supply = 0.3               # optional overrides while it lasts, each 0-1:
# power = 0.0                #   hazard, heat, supply, power, telecom, platform, income
'''
    if kind == "strategy":
        gov = [k for k in SPECS if k.startswith("governance.")]
        body = "\n".join(f"# {k.split('.', 1)[1]} = {_value(SPECS[k].default)}"
                         f"    # {SPECS[k].help}; {SPECS[k].allowed()}" for k in gov)
        return f'''# A strategy: governance parameter values. Unset values keep their defaults
# (or the values of the strategy it extends). Check it with
# `grassroots scenarios validate FILE`.
name = "{name}"
description = "One line saying what this strategy does."
extends = "status_quo"

[governance]
{body}
'''
    raise ScenarioError(f"kind {kind!r} is unknown; allowed: shock, strategy")


def json_schema(kind: str) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for a shock or strategy file."""
    base = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "additionalProperties": False}
    if kind == "strategy":
        props = {}
        for k, s in SPECS.items():
            if not k.startswith("governance."):
                continue
            p: dict[str, Any] = {"description": s.help}
            if s.type is bool:
                p["type"] = "boolean"
            else:
                p["type"] = "integer" if s.type is int else "number"
                p["minimum"], p["maximum"] = s.lo, s.hi
            props[k.split(".", 1)[1]] = p
        return {**base, "title": "Grassroots Resilience Simulator strategy",
                "properties": {"name": {"type": "string"}, "description": {"type": "string"},
                               "extends": {"type": "string"},
                               "governance": {"type": "object", "additionalProperties": False,
                                              "properties": props},
                               "plausible": {"type": "object", "additionalProperties": {
                                   "type": "object", "additionalProperties": False,
                                   "required": ["low", "high", "source"],
                                   "properties": {"low": {"type": "number"},
                                                  "high": {"type": "number"},
                                                  "source": {"type": "string"}}}}},
                "x-keys": STRATEGY_KEYS}
    if kind == "shock":
        ev: dict[str, Any] = {}
        for k, (typ, lo, hi, meaning) in EVENT_KEYS.items():
            if typ == "kind":
                ev[k] = {"enum": list(EVENT_KINDS), "description": meaning}
            elif typ == "grids":
                ev[k] = {"type": "object", "additionalProperties": False, "description": meaning,
                         "properties": {
                             "all": {"const": True},
                             "lowest_share": {"type": "number", "minimum": 0, "maximum": 1},
                             "grids": {"type": "array", "items": {"type": "integer",
                                                                  "minimum": 0}},
                             "communities": {"type": "array", "items": {"type": "integer",
                                                                        "minimum": 0}},
                             "where": {"type": "string"}, "lowest": {"type": "string"},
                             "share": {"type": "number", "minimum": 0, "maximum": 1},
                             "polygons": {"type": "string"}}}
            else:
                ev[k] = {"type": "integer" if typ == "int" else "number", "minimum": lo,
                         "maximum": hi, "description": meaning}
        return {**base, "title": "Grassroots Resilience Simulator shock",
                "properties": {"name": {"type": "string"}, "description": {"type": "string"},
                               "extends": {"type": "string"},
                               "events": {"type": "array", "items": {
                                   "type": "object", "additionalProperties": False,
                                   "required": ["kind", "start", "days"], "properties": ev}}},
                "x-keys": SHOCK_KEYS, "x-grid-keys": GRID_KEYS}
    raise ScenarioError(f"kind {kind!r} is unknown; allowed: shock, strategy")
