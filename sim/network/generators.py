"""Network generators: the layered city network and the networkx textbook graphs.

The default generator, `layered`, follows the layout of a Chinese city
(docs/ODD.md, section 7): close ties inside a residential building, weaker
ties inside a grid unit and a few long-range ties to kin and friends. All of
its randomness comes from the counter-based `sim.rng`, so a network depends
only on (seed, layout, parameters), never on thread count. Watts-Strogatz,
Barabasi-Albert and Erdos-Renyi graphs are made by networkx and converted.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
from numba import njit, prange

from sim.errors import NetworkError
from sim.network.csr import Network, _int_array, from_edges, from_networkx
from sim.params import NetworkPars
from sim.rng import S_GRID_TIES, S_LONG_TIES, S_NETWORK, integer_seed, uniform

# A household initiates at most this many random ties per layer: draw indices
# are household * _DRAWS_PER_NODE + k, with the last slot kept for the count.
_DRAWS_PER_NODE = 64
_MAX_INITIATED = _DRAWS_PER_NODE - 1


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


@njit(cache=True)
def _tie_slots(n, half_mean):
    """(slots per household, src, dst) for households that each start floor(half_mean)
    ties or one more: n x slots entries, -1 where no tie is made."""
    base = int(np.floor(half_mean))
    n_max = base + 1 if half_mean > base else base
    return n_max, np.full(n * n_max, -1, np.int64), np.full(n * n_max, -1, np.int64)


@njit(cache=True)
def _ties_started(seed, stream, half_mean, i):
    """How many ties household i starts: floor(half_mean), plus one with probability
    frac(half_mean) (draw index i*64 + 63)."""
    base = int(np.floor(half_mean))
    if uniform(seed, -1, stream, i * 64 + 63) < half_mean - base:
        return base + 1
    return base


@njit(cache=True, parallel=True)
def _random_ties(seed, stream, half_mean, members, first, size, pos):
    """Each household starts floor(half_mean) or one more ties to others in its group.

    Household i starts one extra tie with probability frac(half_mean) (draw
    index i*64 + 63) and aims its k-th tie at a uniform other member of its
    group (draw index i*64 + k); skipping its own place avoids self-loops
    without resampling. Slots of ties not made are left at -1.
    """
    n = len(first)
    n_max, src, dst = _tie_slots(n, half_mean)
    for i in prange(n):
        g = size[i]
        if g < 2:
            continue
        for k in range(_ties_started(seed, stream, half_mean, i)):
            r = int(uniform(seed, -1, stream, i * 64 + k) * (g - 1))
            if r >= pos[i]:
                r += 1
            src[i * n_max + k] = i
            dst[i * n_max + k] = members[first[i] + r]
    return src, dst


@njit(cache=True, parallel=True)
def _map_ties(seed, stream, half_mean, grid, start, nb_indptr, nb_indices, nb_cum):
    """Like `_random_ties`, but household i aims each tie at a uniform household of
    the grids next to its own on the map (grid g's neighbours are nb_indices[
    nb_indptr[g]:nb_indptr[g+1]]; nb_cum holds, per entry, the households of that
    grid's neighbours up to and including it). A grid with no neighbours (an
    island) ties its households to anyone in the city, as the synthetic city does.
    """
    n = len(grid)
    n_max, src, dst = _tie_slots(n, half_mean)
    for i in prange(n):
        g = grid[i]
        a, b = nb_indptr[g], nb_indptr[g + 1]
        for k in range(_ties_started(seed, stream, half_mean, i)):
            u = uniform(seed, -1, stream, i * 64 + k)
            if a == b:
                if n < 2:
                    continue
                r = int(u * (n - 1))
                if r >= i:
                    r += 1
                target = r
            else:
                r = int(u * nb_cum[b - 1])
                e = a
                while nb_cum[e] <= r:  # neighbour lists are short
                    e += 1
                before = nb_cum[e - 1] if e > a else 0
                target = start[nb_indices[e]] + (r - before)
            src[i * n_max + k] = i
            dst[i * n_max + k] = target
    return src, dst


def _map_layer(seed: int, mean_degree: float, grid: np.ndarray, neighbours):
    """Long-range ties along the map: `neighbours` = (indptr, indices) over grids."""
    nb_indptr, nb_indices = (np.asarray(a, np.int64) for a in neighbours)
    grid = grid.astype(np.int64)
    n_grids = len(nb_indptr) - 1
    size = np.bincount(grid, minlength=n_grids).astype(np.int64)
    start = np.concatenate(([0], np.cumsum(size)[:-1])).astype(np.int64)
    if len(grid) and (np.any(np.diff(grid) < 0)):
        raise NetworkError("map ties need each grid's households in one contiguous run")
    entry = size[nb_indices]
    owner = np.repeat(np.arange(n_grids), np.diff(nb_indptr))
    cum = np.cumsum(entry)
    base = np.concatenate(([0], cum))[nb_indptr[:-1]][owner] if len(entry) else cum
    nb_cum = (cum - base).astype(np.int64)
    src, dst = _map_ties(np.int64(seed), np.int64(S_LONG_TIES), float(mean_degree) / 2.0,
                         grid, start, nb_indptr, nb_indices, nb_cum)
    made = src >= 0
    return src[made], dst[made]


def _random_layer(seed: int, stream: int, mean_degree: float, groups):
    src, dst = _random_ties(np.int64(seed), np.int64(stream), float(mean_degree) / 2.0, *groups)
    made = src >= 0
    return src[made], dst[made]


def layered(building: np.ndarray, grid: np.ndarray, pars: NetworkPars, seed: int,
            neighbours=None) -> Network:
    """The default network: building, grid and long-range layers.

    1. Building: within each building a ring lattice, each household tied to
       the next `building_degree // 2` households of its building (wrapping),
       strength `building_weight`; a building of at most `building_degree`
       households is a complete graph.
    2. Grid: each household starts floor(g/2) or floor(g/2)+1 ties, g =
       `grid_degree` (mean g/2, so the layer adds mean degree g), each to a
       uniform other household of its grid, strength `grid_weight`.
    3. Long range: likewise with `long_range_degree` to a uniform other
       household anywhere in the city, strength `long_range_weight`; in a
       district with map ties (`neighbours` given), to a uniform household
       of the grids next to the household's own on the map (`_map_ties`).
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
        neighbours: (indptr, indices), each grid's map neighbours (a district's
            `nb_indptr`, `nb_indices`), or None: long-range ties city-wide.

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
    if pars.long_range_weight > 0 and pars.long_range_degree > 0 and neighbours is not None:
        add(*_map_layer(seed, pars.long_range_degree, grid, neighbours), pars.long_range_weight)
    elif pars.long_range_weight > 0 and pars.long_range_degree > 0:
        everyone = np.arange(n, dtype=np.int64)
        city = (everyone, np.zeros(n, np.int64), np.full(n, n, np.int64), everyone)
        add(*_random_layer(seed, S_LONG_TIES, pars.long_range_degree, city),
            pars.long_range_weight)
    if not src:
        return from_edges(n, [], [])
    return from_edges(n, np.concatenate(src), np.concatenate(dst), np.concatenate(w))


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
