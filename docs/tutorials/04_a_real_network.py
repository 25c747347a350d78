# %% [markdown]
# # Tutorial 4: a real social network instead of a generated one
#
# The model's households usually live on a generated network (buildings,
# grids and a few long-range ties). Here they live on a network someone
# observed: Zachary's karate club, 34 people and the 78 friendships among
# them (Zachary 1977, *J. Anthropol. Res.* 33(4):452-473; the file and its
# terms are in `docs/tutorials/data/README.md`). We read it, run a lockdown
# on it, and compare it with generated networks of the same size and density.
#
# A network file can be a CSV edge list (comma, tab, semicolon or space
# separated), GraphML, GEXF, GML, Pajek or an adjacency list; node ids may be
# household numbers 0..n-1 or any labels (mapped to households in the order
# the file names them, the mapping written to `network_nodes.csv` by
# `grassroots run --out`). Weights outside (0, 1] are rescaled with
# `network.weight_scale = "max"`. From the command line:
#
#     grassroots run --households 34 --shock lockdown \
#         --set network.kind=edge_list \
#         --set network.edge_list=docs/tutorials/data/karate_club.graphml \
#         --set network.weight_scale=max

# %%
from dataclasses import replace
from pathlib import Path

import networkx as nx
import numpy as np

from scenarios import load_shock, make_model
from sim.network import read_network

HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path("docs/tutorials")
KARATE = HERE / "data" / "karate_club.graphml"
N = 34  # the club is the whole "city": one household per member

# %% [markdown]
# ## Reading the file
#
# The ids are the numbers 0-33, so each member is the household of that
# number. The weights are counts of shared contexts (1-7): with
# `weight_scale="max"` the strongest friendship has strength 1.

# %%
net = read_network(KARATE, N, weight_scale="max")
print(f"{net.n} households, {net.n_edges} ties, mean degree {net.degree().mean():.2f}")
print("strengths:", sorted(set(np.round(net.weight, 3).tolist())))
print("most connected:", np.argsort(net.degree())[::-1][:3].tolist(), "(the instructor is 0, "
      "the club's president 33)")

# %% [markdown]
# ## A lockdown on the club
#
# The same seed, strategy and shock on three networks: the real one, and two
# generated with the same number of households and the same mean degree.

# %%
# The club is one grid, so the built-in lockdown's first stage (half of the grids, from
# day 10) has no grid to shut: the club shuts with the city-wide second stage (day 14).
staged = load_shock("lockdown")
lockdown = replace(staged, events=staged.events[1:])
common = dict(n_households=N, days=60, seed=4)
networks = {
    "karate club (observed)": {"network.kind": "edge_list", "network.edge_list": str(KARATE),
                               "network.weight_scale": "max"},
    "Erdos-Renyi (random)": {"network.kind": "erdos_renyi",
                             "network.er_mean_degree": float(net.degree().mean())},
    "Watts-Strogatz (ring)": {"network.kind": "watts_strogatz", "network.ws_k": 4},
}
results = {}
for label, over in networks.items():
    for strategy in ("status_quo", "community_resilience"):
        m = make_model(strategy, lockdown, overrides=over, **common)
        s = m.run().as_dict()
        helped = m.series()["help_neighbours_days"].sum()
        results[label, strategy] = s
        print(f"{label:<24} {strategy:<22} resilience loss {s['resilience_loss']:7.3f}   "
              f"unmet household-days {s['unmet_household_days']:5.0f}   "
              f"help from ties {helped:6.1f} days")

# %% [markdown]
# ## Who helps whom
#
# On the observed network help flows along the friendships the two leaders
# hold together. The degree of each member against the essentials they
# received from their ties shows whether the well connected did better.

# %%
m = make_model("community_resilience", lockdown, overrides=networks["karate club (observed)"],
               **common)
m.run()
G = nx.karate_club_graph()
clubs = nx.get_node_attributes(G, "club")
h = m.state.households
for club in ("Mr. Hi", "Officer"):
    members = [i for i in range(N) if clubs[i] == club]
    print(f"{club:<8} {len(members):2d} members, mean degree "
          f"{net.degree()[members].mean():.1f}, mean wellbeing at the end "
          f"{h.wellbeing[members].mean():.3f}")

# %% [markdown]
# ## Exercises
#
# 1. Run the karate club without `weight_scale` and read the error: what
#    does it ask you to do?
# 2. Write the club as a CSV edge list with names instead of numbers
#    (`Source;Target;Weight`, separated by semicolons) and run it with
#    `grassroots run --out`: find the mapping in `network_nodes.csv`.
# 3. Give some members an `age` and a `lives_alone` attribute in the GraphML
#    file (docs/ODD.md, "Input data", lists what is read) and see how the
#    vulnerable among them fare.
#
# ## Questions for discussion
#
# - A karate club is not a neighbourhood: which of its ties would a
#   lockdown cut, and which would carry help?
# - The generated networks match size and density. What else about the
#   observed network (its two factions, its hubs) could change the result?
