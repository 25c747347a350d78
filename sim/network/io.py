"""Networks from files: CSV edge lists and the formats networkx reads.

`read_network(path, n, ...)` reads a CSV edge list (comma, tab, semicolon or
space separated; the separator is detected from the first tie) or, through
networkx's own readers, GraphML, GEXF, GML, Pajek or an adjacency list, the
format chosen by `network.format` or the file's extension. Node ids are
either household numbers 0..n-1 (`node_ids = "index"`) or any labels
(`"label"`), mapped to households 0, 1, ... in the order the file first
names them; `"auto"` takes numbers when every id is plain digits and labels
when none is. Weights must be tie strengths in (0, 1] unless
`weight_scale = "max"` divides them by the largest. Node attributes that
describe households (`NODE_ATTRIBUTES`) are kept on the network for
`sim.population.apply_node_attributes`.

Every problem raises one `NetworkError` naming the file, the line or node
and what is allowed.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import networkx as nx
import numpy as np

from sim.errors import NetworkError, shown
from sim.network.csr import Network, from_edges

FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".edges": "csv",
           ".graphml": "graphml", ".gexf": "gexf", ".gml": "gml", ".net": "pajek",
           ".paj": "pajek", ".adjlist": "adjlist"}
SEPARATORS = {",": "commas", "\t": "tabs", ";": "semicolons", None: "spaces"}

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
_WHOLE = re.compile(r"[+-]?[0-9]+", re.ASCII)
_FLOAT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
                    r"|[+-]?(?:inf|infinity|nan)", re.ASCII | re.IGNORECASE)
_YES = {"true", "yes", "1", "1.0", "y", "t"}
_NO = {"false", "no", "0", "0.0", "n", "f"}


def file_format(path, fmt: str = "auto") -> str:
    """The format of `path`: `fmt` itself, or (for "auto") the one its extension names."""
    if fmt != "auto":
        return fmt
    ext = Path(os.fspath(path)).suffix.lower()
    if ext not in FORMATS:
        raise NetworkError(f"cannot tell the format of network file {shown(os.fspath(path))} "
                           f"from its extension {ext or '(none)'!r}: use one of "
                           f"{', '.join(FORMATS)} or set network.format")
    return FORMATS[ext]


def read_network(path, n: int, fmt: str = "auto", node_ids: str = "auto",
                 weight_scale: str = "none") -> Network:
    """Read the network in `path` for a city of `n` households.

    Args:
        path: The file.
        n: Number of households; the file may name fewer nodes (the others
            have no ties), never more.
        fmt: "auto" (by extension), "csv", "graphml", "gexf", "gml", "pajek"
            or "adjlist".
        node_ids: "index", "label" or "auto" (see the module docstring).
        weight_scale: "none" (weights are strengths in (0, 1]) or "max".

    Raises:
        NetworkError: On any problem, naming the file and what is allowed.
    """
    fmt = file_format(path, fmt)
    if fmt == "csv":
        return read_edge_list(path, n, node_ids, weight_scale)
    return _read_with_networkx(path, n, fmt, node_ids, weight_scale)


# --------------------------------------------------------------------------
# CSV edge lists


def _split(text: str, sep: str | None) -> list[str]:
    return [f.strip() for f in (text.split(sep) if sep else text.split())]


def _detect_separator(text: str) -> str | None:
    for sep in (",", "\t", ";"):
        if sep in text:
            return sep
    return None


def read_edge_list(path, n: int, node_ids: str = "auto", weight_scale: str = "none") -> Network:
    """Read a network from a CSV edge list, validating every line.

    Format: one tie per line, `source,target` or `source,target,weight`;
    the separator (comma, tab, semicolon, or spaces) is the first of these
    found on the first line and holds for the whole file. An optional first
    line `source,target[,weight]` (any case; `from,to` too) is a header.
    Blank lines and lines starting with '#' are skipped. Every line has as
    many columns as the header, or as the first tie if there is none. Ids
    and weights are as `read_network` describes; a tie given twice, in
    either direction, is an error.

    Raises:
        NetworkError: On the first problem in the file, naming the file, the
            line (1-based) and what is allowed.
    """
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8-sig") as fh:
            lines = fh.read().splitlines()
    except FileNotFoundError:
        raise NetworkError(f"edge list file {name!r} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise NetworkError(f"cannot read edge list file {name!r}: {exc}") from None

    rows: list[tuple[int, list[str]]] = []  # (line number, fields) of every tie
    n_cols, sep = 0, None
    error = None  # (line number, message) of a column-count problem
    for no, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        if n_cols == 0:
            sep = _detect_separator(text)
        fields = _split(text, sep)
        where = f"on line {no} of {name}"
        if n_cols == 0 and not rows and [f.lower() for f in fields[:2]] in (
                ["source", "target"], ["from", "to"]) and len(fields) in (2, 3) and (
                len(fields) == 2 or fields[2].lower() == "weight"):
            n_cols = len(fields)
            continue
        if n_cols == 0:
            if len(fields) not in (2, 3):
                error = (no, f"{len(fields)} columns {where}: expected source,target[,weight] "
                             "separated by commas, tabs, semicolons or spaces (this file "
                             f"reads as separated by {SEPARATORS[sep]})")
                break
            n_cols = len(fields)
        if len(fields) != n_cols:
            error = (no, f"{len(fields)} columns {where}: expected {n_cols} "
                         f"({','.join(['source', 'target', 'weight'][:n_cols])}) separated by "
                         f"{SEPARATORS[sep]} like the lines before it")
            break
        rows.append((no, fields))

    tokens = [f for _, fields in rows for f in fields[:2]]
    mode = _id_mode(node_ids, tokens, name)
    ids: dict[str, int] = {}
    src: list[int] = []
    dst: list[int] = []
    wts: list[float] = []
    line_no: list[int] = []
    for no, fields in rows:
        where = f"on line {no} of {name}"
        try:
            a, b = (_node(f, mode, ids, n, where) for f in fields[:2])
            if a == b:
                raise NetworkError(f"self-loop {shown(fields[0])},{shown(fields[1])} {where}: "
                                   "a household cannot be tied to itself")
            if n_cols == 3:
                wts.append(_weight(fields[2], where, weight_scale))
        except NetworkError as e:
            error = (no, str(e))
            break
        src.append(a)
        dst.append(b)
        line_no.append(no)

    _check_duplicates(src, dst, line_no, name, n)
    if error is not None:
        raise NetworkError(error[1])
    if not src:
        raise NetworkError(f"edge list file {name!r} has no ties: expected lines "
                           "source,target[,weight]")
    w = np.array(wts) if n_cols == 3 else None
    return _network(n, src, dst, w, weight_scale, mode, ids, {}, name)


def _id_mode(node_ids: str, tokens: list[str], name: str) -> str:
    """'index' or 'label' for the ids in `tokens` (see `read_network`)."""
    if node_ids in ("index", "label"):
        return node_ids
    if all(_WHOLE.fullmatch(t) for t in tokens):
        return "index"
    if not any(_WHOLE.fullmatch(t) or _looks_numeric(t) for t in tokens):
        return "label"
    return "index"  # a mix: each non-number is reported as such, with the hint


def _looks_numeric(text: str) -> bool:
    """True for text Python reads as a number though it is not plain ASCII digits
    ('1_0', '١٢', '2.5')."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _node(text: str, mode: str, ids: dict[str, int], n: int, where: str) -> int:
    if mode == "label":
        if text not in ids:
            if len(ids) >= n:
                raise NetworkError(f"node {shown(text)} {where} is node {len(ids) + 1:,} of the "
                                   f"file, but the city has only {n:,} households: set "
                                   "population.n_households (--households) to the number of "
                                   "nodes or more")
            ids[text] = len(ids)
        return ids[text]
    if not _WHOLE.fullmatch(text):
        raise NetworkError(f"household id {shown(text)} {where} is not a whole number in "
                           f"plain digits 0-9; ids run from 0 to "
                           f"{n - 1} (an optional header is 'source,target[,weight]'), or set "
                           "network.node_ids = 'label' to read every id as a label")
    v = int(text)
    if not 0 <= v < n:
        raise NetworkError(f"unknown household id {shown(v)} {where}: ids run from 0 to "
                           f"{n - 1} (or set network.node_ids = 'label' to read ids as labels)")
    return v


