"""Volunteer: a resident who helps, a view on row `idx` of the volunteer arrays."""

from __future__ import annotations

import mesa

from agents.base import state_views
from sim.state import VOLUNTEER_FIELDS


@state_views("volunteers", VOLUNTEER_FIELDS, renamed={"household": "household_idx"})
class Volunteer(mesa.Agent):
    """A volunteer: daily capacity from motivation; motivation from use and neglect.

    Every field of `sim.state.VOLUNTEER_FIELDS` is an attribute of the agent (its row).
    """

    def __init__(self, model, idx: int):
        super().__init__(model)
        self.idx = idx

    @property
    def household(self):
        """The volunteer's own Household agent."""
        return self.model.households[self.household_idx]

    def _deliver(self, h, left: float, goods: float) -> float:
        """Deliver min(need, labour left, goods left) to h. Its case stays open (the
        grid worker closes it once resolved: Household.leave_dashboard). Returns
        what was given."""
        give = min(h.need, left)
        give = min(give, goods)
        h.need -= give
        h.volunteer_in_today += give
        h.consumed_today += give
        return give

    # Phase 6b
    def serve(self, grid_unit, pool, cursor, goods) -> float:
        """Serve own ties in the grid, then the grid's pool from `cursor[0]`, while
        labour and the grid's goods (`goods[0]`, drawn down) last.

        Returns the essentials delivered (days)."""
        b = self.model.params.behaviour
        budget = b.volunteer_capacity_days * self.motivation
        left = budget
        households = self.model.households
        for j, _ in self.household.ties():
            if left <= 0.0 or goods[0] <= 0.0:
                break
            h = households[j]
            if grid_unit.serve_from_ties_ok(h):
                give = self._deliver(h, left, goods[0])
                left -= give
                goods[0] -= give
        while left > 0.0 and goods[0] > 0.0 and cursor[0] < len(pool):
            h = pool[cursor[0]]
            if h.need > 0.0:
                give = self._deliver(h, left, goods[0])
                left -= give
                goods[0] -= give
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
