"""`ResilienceModel`: the city, its day, and its two engines, as a Mesa model.

It ties together the parameters (`sim.params`), the state arrays
(`sim.state`, built by `sim.population`), the social network
(`sim.network`), the shock schedule (`sim.inputs`), the kernels
(`sim.kernels`, engine "numba") and the Mesa agents (`agents`, engine
"reference"). Both engines give the same trajectories; the tests hold them to
it.

A shock or strategy given by name is looked up in the scenario library
(`scenarios.load`), imported inside `_as_inputs` only: this is the one place
`sim` reaches up, so that `ResilienceModel(strategy="status_quo",
shock="flood")` works with `mesa.batch_run` and SolaraViz, which pass plain
values.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import mesa
import numba
import numpy as np

from sim import population
from sim.errors import ParameterError
from sim.inputs import NO_SHOCK, Shock, Strategy, schedule
from sim.kernels.consumption import consume_and_restock
from sim.kernels.departments import serve_departments
from sim.kernels.detection import detect_on_platform, dispatch_cases, visit_grids
from sim.kernels.help_seeking import seek_help
from sim.kernels.mutual_aid import offer_mutual_aid, receive_mutual_aid, settle_mutual_aid
from sim.kernels.observation import observe
from sim.kernels.record import COLUMNS, N_COLUMNS, record_day
from sim.kernels.shock import apply_shock
from sim.kernels.social import update_trust_and_social_capital, update_volunteers
from sim.kernels.volunteers import serve_volunteers
from sim.kernels.warning import count_by_grid, warn_and_perceive
from sim.kernels.wellbeing import update_wellbeing
from sim.metrics import RunSummary, daily_frame, summarise
from sim.network import Network, build_network
from sim.params import Params
from sim.state import N_DEPARTMENTS

ENGINES = ("numba", "reference")
WORK_HOURS_PER_DAY = 8.0


def _as_inputs(strategy, shock) -> tuple[Strategy, Shock]:
    """Strategy and Shock objects from objects, names or file paths."""
    if not isinstance(strategy, Strategy) or not (shock is None or isinstance(shock, Shock)):
        from scenarios.load import load_shock, load_strategy  # the one upward edge

        if not isinstance(strategy, Strategy):
            strategy = load_strategy(strategy)
        if shock is not None and not isinstance(shock, Shock):
            shock = NO_SHOCK if shock == "none" else load_shock(shock)
    return strategy, shock or NO_SHOCK


class ResilienceModel(mesa.Model):
    """A city's neighbourhoods through a shock, one day per step.

    Construction builds the city and its network and runs `run.burn_in_days`
    (default 30) unrecorded days with no shock; `day` counts recorded days,
    `clock` all simulated days (the kernels' day).

    A day, in order (`step`); each phase reads the state as it was at its
    start and writes new values (visits, volunteers and departments work
    through their queues in a fixed order), so agent order and thread count
    never change the result:

     1. apply_shock          hazards destroy reserves, add need; everyday hardship
     2. warn_and_perceive    forecasts reach households; risk perception
     3. consume_and_restock  a day of essentials used; shortfall -> need; purchases;
                             need episodes close (met yesterday) and open
     4. seek_help            households in need ask platform, chat group, ties
     5. detect               platform sensing and requests; grid visits; dispatch
     6. respond              mutual aid; volunteers; departments
     7. update_wellbeing     stress from need, heat and damage; recovery
     8. update_social        trust, social capital, volunteer motivation
     9. observe              the dashboard's view (frozen while the platform is down)
    10. record               the day's metrics

    Args:
        strategy: a Strategy, or a strategy name or file (default "status_quo").
        shock: a Shock, or a shock name or file, or "none" (default "flood").
        n_households, days, seed: shortcuts for population.n_households,
            run.days and run.seed.
        overrides: dotted parameter overrides, applied after the strategy.
        params: a base Params (default: the defaults).
        engine: "numba" (fast kernels) or "reference" (plain Mesa agents).
        network: a prebuilt Network to use instead of generating one.
        threads: Numba threads for the kernels (results do not depend on it).
    """

    def __init__(self, strategy: Strategy | str = "status_quo", shock: Shock | str = "flood",
                 n_households: int | None = None, days: int | None = None,
                 seed: int | None = None, overrides: Mapping[str, Any] | None = None,
                 params: Params | None = None, engine: str = "numba",
                 network: Network | None = None, threads: int | None = None):
        if engine not in ENGINES:
            raise ParameterError(f"engine {engine!r} is unknown; allowed: {', '.join(ENGINES)}")
        strategy, shock = _as_inputs(strategy, shock)
        short = {"population.n_households": n_households, "run.days": days, "run.seed": seed}
        p = (params or Params()).with_overrides(strategy.as_dict())
        p = p.with_overrides(overrides).with_overrides(
            {k: v for k, v in short.items() if v is not None})
        super().__init__(seed=p.run.seed)
        if threads is not None:
            if threads < 1 or threads > numba.config.NUMBA_NUM_THREADS:
                raise ParameterError(f"threads = {threads}: allowed 1 to "
                                     f"{numba.config.NUMBA_NUM_THREADS}")
            numba.set_num_threads(threads)
        self.params = p
        self.strategy = strategy
        self.shock = shock
        self.engine = engine
        self.seed_value = p.run.seed
        self.days = p.run.days
        self.burn_in = p.run.burn_in_days
        self.day = 0  # days recorded so far (day 0 is the first day after the burn-in)
        self.clock = 0  # days simulated so far, burn-in included: the kernels' `day`
        pop = p.population
        if network is not None and network.n != pop.n_households:
            raise ParameterError(f"the network has {network.n} nodes but the city has "
                                 f"{pop.n_households} households")
        if network is None:  # first, so its scratch memory is gone before the state exists
            building, grid, _ = population.layout(pop.n_households, pop.building_households,
                                                  pop.grid_households)
            network = build_network(p.network, building, grid, p.run.seed)
            del building, grid
        self.network = network
        self.state = population.build(p)
        h, gr = self.state.households, self.state.grids
        self.schedule = schedule(shock, self.days, gr.elevation, gr.community)
        self.daily = np.zeros((self.days, N_COLUMNS))
        self.today = None
        self._telling_prev = np.zeros(h.n, dtype=np.bool_)
        self._grid_telling = np.zeros(gr.n, dtype=np.int64)
        self._no_warning = np.zeros(gr.n)
        normal = schedule(NO_SHOCK, 1, gr.elevation, gr.community)
        self._normal_day = SimpleNamespace(
            hazard=normal.hazard[0], heat=normal.heat[0], supply=normal.supply[0],
            power=normal.power[0], telecom=normal.telecom[0], income=normal.income[0],
            warning=normal.warning[0], warning_prev=self._no_warning, platform=1.0)
        self._pool = np.zeros(h.n, dtype=np.int64)
        self._keys = np.zeros(h.n, dtype=np.int64)
        self._households = None
        self._n_asking_ties = 0
        self.datacollector = mesa.DataCollector(model_reporters={
            k: (lambda m, i=i: float(m.daily[m.day - 1, i]) if m.day > 0 else np.nan)
            for i, k in enumerate(COLUMNS)})
        if engine == "reference":
            self._make_agents()
        self._burn_in()

    # -- agents ------------------------------------------------------------------
    def _make_agents(self):
        from agents import Department, GridUnit, Household, Volunteer

        self._households = [Household(self, i) for i in range(self.state.households.n)]
        self.volunteers = [Volunteer(self, v) for v in range(self.state.volunteers.n)]
        self.grid_units = [GridUnit(self, g) for g in range(self.state.grids.n)]
        self.departments = [Department(self, k) for k in range(N_DEPARTMENTS)]

    @property
    def households(self):
        """Household agents, created on first use (never needed by the fast engine)."""
        if self._households is None:
            self._make_agents()
        return self._households

    # -- the day -------------------------------------------------------------------
    def _burn_in(self):
        """Warm up: `run.burn_in_days` days with no shock, not recorded, so that
        everyday hardship, open cases, trust and volunteers have settled into
        the strategy's routine before day 0 (social capital starts at its
        steady state already: it would take months). The run's 'ever' flags
        then start from the households in need now. Random draws use the
        clock, so a different burn-in length gives different luck."""
        while self.clock < self.burn_in:
            self._begin_day()
            self._phases()
            self.clock += 1
        h = self.state.households
        np.greater(h.need, 0.0, out=h.was_in_need)
        np.logical_and(h.was_in_need, h.t_detected >= 0, out=h.was_detected)

    def step(self):
        """Advance one day: the ten phases, in order."""
        if self.day >= self.days:
            raise RuntimeError(f"the run is over: all {self.days} days have been simulated")
        self._begin_day()
        self._phases()
        self.record()
        self.day += 1
        self.clock += 1
        self.running = self.day < self.days
        self.datacollector.collect(self)

    def _phases(self):
        """Phases 1-9 of the day (10, record, only after the burn-in)."""
        self.apply_shock()
        self.warn_and_perceive()
        self.consume_and_restock()
        self.seek_help()
        self.detect()
        self.respond()
        self.update_wellbeing()
        self.update_social()
        self.observe()

    def run(self, days: int | None = None) -> RunSummary:
        """Step to the end (or `days` more days) and return the run summary."""
        stop = self.days if days is None else min(self.days, self.day + days)
        while self.day < stop:
            self.step()
        return self.summary()

    def _begin_day(self):
        """Today's shock inputs: the schedule's row, or a normal day in the burn-in."""
        if self.clock < self.burn_in:
            self.today = self._normal_day
            return
        d, s = self.day, self.schedule
        self.today = SimpleNamespace(
            hazard=s.hazard[d], heat=s.heat[d], supply=s.supply[d], power=s.power[d],
            telecom=s.telecom[d], income=s.income[d], warning=s.warning[d],
            warning_prev=s.warning[d - 1] if d > 0 else self._no_warning,
            platform=float(s.platform[d]))

    @property
    def _fast(self) -> bool:
        return self.engine == "numba"

    def apply_shock(self):
        """Phase 1."""
        h, b, t = self.state.households, self.params.behaviour, self.today
        if self._fast:
            apply_shock(h.grid, h.exposure, t.hazard, h.reserves, h.need, h.t_hardship_end,
                        b.damage_reserve_loss, b.damage_need_days, b.need_cap_days,
                        b.hardship_rate, b.hardship_days, self.seed_value, self.clock)
        else:
            for a in self.households:
                a.apply_shock()

    def warn_and_perceive(self):
        """Phase 2."""
        h, b, t, net = self.state.households, self.params.behaviour, self.today, self.network
        np.copyto(self._telling_prev, h.is_telling)
        count_by_grid(self._telling_prev, h.has_digital_access, h.grid, self._grid_telling)
        if self._fast:
            warn_and_perceive(net.indptr, net.indices, net.weight, h.grid, h.has_digital_access,
                              h.t_visited, t.warning, t.warning_prev, t.telecom, t.platform,
                              self._telling_prev, self._grid_telling,
                              self.params.governance.chat_groups, h.t_informed, h.is_telling,
                              h.perception, b.warning_reach, b.chat_warning, b.word_of_mouth,
                              b.stop_telling, b.perception_decay, self.seed_value, self.clock)
        else:
            for a in self.households:
                a.warn_and_perceive(self._telling_prev, self._grid_telling)

    def consume_and_restock(self):
        """Phase 3."""
        h, b, t = self.state.households, self.params.behaviour, self.today
        if self._fast:
            consume_and_restock(h.grid, h.is_low_income, h.reserve_target, h.perception,
                                t.supply, t.income, h.t_hardship_end, h.reserves, h.need,
                                h.t_need_start, h.t_detected, h.was_in_need, h.bought_today,
                                b.restock_days,
                                b.low_income_restock_factor, b.need_cap_days, b.stockup_days,
                                b.perception_threshold, self.clock)
        else:
            for a in self.households:
                a.consume_and_restock()

    def seek_help(self):
        """Phase 4."""
        h, t = self.state.households, self.today
        b, g = self.params.behaviour, self.params.governance
        if self._fast:
            self._n_asking_ties = seek_help(h.grid, h.has_digital_access, h.need, h.trust,
                                            h.social_capital, t.telecom, t.platform,
                                            g.chat_groups, h.asked_today, h.t_request,
                                            b.ask_platform, b.ask_chat, b.ask_neighbours,
                                            self.seed_value, self.clock)
        else:
            self._n_asking_ties = sum(a.seek_help() for a in self.households)

    def detect(self):
        """Phase 5: platform (5a), grid visits (5b), dispatch (5c)."""
        h, gr, g, t = self.state.households, self.state.grids, self.params.governance, self.today
        s, d = self.seed_value, self.clock
        if self._fast:
            detect_on_platform(h.grid, h.has_digital_access, h.need, h.asked_today, t.power,
                               t.telecom, t.platform, g.platform_sensing, g.chat_to_platform,
                               h.t_case, h.t_detected, h.was_detected, h.is_on_dashboard,
                               h.detected_by, s, d)
            visit_grids(gr.start, gr.stop, gr.cursor, gr.visits_today, t.hazard, h.need,
                        h.is_known, h.asked_today, h.t_visited, h.t_case, h.t_dispatch,
                        h.t_detected, h.was_detected, h.is_on_dashboard, h.detected_by,
                        g.visit_capacity, g.reporting_burden, g.hazard_mobility_loss,
                        g.revisit_days, g.kpi_pressure, g.chat_groups, s, d)
            dispatch_cases(h.grid, h.t_case, h.t_dispatch, t.telecom, t.platform,
                           g.direct_dispatch, g.central_latency_days, g.direct_latency_days, d)
        else:
            for a in self.households:
                a.detect_on_platform()
            for u in self.grid_units:
                u.visit_households()
            for a in self.households:
                a.dispatch_case()

    def respond(self):
        """Phase 6: neighbour mutual aid (6a), volunteers (6b), departments (6c)."""
        h, gr, v = self.state.households, self.state.grids, self.state.volunteers
        b, g, t, net = self.params.behaviour, self.params.governance, self.today, self.network
        if self._fast:
            if self._n_asking_ties > 0:
                offer_mutual_aid(net.indptr, net.indices, net.weight, h.need, h.asked_today,
                                 h.reserves, h.social_capital, b.aid_keep_days, b.aid_share,
                                 h.aid_scale)
                receive_mutual_aid(net.indptr, net.indices, net.weight, h.need, h.asked_today,
                                   h.aid_scale, h.aid_frac, h.aid_in_today)
                settle_mutual_aid(net.indptr, net.indices, net.weight, h.aid_scale, h.aid_frac,
                                  h.aid_in_today, h.reserves, h.need, h.aid_out_today)
            else:  # nobody asked their ties: what the three kernels would write
                for a in (h.aid_scale, h.aid_frac, h.aid_in_today, h.aid_out_today):
                    a[:] = 0.0
            serve_volunteers(gr.start, gr.stop, gr.vol_start, gr.vol_stop, v.household,
                             v.motivation, net.indptr, net.indices, h.grid, h.asked_today,
                             h.t_case, h.t_dispatch, h.is_on_dashboard, h.t_visited, h.need,
                             h.volunteer_in_today, v.capacity_today, v.used_today,
                             gr.volunteer_today, self._pool, t.supply,
                             b.volunteer_capacity_days, b.volunteer_supply_floor, g.chat_groups,
                             g.volunteer_coordination, self.clock)
            serve_departments(h.grid, h.has_chronic_illness, h.vulnerability, t.hazard,
                              t.power, self.state.department_capacity, h.t_dispatch, h.t_case,
                              h.t_request, h.is_on_dashboard, h.need, h.reserves,
                              h.department_in_today, gr.formal_today,
                              self.state.department_served_today, self._keys,
                              g.dept_delivery_days, self.clock)
        else:
            for phase in ("offer_mutual_aid", "receive_mutual_aid", "settle_mutual_aid"):
                for a in self.households:
                    getattr(a, phase)()
            for u in self.grid_units:
                u.coordinate_volunteers()
            from agents import Department

            Department.serve_departments(self)

    def update_wellbeing(self):
        """Phase 7."""
        h, b, t = self.state.households, self.params.behaviour, self.today
        if self._fast:
            update_wellbeing(h.grid, h.exposure, h.is_vulnerable, h.need, t.heat, t.power,
                             t.hazard, h.wellbeing, b.need_stress,
                             b.need_scale_days, b.heat_stress, b.heat_cooling, b.damage_stress,
                             b.vulnerable_factor, b.recovery)
        else:
            for a in self.households:
                a.update_wellbeing()

    def update_social(self):
        """Phase 8: trust and social capital, then volunteer motivation."""
        h, v, gr = self.state.households, self.state.volunteers, self.state.grids
        b, g, t = self.params.behaviour, self.params.governance, self.today
        if self._fast:
            update_trust_and_social_capital(
                h.grid, h.has_digital_access, h.need, h.department_in_today, h.aid_in_today,
                h.aid_out_today, h.volunteer_in_today, t.telecom, h.t_request, h.trust,
                h.social_capital, h.social_capital0, b.trust_gain, b.trust_loss,
                b.patience_days, b.sc_gain_aid, b.sc_gain_chat, b.sc_relax,
                g.social_capital_investment, g.chat_groups, self.clock)
            update_volunteers(v.household, h.grid, v.capacity_today, v.used_today,
                              h.social_capital, gr.formal_today, gr.volunteer_today,
                              v.motivation, v.motivation0, v.fatigue, b.motivation_gain,
                              b.crowd_out, b.motivation_relax, b.burnout_threshold,
                              b.burnout_rate, b.fatigue_recovery)
        else:
            for a in self.households:
                a.update_trust_and_social_capital()
            for a in self.volunteers:
                a.update_motivation()

    def observe(self):
        """Phase 9: the dashboard updates only while the platform is up."""
        h, g, t = self.state.households, self.params.governance, self.today
        if self._fast:
            count = observe(h.grid, h.has_digital_access, h.need, h.is_on_dashboard, h.t_case,
                            h.t_dispatch, t.power, t.telecom, t.platform, g.platform_sensing,
                            self.seed_value, self.clock)
        else:
            count = sum(a.leave_dashboard() for a in self.households)
        if t.platform > 0.5:
            self.state.dashboard[0] = count / h.n

    def record(self):
        """Phase 10: the day's metrics into `daily[day]` (same code for both engines)."""
        h, v, gr = self.state.households, self.state.volunteers, self.state.grids
        g, b = self.params.governance, self.params.behaviour
        reporting = gr.n * WORK_HOURS_PER_DAY * g.reporting_burden
        record_day(h.need, h.wellbeing, h.is_vulnerable, h.detected_by, h.t_detected,
                   h.t_need_start, h.bought_today, h.aid_in_today, h.volunteer_in_today,
                   h.department_in_today, h.trust, h.social_capital, h.t_informed, h.t_case,
                   h.need_total, v.motivation, v.used_today, gr.visits_today,
                   b.crisis_threshold, float(self.state.dashboard[0]),
                   b.volunteer_hours_per_day, reporting, self.clock, self.daily[self.day])

    # -- results -------------------------------------------------------------------
    def latest(self, metric: str) -> float:
        """The last recorded value of a daily metric (NaN before the first step)."""
        return float(self.daily[self.day - 1, COLUMNS.index(metric)]) if self.day else np.nan

    @property
    def functionality(self) -> float:
        """Q today: share of households with no unmet need."""
        return self.latest("functionality")

    def series(self):
        """The daily series so far as a tidy DataFrame (one row per day)."""
        return daily_frame(self.daily[:self.day])

    def summary(self) -> RunSummary:
        """The run summary of the days simulated so far."""
        h = self.state.households
        n_v = int(h.is_vulnerable.sum())
        return summarise(self.daily[:self.day], self.schedule.onset, n_vulnerable=n_v,
                         n_other=h.n - n_v, need_total=h.need_total,
                         was_in_need_vulnerable=int((h.is_vulnerable & h.was_in_need).sum()),
                         was_detected_vulnerable=int(
                             (h.is_vulnerable & h.was_in_need & h.was_detected).sum()))

    def manifest(self) -> dict[str, Any]:
        """What is needed to rerun this run: parameters, strategy, shock, engine."""
        from dataclasses import asdict

        return {"params": self.params.to_dict(), "strategy": asdict(self.strategy),
                "shock": asdict(self.shock), "engine": self.engine}
