"""The household social network: generators, file reader and CSR storage.

Households are nodes 0..n-1; a tie is undirected and has a strength in (0, 1].
The network is built once, before day 0, and stored as symmetric CSR arrays
(`Network.indptr`, `.indices`, `.weight`): every tie appears twice, once in
each household's row, so a kernel reads a household's ties as one contiguous
slice. networkx is used only to build the textbook generators and for export;
it never runs inside a step.

The default generator, `layered`, follows the layout of a Chinese city
(docs/ODD.md, section 7): close ties inside a residential building, weaker
ties inside a grid unit and a few long-range ties to kin and friends. All of
its randomness comes from the counter-based `sim.rng`, so a network depends
only on (seed, layout, parameters), never on thread count.

`build_network` is the entry point the model calls; it dispatches on
`NetworkPars.kind`.
"""

from __future__ import annotations

import math
import numbers
import os
from dataclasses import dataclass

import networkx as nx
import numpy as np
from numba import njit, prange

from sim.errors import NetworkError
from sim.params import NetworkPars
from sim.rng import S_GRID_TIES, S_LONG_TIES, S_NETWORK, integer_seed, uniform

# A household initiates at most this many random ties per layer: draw indices
# are household * _DRAWS_PER_NODE + k, with the last slot kept for the count.
_DRAWS_PER_NODE = 64
_MAX_INITIATED = _DRAWS_PER_NODE - 1


@dataclass(frozen=True, eq=False)  # eq=False: arrays have no single truth value
class Network:
    """A symmetric weighted network in CSR form.

    Attributes:
        indptr: int64 (n+1,). The ties of household i are entries
            indptr[i]:indptr[i+1] of `indices` and `weight`.
        indices: int32 (m,). Neighbour ids, ascending within each row.
        weight: float64 (m,). Tie strength in (0, 1]; the entry for (i, j)
            equals the entry for (j, i).
    """

    indptr: np.ndarray
    indices: np.ndarray
    weight: np.ndarray

    def __post_init__(self):
        # Cheap shape checks only: the builders below guarantee the rest.
        if self.indptr.ndim != 1 or len(self.indptr) < 1:
            raise NetworkError("Network.indptr must be a 1-D array of length n + 1")
        m = int(self.indptr[-1])
        if len(self.indices) != m or len(self.weight) != m:
            raise NetworkError(
                f"Network arrays disagree: indptr ends at {m} but indices has "
                f"{len(self.indices)} and weight {len(self.weight)} entries")

    @property
    def n(self) -> int:
        """Number of households (nodes)."""
        return len(self.indptr) - 1

    @property
    def n_edges(self) -> int:
        """Number of undirected ties (each is stored twice)."""
        return len(self.indices) // 2

    def degree(self) -> np.ndarray:
        """Number of ties of each household, int64 (n,)."""
        return np.diff(self.indptr)

    def neighbours(self, i: int) -> np.ndarray:
        """Ids of the households tied to household `i`, ascending (a view)."""
        return self.indices[self.indptr[i]:self.indptr[i + 1]]


# --------------------------------------------------------------------------
# Edge arrays -> CSR


