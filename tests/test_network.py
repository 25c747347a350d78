"""Tests of sim/network: CSR construction, generators and the edge-list reader."""

from __future__ import annotations

import dataclasses

import networkx as nx
import numba
import numpy as np
import pytest

from sim import network as nw
from sim.errors import NetworkError
from sim.params import NetworkPars

N_CITY = 6_000


def city(n: int = N_CITY):
    """The default layout: buildings of 24 in grids of 300, contiguous."""
    idx = np.arange(n)
    return idx // 24, idx // 300


def edge_set(net: nw.Network) -> dict[tuple[int, int], float]:
    """{(i, j): weight} of every directed entry."""
    rows = np.repeat(np.arange(net.n), net.degree())
    return {(int(i), int(j)): float(w) for i, j, w in zip(rows, net.indices, net.weight)}


def assert_valid(net: nw.Network):
    """Symmetric, sorted rows, no self-loops, weights in (0, 1], right dtypes."""
    assert net.indptr.dtype == np.int64 and net.indices.dtype == np.int32
    assert net.weight.dtype == np.float64
    assert net.indptr[0] == 0 and np.all(np.diff(net.indptr) >= 0)
    rows = np.repeat(np.arange(net.n), net.degree())
    assert not np.any(rows == net.indices), "self-loop"
    # Sorted strictly within each row: within-row differences are positive.
    same_row = rows[1:] == rows[:-1]
    assert np.all(np.diff(net.indices.astype(np.int64))[same_row] > 0)
    assert np.all((net.weight > 0) & (net.weight <= 1))
    # Symmetry: the (col, row) entries, sorted, equal the (row, col) entries.
    fwd = rows * net.n + net.indices
    back = net.indices.astype(np.int64) * net.n + rows
    order = np.argsort(back)
    np.testing.assert_array_equal(back[order], fwd)
    np.testing.assert_array_equal(net.weight[order], net.weight)


def assert_same(a: nw.Network, b: nw.Network):
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    np.testing.assert_array_equal(a.weight, b.weight)


# ----------------------------------------------------------------- from_edges


def test_from_edges_hand_built():
    # (1,0) repeats (0,1) reversed and (3,1) repeats: the larger weight wins.
    src = [0, 1, 3, 4, 2, 3]
    dst = [1, 0, 1, 0, 4, 1]
    w = [0.5, 0.9, 0.2, 1.0, 0.3, 0.7]
    net = nw.from_edges(5, src, dst, w)
    np.testing.assert_array_equal(net.indptr, [0, 2, 4, 5, 6, 8])
    np.testing.assert_array_equal(net.indices, [1, 4, 0, 3, 4, 1, 0, 2])
    np.testing.assert_array_equal(net.weight, [0.9, 1.0, 0.9, 0.7, 0.3, 0.7, 1.0, 0.3])
    assert net.n == 5 and net.n_edges == 4
    np.testing.assert_array_equal(net.degree(), [2, 2, 1, 1, 2])
    np.testing.assert_array_equal(net.neighbours(4), [0, 2])
    assert_valid(net)


def test_from_edges_default_weight_and_isolated_nodes():
    net = nw.from_edges(4, np.array([2, 1, 2]), np.array([1, 2, 1]))
    np.testing.assert_array_equal(net.indptr, [0, 0, 1, 2, 2])
    np.testing.assert_array_equal(net.indices, [2, 1])
    np.testing.assert_array_equal(net.weight, [1.0, 1.0])


def test_from_edges_empty():
    net = nw.from_edges(3, [], [])
    np.testing.assert_array_equal(net.indptr, [0, 0, 0, 0])
    assert net.n_edges == 0 and net.indices.dtype == np.int32


def test_from_edges_matches_brute_force():
    rng = np.random.default_rng(7)
    for trial in range(40):
        n = int(rng.integers(2, 25))
        s = rng.integers(0, n, 60)
        d = rng.integers(0, n, 60)
        s, d = s[s != d], d[s != d]
        w = rng.choice([0.25, 0.5, 1.0], len(s)) if trial % 2 else None
        want: dict[tuple[int, int], float] = {}
        for e, (a, b) in enumerate(zip(s.tolist(), d.tolist())):
            x = 1.0 if w is None else float(w[e])
            for key in ((a, b), (b, a)):
                want[key] = max(want.get(key, 0.0), x)
        net = nw.from_edges(n, s, d, w)
        assert edge_set(net) == want
        assert_valid(net)


