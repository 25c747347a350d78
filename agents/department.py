"""Department (条线部门): a line department with a data silo and a daily capacity."""

from __future__ import annotations

import math

import mesa

from sim.flags import CIVIL_AFFAIRS, EMERGENCY, HEALTH, UTILITIES
from sim.state import DEPARTMENTS


def department_of(has_chronic_illness: bool, hazard: float, power: float) -> int:
    """The department a case goes to: emergency management where the grid is
    hit by a hazard, utilities where its power is out, health for the
    chronically ill, civil affairs otherwise."""
    if hazard > 0.0:
        return EMERGENCY
    if power < 0.5:
        return UTILITIES
    if has_chronic_illness:
        return HEALTH
    return CIVIL_AFFAIRS


class Department(mesa.Agent):
    """One line department: serves the cases routed to it, within capacity."""

    def __init__(self, model, idx: int):
        super().__init__(model)
        self.idx = idx
        self.name = DEPARTMENTS[idx]
        self.left_today = 0.0

    @property
    def capacity(self) -> float:
        """Households served per day (fractional; whole ones each day)."""
        return float(self.model.state.department_capacity[self.idx])

    def open_day(self):
        """Today's whole capacity: the fractions of capacity add up over days."""
        day, c = self.model.clock, self.capacity
        self.left_today = math.floor((day + 1) * c) - math.floor(day * c)
        self.model.state.department_served_today[self.idx] = 0

    def serve(self, h) -> bool:
        """Visit household h (delivering if it is still in need) if capacity is
        left. Returns: served."""
        if self.left_today < 1.0:
            return False
        self.left_today -= 1.0
        self.model.state.department_served_today[self.idx] += 1
        delivered = h.receive_department_visit(self.model.params.governance.dept_delivery_days)
        self.model.grid_units[h.grid_id].formal_today += delivered
        return True

    # Phase 6c (all departments together: one queue, most vulnerable first)
    @staticmethod
    def serve_departments(model):
        """Serve dispatched cases in order of vulnerability, dispatch day, row; a
        case whose department is full goes to the first department with room."""
        day, today = model.clock, model.today
        for gu in model.grid_units:
            gu.formal_today = 0.0
        cases = []
        for h in model.households:
            h.department_in_today = 0.0
            if 0 <= h.t_dispatch <= day:
                cases.append((4 - int(h.vulnerability), int(h.t_dispatch), h.idx))
        for d in model.departments:
            d.open_day()
        for _, _, i in sorted(cases):
            h = model.households[i]
            g = h.grid_id
            k = department_of(h.has_chronic_illness, today.hazard[g], today.power[g])
            if not model.departments[k].serve(h):  # full: another department takes it
                for other in model.departments:
                    if other.serve(h):
                        break
