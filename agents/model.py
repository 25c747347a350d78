"""`ReferenceModel`: the same model with every phase run by plain Mesa agents.

The reference engine is the readable specification of the day: each phase
of the table (`sim.phases.PHASES`) runs its agent steps instead of its
kernels. "households.apply_shock" calls `Household.apply_shock()` on every
household in row order; "model.serve_departments" calls the method of that
name below once. Nothing here calls a compiled kernel: agents use plain
Python and NumPy, so a bug in a kernel cannot hide in the specification.
The tests hold both engines to the same numbers, exactly.

    from agents import ReferenceModel
    from scenarios import load_shock, load_strategy
    m = ReferenceModel(load_strategy("status_quo"), load_shock("flood"), n_households=300)
"""

from __future__ import annotations

import math
from functools import partial

import numpy as np

from agents.base import add_views, drop_views
from agents.department import Department
from agents.grid_unit import GridUnit
from agents.household import Household
from agents.volunteer import Volunteer
from sim import flags as f
from sim import rng
from sim.model import ResilienceModel
from sim.phases import Phase
from sim.state import GRID_FIELDS, HOUSEHOLD_FIELDS, N_DEPARTMENTS, VOLUNTEER_FIELDS


def _sum(x: np.ndarray) -> float:
    """A sum in row order, one addition at a time (as the record kernel adds):
    NumPy's `sum` adds pairwise and can differ in the last bit."""
    return float(np.cumsum(x)[-1]) if len(x) else 0.0


