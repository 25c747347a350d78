"""GridUnit (网格): a grid worker and the households of one grid.

A view on row `idx` of the grid arrays. `reach_out_registries` is part of
phase 5a, `visit_households` phase 5b, `dispatch_cases` phase 5c and
`coordinate_volunteers` phase 6b, as the kernels of the same names (and
`visit_grids`, `serve_volunteers`) do them for every grid.
"""

from __future__ import annotations

import math

import mesa

from agents.base import state_views
from sim import rng
from sim.flags import ASK_CHAT, ASK_NEIGHBOURS, CHAT, OUTREACH, REQUEST, SENSING, UP, VISIT
from sim.pars_governance import time_off_visits
from sim.state import GRID_FIELDS


@state_views("grids", GRID_FIELDS)
class GridUnit(mesa.Agent):
    """One grid unit: its worker's visits and the volunteers it coordinates.

    Every field of `sim.state.GRID_FIELDS` is an attribute of the agent (its row).
    """

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
                h.open_case(VISIT)

    # Phase 5a (after the platform's detections)
    def reach_out_registries(self):
        """Departments call the registered households of this grid, going down
        the registry from where they stopped, while a warning stands or the
        hazard has hit and telecom works; a call finds need and opens a case."""
        g, today = self.model.params.governance, self.model.today
        if g.registry_outreach_per_10k <= 0.0:
            return
        if ((today.warning[self.idx] <= 0.0 and today.hazard[self.idx] <= 0.0)
                or today.telecom[self.idx] <= UP):
            return
        homes = self.households()
        n_g = len(homes)
        k = int(math.floor(g.registry_outreach_per_10k * n_g / 10_000.0
                           + self._draw(rng.S_OUTREACH_ROUNDING)))
        c = self.outreach_cursor
        done = 0
        steps = 0
        while done < k and steps < n_g:
            h = homes[c]
            c = (c + 1) % n_g
            steps += 1
            if not h.is_registered:
                continue
            done += 1
            if h.need > 0.0 and h.t_case < 0:
                h.detected_by = OUTREACH
                h.open_case(OUTREACH)
        self.outreach_cursor = c

    def visit_capacity_today(self) -> float:
        """This grid's visits today before rounding: its share of the city's
        capacity (dashboard_steering sends a pool where the dashboard shows
        cases), less reports and community work (time_off_visits), mobility lost
        to the hazard and yesterday's hand-offs."""
        g = self.model.params.governance
        dc = self.model.state.grids.dashboard_cases
        n_grids = len(dc)
        shown = 0.0
        if g.dashboard_steering > 0.0:
            for x in dc:
                shown += x
        own = g.visit_capacity * (1.0 - g.dashboard_steering)
        if shown > 0.0:
            own += g.visit_capacity * g.dashboard_steering * n_grids * (dc[self.idx] / shown)
        else:
            own += g.visit_capacity * g.dashboard_steering
        cap = (own * (1.0 - time_off_visits(g))
               * (1.0 - g.hazard_mobility_loss * self.model.today.hazard[self.idx])
               - g.handoff_visit_cost * self.handoffs_today)
        return max(cap, 0.0)

    # Phase 1
    def damage_shop(self):
        """Hazards destroy shop stock as they destroy reserves: damage_reserve_loss
        x hazard x shop_exposure of it."""
        b = self.model.params.behaviour
        h = self.model.today.hazard[self.idx]
        lost = 0.0
        if h > 0.0:
            lost = b.damage_reserve_loss * h * b.shop_exposure * self.shop_stock
            self.shop_stock -= lost
        self.shop_destroyed_today = lost

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
        came = today.supply[self.idx] * b.shop_resupply_days * n_g * self.shop_share
        room = b.shop_stock_days * n_g * self.shop_share - self.shop_stock
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

    def order_from_platforms(self):
        """While the grid is closed: households with a smartphone order from the
        shops' stock through delivery platforms, within the riders' capacity; every
        order gets the same fraction when they exceed it."""
        b, today = self.model.params.behaviour, self.model.today
        kappa = today.closure[self.idx]
        if kappa <= 0.0:
            return
        limit = min(b.platform_delivery_days * kappa * (self.stop - self.start), self.shop_stock)
        if limit <= 0.0:
            return
        who = [h for h in self.households() if h.has_digital_access]
        sold = self._ration(who, lambda h: h.order_wish(), limit)
        self.shop_stock = max(0.0, self.shop_stock - sold)

    def order_group_buying(self):
        """While the grid is closed: building leads' bulk orders from supply-guarantee
        enterprises outside the grid (households of a building with a lead, with a
        smartphone, or all of them under group_buy_offline), each order thinned where the
        household's ties are weak,
        within the suppliers' capacity; every order gets the same fraction when they
        exceed it."""
        b, g, today = self.model.params.behaviour, self.model.params.governance, self.model.today
        self.group_in_today = 0.0
        kappa = today.closure[self.idx]
        if kappa <= 0.0:
            return
        limit = b.group_buy_days * kappa * (self.stop - self.start)
        if limit <= 0.0:
            return
        who = [h for h in self.households()
               if h.has_group_lead and (h.has_digital_access or g.group_buy_offline)]
        theta = b.chat_thinning
        self.group_in_today = self._ration(
            who, lambda h: ((1.0 - theta) + theta * h.social_capital) * h.order_wish(), limit)

    @staticmethod
    def _ration(who, wish, limit: float) -> float:
        """Orders `wish(h)` from each of `who`, within `limit`: every order gets the
        same fraction when they exceed it. Returns what was handed out."""
        demand = 0.0
        for h in who:
            demand += wish(h)
        if demand <= 0.0:
            return 0.0
        frac = 1.0
        if demand > limit:
            frac = limit / demand
        sold = 0.0
        for h in who:
            got = frac * wish(h)
            h.receive_order(got)
            sold += got
        return sold

    def hand_out_packages(self):
        """Government food packages: while the grid is closed, every household gets
        the same ration, food_package_days / 7 x closure, from the grid's depot, as
        far as it holds."""
        g, today = self.model.params.governance, self.model.today
        homes = self.households()
        for h in homes:
            h.package_in_today = 0.0
        kappa = today.closure[self.idx]
        if kappa <= 0.0 or g.food_package_days <= 0.0 or self.depot <= 0.0:
            return
        n_g = self.stop - self.start
        ration = g.food_package_days / 7.0 * kappa
        if ration * n_g > self.depot:
            ration = self.depot / n_g
        given = 0.0
        for h in homes:
            h.receive_package(ration)
            given += ration
        self.depot = max(0.0, self.depot - given)

    # Phase 5b
    def visit_households(self):
        """Visits up to capacity: chat requests first, then known vulnerable
        households due a visit, then door to door."""
        g, day = self.model.params.governance, self.model.clock
        homes = self.households()
        n_g = len(homes)
        cap = self.visit_capacity_today()
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

    # Phase 5c
    def dispatch_cases(self):
        """Undispatched open cases go on: outreach cases are at the department;
        platform-detected ones go by automated dispatch (if on, platform up,
        telecom working); under direct dispatch the worker hands the rest over
        (some lose their details); otherwise they wait for the central queue."""
        g, today, day = self.model.params.governance, self.model.today, self.model.clock
        up = today.platform > UP and today.telecom[self.idx] > UP
        handed = 0
        queued = 0
        for h in self.households():
            if h.t_case < 0 or h.t_dispatch >= 0:
                continue
            ch = h.case_channel
            if ch == OUTREACH:
                h.t_dispatch = day
            elif g.automated_dispatch and up and ch in (REQUEST, SENSING, CHAT):
                h.t_dispatch = day + g.automated_latency_days
            elif g.direct_dispatch:
                handed += 1
                if h._draw(rng.S_INFO_LOSS) < g.direct_info_loss:
                    h.lose_case()
                else:
                    h.t_dispatch = day + g.direct_latency_days
            elif up:
                queued += 1
        self.handoffs_today = handed
        self.queued_today = queued

    # Phase 6b
    def coordinate_volunteers(self):
        """The grid's volunteers serve their ties, then the shared pool of requests,
        with the grid's goods: the shops' stock as far as the shock's access lets
        them reach it (supply x (1 - closure) of their labour, as for households),
        donations from households not in need (donation_share of reserves above
        aid_keep_days), and the depot under coordination with depot access.
        Delivered goods come from the shops first, then the donations (each offer in
        proportion), then the depot."""
        b, g, day = self.model.params.behaviour, self.model.params.governance, self.model.clock
        today = self.model.today
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
        labour = 0.0
        for v in self.volunteers():
            labour += b.volunteer_capacity_days * v.motivation
        from_shops = min(self.shop_stock,
                         today.supply[self.idx] * (1.0 - today.closure[self.idx]) * labour)
        goods = [from_shops + offers + from_depot]
        cursor = [0]
        total = 0.0
        for v in self.volunteers():
            total += v.serve(self, pool, cursor, goods)
        self.volunteer_today = total
        from_shop = min(total, from_shops)
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
