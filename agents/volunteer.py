"""Volunteer: a resident who helps, a view on row `idx` of the volunteer arrays."""

from __future__ import annotations

import mesa

from agents.base import StateField


class Volunteer(mesa.Agent):
    """A volunteer: daily capacity from motivation; motivation from use and neglect."""

    household_idx = StateField("household", table="volunteers")
    motivation = StateField(table="volunteers")
    motivation0 = StateField(table="volunteers")
    fatigue = StateField(table="volunteers")
    capacity_today = StateField(table="volunteers")
    used_today = StateField(table="volunteers")

    def __init__(self, model, idx: int):
        super().__init__(model)
        self.idx = idx

    @property
    def household(self):
        """The volunteer's own Household agent."""
        return self.model.households[self.household_idx]

    def _deliver(self, h, left: float) -> float:
        """Deliver min(need, left) to h. Its case stays open (the grid worker closes
        it once resolved: Household.leave_dashboard). Returns the budget left."""
        give = min(h.need, left)
        h.need -= give
        h.volunteer_in_today += give
        return left - give

    # Phase 6b
    def serve(self, grid_unit, pool, cursor) -> float:
        """Serve own ties in the grid, then the grid's pool from `cursor[0]`.

        Returns the essentials delivered (days)."""
        b = self.model.params.behaviour
        supply = self.model.today.supply[grid_unit.idx]
        reach = b.volunteer_supply_floor + (1.0 - b.volunteer_supply_floor) * supply
        budget = b.volunteer_capacity_days * self.motivation * reach
        left = budget
        households = self.model.households
        for j, _ in self.household.ties():
            if left <= 0.0:
                break
            h = households[j]
            if grid_unit.serve_from_ties_ok(h):
                left = self._deliver(h, left)
        while left > 0.0 and cursor[0] < len(pool):
            h = pool[cursor[0]]
            if h.need > 0.0:
                left = self._deliver(h, left)
            if h.need <= 0.0:
                cursor[0] += 1
        self.capacity_today = budget
        self.used_today = budget - left
        return budget - left

    # Phase 8
    def update_motivation(self):
        """Motivation grows with use; falls when burnt out, or when departments take over
        work this volunteer had been doing (crowding out)."""
        b = self.model.params.behaviour
        h = self.household
        grid = self.model.grid_units[h.grid_id]
        u = self.used_today / self.capacity_today if self.capacity_today > 0.0 else 0.0
        formal = grid.formal_today
        both = formal + grid.volunteer_today
        f = formal / both if both > 0.0 else 0.0
        m = self.motivation
        recent = min(1.0, self.fatigue)  # recent use: was this volunteer doing the work?
        m += (b.motivation_gain * u * h.social_capital * (1.0 - m)
              - b.crowd_out * (1.0 - u) * f * recent * m)
        m += b.motivation_relax * (self.motivation0 - m)
        fat = self.fatigue * (1.0 - b.fatigue_recovery) + u
        self.fatigue = fat
        if fat > b.burnout_threshold:
            m -= b.burnout_rate * m
        self.motivation = min(1.0, max(0.0, m))
