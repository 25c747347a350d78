"""Every per-agent array of the model, declared in one place.

All agent state is a struct of arrays: one NumPy array per attribute, one
row per household (or volunteer, or grid). The Mesa agents in `agents/` are
views on rows of these arrays; the kernels in `sim/kernels/` read and write
them directly.

Naming: booleans are adjectives (`is_vulnerable`), times are `t_<event>`
(day number, -1 for never / not now), daily flows end in `_today`.
"""

from __future__ import annotations

import numpy as np

# name: (dtype, fill, meaning)
HOUSEHOLD_FIELDS: dict[str, tuple[type, float, str]] = {
    # Fixed attributes (set once by sim.population).
    "building": (np.int32, 0, "building id (buildings are contiguous runs of households)"),
    "grid": (np.int32, 0, "grid unit id (grids are contiguous runs of buildings)"),
    "is_elderly": (np.bool_, False, "household head aged 60+"),
    "lives_alone": (np.bool_, False, "one-person household"),
    "is_low_income": (np.bool_, False, "low income"),
    "has_chronic_illness": (np.bool_, False, "a member has a chronic illness"),
    "has_digital_access": (np.bool_, False, "uses a smartphone (platform, chat groups)"),
    "is_vulnerable": (np.bool_, False, "elderly, chronically ill, or low income and alone"),
    "vulnerability": (np.int8, 0, "count of risk attributes, 0-4 (department priority)"),
    "is_volunteer": (np.bool_, False, "has an active volunteer"),
    "is_registered": (np.bool_, False, "in a department's registry (data silo)"),
    "is_registry_open": (np.bool_, False, "registered, and the registry is opened to the grid"),
    "is_known": (np.bool_, False, "the grid worker knows the household is vulnerable"),
    "exposure": (np.float64, 0.0, "exposure to hazards, 0-1 (ground floor, old building)"),
    "has_group_lead": (np.bool_, True, "the household's building has a group-buying lead "
                       "(团长) who organises bulk orders while the grid is closed"),
    "reserve_target": (np.float64, 0.0, "habitual stock of essentials, days"),
    "social_capital0": (np.float64, 0.0, "baseline social capital, 0-1"),
    "trust0": (np.float64, 0.0, "baseline trust in government, 0-1"),
    "is_migrant": (np.bool_, False, "migrant without local household registration (hukou): "
                   "in no department registry, lower reserves and social capital"),
    # Dynamic state.
    "reserves": (np.float64, 0.0, "stock of essentials, days"),
    "need": (np.float64, 0.0, "backlog of unmet essentials, days"),
    "wellbeing": (np.float64, 1.0, "wellbeing, 0-1"),
    "perception": (np.float64, 0.0, "risk perception, 0-1"),
    "trust": (np.float64, 0.0, "trust in government, 0-1"),
    "social_capital": (np.float64, 0.0, "social capital, 0-1"),
    "t_informed": (np.int32, -1, "day the current warning reached the household"),
    "is_telling": (np.bool_, False, "passes the current warning on to ties"),
    "t_hardship_end": (np.int32, -1, "day an everyday hardship ends (no restocking before)"),
    "t_need_start": (np.int32, -1, "first day of the current need episode"),
    "t_need_last": (np.int32, -1, "last day the household had need after its purchases"),
    "t_detected": (np.int32, -1, "day the current need episode was first detected"),
    "t_case": (np.int32, -1, "day the open case was opened"),
    "t_dispatch": (np.int32, -1, "day the open case reaches departments"),
    "t_request": (np.int32, -1, "day of the platform request still waiting"),
    "t_visited": (np.int32, -1, "day of the last grid worker visit"),
    "is_on_dashboard": (np.bool_, False, "the dashboard counts the household as in need"),
    "was_in_need": (np.bool_, False, "had need at some point of the run"),
    "was_detected": (np.bool_, False, "was detected at some point of the run"),
    # Daily flows (reset at the start of the phase that writes them).
    "asked_today": (np.uint8, 0, "channels asked today: 1 platform, 2 chat group, 4 neighbours"),
    "detected_by": (np.uint8, 0, "channel of today's detection: 0 none, 1 visit, 2 sensing, "
                    "3 request, 4 chat"),
    "bought_today": (np.float64, 0.0, "essentials bought today (self-rescue), days"),
    "aid_in_today": (np.float64, 0.0, "essentials received from ties today, days"),
    "aid_out_today": (np.float64, 0.0, "essentials given to ties today, days"),
    "volunteer_in_today": (np.float64, 0.0, "essentials delivered by volunteers today, days"),
    "department_in_today": (np.float64, 0.0, "essentials delivered by departments today, days"),
    "package_in_today": (np.float64, 0.0, "government food package received today (while the "
                         "grid is closed), days"),
    "aid_scale": (np.float64, 0.0, "mutual aid: offer per unit tie strength (scratch)"),
    "aid_frac": (np.float64, 0.0, "mutual aid: share of offers accepted (scratch)"),
    "need_total": (np.float64, 0.0, "need summed over the days so far, household-days"),
    "consumed_today": (np.float64, 0.0, "essentials used up today: the day's use drawn from "
                       "reserves plus need paid off by any channel, days"),
    "destroyed_today": (np.float64, 0.0, "reserves destroyed by hazards today, days"),
    "n_grid_ties": (np.int32, 0, "ties to households in the same grid (fixed; none: not in "
                    "the grid's chat group when behaviour.chat_needs_ties)"),
    "case_channel": (np.uint8, 0, "channel that opened the open case (values of detected_by)"),
    "is_shown": (np.bool_, False, "the dashboard shows the household in need (is_on_dashboard "
                 "as of the platform's last update: frozen while it is down)"),
}