@pytest.mark.parametrize("src, dst, weight, words", [
    ([0, 2], [1, 2], None, "self-loop"),
    ([0, 5], [1, 2], None, "0 to 4"),
    ([0, -1], [1, 2], None, "0 to 4"),
    ([0, 1], [1, 2], [0.5, 0.0], "(0, 1]"),
    ([0, 1], [1, 2], [0.5, 1.5], "(0, 1]"),
    ([0, 1], [1, 2], [0.5, np.nan], "(0, 1]"),
    ([0, 1], [1], None, "dst has 1"),
    ([0.0, 1.0], [1, 2], None, "integer"),
])
def test_from_edges_rejects(src, dst, weight, words):
    with pytest.raises(NetworkError, match=words.replace("(", r"\(").replace("]", r"\]")):
        nw.from_edges(5, src, dst, weight)


# ----------------------------------------------------------------- layered


def test_layered_deterministic_and_seed_dependent():
    b, g = city()
    a1 = nw.layered(b, g, NetworkPars(), 11)
    a2 = nw.layered(b, g, NetworkPars(), 11)
    other = nw.layered(b, g, NetworkPars(), 12)
    assert_same(a1, a2)
    assert edge_set(a1) != edge_set(other)
    assert_valid(a1)
    assert_valid(other)


def test_layered_same_at_one_and_two_threads():
    b, g = city()
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = nw.layered(b, g, NetworkPars(), 5)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = nw.layered(b, g, NetworkPars(), 5)
    finally:
        numba.set_num_threads(before)
    assert_same(one, two)


def test_layered_mean_degree_and_weights():
    b, g = city(30_000)
    pars = NetworkPars()
    net = nw.layered(b, g, pars, 3)
    target = pars.building_degree + pars.grid_degree + pars.long_range_degree
    # Merged duplicates cost well under 1%; sampling noise is ~0.3%.
    assert net.degree().mean() == pytest.approx(target, rel=0.02)
    assert net.degree().mean() < target
    assert set(np.unique(net.weight)) <= {pars.building_weight, pars.grid_weight,
                                          pars.long_range_weight}


def test_building_layer_is_ring_lattice_inside_buildings():
    b, g = city()
    pars = NetworkPars(building_degree=4, grid_degree=0.0, long_range_degree=0.0)
    net = nw.layered(b, g, pars, 0)
    np.testing.assert_array_equal(net.degree(), np.full(N_CITY, 4))
    # Household 0 of building 0 (households 0..23): next two each way, wrapping.
    np.testing.assert_array_equal(net.neighbours(0), [1, 2, 22, 23])
    np.testing.assert_array_equal(net.neighbours(30), [28, 29, 31, 32])
    rows = np.repeat(np.arange(net.n), net.degree())
    assert np.all(b[rows] == b[net.indices])
    assert np.all(net.weight == pars.building_weight)
    assert_valid(net)


def test_small_buildings_are_complete_and_degree_one_is_empty():
    building = np.array([0, 0, 0, 1, 1, 1, 1, 1, 1, 2])  # sizes 3, 6, 1
    grid = np.zeros(10, np.int64)
    pars = NetworkPars(building_degree=4, grid_degree=0.0, long_range_degree=0.0)
    net = nw.layered(building, grid, pars, 0)
    want = {(0, 1), (0, 2), (1, 2)}  # building 0: K3
    want |= {(3 + i, 3 + (i + k) % 6) for i in range(6) for k in (1, 2)}  # ring of 6
    want = {(min(p), max(p)) for p in want}
    got = {(i, j) for (i, j) in edge_set(net) if i < j}
    assert got == want
    assert net.degree()[9] == 0
    odd = nw.layered(building, grid, dataclasses.replace(pars, building_degree=1), 0)
    assert odd.n_edges == 0  # degree 1 rounds down to no ring neighbours


def test_grid_layer_stays_in_grid():
    b, g = city()
    pars = NetworkPars(building_degree=0, grid_degree=2.0, long_range_degree=0.0)
    net = nw.layered(b, g, pars, 4)
    rows = np.repeat(np.arange(net.n), net.degree())
    assert np.all(g[rows] == g[net.indices])
    # grid_degree 2: every household starts exactly one tie, so none is isolated.
    assert net.degree().min() >= 1
    assert net.n_edges <= N_CITY
    assert net.degree().mean() == pytest.approx(2.0, rel=0.02)
    assert np.all(net.weight == pars.grid_weight)


