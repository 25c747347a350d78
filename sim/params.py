"""Every model parameter, declared once.

Each field of the frozen dataclasses below carries its default, bounds, unit,
label and a one-line meaning (`par`). The model, the scenario loader, the UI
sliders and the sweep designs all read this metadata through `Params.specs()`,
so a parameter is never declared twice. Values are addressed by dotted names
(`"governance.data_openness"`); a wrong name, type or value raises
`ParameterError` naming the parameter, the value, what is allowed and, for a
typo, the close names.

Sources and reasoning for every default are in docs/ODD.md (section 7,
"Initialisation", and the parameter table).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.errors import ParameterError, shown
from sim.parspec import ParSpec, fresh_seed, par, parse_value, specs_of, uncertain_of

GROUPS = ("population", "network", "behaviour", "governance", "run")


@dataclass(frozen=True)
class PopulationPars:
    """The synthetic city: its size, layout and who lives in it."""

    n_households: int = par(10_000, 10, 5_000_000, "households", "Households",
                            "Number of households in the city")
    building_households: int = par(24, 1, 500, "households", "Households per building",
                                   "Households in one residential building")
    grid_households: int = par(300, 20, 2_000, "households", "Households per grid",
                               "Households served by one grid unit (网格)")
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
class BehaviourPars:
    """How households and volunteers act; held fixed across strategies."""

    restock_days: float = par(2.0, 0.0, 20.0, "days/day", "Restocking",
                              "Days of essentials a household can buy per day with full supply",
                              plausible=(1.2, 3.0),
                              source="assumption: above 1 (daily use) so reserves can rebuild, up "
                                     "to three days' goods a day")
    low_income_restock_factor: float = par(0.6, 0.0, 1.0, "ratio", "Low-income restocking",
                                           "Restocking of low-income homes relative to others")
    need_cap_days: float = par(14.0, 1.0, 100.0, "days", "Need cap",
                               "Largest backlog of unmet essentials a household carries")
    stockup_days: float = par(7.0, 0.0, 60.0, "days", "Stock-up",
                              "Extra days of essentials a warned household aims to hold",
                              plausible=(2.0, 14.0),
                              source="assumption: from a couple of days to two weeks of extra "
                                     "stock")
    perception_threshold: float = par(0.5, 0.0, 1.0, "level", "Perception threshold",
                                      "Risk perception above which a household stocks up")
    perception_decay: float = par(0.2, 0.0, 1.0, "1/day", "Perception decay",
                                  "Daily fall of risk perception once a household is not warned")
    warning_reach: float = par(0.8, 0.0, 1.0, "probability", "Warning reach (platform)",
                               "Daily chance a platform warning reaches a connected household",
                               plausible=(0.5, 0.95),
                               source="nothing known: wide range for the daily reach of an "
                                      "official alert")
    chat_warning: float = par(0.5, 0.0, 1.0, "probability", "Warning reach (chat group)",
                              "Daily chance a chat group member hears a warning another member in the grid is passing on")
    chat_relay: bool = par(True, unit="", label="Warnings relayed in chat groups",
                           help="Grid workers post official warnings in their grid's chat group "
                                "(where groups exist), platform or not")
    word_of_mouth: float = par(0.3, 0.0, 1.0, "probability", "Word of mouth",
                               "Daily chance a telling household tells a full-strength tie",
                               plausible=(0.1, 0.6),
                               source="nothing known: wide range")
    stop_telling: float = par(0.3, 0.0, 1.0, "probability", "Stop telling",
                              "Daily chance an informed household stops passing a warning on")
    ask_platform: float = par(0.5, 0.0, 1.0, "probability", "Ask the platform",
                              "Daily chance a household in need asks the platform, at full trust",
                              plausible=(0.2, 0.8),
                              source="nothing known: wide range")
    ask_chat: float = par(0.6, 0.0, 1.0, "probability", "Ask the chat group",
                          "Daily chance a household in need posts in its community chat group",
                          plausible=(0.3, 0.9),
                          source="nothing known: wide range")
    ask_neighbours: float = par(0.7, 0.0, 1.0, "probability", "Ask neighbours",
                                "Daily chance a household in need asks its ties, at full social capital",
                                plausible=(0.3, 0.95),
                                source="nothing known: wide range")
    aid_keep_days: float = par(3.0, 0.0, 30.0, "days", "Kept for oneself",
                               "Reserves a household keeps before sharing with ties",
                               plausible=(1.0, 7.0),
                               source="assumption: from one day to a week kept before sharing")
    aid_share: float = par(0.5, 0.0, 1.0, "share", "Share of surplus",
                           "Share of its surplus a household offers per day, at full social capital",
                           plausible=(0.2, 0.8),
                           source="nothing known: wide range")
    volunteer_capacity_days: float = par(6.0, 0.0, 50.0, "days/day", "Volunteer capacity",
                                         "Essentials a fully motivated volunteer delivers per day",
                                         plausible=(2.0, 12.0),
                                         source="assumption: one day's goods to 2 to 12 homes a "
                                                "day")
    volunteer_hours_per_day: float = par(0.5, 0.0, 8.0, "hours/day", "Volunteer hours per delivery",
                                         "Volunteer hours per day of essentials delivered")
    motivation_gain: float = par(0.05, 0.0, 1.0, "1/day", "Motivation gain",
                                 "Growth of volunteer motivation with use")
    crowd_out: float = par(0.1, 0.0, 1.0, "1/day", "Crowding out",
                           "Loss of motivation of an idle volunteer while formal services serve the grid",
                           plausible=(0.0, 0.3),
                           source="nothing known, including whether crowding out happens at all: "
                                  "from none to fast")
    burnout_threshold: float = par(7.0, 0.0, 100.0, "days", "Burnout threshold",
                                   "Accumulated full-use days above which a volunteer burns out",
                                   plausible=(3.0, 14.0),
                                   source="assumption: burnout after roughly 4 to 30 days of full "
                                          "use")
    burnout_rate: float = par(0.1, 0.0, 1.0, "1/day", "Burnout",
                              "Daily loss of motivation of a burnt-out volunteer")
    fatigue_recovery: float = par(0.1, 0.0, 1.0, "1/day", "Fatigue recovery",
                                  "Daily recovery from accumulated fatigue")
    motivation_relax: float = par(0.02, 0.0, 1.0, "1/day", "Motivation relaxation",
                                  "Daily pull of motivation back to its baseline")
    trust_gain: float = par(0.1, 0.0, 1.0, "per service", "Trust gain",
                            "Rise of trust when government help arrives",
                            plausible=(0.03, 0.3),
                            source="nothing known: wide range")
    trust_loss: float = par(0.02, 0.0, 1.0, "1/day", "Trust loss",
                            "Daily fall of trust while a request waits past patience",
                            plausible=(0.005, 0.06),
                            source="nothing known: wide range")
    trust_relax: float = par(0.01, 0.0, 1.0, "1/day", "Trust relaxation",
                             "Daily pull of trust back to the household's baseline")
    trust_gain_coordinated: float = par(0.05, 0.0, 1.0, "per delivery", "Trust from coordinated help",
                                        "Rise of trust when volunteers the grid coordinates bring help")
    patience_days: int = par(3, 0, 60, "days", "Patience",
                             "Days a request may wait before trust starts to fall")
    sc_gain_aid: float = par(0.02, 0.0, 1.0, "per day", "Social capital from aid",
                             "Rise of social capital on a day of giving or getting mutual aid")
    sc_gain_chat: float = par(0.002, 0.0, 1.0, "1/day", "Social capital from chat groups",
                              "Daily rise of social capital of a household in an active chat group")
    sc_relax: float = par(0.01, 0.0, 1.0, "1/day", "Social capital relaxation",
                          "Daily pull of social capital back to its baseline")
    need_stress: float = par(0.06, 0.0, 1.0, "1/day", "Stress of unmet need",
                             "Daily wellbeing loss at a full need backlog (need_scale_days)")
    need_scale_days: float = par(3.0, 0.1, 30.0, "days", "Need scale",
                                 "Need backlog at which need stress is full")
    heat_stress: float = par(0.05, 0.0, 1.0, "1/day", "Heat stress",
                             "Daily wellbeing loss at full heat without cooling")
    heat_cooling: float = par(0.7, 0.0, 1.0, "share", "Cooling protection",
                              "Share of heat stress removed while the power is on")
    damage_stress: float = par(0.05, 0.0, 1.0, "1/day", "Damage stress",
                               "Daily wellbeing loss at full hazard and exposure")
    vulnerable_factor: float = par(2.0, 1.0, 10.0, "ratio", "Vulnerability factor",
                                   "How much faster wellbeing falls for vulnerable households")
    recovery: float = par(0.1, 0.0, 1.0, "1/day", "Recovery",
                          "Daily recovery of wellbeing toward 1 while needs are met")
    crisis_threshold: float = par(0.4, 0.0, 1.0, "wellbeing", "Crisis threshold",
                                  "Wellbeing below which a household is in crisis")
    hardship_rate: float = par(0.002, 0.0, 1.0, "1/day", "Everyday hardship",
                               "Daily chance a household meets a misfortune (illness, lost job)")
    hardship_days: int = par(14, 0, 365, "days", "Hardship length",
                             "Days a household in hardship cannot restock")
    damage_reserve_loss: float = par(0.3, 0.0, 1.0, "1/day", "Reserves destroyed",
                                     "Daily share of reserves destroyed at full hazard and exposure")
    damage_need_days: float = par(0.5, 0.0, 10.0, "days/day", "Damage need",
                                  "Need added per day at full hazard and exposure (repairs, care)")
    shop_stock_days: float = par(3.0, 0.0, 60.0, "days", "Shop stock",
                                 "Days of its grid's use a shop holds when full (its capacity)",
                                 plausible=(1.5, 7.0),
                                 source="assumption: neighbourhood shops and supermarkets hold a "
                                        "few days of turnover (just-in-time retail); runs on "
                                        "shops before the 2022 Shanghai lockdown emptied shelves "
                                        "within a day or two")
    shop_resupply_days: float = par(1.5, 0.0, 20.0, "days/day", "Shop resupply",
                                    "Daily deliveries to a grid's shops at full supply, in days "
                                    "per household",
                                    plausible=(1.1, 3.0),
                                    source="assumption: above 1 (daily use) so shops refill after "
                                           "a run, within a few days")
    donation_share: float = par(0.3, 0.0, 1.0, "share", "Donations to volunteers",
                                "Share of its surplus above aid_keep_days a household not in need "
                                "gives volunteers when they collect, per day",
                                plausible=(0.1, 0.6),
                                source="nothing known: wide range for neighbourhood collections "
                                       "of goods")
    shop_exposure: float = par(0.5, 0.0, 1.0, "share", "Shop exposure",
                               "Exposure of a grid's shop stock to hazards, 0-1 (as households' "
                               "exposure): a flood destroys damage_reserve_loss x hazard x this "
                               "share of it a day",
                               plausible=(0.2, 0.8),
                               source="assumption: street-level shops and their storerooms take "
                                      "water like ground-floor homes; from a fifth to most of the "
                                      "stock within reach")
    chat_thinning: float = par(0.5, 0.0, 1.0, "share", "Chat groups thin with social capital",
                               "Share of the chance to post in the chat group that depends on "
                               "the household's social capital (0: posting does not depend on it)",
                               plausible=(0.0, 1.0),
                               source="assumption: online neighbourhood groups are busiest where "
                                      "offline ties are strong; nothing measures how much")
    chat_needs_ties: bool = par(True, unit="", label="Chat groups need ties",
                                help="A household with no tie in its grid is not in the grid's "
                                     "chat group (cannot post or read there); off: every "
                                     "smartphone household is a member")


@dataclass(frozen=True)
class GovernancePars:
    """The levers a strategy sets: how the state and the community are organised."""

    platform_sensing: float = par(0.3, 0.0, 1.0, "probability", "Platform sensing",
                                  "Daily chance the platform detects a connected household in need")
    reporting_burden: float = par(0.35, 0.0, 0.9, "share of time", "Reporting burden",
                                  "Grid worker time spent on top-down reports")
    kpi_pressure: float = par(0.3, 0.0, 1.0, "probability", "Indicator pressure",
                              "Chance a grid worker reports a visited case closed before it is resolved")
    data_openness: float = par(0.2, 0.0, 1.0, "share", "Data openness",
                               "Share of department registries opened to grid units")
    direct_dispatch: bool = par(False, unit="", label="Direct dispatch (closed loop)",
                                help="Grid units send cases straight to departments")
    central_latency_days: int = par(3, 0, 30, "days", "Central latency",
                                    "Days a case takes through the central platform to a department",
                                    plausible=(1, 7),
                                    source="assumption: one day to a week through the central "
                                           "platform")
    direct_latency_days: int = par(1, 0, 30, "days", "Direct latency",
                                   "Days a case takes from grid to department under direct dispatch",
                                   plausible=(0, 3),
                                   source="assumption: same day to three days from grid to "
                                          "department")
    chat_groups: bool = par(False, unit="", label="Community chat groups",
                            help="Households can ask for help in a community chat group")
    chat_to_platform: bool = par(False, unit="", label="Chat groups linked to platform",
                                 help="Requests posted in chat groups open cases on the platform")
    volunteer_coordination: bool = par(False, unit="", label="Volunteer coordination",
                                       help="Grid workers pass detected cases to volunteers")
    social_capital_investment: float = par(0.0, 0.0, 0.05, "1/day", "Social capital investment",
                                           "Daily growth of social capital from community building")
    visit_capacity: int = par(30, 0, 500, "households/day", "Visit capacity",
                              "Households a grid worker can visit in a full day",
                              plausible=(10, 60),
                              source="assumption: from long visits to quick door-step checks over "
                                     "a day")
    revisit_days: int = par(7, 1, 365, "days", "Revisit interval",
                            "Days before a grid worker visits a known vulnerable household again")
    hazard_mobility_loss: float = par(0.5, 0.0, 1.0, "share", "Mobility loss",
                                      "Share of visits lost at full hazard intensity")
    dept_capacity_per_10k: float = par(40.0, 0.0, 10_000.0, "households/day per 10k",
                                       "Department capacity",
                                       "Households one department serves per day, per 10,000 households",
                                       plausible=(15.0, 100.0),
                                       source="nothing known: from under half to 2.5 times the "
                                              "default")
    dept_delivery_days: float = par(7.0, 0.0, 60.0, "days", "Department delivery",
                                    "Essentials a department delivers to a served household")
    close_after_days: int = par(3, 0, 60, "days", "Case closure delay",
                                "Days a household's need must stay at zero before its case is closed")
    power_delivery_loss: float = par(0.3, 0.0, 0.95, "share", "Delivery loss without power",
                                     "Share of a department trip lost in a grid without power "
                                     "(lifts out, goods carried upstairs)",
                                     plausible=(0.1, 0.5),
                                     source="assumption: carrying goods up stairs in high-rise "
                                            "blocks takes from a tenth to half of a trip again")
    warehouse_days_per_household: float = par(2.0, 0.0, 60.0, "days", "City warehouse",
                                              "Stock of the city's emergency warehouse (its "
                                              "capacity and initial stock), in days per household",
                                              plausible=(0.5, 7.0),
                                              source="assumption: municipal reserves of daily "
                                                     "necessities for a few days of the whole "
                                                     "city; not published per household")
    warehouse_resupply_per_10k: float = par(1000.0, 0.0, 100_000.0, "days/day per 10k",
                                            "Warehouse resupply",
                                            "Daily inflow to the city warehouse from outside "
                                            "the city, per 10,000 households (not cut by the "
                                            "shock)",
                                            plausible=(300.0, 3000.0),
                                            source="assumption: about what the departments can "
                                                   "hand out in a day at the default capacity "
                                                   "(4 x 40 x 7 = 1120 per 10k)")
    preposition_floor: float = par(0.5, 0.0, 1.0, "share", "Pre-positioning floor",
                                   "Share of the warehouse's capacity kept back from "
                                   "pre-positioning")
    preposition_trigger: float = par(0.02, 0.0, 1.0, "share", "Pre-positioning trigger",
                                     "Share of households the dashboard shows in need above "
                                     "which pre-positioning follows it (with no warning out)")
    prepositioning: float = par(0.0, 0.0, 1.0, "share/day", "Pre-positioning",
                                "Daily share of the warehouse's stock above the floor sent to "
                                "grid depots while a warning is out or the dashboard shows need")
    depot_access: bool = par(False, unit="", label="Volunteers draw on depots",
                             help="Under volunteer coordination, volunteers may deliver from "
                                  "their grid's depot")
    dashboard_allocation: float = par(0.0, 0.0, 1.0, "share", "Dashboard allocation",
                                      "Share of department trips split across grids by the "
                                      "dashboard's cases per grid")
    automated_dispatch: bool = par(False, unit="", label="Automated dispatch",
                                   help="Cases the platform detects itself (requests, sensing, "
                                        "linked chat posts) go to departments with no human "
                                        "step, while the platform is up and the grid's telecom "
                                        "works")
    automated_latency_days: int = par(0, 0, 30, "days", "Automated latency",
                                      "Days an automatically dispatched case takes to reach a "
                                      "department",
                                      plausible=(0, 1),
                                      source="assumption: a system-to-system hand-off, the same "
                                             "day or the next")
    registry_outreach_per_10k: float = par(0.0, 0.0, 10_000.0, "calls/day per 10k",
                                           "Registry outreach",
                                           "Calls departments make a day, per 10,000 households, "
                                           "to the households in their own registries, once a "
                                           "warning stands or a hazard hits the grid")
    broadcast_warnings: float = par(0.0, 0.0, 1.0, "probability", "Broadcast warnings",
                                    "Daily chance a cell broadcast / SMS / TV warning reaches a "
                                    "household (smartphone or not) while telecom works")
    dashboard_steering: float = par(0.0, 0.0, 1.0, "share", "Dashboard steering",
                                    "Share of the city's grid-worker visit capacity sent to grids "
                                    "in proportion to the cases the dashboard shows there")
    central_triage_per_10k: float = par(100.0, 0.0, 10_000.0, "cases/day per 10k",
                                        "Central triage capacity",
                                        "Cases the central platform's triage forwards a day, per "
                                        "10,000 households (oldest first)",
                                        plausible=(30.0, 300.0),
                                        source="assumption: a district hotline staffed for "
                                               "everyday volume (about 20 new cases a day per "
                                               "10k) with surge room; from a fifth to twice the "
                                               "four departments' combined capacity")
    central_info_loss: float = par(0.1, 0.0, 1.0, "probability", "Central information loss",
                                   "Chance a case routed through the central triage loses its "
                                   "details and returns closed without service",
                                   plausible=(0.02, 0.25),
                                   source="assumption: a case retold twice (grid to centre to "
                                          "department) by people who did not see the household")
    direct_info_loss: float = par(0.03, 0.0, 1.0, "probability", "Direct information loss",
                                  "Chance a case handed over directly by the grid worker loses "
                                  "its details and returns closed without service",
                                  plausible=(0.0, 0.1),
                                  source="assumption: one hand-off by the worker who saw the "
                                         "household; a third of the central loss")
    handoff_visit_cost: float = par(0.5, 0.0, 10.0, "visits/case", "Hand-off cost",
                                    "Visits of the next day's capacity a grid worker spends on "
                                    "each case handed over directly to a department",
                                    plausible=(0.2, 1.0),
                                    source="assumption: a call and a form, from a fifth of a visit "
                                           "to a whole one")


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


# The levers a strategy sets, and their status quo values (the defaults of the governance
# group are the status quo's; tests/test_tenure.py holds scenarios/strategies/status_quo.toml
# to them). The warm-up before a strategy is adopted runs with these values.
LEVERS = ("platform_sensing", "reporting_burden", "kpi_pressure", "data_openness",
          "direct_dispatch", "chat_groups", "chat_to_platform", "volunteer_coordination",
          "social_capital_investment", "automated_dispatch", "registry_outreach_per_10k",
          "broadcast_warnings", "dashboard_steering", "prepositioning", "depot_access",
          "dashboard_allocation")
STATUS_QUO: dict[str, Any] = {f"governance.{k}": getattr(GovernancePars(), k) for k in LEVERS}

_GROUP_TYPES = {"population": PopulationPars, "network": NetworkPars,
                "behaviour": BehaviourPars, "governance": GovernancePars, "run": RunPars}


SPECS: dict[str, ParSpec] = specs_of(_GROUP_TYPES)

# Deep uncertainties: {dotted name: (low, high, source or reasoning)}, from the
# `plausible` and `source` metadata above. Never a lever a strategy sets.
UNCERTAIN: dict[str, tuple[float, float, str]] = uncertain_of(_GROUP_TYPES, SPECS)


def spec(name: str) -> ParSpec:
    """The spec of a dotted parameter name; an unknown name lists close ones."""
    try:
        return SPECS[name]
    except KeyError:
        close = difflib.get_close_matches(name, SPECS, n=3, cutoff=0.8)
        if not close:  # try the field name alone ("data_openness")
            tail = {k.split(".", 1)[1]: k for k in SPECS}
            close = [tail[c] for c in difflib.get_close_matches(name.split(".")[-1], tail, n=3)]
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ParameterError(f"unknown parameter '{name}'{hint} "
                             f"(names are group.field, groups: {', '.join(GROUPS)})") from None


@dataclass(frozen=True)
class Params:
    """All parameters of one run: five groups of validated values."""

    population: PopulationPars = field(default_factory=PopulationPars)
    network: NetworkPars = field(default_factory=NetworkPars)
    behaviour: BehaviourPars = field(default_factory=BehaviourPars)
    governance: GovernancePars = field(default_factory=GovernancePars)
    run: RunPars = field(default_factory=RunPars)

    def __post_init__(self):
        for name, value in self.to_dict().items():
            checked = spec(name).check(value)
            if checked != value or type(checked) is not type(value):
                group, key = name.split(".")
                object.__setattr__(getattr(self, group), key, checked)
        net = self.network
        if net.edge_list and net.kind != "edge_list":
            raise ParameterError(
                f"parameter 'network.edge_list' = {shown(net.edge_list)} is set but "
                f"network.kind = {net.kind!r}: the file is read only with "
                "network.kind = 'edge_list' (set both, or leave network.edge_list empty)")
        if net.kind == "edge_list" and not net.edge_list:
            raise ParameterError("network.kind = 'edge_list' needs network.edge_list = FILE "
                                 "(a CSV edge list, GraphML, GEXF, Pajek or adjacency list)")

    @staticmethod
    def specs() -> dict[str, ParSpec]:
        """Every parameter's spec, by dotted name."""
        return SPECS

    def get(self, name: str) -> Any:
        """The value of a dotted parameter name."""
        spec(name)
        group, key = name.split(".")
        return getattr(getattr(self, group), key)

    def to_dict(self) -> dict[str, Any]:
        """Flat {dotted name: value} of every parameter."""
        return {f"{g}.{k}": v for g in GROUPS
                for k, v in dataclasses.asdict(getattr(self, g)).items()}

    def with_overrides(self, overrides: Mapping[str, Any] | None) -> Params:
        """A copy with dotted overrides applied, each validated."""
        if not overrides:
            return self
        changes: dict[str, dict[str, Any]] = {}
        for name, value in overrides.items():
            checked = spec(name).check(value)
            group, key = name.split(".")
            changes.setdefault(group, {})[key] = checked
        groups = {g: dataclasses.replace(getattr(self, g), **changes.get(g, {}))
                  for g in GROUPS}
        return Params(**groups)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> Params:
        """Defaults with `values` (dotted names) applied."""
        return cls().with_overrides(values)


def seed_or_fresh(seed: int | None) -> int:
    """`seed` itself, or a fresh seed (`fresh_seed`) when it is None."""
    return fresh_seed() if seed is None else SPECS["run.seed"].check(seed)


def parse_override(text: str) -> tuple[str, Any]:
    """Parse `name=value` from the command line into a typed override."""
    if "=" not in text:
        raise ParameterError(f"override '{text}' is not of the form group.field=value")
    name, raw = (s.strip() for s in text.split("=", 1))
    return name, parse_value(spec(name), raw)