VOLUNTEER_FIELDS: dict[str, tuple[type, float, str]] = {
    "household": (np.int32, 0, "row of the volunteer's household"),
    "motivation": (np.float64, 0.0, "motivation, 0-1"),
    "motivation0": (np.float64, 0.0, "baseline motivation, 0-1"),
    "fatigue": (np.float64, 0.0, "accumulated full-use days"),
    "capacity_today": (np.float64, 0.0, "essentials the volunteer could deliver today, days"),
    "used_today": (np.float64, 0.0, "essentials the volunteer delivered today, days"),
}

GRID_FIELDS: dict[str, tuple[type, float, str]] = {
    "start": (np.int64, 0, "first household row of the grid"),
    "stop": (np.int64, 0, "one past the last household row of the grid"),
    "vol_start": (np.int64, 0, "first volunteer row of the grid"),
    "vol_stop": (np.int64, 0, "one past the last volunteer row of the grid"),
    "community": (np.int32, 0, "community id"),
    "x": (np.float64, 0.0, "map position, column"),
    "y": (np.float64, 0.0, "map position, row"),
    "elevation": (np.float64, 0.0, "elevation, 0 (lowest) - 1 (highest)"),
    "cursor": (np.int64, 0, "where the grid worker's door-to-door round stands"),
    "visits_today": (np.int64, 0, "households visited today"),
    "formal_today": (np.float64, 0.0, "essentials departments delivered in the grid today"),
    "volunteer_today": (np.float64, 0.0, "essentials volunteers delivered in the grid today"),
    "dashboard_cases": (np.float64, 0.0, "households the dashboard shows in need in the grid "
                        "(frozen while the platform is down): what steers allocation"),
    "shop_share": (np.float64, 1.0, "the grid's shop capacity and deliveries per household "
                   "relative to the city's mean: 1, or from a district's shop points"),
    "depot_share": (np.float64, 1.0, "1 if the grid has a depot (pre-positioned goods can be "
                    "held there), 0 if a district's depot points leave it without one"),
    "shop_stock": (np.float64, 0.0, "goods on the shelves of the grid's shops, days"),
    "shop_in_today": (np.float64, 0.0, "goods delivered to the grid's shops today, days"),
    "in_transit": (np.float64, 0.0, "goods sent from the warehouse to the grid's depot, "
                   "arriving tomorrow morning, days"),
    "depot": (np.float64, 0.0, "goods held in the grid's depot (pre-positioned), days"),
    "donated_today": (np.float64, 0.0, "goods households of the grid gave volunteers today, "
                      "days"),
    "shop_destroyed_today": (np.float64, 0.0, "shop stock destroyed by hazards today, days"),
    "group_in_today": (np.float64, 0.0, "goods group buying brought into the grid today from "
                       "supply-guarantee enterprises outside it, days"),
    "handoffs_today": (np.int64, 0, "cases the grid worker handed over directly to departments "
                       "today (cost visits tomorrow)"),
    "queued_today": (np.int64, 0, "cases of the grid waiting in the central triage queue today"),
    "outreach_cursor": (np.int64, 0, "where the departments' calls down their registries stand "
                        "in the grid"),
}

N_DEPARTMENTS = 4
DEPARTMENTS = ("civil_affairs", "health", "emergency_management", "utilities")


class Arrays:
    """A named bundle of equal-length arrays, allocated from a field table."""

    def __init__(self, fields: dict[str, tuple[type, float, str]], n: int):
        self._fields = fields
        self.n = n
        for name, (dtype, fill, _) in fields.items():
            setattr(self, name, np.full(n, fill, dtype=dtype))

    def names(self) -> list[str]:
        """The field names, in declaration order."""
        return list(self._fields)

    def nbytes(self) -> int:
        """Bytes held by the arrays."""
        return sum(getattr(self, k).nbytes for k in self._fields)

    def copy(self) -> Arrays:
        """A deep copy (for tests and snapshots)."""
        out = Arrays(self._fields, 0)
        out.n = self.n
        for k in self._fields:
            setattr(out, k, getattr(self, k).copy())
        return out


class State:
    """All agent state of one run: households, volunteers, grids, platform."""

    def __init__(self, n_households: int, n_volunteers: int, n_grids: int):
        self.households = Arrays(HOUSEHOLD_FIELDS, n_households)
        self.volunteers = Arrays(VOLUNTEER_FIELDS, n_volunteers)
        self.grids = Arrays(GRID_FIELDS, n_grids)
        # Departments: daily capacity (households per day, fractional).
        self.department_capacity = np.zeros(N_DEPARTMENTS, dtype=np.float64)
        # Departments' visits today (capacity used; a visit to a home whose need
        # has gone closes the case without a delivery).
        self.department_served_today = np.zeros(N_DEPARTMENTS, dtype=np.int64)
        # The platform's dashboard: share of households it shows in need.
        self.dashboard = np.zeros(1, dtype=np.float64)
        # The city warehouse: its stock and today's inflow from outside the city (days).
        self.warehouse = np.zeros(1, dtype=np.float64)
        self.warehouse_in_today = np.zeros(1, dtype=np.float64)

    def nbytes(self) -> int:
        """Bytes held by all state arrays (not the network)."""
        return (self.households.nbytes() + self.volunteers.nbytes() + self.grids.nbytes()
                + self.department_capacity.nbytes + self.department_served_today.nbytes
                + self.dashboard.nbytes + self.warehouse.nbytes + self.warehouse_in_today.nbytes)