class ReferenceModel(ResilienceModel):
    """ResilienceModel whose phases are run by Household, Volunteer, GridUnit
    and Department agents (views on the state arrays). Slow and obvious."""

    engine = "reference"

    def _setup_engine(self):
        """Create the agents, and each phase's steps as lists of bound methods."""
        st = self.state
        # the fields of mechanisms registered (or removed) since the agent classes were made
        for cls, table, fields, renamed in (
                (Household, "households", HOUSEHOLD_FIELDS, {"grid": "grid_id"}),
                (Volunteer, "volunteers", VOLUNTEER_FIELDS, {"household": "household_idx"}),
                (GridUnit, "grids", GRID_FIELDS, None)):
            drop_views(cls, table, fields)
            add_views(cls, table, fields, renamed)
        self.households = [Household(self, i) for i in range(st.households.n)]
        self.volunteers = [Volunteer(self, v) for v in range(st.volunteers.n)]
        self.grid_units = [GridUnit(self, g) for g in range(st.grids.n)]
        self.departments = [Department(self, k) for k in range(N_DEPARTMENTS)]
        self._steps = {}
        for ph in self.phases:
            steps = []
            for step in ph.agents:
                if not isinstance(step, str):  # a registered mechanism's (who, function)
                    who, fn = step
                    agents = [self] if who == "model" else getattr(self, who)
                    steps.append([partial(fn, a) for a in agents])
                    continue
                who, method = step.split(".")
                if who == "model":
                    steps.append([getattr(self, method)])
                else:
                    steps.append([getattr(a, method) for a in getattr(self, who)])
            self._steps[ph.name] = steps

    def run_phase(self, phase: Phase) -> None:
        """Run one phase of today: its agent steps, in order."""
        for methods in self._steps[phase.name]:
            for m in methods:
                m()

    # Phase 2: who is telling at the start of the phase.
    def snapshot_telling(self):
        """Who tells at the start of phase 2, and per grid how many of them
        are chat group members (Household.is_chat_member) passing the warning on."""
        h, s = self.state.households, self.scratch
        np.copyto(s.telling_prev, h.is_telling)
        member = h.has_digital_access.copy()
        if self.params.behaviour.chat_needs_ties:
            member &= h.n_grid_ties > 0
        s.grid_telling[:] = np.bincount(h.grid[h.is_telling & member],
                                        minlength=self.state.grids.n)

    # Phase 5c: the central triage queue, after the grids' routes.
    def triage_central(self):
        """The central triage forwards up to its daily capacity of the queued
        cases (platform up, telecom working, no other route), oldest case day
        first, then by row; each forwarded case loses its details with
        probability central_info_loss (returned closed) or reaches a
        department central_latency_days later."""
        g, today, day = self.params.governance, self.today, self.clock
        if g.direct_dispatch or today.platform <= f.UP:
            return
        total = 0
        for gu in self.grid_units:
            total += gu.queued_today
        if total == 0:
            return
        n = self.state.households.n
        k = int(math.floor(g.central_triage_per_10k * n / 10_000.0
                           + rng.uniform_py(self.seed_value, day, rng.S_TRIAGE_ROUNDING, 0)))
        queue = [h for h in self.households
                 if h.t_case >= 0 and h.t_dispatch < 0 and today.telecom[h.grid_id] > f.UP]
        queue.sort(key=lambda h: (h.t_case, h.idx))
        for h in queue[:k]:
            if h._draw(rng.S_INFO_LOSS) < g.central_info_loss:
                h.lose_case()
            else:
                h.t_dispatch = day + g.central_latency_days

    # Phase 6c: all departments together, one queue.
    def serve_departments(self):
        """Departments serve dispatched cases (Department.serve_departments)."""
        Department.serve_departments(self)

    # Phase 6d
    def preposition(self):
        """The warehouse's resupply from outside the city (up to its capacity); then,
        while a warning is out, a share of its stock above the floor goes to the
        warned grids (by warning level x households), or else, while the dashboard's
        figure is above preposition_trigger, to grids by the dashboard's cases, each
        up to its depot's room
        (warehouse_days_per_household per household); it arrives tomorrow."""
        g, st, today = self.params.governance, self.state, self.today
        gr = st.grids
        n = st.households.n
        cap = g.warehouse_days_per_household * n
        came = g.warehouse_resupply_per_10k * n / 10_000.0
        room = cap - st.warehouse[0]
        came = max(0.0, min(came, room))
        st.warehouse_in_today[0] = came
        stock = st.warehouse[0] + came
        st.warehouse[0] = stock
        spare = stock - g.preposition_floor * cap
        if g.prepositioning <= 0.0 or spare <= 0.0:
            return
        sizes = [gu.stop - gu.start for gu in self.grid_units]
        warned = 0.0
        for gid, size in enumerate(sizes):
            warned += today.warning[gid] * size
        shown = 0.0
        for c in gr.dashboard_cases:
            shown += c
        if warned <= 0.0 and st.dashboard[0] <= g.preposition_trigger:
            return  # no warning, and the dashboard shows no more than everyday need
        weights = warned if warned > 0.0 else shown
        if weights <= 0.0:
            return
        send = g.prepositioning * spare
        sent = 0.0
        for gid, gu in enumerate(self.grid_units):
            w = today.warning[gid] * sizes[gid] if warned > 0.0 else gr.dashboard_cases[gid]
            x = send * w / weights
            room = (g.warehouse_days_per_household * sizes[gid] * gu.depot_share
                    - gu.depot - gu.in_transit)  # none without a depot (district points)
            if x > room:
                x = max(0.0, room)
            gu.in_transit += x
            sent += x
        st.warehouse[0] = max(0.0, stock - sent)

    def ship_packages(self):
        """Food packages for tomorrow: each closed grid is sent what tomorrow's
        ration (food_package_days / 7 x closure per household) needs beyond its
        depot and what is on its way, up to the depot's room; all grids get the same
        share of their ask if the warehouse holds less."""
        g, st, today = self.params.governance, self.state, self.today
        if g.food_package_days <= 0.0:
            return
        asks = []
        for gid, gu in enumerate(self.grid_units):
            if today.closure[gid] > 0.0:
                n_g = gu.stop - gu.start
                ask = (g.food_package_days / 7.0 * today.closure[gid] * n_g
                       - gu.depot - gu.in_transit)
                room = g.warehouse_days_per_household * n_g - gu.depot - gu.in_transit
                asks.append((gu, max(0.0, min(ask, room))))
        asked = 0.0
        for _, x in asks:
            asked += x
        if asked <= 0.0 or st.warehouse[0] <= 0.0:
            return
        frac = 1.0
        if asked > st.warehouse[0]:
            frac = st.warehouse[0] / asked
        sent = 0.0
        for gu, x in asks:
            gu.in_transit += frac * x
            sent += frac * x
        st.warehouse[0] = max(0.0, st.warehouse[0] - sent)

    # Phase 9
    def observe_dashboard(self):
        """Households leave the dashboard; its figure and its counts per grid
        update while the platform is up."""
        gr = self.state.grids
        counts = [sum(h.leave_dashboard() for h in gu.households()) for gu in self.grid_units]
        if self.today.platform > f.UP:
            total = 0.0
            for g, c in enumerate(counts):
                gr.dashboard_cases[g] = c
                total += gr.dashboard_cases[g]
            for h in self.households:
                h.is_shown = h.is_on_dashboard
            self.state.dashboard[0] = total / self.state.households.n

    # Phase 10
    def record_day(self):
        """The day's metrics into today's row of `daily` (columns declared in sim.outputs),
        and today's need added to each household's need_total."""
        h, v, gr = self.state.households, self.state.volunteers, self.state.grids
        b, day, n = self.params.behaviour, self.clock, self.state.households.n
        row = self.live["row"]
        row[:] = 0.0
        h.need_total += h.need
        in_need = h.need > 0.0
        crisis = h.wellbeing < b.crisis_threshold
        row[f.IN_NEED] = np.count_nonzero(in_need)
        row[f.UNMET_NEED] = _sum(h.need[in_need])
        row[f.IN_CRISIS] = np.count_nonzero(crisis)
        row[f.IN_CRISIS_VULNERABLE] = np.count_nonzero(crisis & h.is_vulnerable)
        row[f.IN_CRISIS_OTHER] = np.count_nonzero(crisis & ~h.is_vulnerable)
        for ch in range(1, len(f.CHANNELS)):
            row[f.CHANNEL_COLUMN[ch]] = np.count_nonzero(h.detected_by == ch)
        row[f.MISSED_NEED] = np.count_nonzero(in_need & ~h.is_shown) / n
        row[f.FALSE_ALARMS] = np.count_nonzero(h.is_shown & ~in_need) / n
        new = h.t_detected == day
        row[f.NEW_DETECTIONS] = np.count_nonzero(new)
        row[f.DETECTION_LATENCY_SUM] = float(np.sum(day - h.t_need_start[new].astype(np.int64)))
        row[f.SERVED_DEPARTMENT] = np.count_nonzero(h.department_in_today > 0.0)
        row[f.HELP_SELF_DAYS] = _sum(h.bought_today)
        row[f.HELP_NEIGHBOURS_DAYS] = _sum(h.aid_in_today)
        row[f.HELP_VOLUNTEERS_DAYS] = _sum(h.volunteer_in_today)
        row[f.HELP_DEPARTMENTS_DAYS] = _sum(h.department_in_today)
        row[f.HELPED_BY_NEIGHBOURS] = np.count_nonzero(h.aid_in_today > 0.0)
        row[f.HELPED_BY_VOLUNTEERS] = np.count_nonzero(h.volunteer_in_today > 0.0)
        row[f.INFORMED] = np.count_nonzero(h.t_informed >= 0)
        row[f.OPEN_CASES] = np.count_nonzero(h.t_case >= 0)
        dashboard = self.state.dashboard[0]
        row[f.FUNCTIONALITY] = 1.0 - row[f.IN_NEED] / n
        row[f.WELLBEING_MEAN] = _sum(h.wellbeing) / n
        row[f.DASHBOARD_NEED_SHARE] = dashboard
        row[f.TRUE_NEED_SHARE] = row[f.IN_NEED] / n
        row[f.ILLUSION_GAP] = row[f.TRUE_NEED_SHARE] - dashboard
        row[f.TRUST_MEAN] = _sum(h.trust) / n
        row[f.SOCIAL_CAPITAL_MEAN] = _sum(h.social_capital) / n
        used = _sum(v.used_today)
        row[f.ACTIVE_VOLUNTEERS] = np.count_nonzero(v.used_today > 0.0)
        row[f.VOLUNTEER_MOTIVATION_MEAN] = _sum(v.motivation) / v.n if v.n > 0 else 0.0
        row[f.VOLUNTEER_DAYS] = used
        row[f.VOLUNTEER_HOURS] = used * b.volunteer_hours_per_day
        row[f.REPORTING_HOURS] = self.reporting_hours
        row[f.VISITS] = float(np.sum(gr.visits_today))
        row[f.SUPPLY_IN] = (_sum(gr.shop_in_today + gr.group_in_today)
                            + self.state.warehouse_in_today[0])
        row[f.CONSUMED] = _sum(h.consumed_today)
        row[f.DESTROYED] = _sum(np.concatenate([h.destroyed_today, gr.shop_destroyed_today]))
        row[f.STOCK_SHOPS] = _sum(gr.shop_stock)
        row[f.STOCK_WAREHOUSE] = self.state.warehouse[0]
        row[f.STOCK_DEPOTS] = _sum(gr.depot)
        row[f.STOCK_IN_TRANSIT] = _sum(gr.in_transit)
        row[f.STOCK_HOUSEHOLDS] = _sum(h.reserves)
        row[f.DONATED] = _sum(gr.donated_today)
