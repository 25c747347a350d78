"""Networks as people have them: labelled CSV edge lists, GraphML, GEXF, GML, Pajek,
adjacency lists, weights to rescale and node attributes that describe households."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import network as nw
from sim.errors import InputWarning, NetworkError, ParameterError
from sim.network import read_network
from sim.params import NetworkPars, Params
from sim.population import apply_node_attributes, build

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path, text: str, name: str):
    f = tmp_path / name
    f.write_text(text)
    return f


def edges(net) -> set[tuple[int, int, float]]:
    rows = np.repeat(np.arange(net.n), net.degree())
    up = rows < net.indices
    return set(zip(rows[up].tolist(), net.indices[up].tolist(), net.weight[up].round(9).tolist()))


def test_the_package_keeps_every_public_name_and_small_files():
    for name in ("Network", "from_edges", "from_networkx", "to_networkx", "layered",
                 "watts_strogatz", "barabasi_albert", "erdos_renyi", "read_edge_list",
                 "read_network", "build_network"):
        assert hasattr(nw, name), name
    for f in (ROOT / "sim" / "network").glob("*.py"):
        assert len(f.read_text().splitlines()) <= 400, f


@pytest.mark.parametrize("sep", [",", "\t", ";", " ", "  "])
def test_separators_are_detected(tmp_path, sep):
    f = write(tmp_path, f"0{sep}1\n1{sep}2\n# note\n2{sep}3\n", "t.csv")
    assert edges(nw.read_edge_list(f, 5)) == {(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0)}


def test_a_one_column_file_names_the_separators(tmp_path):
    f = write(tmp_path, "0|1\n", "p.csv")
    with pytest.raises(NetworkError, match="1 columns on line 1.*commas, tabs, semicolons or "
                                           "spaces"):
        nw.read_edge_list(f, 5)


def test_labels_are_mapped_to_households_in_order(tmp_path):
    f = write(tmp_path, "Source;Target;Weight\nValjean;Javert;17\nJavert;Cosette;2\n"
                        "Cosette;Marius;21\n", "lm.csv")
    with pytest.raises(NetworkError, match="weight '17' on line 2.*weight_scale = 'max'"):
        read_network(f, 10)
    net = read_network(f, 10, weight_scale="max")
    assert list(net.labels[:4]) == ["Valjean", "Javert", "Cosette", "Marius"]
    assert net.labels[4] is None and net.n == 10
    assert edges(net) == {(0, 1, round(17 / 21, 9)), (1, 2, round(2 / 21, 9)), (2, 3, 1.0)}
    with pytest.raises(NetworkError, match="node 'Marius'.*node 4 of the file.*only 3 "
                                           "households.*n_households"):
        read_network(f, 3, weight_scale="max")


@pytest.mark.parametrize("text, words", [
    ("0,1\n1_0,2\n", ["'1_0'", "plain digits", "node_ids = 'label'"]),
    ("0,1\n\u0661,2\n", ["plain digits"]),
    ("0,1\n0,\u0968\n", ["plain digits"]),
    ("0,1\nx,2\n", ["'x'", "whole number", "node_ids = 'label'"]),
    ("0,1,0.5\n1,2,1_0\n", ["weight '1_0'", "not a number"]),
    ("0,1,0.5\n1,2,\u0661\n", ["not a number"]),
])
def test_ids_and_weights_are_plain_ascii_numbers(tmp_path, text, words):
    with pytest.raises(NetworkError) as e:
        nw.read_edge_list(write(tmp_path, text, "e.csv"), 100)
    for w in words:
        assert w in str(e.value), (w, str(e.value))


def test_label_mode_reads_numbers_as_labels(tmp_path):
    f = write(tmp_path, "10,20\n20,1_0\n", "e.csv")
    net = read_network(f, 5, node_ids="label")
    assert list(net.labels[:3]) == ["10", "20", "1_0"]
    with pytest.raises(NetworkError, match="unknown household id 10"):
        read_network(f, 5, node_ids="index")


@pytest.mark.parametrize("ext, write_graph", [
    (".graphml", nx.write_graphml), (".gexf", nx.write_gexf), (".gml", nx.write_gml),
    (".net", nx.write_pajek), (".adjlist", nx.write_adjlist),
])
def test_networkx_formats(tmp_path, ext, write_graph):
    G = nx.les_miserables_graph()
    f = tmp_path / f"lesmis{ext}"
    write_graph(G, f)
    net = read_network(f, 100, weight_scale="max")
    assert net.n == 100 and net.n_edges == G.number_of_edges()
    assert set(net.labels[:G.number_of_nodes()]) == set(G.nodes)
    if ext != ".adjlist":  # adjacency lists carry no weights
        top = max(w for _, _, w in G.edges(data="weight"))
        i, j = (list(net.labels).index(x) for x in ("Valjean", "Javert"))
        assert net.weight[net.indptr[i]:net.indptr[i + 1]][net.neighbours(i) == j][0] == \
            pytest.approx(G["Valjean"]["Javert"]["weight"] / top)
    assert read_network(f, 100, fmt={".net": "pajek", ".adjlist": "adjlist"}.get(
        ext, ext[1:]), weight_scale="max").n_edges == net.n_edges


def test_karate_club_as_shipped_matches_networkx():
    f = ROOT / "docs" / "tutorials" / "data" / "karate_club.graphml"
    net = read_network(f, 34, weight_scale="max")
    K = nx.karate_club_graph()
    top = max(w for _, _, w in K.edges(data="weight"))
    assert net.labels is None  # ids 0..33 are household numbers
    assert edges(net) == {(min(u, v), max(u, v), round(w / top, 9))
                          for u, v, w in K.edges(data="weight")}


def test_bad_network_files(tmp_path):
    with pytest.raises(NetworkError, match="cannot tell the format.*'.xyz'"):
        read_network(write(tmp_path, "0,1\n", "a.xyz"), 5)
    with pytest.raises(NetworkError, match="cannot read .* as graphml"):
        read_network(write(tmp_path, "<graphml><oops", "b.graphml"), 5)
    with pytest.raises(NetworkError, match="not found"):
        read_network(tmp_path / "none.gexf", 5)
    G = nx.Graph([("a", "b")])
    G.add_edge("b", "c", weight=-2)
    nx.write_graphml(G, tmp_path / "neg.graphml")
    with pytest.raises(NetworkError, match="tie 'b'-'c'.*must be > 0"):
        read_network(tmp_path / "neg.graphml", 5)


def test_edge_list_needs_kind_and_kind_needs_file():
    with pytest.raises(ParameterError, match="network.kind = 'layered'"):
        Params().with_overrides({"network.edge_list": "ties.csv"})
    with pytest.raises(ParameterError, match="needs network.edge_list"):
        Params().with_overrides({"network.kind": "edge_list"})
    p = Params().with_overrides({"network.kind": "edge_list", "network.edge_list": "t.csv"})
    assert p.network.format == "auto" and p.network.weight_scale == "none"


def test_node_attributes_override_the_draws(tmp_path):
    G = nx.Graph()
    G.add_node("ann", age=72, income="low", lives_alone="yes", digital_access=0)
    G.add_node("bob", age_group="30-44", household_size=3, smartphone="true", chronic="no")
    G.add_node("cat")
    G.add_edges_from([("ann", "bob"), ("bob", "cat")])
    nx.write_graphml(G, tmp_path / "city.graphml")
    net = read_network(tmp_path / "city.graphml", 600)
    assert net.attributes["elderly"][:3].tolist()[:2] == [1.0, 0.0]
    assert np.isnan(net.attributes["elderly"][2])
    params = Params().with_overrides({"population.n_households": 600,
                                      "population.share_elderly": 0.0})
    state = build(params)
    before = {k: getattr(state.households, k).copy() for k in ("is_elderly", "trust")}
    assert apply_node_attributes(state, net, params) == (
        "alone", "chronic", "digital_access", "elderly", "low_income")
    h = state.households
    assert h.is_elderly[0] and not h.is_elderly[1] and h.lives_alone[0] and h.is_low_income[0]
    assert not h.has_digital_access[0] and h.has_digital_access[1] and not h.lives_alone[1]
    assert h.is_vulnerable[0] and h.vulnerability[0] >= 3
    assert (h.is_elderly[2:] == before["is_elderly"][2:]).all()  # the file is silent on them
    assert (h.trust == before["trust"]).all()  # draws that do not depend on them stay


def test_unused_and_bad_attributes(tmp_path):
    G = nx.Graph()
    G.add_node(0, grid=3)
    G.add_node(1, age="old-ish")
    G.add_edge(0, 1)
    nx.write_graphml(G, tmp_path / "bad.graphml")
    with pytest.raises(NetworkError, match="age = 'old-ish' at node '1'.*years"):
        read_network(tmp_path / "bad.graphml", 10)
    G.nodes[1]["age"] = 30
    nx.write_graphml(G, tmp_path / "grid.graphml")
    net = read_network(tmp_path / "grid.graphml", 600)
    params = Params().with_overrides({"population.n_households": 600})
    with pytest.warns(InputWarning, match="grid.*not used"):
        apply_node_attributes(build(params), net, params)


def test_run_writes_the_node_mapping(tmp_path):
    from grassroots.cli import main

    G = nx.les_miserables_graph()
    nx.write_gexf(G, tmp_path / "lm.gexf")
    out = tmp_path / "run"
    assert main(["run", "--households", "600", "--days", "12", "--shock", "lockdown", "--quiet",
                 "--set", "network.kind=edge_list", "--set",
                 f"network.edge_list={tmp_path / 'lm.gexf'}", "--set",
                 "network.weight_scale=max", "--out", str(out)]) == 0
    rows = (out / "network_nodes.csv").read_text().splitlines()
    assert rows[0] == "household,label" and len(rows) == 1 + G.number_of_nodes()
    assert {r.split(",", 1)[1] for r in rows[1:]} == set(G.nodes)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(st.sampled_from("0123456789,;\t _x-.\u0661e#\n"), max_size=12),
                max_size=6))
def test_random_edge_lists_give_a_network_or_one_network_error(tmp_path_factory, lines):
    f = tmp_path_factory.mktemp("el") / "r.csv"
    f.write_text("\n".join(lines))
    for ids in ("auto", "label"):
        try:
            net = read_network(f, 50, node_ids=ids)
        except NetworkError as e:
            assert "r.csv" in str(e) and "\n" not in str(e)
        else:
            assert net.n == 50 and net.n_edges >= 1


def test_build_network_reads_files(tmp_path):
    f = write(tmp_path, "a b\nb c\n", "abc.txt")
    b = np.zeros(600, np.int64)
    net = nw.build_network(NetworkPars(kind="edge_list", edge_list=str(f)), b, b, 1)
    assert net.n == 600 and net.n_edges == 2 and list(net.labels[:3]) == ["a", "b", "c"]
