"""GridUnit (网格): a grid worker and the households of one grid.

A view on row `idx` of the grid arrays. `visit_households` is phase 5b and
`coordinate_volunteers` phase 6b, as the kernels `visit_grids` and
`serve_volunteers` do them for every grid.
"""

from __future__ import annotations

import math

import mesa

from agents.base import StateField
from sim import rng
from sim.flags import ASK_CHAT, ASK_NEIGHBOURS, VISIT


class GridUnit(mesa.Agent):
    """One grid unit: its worker's visits and the volunteers it coordinates."""

    start = StateField(table="grids")
    stop = StateField(table="grids")
    vol_start = StateField(table="grids")
    vol_stop = StateField(table="grids")
    cursor = StateField(table="grids")
    visits_today = StateField(table="grids")
    formal_today = StateField(table="grids")
    volunteer_today = StateField(table="grids")
    elevation = StateField(table="grids")
    community = StateField(table="grids")
    dashboard_cases = StateField(table="grids")
    shop_stock = StateField(table="grids")
    shop_in_today = StateField(table="grids")
    in_transit = StateField(table="grids")
    depot = StateField(table="grids")
    donated_today = StateField(table="grids")

    def __init__(self, model, idx: int):
        super().__init__(model)
        self.idx = idx

    def households(self):
        """The Household agents of this grid, in row order."""
        return self.model.households[self.start:self.stop]

    def volunteers(self):
        """The Volunteer agents of this grid, in row order."""
        return self.model.volunteers[self.vol_start:self.vol_stop]

    def _draw(self, stream: int) -> float:
        return rng.uniform_py(self.model.seed_value, self.model.clock, stream, self.idx)

    def visit(self, h):
        """Visit household h: see its need and open a case (unless it is closed on
        paper at once: then it is not detected either), or see that an open
        case's need has stayed at zero long enough (resolved) and close it."""
        g = self.model.params.governance
        h.t_visited = self.model.clock
        if h.need <= 0.0 and h.t_case >= 0:
            if h.is_resolved():
                h.close_case()
        elif h.need > 0.0 and h.t_case < 0:
            if h._draw(rng.S_KPI_CLOSE) >= g.kpi_pressure:
                h.detected_by = VISIT
                h.open_case()

    # Phase 3
    def consume_and_restock(self):
        """The morning's deliveries (yesterday's pre-positioned goods land in the
        depot; the shops refill, up to their capacity), then every household uses
        a day of essentials and buys from the shops; if the grid wants more than
        the shops hold, each household gets the same fraction of its wish."""
        b, today = self.model.params.behaviour, self.model.today
        self.depot += self.in_transit
        self.in_transit = 0.0
        homes = self.households()
        n_g = self.stop - self.start
        came = today.supply[self.idx] * b.shop_resupply_days * n_g
        room = b.shop_stock_days * n_g - self.shop_stock
        if came > room:
            came = room
        if came < 0.0:
            came = 0.0
        self.shop_in_today = came
        stock = self.shop_stock + came
        demand = 0.0
        for h in homes:
            demand += h.consume()
        frac = 1.0
        if demand > stock:
            frac = stock / demand
        sold = 0.0
        for h in homes:
            sold += h.buy(frac)
        self.shop_stock = 0.0 if frac < 1.0 else stock - sold

    # Phase 5b
    def visit_households(self):
        """Visits up to capacity: chat requests first, then known vulnerable
        households due a visit, then door to door."""
        g, day = self.model.params.governance, self.model.clock
        homes = self.households()
        n_g = len(homes)
        cap = (g.visit_capacity * (1.0 - g.reporting_burden)
               * (1.0 - g.hazard_mobility_loss * self.model.today.hazard[self.idx]))
        k = min(n_g, int(math.floor(cap + self._draw(rng.S_VISIT_ROUNDING))))
        offset = int(self._draw(rng.S_VISIT_START) * n_g)
        rotated = [homes[(offset + t) % n_g] for t in range(n_g)]
        done = 0
        for h in rotated:  # A: requests the worker receives
            if done >= k:
                break
            if g.chat_groups and (h.asked_today & ASK_CHAT) and h.need > 0.0 and h.t_case < 0:
                self.visit(h)
                done += 1
        for h in rotated:  # B: known vulnerable households due a visit
            if done >= k:
                break
            last = h.t_visited
            if (self.model.state.households.is_known[h.idx] and last != day
                    and (last < 0 or day - last >= g.revisit_days)):
                self.visit(h)
                done += 1
        c = self.cursor
        steps = 0
        while done < k and steps < n_g:  # C: door to door
            h = homes[c]
            c = (c + 1) % n_g
            steps += 1
            if h.t_visited != day:
                self.visit(h)
                done += 1
        self.cursor = c
        self.visits_today = done

    # Phase 6b
    def coordinate_volunteers(self):
        """The grid's volunteers serve their ties, then the shared pool of requests,
        with the grid's goods: the shops' stock, donations from households not in
        need (donation_share of reserves above aid_keep_days), and the depot under
        coordination with depot access. Delivered goods come from the shops first,
        then the donations (each offer in proportion), then the depot."""
        b, g, day = self.model.params.behaviour, self.model.params.governance, self.model.clock
        pool = []
        offers = 0.0
        homes = self.households()
        for h in homes:
            h.volunteer_in_today = 0.0
            if h.need > 0.0:
                seen = g.chat_groups and (h.asked_today & ASK_CHAT) != 0
                if g.volunteer_coordination and (h.t_case >= 0 or h.t_visited == day):
                    seen = True
                if seen:
                    pool.append(h)
            elif h.reserves > b.aid_keep_days:
                offers += b.donation_share * (h.reserves - b.aid_keep_days)
        from_depot = self.depot if g.volunteer_coordination and g.depot_access else 0.0
        goods = [self.shop_stock + offers + from_depot]
        cursor = [0]
        total = 0.0
        for v in self.volunteers():
            total += v.serve(self, pool, cursor, goods)
        self.volunteer_today = total
        from_shop = min(total, self.shop_stock)
        self.shop_stock -= from_shop
        rest = total - from_shop
        given = min(rest, offers)
        self.donated_today = given
        self.depot = max(0.0, self.depot - (rest - given))
        if given > 0.0:
            frac = given / offers
            for h in homes:  # who offered: not in need before the deliveries
                if h.need <= 0.0 and h.volunteer_in_today == 0.0 and h.reserves > b.aid_keep_days:
                    h.reserves -= frac * (b.donation_share * (h.reserves - b.aid_keep_days))

    def serve_from_ties_ok(self, h) -> bool:
        """A tie the volunteer can serve: in this grid, asked its ties, in need."""
        return h.grid_id == self.idx and (h.asked_today & ASK_NEIGHBOURS) != 0 and h.need > 0.0
