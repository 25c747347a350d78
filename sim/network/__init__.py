"""The household social network: storage, generators and files.

Households are nodes 0..n-1; a tie is undirected and has a strength in (0, 1].
The network is built once, before day 0, and stored as symmetric CSR arrays
(`Network.indptr`, `.indices`, `.weight`). networkx builds the textbook
generators and reads files; it never runs inside a step.

    csr.py         Network, from_edges, from_networkx, to_networkx
    generators.py  layered (the default city network), watts_strogatz,
                   barabasi_albert, erdos_renyi
    io.py          read_network, read_edge_list: CSV, GraphML, GEXF, GML,
                   Pajek and adjacency lists, with node labels and attributes

`build_network` is the entry point the model calls; it dispatches on
`NetworkPars.kind`.
"""

from __future__ import annotations

from sim.errors import NetworkError
from sim.network.csr import Network, from_edges, from_networkx, to_networkx
from sim.network.generators import barabasi_albert, erdos_renyi, layered, watts_strogatz
from sim.network.io import NODE_ATTRIBUTES, read_edge_list, read_network
from sim.params import NetworkPars

__all__ = ["NODE_ATTRIBUTES", "Network", "barabasi_albert", "build_network", "erdos_renyi",
           "from_edges", "from_networkx", "layered", "read_edge_list", "read_network",
           "to_networkx", "watts_strogatz"]


def build_network(pars: NetworkPars, building, grid, seed: int, neighbours=None) -> Network:
    """Build the network `pars.kind` names for a city of len(building) households.

    Args:
        pars: The network parameters.
        building: int (n,), each household's building id (used by 'layered').
        grid: int (n,), each household's grid id (used by 'layered').
        seed: The run's seed.
        neighbours: (indptr, indices) of each grid's map neighbours (a district
            with map ties), used by 'layered' for its long-range ties; None:
            city-wide.

    Returns:
        The network.

    Raises:
        NetworkError: On an unknown kind, a missing file path or any error of
            the chosen generator or file.
    """
    n = len(building)
    kind = pars.kind
    if kind == "layered":
        return layered(building, grid, pars, seed, neighbours)
    if kind == "watts_strogatz":
        return watts_strogatz(n, pars.ws_k, pars.ws_p, seed)
    if kind == "barabasi_albert":
        return barabasi_albert(n, pars.ba_m, seed)
    if kind == "erdos_renyi":
        return erdos_renyi(n, pars.er_mean_degree, seed)
    if kind == "edge_list":
        if not pars.edge_list:
            raise NetworkError("network.edge_list must be set when network.kind = 'edge_list'")
        return read_network(pars.edge_list, n, pars.format, pars.node_ids, pars.weight_scale)
    raise NetworkError(f"network.kind = {kind!r} is not known; allowed: 'layered', "
                       "'watts_strogatz', 'barabasi_albert', 'erdos_renyi', 'edge_list'")
