"""The network's storage: symmetric CSR arrays, built from edge arrays or networkx.

Households are nodes 0..n-1; a tie is undirected and has a strength in (0, 1].
`Network` holds the symmetric CSR arrays (`indptr`, `indices`, `weight`):
every tie appears twice, once in each household's row, so a kernel reads a
household's ties as one contiguous slice. `from_edges` builds one with a
compiled counting sort; `from_networkx` and `to_networkx` convert. A network
read from a file also carries its nodes' labels and attributes (`labels`,
`attributes`), which `sim.population` may use.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
from numba import njit

from sim.errors import NetworkError


@dataclass(frozen=True, eq=False)  # eq=False: arrays have no single truth value
class Network:
    """A symmetric weighted network in CSR form.

    Attributes:
        indptr: int64 (n+1,). The ties of household i are entries
            indptr[i]:indptr[i+1] of `indices` and `weight`.
        indices: int32 (m,). Neighbour ids, ascending within each row.
        weight: float64 (m,). Tie strength in (0, 1]; the entry for (i, j)
            equals the entry for (j, i).
        labels: For a network read from a file, object (n,): the node label
            each household stands for (None for households not in the file);
            None otherwise.
        attributes: For a network read from a file, node attributes by name
            (see `sim.network.io.NODE_ATTRIBUTES`), float64 (n,) with NaN
            where a node does not give one.
    """

    indptr: np.ndarray
    indices: np.ndarray
    weight: np.ndarray
    labels: np.ndarray | None = None  # object (n,): the file's label of each household
    attributes: dict[str, np.ndarray] = field(default_factory=dict)  # float (n,), NaN: absent

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


@njit(cache=True)
def ties_within(indptr, indices, group, out):
    """For each node, its ties to nodes of the same group (group: one id per node),
    into `out`; one pass over the CSR arrays, no temporaries (a NumPy version
    needs about 180 bytes per node at 7 ties each)."""
    for i in range(group.shape[0]):
        c = 0
        g = group[i]
        for e in range(indptr[i], indptr[i + 1]):
            if group[indices[e]] == g:
                c += 1
        out[i] = c
