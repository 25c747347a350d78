"""Node and edge attributes of network files, read the way networkx users expect.

Attribute names are matched without regard to case (`Age`, `AGE` and `age`
are one name); a name that means nothing here is used for nothing, with one
`InputWarning` per file listing such names (layout names such as x, y, label
and id excepted). Two attributes of one node that say different things about
the same household (`age = 20` with `elderly = yes`, or `Elderly` and
`elderly` disagreeing) are a `NetworkError`. Tie strengths are read from the
edge attribute `weight` in any case; an edge attribute with another name is
warned about, never silently taken as a weight.
"""

from __future__ import annotations

import re
import warnings

import numpy as np

from sim.errors import InputWarning, NetworkError, shown

# Node attribute (canonical name) -> names a file may use for it. Values are
# read as yes/no (true/false, 1/0, yes/no), except `age` (years: 60 or more
# is elderly), `age_group` ('60+', '60-69', 'elderly', 'senior' are elderly),
# `household_size` (1 is living alone) and `income` ('low' is low income).
NODE_ATTRIBUTES = {
    "elderly": ("elderly", "is_elderly", "age", "age_group"),
    "alone": ("alone", "lives_alone", "living_alone", "household_size"),
    "low_income": ("low_income", "is_low_income", "income"),
    "digital_access": ("digital_access", "has_digital_access", "digital", "smartphone"),
    "chronic": ("chronic", "chronic_illness", "has_chronic_illness"),
    "grid": ("grid",),
    "community": ("community",),
}
WEIGHT_NAMES = ("weight",)  # any case
# Names the file formats and drawing tools use for layout and identity: not household facts.
LAYOUT_NAMES = frozenset({"id", "label", "name", "x", "y", "z", "shape", "size", "color",
                          "viz", "pos", "key", "type"})
_ALIAS = {alias: canon for canon, names in NODE_ATTRIBUTES.items() for alias in names}
_WHOLE = re.compile(r"[+-]?[0-9]+", re.ASCII)
_FLOAT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
                    r"|[+-]?(?:inf|infinity|nan)", re.ASCII | re.IGNORECASE)
_YES = {"true", "yes", "1", "1.0", "y", "t"}
_NO = {"false", "no", "0", "0.0", "n", "f"}


def edge_weight(data: dict, where: str):
    """The weight an edge's attributes give (None: no weight attribute); an edge
    with two weight attributes differing only in case is refused."""
    found = [(k, v) for k, v in data.items() if str(k).lower() in WEIGHT_NAMES]
    if len(found) > 1 and len({str(v) for _, v in found}) > 1:
        raise NetworkError(f"{where}: {' and '.join(repr(k) for k, _ in found)} give different "
                           "weights; give the tie strength once, as 'weight'")
    return found[0][1] if found else None


def unused_edge_attributes(G) -> set[str]:
    """Edge attribute names that are not a weight or a layout name."""
    return {str(k) for _, _, d in G.edges(data=True) for k in d
            if str(k).lower() not in WEIGHT_NAMES and str(k).lower() not in LAYOUT_NAMES}


def node_attributes(G, index: dict, n: int, name: str) -> dict[str, np.ndarray]:
    """The household attributes the nodes give (NODE_ATTRIBUTES), NaN where absent.

    Names are matched in any case; two attributes of a node that give the same
    household fact different values are an error naming both; names that are
    neither household facts nor layout are listed in one InputWarning."""
    out: dict[str, np.ndarray] = {}
    unknown: set[str] = set()
    for v, data in G.nodes(data=True):
        where = f"node {shown(str(v))} of {name}"
        facts: dict[str, tuple[str, float]] = {}
        for key, value in data.items():
            low = str(key).strip().lower()
            canon = _ALIAS.get(low)
            if canon is None:
                if low not in LAYOUT_NAMES:
                    unknown.add(str(key))
                continue
            x = attribute_value(canon, low, value, where, shown_key=str(key))
            if canon in facts and facts[canon][1] != x:
                raise NetworkError(f"{facts[canon][0]} and {key} = {shown(value)} at {where} "
                                   f"disagree about whether the household is {canon}: "
                                   "give one of them, or values that agree")
            facts.setdefault(canon, (f"{key} = {shown(value)}", x))
        for canon, (_, x) in facts.items():
            out.setdefault(canon, np.full(n, np.nan))[index[v]] = x
    if unknown:
        known = sorted(_ALIAS)
        warnings.warn(f"{name}: node attribute(s) {', '.join(sorted(map(repr, unknown))[:8])} "
                      f"are not used (names are matched in any case; known: "
                      f"{', '.join(known)})", InputWarning, stacklevel=3)
    return out


def _whole(text: str) -> int | None:
    """A plain ASCII whole number of at most 18 digits, else None (never a
    ValueError for a 5,000-digit value)."""
    if _WHOLE.fullmatch(text) and len(text.lstrip("+-")) <= 18:
        return int(text)
    return None


def attribute_value(canon: str, key: str, value, where: str, shown_key: str | None = None
                    ) -> float:
    """One node attribute as a number: 1.0 yes / 0.0 no, or a grid/community id."""
    text = str(value).strip().lower()
    label = shown_key or key
    if canon in ("grid", "community"):
        v = _whole(text)
        if v is not None and v >= 0:
            return float(v)
        raise NetworkError(f"{label} = {shown(value)} at {where}: must be a whole number >= 0")
    if key == "age":
        if _FLOAT.fullmatch(text) and len(text) <= 30 and 0 <= float(text) < 150:
            return float(float(text) >= 60)
        raise NetworkError(f"{label} = {shown(value)} at {where}: must be years from 0 to 149")
    if key == "age_group":
        m = re.match(r"([0-9]{1,3})(?![0-9])", text, re.ASCII)
        if m:
            return float(int(m.group(1)) >= 60)
        if text in ("elderly", "senior", "old", "older"):
            return 1.0
        if text in ("young", "adult", "child", "working age", "non-elderly"):
            return 0.0
        raise NetworkError(f"{label} = {shown(value)} at {where}: allowed an age band "
                           "('60+', '30-44') or elderly/senior/old or young/adult")
    if key == "household_size":
        v = _whole(text)
        if v is not None and v >= 1:
            return float(v == 1)
        raise NetworkError(f"{label} = {shown(value)} at {where}: must be a whole "
                           "number >= 1")
    if key == "income" and text in ("low", "middle", "medium", "high"):
        return float(text == "low")
    if text in _YES:
        return 1.0
    if text in _NO:
        return 0.0
    allowed = "low, middle or high, or " if key == "income" else ""
    raise NetworkError(f"{label} = {shown(value)} at {where}: allowed {allowed}true/false, "
                       "yes/no or 1/0")


def check_pajek_weights(name: str) -> None:
    """networkx's Pajek reader drops a weight it cannot read (`0 1 x` becomes a tie of
    weight 1): every tie line's third field must be a number."""
    import shlex

    with open(name, encoding="utf-8", errors="replace") as fh:
        in_ties = False
        for no, line in enumerate(fh, start=1):
            text = line.strip()
            if text.startswith("*"):
                in_ties = text.lower().startswith(("*edges", "*arcs"))
                continue
            if not in_ties or not text:
                continue
            try:
                fields = shlex.split(text)
            except ValueError:
                fields = text.split()
            if len(fields) >= 3 and not _FLOAT.fullmatch(fields[2]):
                raise NetworkError(f"weight {shown(fields[2])} on line {no} of {name} is not "
                                   "a number: tie strength must be in (0, 1]")