def _weight(text, where: str, weight_scale: str) -> float:
    if isinstance(text, str):
        if not _FLOAT.fullmatch(text):
            raise NetworkError(f"weight {shown(text)} {where} is not a number: "
                               "tie strength must be in (0, 1]")
        w = float(text)
    else:
        try:
            w = float(text)
        except (TypeError, ValueError, OverflowError):
            raise NetworkError(f"weight {shown(text)} {where} is not a number: "
                               "tie strength must be in (0, 1]") from None
    if math.isnan(w) or math.isinf(w):
        raise NetworkError(f"weight {shown(text)} {where}: "
                           "tie strength must be a finite number in (0, 1]")
    if w <= 0:
        raise NetworkError(f"weight {shown(text)} {where}: weights must be > 0 "
                           "(tie strength in (0, 1]; leave out a tie of strength 0)")
    if w > 1 and weight_scale == "none":
        raise NetworkError(f"weight {shown(text)} {where}: tie strength must be in (0, 1]; "
                           "set network.weight_scale = 'max' to divide every weight by "
                           "the largest")
    return w


def _check_duplicates(src, dst, line_no, name: str, n: int) -> None:
    """A tie given twice (either direction) is an error naming both lines."""
    s = np.array(src, np.int64)
    d = np.array(dst, np.int64)
    if len(s) < 2:
        return
    key = np.minimum(s, d) * max(n, 1) + np.maximum(s, d)
    order = np.argsort(key, kind="stable")  # stable: earlier line first
    same = np.flatnonzero(key[order][1:] == key[order][:-1])
    if len(same):
        later = order[same + 1]
        j = int(later[np.argmin(later)])  # the duplicate met first in the file
        i = int(order[same[np.argmin(later)]])
        raise NetworkError(
            f"duplicate tie {src[j]},{dst[j]} on line {line_no[j]} of {name}: the same pair "
            f"(in either direction) is already on line {line_no[i]}; give each tie once")


