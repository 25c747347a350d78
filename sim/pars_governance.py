"""The parameter group `governance`: the levers a strategy sets (`sim.params.LEVERS`)
and the capacities of grid workers, departments, the platform and the warehouse.

Declared here with their metadata (`sim.parspec.par`); collected, validated
and addressed by dotted name in `sim.params`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.parspec import par


@dataclass(frozen=True)
class GovernancePars:
    """The levers a strategy sets: how the state and the community are organised."""

    platform_sensing: float = par(0.3, 0.0, 1.0, "probability", "Platform sensing",
                                  "Daily chance the platform detects a connected household in need")
    reporting_burden: float = par(0.35, 0.0, 0.9, "share of time", "Reporting burden",
                                  "Grid worker time spent on top-down reports")
    chat_moderation_time: float = par(0.05, 0.0, 0.5, "share of time", "Chat moderation time",
                                      "Share of a grid worker's day spent running the grid's "
                                      "chat group, under chat_groups (off visits, like reports)",
                                      plausible=(0.0, 0.15),
                                      source="assumption: posting notices and answering "
                                             "residents' questions, from none (residents run "
                                             "the group) to over an hour of an 8-hour day")
    coordination_time: float = par(0.05, 0.0, 0.5, "share of time", "Volunteer coordination time",
                                   "Share of a grid worker's day spent passing cases to "
                                   "volunteers and keeping their roster, under "
                                   "volunteer_coordination (off visits, like reports)",
                                   plausible=(0.02, 0.15),
                                   source="assumption: matching cases to volunteers by phone "
                                          "or chat, from a quarter of an hour to over an hour "
                                          "of an 8-hour day")
    community_building_time: float = par(0.02, 0.0, 0.2, "share of time per 0.001/day",
                                         "Community building time",
                                         "Share of a grid worker's day spent on community "
                                         "building per 0.001/day of social_capital_investment "
                                         "(off visits, like reports)",
                                         plausible=(0.0, 0.05),
                                         source="assumption: events and tie-building visits "
                                                "the worker organises; none where residents' "
                                                "own organisations carry them, up to 15% of "
                                                "the day at the community strategy's 0.003")
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
    food_package_days: float = par(2.0, 0.0, 60.0, "days/week", "Food packages",
                                   "Government food packages handed to every household of a "
                                   "closed grid, in days of essentials a week (from the city "
                                   "warehouse, through the grid's depot)")
    group_buy_offline: bool = par(False, unit="", label="Group buying for all",
                                  help="Neighbours and volunteers add households without a "
                                       "smartphone to their building's group orders")
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


def time_off_visits(g: GovernancePars) -> float:
    """Share of a grid worker's day not spent visiting, at most 0.95: top-down reports
    (reporting_burden) plus the community work the strategy asks of the same worker
    (running the chat group, coordinating volunteers, community building in proportion
    to social_capital_investment). One time budget for every strategy's demands."""
    off = (g.reporting_burden + g.chat_moderation_time * g.chat_groups
           + g.coordination_time * g.volunteer_coordination
           + g.community_building_time * g.social_capital_investment / 0.001)
    return min(0.95, off)