def _int_array(a, what: str) -> np.ndarray:
    arr = np.asarray(a)
    if arr.size == 0:
        return arr.astype(np.int64).reshape(0)
    if arr.ndim != 1:
        raise NetworkError(f"{what} must be a 1-D array of household ids, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise NetworkError(f"{what} must hold integer household ids, got dtype {arr.dtype}")
    return arr.astype(np.int64, copy=False)


@njit(cache=True)
def _build_csr(n, src, dst, weight):
    """Symmetric CSR from undirected pairs: rows sorted, duplicates merged (max weight).

    A counting sort: both directions of every pair are scattered into their
    rows, each row is sorted (insertion sort for short rows, merge sort for
    long ones) and compacted in place. Extra memory: the 2m entries and two
    (n + 1) counters, so a million households build within a few hundred MB.
    """
    m = src.shape[0]
    start = np.zeros(n + 1, np.int64)
    for e in range(m):
        start[src[e] + 1] += 1
        start[dst[e] + 1] += 1
    for i in range(n):
        start[i + 1] += start[i]
    cursor = start[:-1].copy()
    idx = np.empty(2 * m, np.int32)
    wt = np.empty(2 * m, np.float64)
    for e in range(m):
        a, b, x = src[e], dst[e], weight[e]
        idx[cursor[a]] = b
        wt[cursor[a]] = x
        cursor[a] += 1
        idx[cursor[b]] = a
        wt[cursor[b]] = x
        cursor[b] += 1
    indptr = np.zeros(n + 1, np.int64)
    out = 0
    for i in range(n):
        lo, hi = start[i], start[i + 1]
        if hi - lo > 32:
            order = np.argsort(idx[lo:hi], kind="mergesort")
            seg_i = idx[lo:hi][order]
            seg_w = wt[lo:hi][order]
            idx[lo:hi] = seg_i
            wt[lo:hi] = seg_w
        else:
            for a in range(lo + 1, hi):  # insertion sort of the (idx, wt) pairs
                vi, vw = idx[a], wt[a]
                b = a - 1
                while b >= lo and idx[b] > vi:
                    idx[b + 1] = idx[b]
                    wt[b + 1] = wt[b]
                    b -= 1
                idx[b + 1] = vi
                wt[b + 1] = vw
        row_start = out
        for a in range(lo, hi):  # compact, merging repeats of a neighbour
            if out > row_start and idx[out - 1] == idx[a]:
                wt[out - 1] = max(wt[out - 1], wt[a])
            else:
                idx[out] = idx[a]
                wt[out] = wt[a]
                out += 1
        indptr[i + 1] = out
    return indptr, idx[:out], wt[:out]


def from_edges(n: int, src, dst, weight=None) -> Network:
    """Build a symmetric CSR network from undirected edge arrays.

    Each (src[e], dst[e]) is one undirected tie; the direction does not
    matter. A pair given more than once (in either direction) becomes one tie
    with the largest of its weights. The work is a compiled counting sort
    (`_build_csr`), O(m) time and little memory beyond the result.

    Args:
        n: Number of households; ids run from 0 to n - 1.
        src: Integer array (m,) of one end of each tie.
        dst: Integer array (m,) of the other end.
        weight: Tie strengths in (0, 1]: an array (m,), a scalar, or None
            for 1.0.

    Returns:
        The network, neighbours sorted ascending within each row.

    Raises:
        NetworkError: On ids outside 0..n-1, a self-loop, mismatched lengths
            or a weight outside (0, 1].
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
        raise NetworkError(f"number of households must be a whole number >= 0, got {n!r}")
    n = int(n)
    if n >= 2**31:
        raise NetworkError(f"{n:,} households is too many: ids are stored as int32")
    s = _int_array(src, "src")
    d = _int_array(dst, "dst")
    if len(s) != len(d):
        raise NetworkError(f"src has {len(s)} ids but dst has {len(d)}")
    m = len(s)
    if weight is None:
        w = np.ones(m)
    else:
        w = np.asarray(weight, dtype=np.float64)
        if w.ndim == 0:
            w = np.full(m, float(w))
        elif w.shape != (m,):
            raise NetworkError(f"weight has shape {w.shape}; expected ({m},) or a scalar")

    if m == 0:
        return Network(np.zeros(n + 1, np.int64), np.zeros(0, np.int32), np.zeros(0))

    for name, a in (("src", s), ("dst", d)):
        bad = np.flatnonzero((a < 0) | (a >= n))
        if len(bad):
            e = int(bad[0])
            raise NetworkError(f"{name}[{e}] = {int(a[e])} is not a household id: "
                               f"ids run from 0 to {n - 1}")
    loops = np.flatnonzero(s == d)
    if len(loops):
        e = int(loops[0])
        raise NetworkError(f"edge {e} ({int(s[e])}, {int(d[e])}) is a self-loop; "
                           "a household cannot be tied to itself")
    bad = np.flatnonzero(~((w > 0.0) & (w <= 1.0)))  # also catches NaN
    if len(bad):
        e = int(bad[0])
        raise NetworkError(f"weight[{e}] = {w[e]!r}: tie strength must be in (0, 1]")

    indptr, indices, wout = _build_csr(n, s, d, w)
    return Network(indptr, indices, wout)


# --------------------------------------------------------------------------
# The layered generator


def _groups(label: np.ndarray):
    """Members of each group of equal labels, and each household's place.

    Returns:
        members: int64 (n,), household ids grouped by label, in index order
            within a group.
        first: int64 (n,), where household i's group starts in `members`.
        size: int64 (n,), the size of household i's group.
        pos: int64 (n,), household i's position within its group.
    """
    n = len(label)
    members = np.argsort(label, kind="stable")  # near O(n) on contiguous runs
    lab = label[members]
    starts = np.flatnonzero(np.concatenate(([True], lab[1:] != lab[:-1])))
    sizes = np.diff(np.append(starts, n))
    g = np.repeat(np.arange(len(starts)), sizes)
    first = np.empty(n, np.int64)
    size = np.empty(n, np.int64)
    pos = np.empty(n, np.int64)
    first[members] = starts[g]
    size[members] = sizes[g]
    pos[members] = np.arange(n) - starts[g]
    return members, first, size, pos


def _ring_ties(members, first, size, pos, degree: int):
    """Ring lattice inside each group: i to the next degree//2 members (wrapping).

    A group too small for the ring (size <= degree) becomes a complete graph:
    linking to the next size//2 members covers every pair.
    """
    half = np.where(size > degree, degree // 2, size // 2)
    src, dst = [], []
    for k in range(1, int(half.max(initial=0)) + 1):  # a loop over offsets, not edges
        i = np.flatnonzero(half >= k)
        src.append(i)
        dst.append(members[first[i] + (pos[i] + k) % size[i]])
    if not src:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(src), np.concatenate(dst)


@njit(cache=True, parallel=True)
def _random_ties(seed, stream, half_mean, members, first, size, pos):
    """Each household starts floor(half_mean) or one more ties to others in its group.

    Household i starts one extra tie with probability frac(half_mean) (draw
    index i*64 + 63) and aims its k-th tie at a uniform other member of its
    group (draw index i*64 + k); skipping its own place avoids self-loops
    without resampling. Slots of ties not made are left at -1.
    """
    n = len(first)
    base = int(np.floor(half_mean))
    frac = half_mean - base
    n_max = base + 1 if frac > 0.0 else base
    src = np.full(n * n_max, -1, np.int64)
    dst = np.full(n * n_max, -1, np.int64)
    for i in prange(n):
        g = size[i]
        if g < 2:
            continue
        c = base
        if uniform(seed, -1, stream, i * 64 + 63) < frac:
            c += 1
        for k in range(c):
            r = int(uniform(seed, -1, stream, i * 64 + k) * (g - 1))
            if r >= pos[i]:
                r += 1
            src[i * n_max + k] = i
            dst[i * n_max + k] = members[first[i] + r]
    return src, dst


def _random_layer(seed: int, stream: int, mean_degree: float, groups):
    src, dst = _random_ties(np.int64(seed), np.int64(stream), float(mean_degree) / 2.0, *groups)
    made = src >= 0
    return src[made], dst[made]


def layered(building: np.ndarray, grid: np.ndarray, pars: NetworkPars, seed: int) -> Network:
    """The default network: building, grid and long-range layers.

    1. Building: within each building a ring lattice, each household tied to
       the next `building_degree // 2` households of its building (wrapping),
       strength `building_weight`; a building of at most `building_degree`
       households is a complete graph.
    2. Grid: each household starts floor(g/2) or floor(g/2)+1 ties, g =
       `grid_degree` (mean g/2, so the layer adds mean degree g), each to a
       uniform other household of its grid, strength `grid_weight`.
    3. Long range: likewise with `long_range_degree` to a uniform other
       household anywhere in the city, strength `long_range_weight`.
    4. A pair tied more than once keeps its strongest tie, so the mean degree
       is slightly below the sum of the three degrees. A layer of strength 0
       adds no ties (a tie of strength 0 is no tie).

    Households are grouped by equal `building` (`grid`) label; contiguous
    runs are the usual layout but not required.

    Args:
        building: int (n,), each household's building id.
        grid: int (n,), each household's grid id.
        pars: The network parameters.
        seed: The run's seed; draws use streams S_GRID_TIES and S_LONG_TIES.

    Returns:
        The network.

    Raises:
        NetworkError: If the layout arrays are malformed or a degree is too
            large to draw.
    """
    building = _int_array(building, "building")
    grid = _int_array(grid, "grid")
    n = len(building)
    if len(grid) != n:
        raise NetworkError(f"building has {n} households but grid has {len(grid)}")
    for name in ("building_degree", "grid_degree", "long_range_degree"):
        value = getattr(pars, name)
        if not 0 <= value <= 2 * _MAX_INITIATED:
            raise NetworkError(f"network.{name} = {value}: must be from 0 to "
                               f"{2 * _MAX_INITIATED}")
    for name in ("building_weight", "grid_weight", "long_range_weight"):
        value = getattr(pars, name)
        if not 0.0 <= value <= 1.0:
            raise NetworkError(f"network.{name} = {value}: tie strength must be in [0, 1]")

    src, dst, w = [], [], []

    def add(s, d, weight):
        src.append(s)
        dst.append(d)
        w.append(np.full(len(s), weight))

    if pars.building_weight > 0 and pars.building_degree >= 2:
        add(*_ring_ties(*_groups(building), int(pars.building_degree)), pars.building_weight)
    if pars.grid_weight > 0 and pars.grid_degree > 0:
        add(*_random_layer(seed, S_GRID_TIES, pars.grid_degree, _groups(grid)),
            pars.grid_weight)
    if pars.long_range_weight > 0 and pars.long_range_degree > 0:
        everyone = np.arange(n, dtype=np.int64)
        city = (everyone, np.zeros(n, np.int64), np.full(n, n, np.int64), everyone)
        add(*_random_layer(seed, S_LONG_TIES, pars.long_range_degree, city),
            pars.long_range_weight)
    if not src:
        return from_edges(n, [], [])
    return from_edges(n, np.concatenate(src), np.concatenate(dst), np.concatenate(w))


# --------------------------------------------------------------------------
# networkx generators and conversion


def from_networkx(G: nx.Graph) -> Network:
    """Convert a networkx graph whose nodes are the integers 0..n-1.

    The optional edge attribute 'weight' is the tie strength (default 1.0).
    Directed and multi-graphs are read as undirected, duplicates merged.

    Raises:
        NetworkError: If the nodes are not exactly 0..n-1, or on a self-loop
            or a weight outside (0, 1].
    """
    n = G.number_of_nodes()
    ok = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in G)
    if not ok or set(G) != set(range(n)):
        raise NetworkError(f"graph nodes must be the integers 0..{n - 1} (household ids)")
    edges = list(G.edges(data="weight", default=1.0))
    if not edges:
        return from_edges(n, [], [])
    u, v, w = zip(*edges)
    return from_edges(n, np.array(u, np.int64), np.array(v, np.int64), np.array(w, float))


def to_networkx(net: Network) -> nx.Graph:
    """The network as a networkx Graph with nodes 0..n-1 and a 'weight' edge attribute."""
    G = nx.Graph()
    G.add_nodes_from(range(net.n))
    rows = np.repeat(np.arange(net.n), net.degree())
    upper = rows < net.indices  # each tie once
    G.add_weighted_edges_from(zip(rows[upper].tolist(), net.indices[upper].tolist(),
                                  net.weight[upper].tolist()))
    return G


def _nx_call(what: str, fn, *args, **kwargs) -> nx.Graph:
    try:
        return fn(*args, **kwargs)
    except nx.NetworkXError as exc:
        raise NetworkError(f"cannot build the {what} network: {exc}") from None


def watts_strogatz(n: int, k: int, p: float, seed: int) -> Network:
    """Watts-Strogatz small world (networkx): ring of k neighbours, rewired with prob. p.

    Weight 1.0. The networkx seed is `rng.integer_seed(seed, S_NETWORK)`.
    """
    if not 0 <= k < n:
        raise NetworkError(f"watts_strogatz: k = {k} ring neighbours needs at least "
                           f"{k + 1} households, got {n}")
    G = _nx_call("watts_strogatz", nx.watts_strogatz_graph, n, k, p,
                 seed=integer_seed(seed, S_NETWORK))
    return from_networkx(G)


def barabasi_albert(n: int, m: int, seed: int) -> Network:
    """Barabasi-Albert preferential attachment (networkx), m ties per new node; weight 1.0."""
    if not 1 <= m < n:
        raise NetworkError(f"barabasi_albert: m = {m} must be from 1 to n - 1 = {n - 1}")
    G = _nx_call("barabasi_albert", nx.barabasi_albert_graph, n, m,
                 seed=integer_seed(seed, S_NETWORK))
    return from_networkx(G)


def erdos_renyi(n: int, mean_degree: float, seed: int) -> Network:
    """Erdos-Renyi G(n, p) with p = mean_degree / (n - 1) (networkx); weight 1.0."""
    if n < 2 or not 0 <= mean_degree <= n - 1:
        raise NetworkError(f"erdos_renyi: mean degree {mean_degree} needs at least "
                           f"{math.ceil(mean_degree) + 1} households (mean degree <= n - 1), "
                           f"got {n}")
    G = _nx_call("erdos_renyi", nx.fast_gnp_random_graph, n, mean_degree / (n - 1),
                 seed=integer_seed(seed, S_NETWORK))
    return from_networkx(G)


# --------------------------------------------------------------------------
# Edge-list files

_HEADERS = (["source", "target"], ["source", "target", "weight"])


def read_edge_list(path, n: int) -> Network:
    """Read a network from a CSV edge list, validating every line.

    Format: one tie per line, `source,target` or `source,target,weight`,
    ids being household indices 0..n-1 and weight a tie strength in (0, 1]
    (default 1.0). An optional first line `source,target[,weight]` is a
    header. Blank lines and lines starting with '#' are skipped. Every line
    has as many columns as the header, or as the first tie if there is none.

    Args:
        path: The CSV file.
        n: Number of households.

    Returns:
        The network.

    Raises:
        NetworkError: On the first problem in the file, naming the file, the
            line (1-based) and what is allowed: unreadable or empty file,
            wrong column count, non-integer or unknown id, self-loop, weight
            outside (0, 1] or not a number, or a tie given twice.
    """
    name = os.fspath(path)
    try:
        with open(name, encoding="utf-8-sig") as fh:
            lines = fh.read().splitlines()
    except FileNotFoundError:
        raise NetworkError(f"edge list file {name!r} not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise NetworkError(f"cannot read edge list file {name!r}: {exc}") from None

    src: list[int] = []
    dst: list[int] = []
    wts: list[float] = []
    line_no: list[int] = []
    n_cols = 0  # set by the header or the first tie
    error = None  # (line number, message) of the first line-local problem
    where = ""
    for no, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        where = f"on line {no} of {name}"
        fields = [f.strip() for f in text.split(",")]
        if n_cols == 0 and fields in _HEADERS:
            n_cols = len(fields)
            continue
        if n_cols == 0:
            if len(fields) not in (2, 3):
                error = f"{len(fields)} columns {where}: expected source,target[,weight]"
                break
            n_cols = len(fields)
        if len(fields) != n_cols:
            error = (f"{len(fields)} columns {where}: expected {n_cols} "
                     f"({','.join(_HEADERS[n_cols - 2])}) like the lines before it")
            break
        try:
            a, b = int(fields[0]), int(fields[1])
        except ValueError:
            bad = fields[0] if not _is_int(fields[0]) else fields[1]
            error = (f"household id {bad!r} {where} is not a whole number; ids run "
                     f"from 0 to {n - 1} (an optional header is 'source,target[,weight]')")
            break
        bad_id = a if not 0 <= a < n else b if not 0 <= b < n else None
        if bad_id is not None:
            error = f"unknown household id {bad_id} {where}: ids run from 0 to {n - 1}"
            break
        if a == b:
            error = (f"self-loop {a},{b} {where}: a household cannot be tied to itself")
            break
        if n_cols == 3:
            try:
                w = float(fields[2])
            except ValueError:
                error = (f"weight {fields[2]!r} {where} is not a number: "
                         "tie strength must be in (0, 1]")
                break
            if math.isnan(w) or math.isinf(w):
                error = (f"weight {fields[2]!r} {where}: "
                         "tie strength must be a finite number in (0, 1]")
                break
            if w <= 0:
                error = (f"weight {fields[2]!r} {where}: weights must be > 0 "
                         "(tie strength in (0, 1]; leave out a tie of strength 0)")
                break
            if w > 1:
                error = f"weight {fields[2]!r} {where}: tie strength must be in (0, 1]"
                break
            wts.append(w)
        src.append(a)
        dst.append(b)
        line_no.append(no)

    # A duplicate among the lines read so far precedes any line-local error.
    s = np.array(src, np.int64)
    d = np.array(dst, np.int64)
    if len(s) > 1:
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
    if error is not None:
        raise NetworkError(error)
    if not src:
        raise NetworkError(f"edge list file {name!r} has no ties: expected lines "
                           "source,target[,weight]")
    return from_edges(n, s, d, np.array(wts) if n_cols == 3 else None)


def _is_int(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------
# Entry point


def build_network(pars: NetworkPars, building, grid, seed: int) -> Network:
    """Build the network `pars.kind` names for a city of len(building) households.

    Args:
        pars: The network parameters.
        building: int (n,), each household's building id (used by 'layered').
        grid: int (n,), each household's grid id (used by 'layered').
        seed: The run's seed.

    Returns:
        The network.

    Raises:
        NetworkError: On an unknown kind, a missing edge-list path or any
            error of the chosen generator.
    """
    n = len(building)
    kind = pars.kind
    if kind == "layered":
        return layered(building, grid, pars, seed)
    if kind == "watts_strogatz":
        return watts_strogatz(n, pars.ws_k, pars.ws_p, seed)
    if kind == "barabasi_albert":
        return barabasi_albert(n, pars.ba_m, seed)
    if kind == "erdos_renyi":
        return erdos_renyi(n, pars.er_mean_degree, seed)
    if kind == "edge_list":
        if not pars.edge_list:
            raise NetworkError("network.edge_list must be set when network.kind = 'edge_list'")
        return read_edge_list(pars.edge_list, n)
    raise NetworkError(f"network.kind = {kind!r} is not known; allowed: 'layered', "
                       "'watts_strogatz', 'barabasi_albert', 'erdos_renyi', 'edge_list'")