def test_long_range_layer_leaves_the_grid():
    b, g = city()
    pars = NetworkPars(building_degree=0, grid_degree=0.0, long_range_degree=3.0)
    net = nw.layered(b, g, pars, 4)
    rows = np.repeat(np.arange(net.n), net.degree())
    assert np.mean(g[rows] != g[net.indices]) > 0.9
    assert net.degree().mean() == pytest.approx(3.0, rel=0.03)
    assert_valid(net)


def test_layout_labels_need_not_be_contiguous():
    b, g = city()
    perm = np.random.default_rng(0).permutation(N_CITY)
    net = nw.layered(b[perm], g[perm], NetworkPars(grid_degree=0, long_range_degree=0), 0)
    rows = np.repeat(np.arange(net.n), net.degree())
    assert np.all(b[perm][rows] == b[perm][net.indices])
    assert np.all(net.degree() == 4)


def test_zero_weight_layer_adds_no_ties():
    b, g = city()
    net = nw.layered(b, g, NetworkPars(grid_weight=0.0, long_range_weight=0.0), 0)
    assert np.all(net.degree() == 4)


# ----------------------------------------------------------------- networkx generators


def test_watts_strogatz_p0_is_ring_lattice_with_known_clustering():
    n, k = 500, 6
    net = nw.watts_strogatz(n, k, 0.0, seed=1)
    i = np.repeat(np.arange(n), k // 2)
    j = (i + np.tile(np.arange(1, k // 2 + 1), n)) % n
    assert_same(net, nw.from_edges(n, i, j))
    clustering = nx.average_clustering(nw.to_networkx(net))
    assert clustering == pytest.approx(3 * (k - 2) / (4 * (k - 1)))


def test_watts_strogatz_seeded():
    a = nw.watts_strogatz(400, 4, 0.2, seed=1)
    assert_same(a, nw.watts_strogatz(400, 4, 0.2, seed=1))
    assert edge_set(a) != edge_set(nw.watts_strogatz(400, 4, 0.2, seed=2))
    assert a.n_edges == 800  # rewiring keeps the edge count


def test_erdos_renyi_mean_degree():
    net = nw.erdos_renyi(20_000, 8.0, seed=3)
    assert net.n == 20_000
    assert net.degree().mean() == pytest.approx(8.0, rel=0.02)
    assert_valid(net)


def test_barabasi_albert_edge_count():
    n, m = 2_000, 3
    net = nw.barabasi_albert(n, m, seed=0)
    assert net.n_edges == (n - m) * m
    assert net.degree().min() >= 1 and net.degree().max() > 10 * m  # hubs
    assert_valid(net)


@pytest.mark.parametrize("call, words", [
    (lambda: nw.watts_strogatz(5, 8, 0.1, 0), "k = 8"),
    (lambda: nw.barabasi_albert(3, 4, 0), "m = 4"),
    (lambda: nw.erdos_renyi(5, 8.0, 0), "mean degree 8"),
])
def test_generators_reject_impossible_settings(call, words):
    with pytest.raises(NetworkError, match=words):
        call()


def test_networkx_round_trip():
    b, g = city(1_200)
    net = nw.layered(b, g, NetworkPars(), 9)
    G = nw.to_networkx(net)
    assert G.number_of_nodes() == net.n and G.number_of_edges() == net.n_edges
    assert G.edges[0, 1]["weight"] == net.weight[net.indptr[0]]
    assert_same(nw.from_networkx(G), net)


def test_from_networkx_rejects_bad_nodes():
    with pytest.raises(NetworkError, match="0..1"):
        nw.from_networkx(nx.Graph([("a", "b")]))
    with pytest.raises(NetworkError, match="0..1"):
        nw.from_networkx(nx.Graph([(1, 2)]))


# ----------------------------------------------------------------- edge lists


def write(tmp_path, text: str, name: str = "f.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_edge_list_round_trip(tmp_path):
    b, g = city(1_200)
    net = nw.layered(b, g, NetworkPars(), 2)
    rows = np.repeat(np.arange(net.n), net.degree())
    upper = rows < net.indices
    lines = ["# exported", " source , target , weight ", ""]
    lines += [f"{i},{j},{w!r}" for i, j, w in
              zip(rows[upper].tolist(), net.indices[upper].tolist(),
                  net.weight[upper].tolist())]
    path = write(tmp_path, "\n".join(lines) + "\n")
    assert_same(nw.read_edge_list(path, net.n), net)


def test_edge_list_without_header_or_weights(tmp_path):
    path = write(tmp_path, "0,1\n\n# a comment\n2,1\n3,0\n")
    net = nw.read_edge_list(str(path), 4)
    np.testing.assert_array_equal(net.indptr, [0, 2, 4, 5, 6])
    np.testing.assert_array_equal(net.indices, [1, 3, 0, 2, 1, 0])
    assert np.all(net.weight == 1.0)


@pytest.mark.parametrize("text, words", [
    ("source,target\n0,1\n1,2,0.5\n", ["line 3", "3 columns", "expected 2"]),
    ("0,1,0.5\n1,2\n", ["line 2", "2 columns", "expected 3"]),
    ("0\n", ["line 1", "1 columns", "source,target"]),
    ("0,1\n0,x\n", ["line 2", "'x'", "whole number", "0 to 9999"]),
    ("0,1\n2.5,3\n", ["line 2", "'2.5'", "whole number"]),
    ("0,1\n\n# note\n4,5\n2,3\n5,6\n12345,1\n", ["unknown household id 12345", "line 7",
                                                  "ids run from 0 to 9999"]),
    ("0,1\n-1,3\n", ["unknown household id -1", "line 2", "0 to 9999"]),
    ("0,1\n7,7\n", ["self-loop", "line 2"]),
    ("0,1,0.5\n1,2,abc\n", ["line 2", "'abc'", "not a number", "(0, 1]"]),
    ("0,1,0.5\n1,2,nan\n", ["line 2", "finite", "(0, 1]"]),
    ("0,1,0.5\n1,2,inf\n", ["line 2", "finite"]),
    ("0,1,0.5\n1,2,-0.5\n", ["line 2", "must be > 0"]),
    ("0,1,0.5\n1,2,0\n", ["line 2", "must be > 0"]),
    ("0,1,0.5\n1,2,1.5\n", ["line 2", "(0, 1]"]),
    ("0,1\n2,3\n1,0\n", ["duplicate", "line 3", "line 1"]),
    ("source,target\n5,6\n7,8\n\n6,5\n", ["duplicate", "line 5", "line 2"]),
    ("", ["no ties"]),
    ("# only a comment\nsource,target,weight\n\n", ["no ties"]),
])
def test_edge_list_errors(tmp_path, text, words):
    path = write(tmp_path, text)
    with pytest.raises(NetworkError) as err:
        nw.read_edge_list(path, 10_000)
    message = str(err.value)
    assert "f.csv" in message
    for word in words:
        assert word in message, (word, message)


def test_edge_list_reports_the_first_error(tmp_path):
    dup_first = write(tmp_path, "0,1\n1,0\n2,99999\n", "a.csv")
    with pytest.raises(NetworkError, match="duplicate.*line 2"):
        nw.read_edge_list(dup_first, 100)
    bad_first = write(tmp_path, "0,1\n2,99999\n1,0\n", "b.csv")
    with pytest.raises(NetworkError, match="unknown household id 99999 on line 2"):
        nw.read_edge_list(bad_first, 100)
    # Of several duplicates, the one met first in the file (line 3, not 4 or 5).
    two = write(tmp_path, "0,1\n2,3\n3,2\n1,0\n2,3\n", "c.csv")
    with pytest.raises(NetworkError, match="line 3 .*line 2"):
        nw.read_edge_list(two, 100)


def test_edge_list_missing_or_unreadable(tmp_path):
    with pytest.raises(NetworkError, match="nothere.csv.*not found"):
        nw.read_edge_list(tmp_path / "nothere.csv", 10)
    with pytest.raises(NetworkError, match="cannot read"):
        nw.read_edge_list(tmp_path, 10)  # a directory


# ----------------------------------------------------------------- build_network


def test_build_network_dispatch(tmp_path):
    b, g = city(600)
    assert_same(nw.build_network(NetworkPars(), b, g, 1), nw.layered(b, g, NetworkPars(), 1))
    ws = nw.build_network(NetworkPars(kind="watts_strogatz", ws_k=4, ws_p=0.0), b, g, 1)
    assert np.all(ws.degree() == 4)
    ba = nw.build_network(NetworkPars(kind="barabasi_albert", ba_m=2), b, g, 1)
    assert ba.n_edges == (600 - 2) * 2
    er = nw.build_network(NetworkPars(kind="erdos_renyi", er_mean_degree=6.0), b, g, 1)
    assert er.n == 600 and 4 < er.degree().mean() < 8
    path = write(tmp_path, "source,target\n0,599\n")
    el = nw.build_network(NetworkPars(kind="edge_list", edge_list=str(path)), b, g, 1)
    assert el.n == 600 and el.n_edges == 1
    with pytest.raises(NetworkError, match="network.edge_list must be set when "
                                           "network.kind = 'edge_list'"):
        nw.build_network(NetworkPars(kind="edge_list"), b, g, 1)
