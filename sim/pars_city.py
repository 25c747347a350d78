"""The parameter groups of the city and the run: `population`, `network`, `run`.

Declared here with their metadata (`sim.parspec.par`: default, bounds, unit,
label, meaning, and for uncertain ones a plausible range and its source);
collected, validated and addressed by dotted name in `sim.params`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.parspec import par


@dataclass(frozen=True)
class PopulationPars:
    """The synthetic city: its size, layout and who lives in it."""

    n_households: int = par(10_000, 10, 5_000_000, "households", "Households",
                            "Number of households in the city")
    building_households: int = par(24, 1, 500, "households", "Households per building",
                                   "Households in one residential building")
    grid_households: int = par(300, 20, 2_000, "households", "Households per grid",
                               "Households served by one grid unit (网格)")
    district: str = par("", unit="path", label="District map",
                        help="A district map whose polygons are the grids, with their household "
                             "counts and shares: a GeoJSON, GeoPackage or Shapefile, or a TOML "
                             "mapping naming one (docs/ODD.md, Districts); it sets "
                             "n_households; empty: the synthetic city")
    grids_per_community: int = par(6, 1, 100, "grids", "Grids per community",
                                   "Grid units that make up one community (社区)")
    share_elderly: float = par(0.187, 0.0, 1.0, "share", "Elderly households",
                               "Share of households headed by a person aged 60+")
    share_alone: float = par(0.254, 0.0, 1.0, "share", "One-person households",
                             "Share of households of one person")
    share_low_income: float = par(0.10, 0.0, 1.0, "share", "Low-income households",
                                  "Share of households with low income")
    share_chronic: float = par(0.20, 0.0, 1.0, "share", "Chronic illness",
                               "Share of households with a chronically ill member")
    digital_access_young: float = par(0.92, 0.0, 1.0, "share", "Digital access (<60)",
                                      "Share of non-elderly households using smartphones")
    digital_access_elderly: float = par(0.57, 0.0, 1.0, "share", "Digital access (60+)",
                                        "Share of elderly households using smartphones")
    share_volunteers: float = par(0.05, 0.0, 0.5, "share", "Volunteers",
                                  "Share of households with an active volunteer",
                                  plausible=(0.02, 0.1),
                                  source="no survey of households active in a crisis; halves to "
                                         "doubles the default assumption")
    reserve_days: float = par(7.0, 0.0, 60.0, "days", "Reserves",
                              "Mean household stock of essentials, in days of use",
                              plausible=(3.0, 14.0),
                              source="assumption: from a few days to two weeks of stocks, around "
                                     "reports from the 2022 Shanghai lockdown; not surveyed")
    low_income_reserve_factor: float = par(0.5, 0.0, 1.0, "ratio", "Low-income reserves",
                                           "Reserves of low-income homes relative to others")
    local_knowledge: float = par(0.5, 0.0, 1.0, "probability", "Local knowledge",
                                 "Chance a grid worker knows a vulnerable household first-hand",
                                 plausible=(0.2, 0.8),
                                 source="nothing known: wide range around the default")
    registry_coverage: float = par(0.7, 0.0, 1.0, "probability", "Registry coverage",
                                   "Chance a vulnerable household is in its department's registry",
                                   plausible=(0.4, 0.9),
                                   source="nothing known: wide range; most, not all, vulnerable "
                                          "homes are in some registry")
    share_migrant: float = par(0.42, 0.0, 1.0, "share", "Migrant households",
                               "Share of households without local household registration (hukou)",
                               plausible=(0.3, 0.5),
                               source="Shanghai 7th census 2020: 10.48 million of 24.87 million residents "
                                      "came from other provinces (42.1%); 0.3-0.5 spans other large cities")
    migrant_reserve_factor: float = par(0.75, 0.0, 1.0, "ratio", "Migrant reserves",
                                        "Reserves of migrant homes relative to others (smaller, rented, "
                                        "shared homes; less storage, less savings)",
                                        plausible=(0.5, 1.0),
                                        source="assumption: from half to the same stocks; Liu et al. 2023 "
                                               "find migrants' odds of food insecurity about twice locals'")
    migrant_social_factor: float = par(0.8, 0.0, 1.0, "ratio", "Migrant social capital",
                                       "Baseline social capital of migrant homes relative to others "
                                       "(fewer years in the neighbourhood, kin elsewhere)",
                                       plausible=(0.5, 1.0),
                                       source="assumption: from half to the same; shorter residence and "
                                              "kin outside the city weaken bonding ties")


@dataclass(frozen=True)
class NetworkPars:
    """The social network households live on."""

    kind: str = par("layered", unit="", label="Network generator",
                    help="How the social network is made",
                    choices=("layered", "watts_strogatz", "barabasi_albert",
                             "erdos_renyi", "edge_list"))
    edge_list: str = par("", unit="path", label="Network file",
                         help="File the network is read from when kind = 'edge_list': a CSV "
                              "edge list, GraphML, GEXF, Pajek or adjacency list")
    format: str = par("auto", unit="", label="Network file format",
                      help="Format of the network file; 'auto' goes by its extension (.csv "
                           ".tsv .txt: csv; .graphml; .gexf; .gml; .net .paj: pajek; .adjlist)",
                      choices=("auto", "csv", "graphml", "gexf", "gml", "pajek", "adjlist"))
    node_ids: str = par("auto", unit="", label="Node ids in the file",
                        help="'index': ids are household numbers 0..n-1; 'label': any text, "
                             "mapped to households in order of appearance; 'auto': index if "
                             "every id is plain digits, label if none is",
                        choices=("auto", "index", "label"))
    weight_scale: str = par("none", unit="", label="Weight rescaling",
                            help="'none': weights must already be tie strengths in (0, 1]; "
                                 "'max': divide every weight by the largest",
                            choices=("none", "max"))
    building_degree: int = par(4, 0, 50, "ties", "Building ties",
                               "Ties of each household to others in its building")
    grid_degree: float = par(2.0, 0.0, 50.0, "ties", "Grid ties",
                             "Mean ties of a household to others in its grid")
    long_range_degree: float = par(1.0, 0.0, 50.0, "ties", "Long-range ties",
                                   "Mean ties to kin and friends anywhere in the city")
    building_weight: float = par(0.8, 0.0, 1.0, "strength", "Building tie strength",
                                 "Strength of ties within a building")
    grid_weight: float = par(0.4, 0.0, 1.0, "strength", "Grid tie strength",
                             "Strength of ties within a grid")
    long_range_weight: float = par(0.6, 0.0, 1.0, "strength", "Long-range tie strength",
                                   "Strength of kin and friendship ties")
    ws_k: int = par(8, 2, 200, "ties", "Watts-Strogatz k",
                    "Ring neighbours of each node before rewiring")
    ws_p: float = par(0.1, 0.0, 1.0, "probability", "Watts-Strogatz p",
                      "Rewiring probability")
    ba_m: int = par(4, 1, 100, "ties", "Barabasi-Albert m",
                    "Ties each new node attaches with")
    er_mean_degree: float = par(8.0, 0.0, 200.0, "ties", "Erdos-Renyi mean degree",
                                "Mean degree of the random graph")


@dataclass(frozen=True)
class RunPars:
    """How long to run and with which random numbers."""

    days: int = par(180, 1, 3650, "days", "Days", "Days to simulate")
    burn_in_days: int = par(30, 0, 365, "days", "Burn-in",
                            "Days of the status quo's routine simulated before the strategy is "
                            "adopted (warm-up, no shock, not recorded)")
    tenure_days: int = par(365, 0, 3650, "days", "Tenure",
                           "Days the strategy has been in place before day 0 (no shock, not "
                           "recorded)")
    seed: int = par(0, 0, 2**63 - 1, "", "Seed", "Seed of every random draw")
