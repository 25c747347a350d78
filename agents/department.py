"""Department (条线部门): a line department with a data silo and a daily capacity."""

from __future__ import annotations

import math

import mesa

from sim.flags import CIVIL_AFFAIRS, EMERGENCY, HEALTH, UP, UTILITIES
from sim.state import DEPARTMENTS


def department_of(has_chronic_illness: bool, hazard: float, power: float) -> int:
    """The department a case goes to: emergency management where the grid is
    hit by a hazard, utilities where its power is out, health for the
    chronically ill, civil affairs otherwise."""
    if hazard > 0.0:
        return EMERGENCY
    if power < UP:
        return UTILITIES
    if has_chronic_illness:
        return HEALTH
    return CIVIL_AFFAIRS


def trip_cost(hazard: float, power: float, hazard_mobility_loss: float,
              power_delivery_loss: float) -> float:
    """Trips a delivery into a grid costs (0: no trip gets through)."""
    reach = (1.0 - hazard_mobility_loss * hazard) * (1.0 - power_delivery_loss * (1.0 - power))
    if reach <= 0.0:
        return 0.0
    return 1.0 / reach


class Department(mesa.Agent):
    """One line department: serves the cases routed to it, within its trips."""

    def __init__(self, model, idx: int):
        super().__init__(model)
        self.idx = idx
        self.name = DEPARTMENTS[idx]
        self.left_today = 0.0

    @property
    def capacity(self) -> float:
        """Trips per day (fractional; whole ones each day)."""
        return float(self.model.state.department_capacity[self.idx])

    def open_day(self) -> float:
        """Today's whole trips: the fractions of capacity add up over days. Returns them."""
        day, c = self.model.clock, self.capacity
        self.left_today = float(math.floor((day + 1) * c) - math.floor(day * c))
        self.model.state.department_served_today[self.idx] = 0
        return self.left_today

    def serve(self, h) -> None:
        """Visit household h (its trip already paid for): deliver dept_delivery_days,
        or what is left of the goods (the grid's depot first, then the warehouse), if
        it is still in need."""
        st = self.model.state
        gu = self.model.grid_units[h.grid_id]
        st.department_served_today[self.idx] += 1
        goods = gu.depot + st.warehouse[0]
        amount = min(self.model.params.governance.dept_delivery_days, goods)
        delivered = amount if h.need > 0.0 else 0.0
        from_depot = min(delivered, gu.depot)
        gu.depot -= from_depot
        st.warehouse[0] = max(0.0, st.warehouse[0] - (delivered - from_depot))
        h.receive_department_visit(delivered)
        gu.formal_today += delivered

    # Phase 6c (all departments together: one queue, most vulnerable first)
    @staticmethod
    def serve_departments(model):
        """Serve dispatched cases in order of vulnerability, dispatch day, row. A
        share dashboard_allocation of the day's trips is split across grids by the
        dashboard's cases; a case uses its grid's trips if enough are left, else what is
        left of them with the rest from its department's, else from the first department
        with enough for the rest; no goods, no visit. Then the trips the grids' shares left
        unused are pooled and the cases still waiting taken again, the pool in place of
        the grid's share."""
        day, g = model.clock, model.params.governance
        st = model.state
        for gu in model.grid_units:
            gu.formal_today = 0.0
        cases = []
        for h in model.households:
            h.department_in_today = 0.0
            if 0 <= h.t_dispatch <= day:
                cases.append((4 - int(h.vulnerability), int(h.t_dispatch), h.idx))
        trips = 0.0
        for d in model.departments:
            trips += d.open_day()
        shown = 0.0
        for c in st.grids.dashboard_cases:
            shown += c
        alloc = g.dashboard_allocation if shown > 0.0 else 0.0
        for d in model.departments:
            d.left_today = d.left_today * (1.0 - alloc)
        grid_trips = [alloc * trips * c / shown if alloc > 0.0 else 0.0
                      for c in st.grids.dashboard_cases]
        order = [i for _, _, i in sorted(cases)]
        for i in order:
            h = model.households[i]
            share = Department._take_trips(model, h, grid_trips[h.grid_id])
            if share is not None:
                grid_trips[h.grid_id] = share
        spare = 0.0  # then the trips the grids' shares left unused, for cases still waiting
        for gid in range(len(grid_trips)):
            spare += grid_trips[gid]
        if spare > 0.0:
            for i in order:
                h = model.households[i]
                if h.t_dispatch >= 0:
                    share = Department._take_trips(model, h, spare)
                    if share is not None:
                        spare = share

    @staticmethod
    def _take_trips(model, h, share: float):
        """Serve h's case from `share` (its grid's trips, or the pool of unused ones),
        what is left of it going with the rest from a department; returns the share
        left, or None when the case waits (no trip gets through, no goods, no trips)."""
        today, g, st = model.today, model.params.governance, model.state
        gid = h.grid_id
        depot = model.grid_units[gid].depot
        h_g = 0.0 if depot > 0.0 else today.hazard[gid]  # goods already in the grid
        cost = trip_cost(h_g, today.power[gid], g.hazard_mobility_loss, g.power_delivery_loss)
        if cost <= 0.0:
            return None
        if h.need > 0.0 and depot + st.warehouse[0] <= 0.0:
            return None  # nothing to deliver: the case waits
        k = department_of(h.has_chronic_illness, today.hazard[gid], today.power[gid])
        if share >= cost:
            share -= cost
        else:
            rest = cost - share  # the share's fraction of a trip goes too
            if model.departments[k].left_today < rest:  # another department takes it
                k = next((d.idx for d in model.departments if d.left_today >= rest), -1)
                if k < 0:
                    return None
            model.departments[k].left_today -= rest
            share = 0.0
        model.departments[k].serve(h)
        return share