def _network(n, src, dst, w, weight_scale, mode, ids, attributes, name) -> Network:
    """The CSR network, with weights rescaled and labels attached."""
    if w is not None and weight_scale == "max" and len(w):
        w = w / w.max()
    net = from_edges(n, np.array(src, np.int64), np.array(dst, np.int64), w)
    labels = None
    if mode == "label":
        labels = np.full(n, None, dtype=object)
        for label, i in ids.items():
            labels[i] = label
    return Network(net.indptr, net.indices, net.weight, labels, attributes)


# --------------------------------------------------------------------------
# The formats networkx reads


def _read_with_networkx(path, n: int, fmt: str, node_ids: str, weight_scale: str) -> Network:
    name = os.fspath(path)
    readers = {"graphml": nx.read_graphml, "gexf": nx.read_gexf, "gml": nx.read_gml,
               "pajek": nx.read_pajek, "adjlist": nx.read_adjlist}
    if not os.path.isfile(name):
        raise NetworkError(f"network file {name!r} not found")
    try:
        G = readers[fmt](name)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a bad file
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise NetworkError(f"cannot read {name!r} as {fmt}: {shown(first, 200)}") from None
    if G.number_of_nodes() == 0:
        raise NetworkError(f"network file {name!r} has no nodes")
    nodes = [str(v) for v in G.nodes]
    mode = _id_mode(node_ids, nodes, name)
    ids: dict[str, int] = {}
    where_node = lambda v: f"(node {shown(str(v))} of {name})"  # noqa: E731
    index = {v: _node(str(v), mode, ids, n, where_node(v)) for v in G.nodes}
    src, dst, wts = [], [], []
    seen = set()
    for u, v, data in G.edges(data=True):
        a, b = index[u], index[v]
        where = f"on the tie {shown(str(u))}-{shown(str(v))} of {name}"
        if a == b:
            raise NetworkError(f"self-loop {where}: a household cannot be tied to itself")
        if (min(a, b), max(a, b)) in seen:  # multigraph or directed both ways: keep one
            continue
        seen.add((min(a, b), max(a, b)))
        src.append(a)
        dst.append(b)
        wts.append(_weight(data.get("weight", 1.0), where, weight_scale))
    attributes = _node_attributes(G, index, n, name)
    w = np.array(wts, dtype=np.float64)
    return _network(n, src, dst, w, weight_scale, mode, ids, attributes, name)


def _node_attributes(G, index: dict, n: int, name: str) -> dict[str, np.ndarray]:
    """The household attributes the nodes give (NODE_ATTRIBUTES), NaN where absent."""
    out: dict[str, np.ndarray] = {}
    for canon, keys in NODE_ATTRIBUTES.items():
        for v, data in G.nodes(data=True):
            key = next((k for k in keys if k in data), None)
            if key is None:
                continue
            arr = out.setdefault(canon, np.full(n, np.nan))
            arr[index[v]] = attribute_value(canon, key, data[key],
                                            f"node {shown(str(v))} of {name}")
    return out


def attribute_value(canon: str, key: str, value, where: str) -> float:
    """One node attribute as a number: 1.0 yes / 0.0 no, or a grid/community id."""
    text = str(value).strip().lower()
    if canon in ("grid", "community"):
        if _WHOLE.fullmatch(text) and int(text) >= 0:
            return float(int(text))
        raise NetworkError(f"{key} = {shown(value)} at {where}: must be a whole number >= 0")
    if key == "age":
        if _FLOAT.fullmatch(text) and 0 <= float(text) < 150:
            return float(float(text) >= 60)
        raise NetworkError(f"age = {shown(value)} at {where}: must be years from 0 to 149")
    if key == "age_group":
        m = re.match(r"([0-9]+)", text, re.ASCII)
        if m:
            return float(int(m.group(1)) >= 60)
        if text in ("elderly", "senior", "old", "older"):
            return 1.0
        if text in ("young", "adult", "child", "working age", "non-elderly"):
            return 0.0
        raise NetworkError(f"age_group = {shown(value)} at {where}: allowed an age band "
                           "('60+', '30-44') or elderly/senior/old or young/adult")
    if key == "household_size":
        if _WHOLE.fullmatch(text) and int(text) >= 1:
            return float(int(text) == 1)
        raise NetworkError(f"household_size = {shown(value)} at {where}: must be a whole "
                           "number >= 1")
    if key == "income" and text in ("low", "middle", "medium", "high"):
        return float(text == "low")
    if text in _YES:
        return 1.0
    if text in _NO:
        return 0.0
    allowed = "low, middle or high, or " if key == "income" else ""
    raise NetworkError(f"{key} = {shown(value)} at {where}: allowed {allowed}true/false, "
                       "yes/no or 1/0")
