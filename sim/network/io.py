"""Networks from files: CSV edge lists and the formats networkx reads.

`read_network(path, n, ...)` reads a CSV edge list (tab, semicolon, comma or
space separated, detected from the first tie; fields in double quotes as CSV
reads them; a decimal comma in a weight when the separator is not a comma)
or, through networkx's own readers, GraphML, GEXF, GML, Pajek or an
adjacency list, the format chosen by `network.format` or the file's
extension. Node ids are either household numbers 0..n-1 (`node_ids =
"index"`) or any labels (`"label"`), mapped to households 0, 1, ... in the
order the file first names them; `"auto"` takes numbers when every id is
plain digits and labels when none is. Ids are compared as the file writes
them: '1' and '01' are two nodes, so as numbers they are an error. Weights
come from the edge attribute `weight` (any case) and must be tie strengths
in (0, 1] unless `weight_scale = "max"` divides them by the largest. Node
attributes that describe households (`sim.network.attributes`, matched in
any case) are kept for `sim.population.apply_node_attributes`. A file
without ties is refused in every format.

Every problem raises one `NetworkError` naming the file, the line or node
and what is allowed; attributes that are not used give an `InputWarning`.
"""

from __future__ import annotations

import csv
import math
import os
import re
import warnings
from pathlib import Path

import networkx as nx
import numpy as np

from sim.errors import InputWarning, NetworkError, shown
from sim.network.attributes import (
    NODE_ATTRIBUTES,
    check_pajek_weights,
    edge_weight,
    node_attributes,
    unused_edge_attributes,
)
from sim.network.csr import Network, from_edges

__all__ = ["NODE_ATTRIBUTES", "file_format", "read_edge_list", "read_network"]

FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".edges": "csv",
           ".graphml": "graphml", ".gexf": "gexf", ".gml": "gml", ".net": "pajek",
           ".paj": "pajek", ".adjlist": "adjlist"}
SEPARATORS = {",": "commas", "\t": "tabs", ";": "semicolons", None: "spaces"}
HEADERS = {"source": 0, "from": 0, "target": 1, "to": 1, "weight": 2}

_WHOLE = re.compile(r"[+-]?[0-9]+", re.ASCII)
_FLOAT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
                    r"|[+-]?(?:inf|infinity|nan)", re.ASCII | re.IGNORECASE)
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+", re.ASCII)


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
    """The fields of one line; a field in double quotes ("a,b", with "" for a
    quote) is read as CSV does, its quotes removed."""
    if sep is None:
        return [_unquote(f) for f in text.split()]
    try:
        fields = next(csv.reader([text], delimiter=sep, strict=True, skipinitialspace=True))
    except csv.Error:
        fields = text.split(sep)
    return [f.strip() for f in fields]


def _unquote(field: str) -> str:
    if len(field) >= 2 and field[0] == field[-1] and field[0] in "\"'":
        return field[1:-1]
    return field


def _detect_separator(text: str) -> str | None:
    """Tab, then semicolon (the separator of spreadsheets that write decimal
    commas, `0;1;0,5`), then comma; else spaces."""
    for sep in ("\t", ";", ","):
        if sep in text:
            return sep
    return None


def read_edge_list(path, n: int, node_ids: str = "auto", weight_scale: str = "none") -> Network:
    """Read a network from a CSV edge list, validating every line.

    Format: one tie per line, `source,target` or `source,target,weight`;
    the separator (tab, semicolon, comma, or spaces) is the first of these
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
    owner: dict[int, str] = {}
    src: list[int] = []
    dst: list[int] = []
    wts: list[float] = []
    line_no: list[int] = []
    for no, fields in rows:
        where = f"on line {no} of {name}"
        try:
            a, b = (_node(f, mode, ids, n, where, owner) for f in fields[:2])
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


def _node(text: str, mode: str, ids: dict[str, int], n: int, where: str,
          owner: dict[int, str] | None = None) -> int:
    """The household of id `text`. In "index" mode two different ids that are
    one number ('1' and '01') are an error: the file says they are two nodes."""
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
    short = len(text.lstrip("+-")) <= 18  # never int() of a 5,000-digit id
    v = int(text) if short else n
    if not 0 <= v < n:
        raise NetworkError(f"unknown household id {shown(v if short else text)} {where}: "
                           f"ids run from 0 to "
                           f"{n - 1} (or set network.node_ids = 'label' to read ids as labels)")
    if owner is not None:
        first = owner.setdefault(v, text)
        if first != text:
            raise NetworkError(f"household ids {shown(first)} and {shown(text)} {where} are "
                               f"both household {v}: the file names them as two nodes; write "
                               "each id once in one form, or set network.node_ids = 'label'")
    return v


def _weight(text, where: str, weight_scale: str) -> float:
    if isinstance(text, str) and _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")  # a decimal comma (the separator is not a comma)
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
    if G.number_of_edges() == 0:
        raise NetworkError(f"network file {name!r} has no ties: a network of isolated "
                           "households is refused in every format (a CSV edge list too)")
    if fmt == "pajek":
        check_pajek_weights(name)
    nodes = [str(v) for v in G.nodes]
    mode = _id_mode(node_ids, nodes, name)
    ids: dict[str, int] = {}
    owner: dict[int, str] = {}
    where_node = lambda v: f"(node {shown(str(v))} of {name})"  # noqa: E731
    index = {v: _node(str(v), mode, ids, n, where_node(v), owner) for v in G.nodes}
    src, dst, wts = [], [], []
    seen: dict[tuple[int, int], float] = {}
    for u, v, data in G.edges(data=True):
        a, b = index[u], index[v]
        where = f"on the tie {shown(str(u))}-{shown(str(v))} of {name}"
        if a == b:
            raise NetworkError(f"self-loop {where}: a household cannot be tied to itself")
        raw = edge_weight(data, where)
        w = 1.0 if raw is None else _weight(raw, where, weight_scale)
        key = (min(a, b), max(a, b))
        if key in seen:  # multigraph or directed both ways: one tie, if they agree
            if seen[key] != w:
                raise NetworkError(f"the tie {where} is given twice with weights "
                                   f"{seen[key]:g} and {w:g}: give each tie once")
            continue
        seen[key] = w
        src.append(a)
        dst.append(b)
        wts.append(w)
    unused = unused_edge_attributes(G)
    if unused:
        warnings.warn(f"{name}: edge attribute(s) {', '.join(sorted(map(repr, unused))[:8])} "
                      "are not used; tie strengths are read from 'weight' (any case)",
                      InputWarning, stacklevel=3)
    attributes = node_attributes(G, index, n, name)
    w = np.array(wts, dtype=np.float64)
    return _network(n, src, dst, w, weight_scale, mode, ids, attributes, name)
