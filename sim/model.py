"""`ResilienceModel`: the city, its day, and the fast engine, as a Mesa model.

It ties together the parameters (`sim.params`), the state arrays
(`sim.state`, built by `sim.population`), the social network
(`sim.network`), the shock schedule (`sim.inputs`) and the day's table of
phases (`sim.phases`), whose kernels it runs with their arguments bound by
name (`sim.binding`). The reference engine, the same day as plain Mesa
agents, is `agents.ReferenceModel`, a subclass; the tests hold the two to the
same numbers exactly.

The model takes Strategy and Shock objects. Looking a name or a file up in
the scenario library belongs to the layer that reads names:
`scenarios.make_model("status_quo", "flood")`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import mesa
import numba
import numpy as np

from sim import mechanisms, population
from sim.binding import BoundCall, Namespace, bind
from sim.errors import ParameterError, shown
from sim.inputs import NO_SHOCK, Shock, Strategy, check_shock, schedule
from sim.metrics import RunSummary, daily_frame, summarise
from sim.network import Network, build_network
from sim.params import STATUS_QUO, Params, fresh_seed
from sim.pars_governance import time_off_visits
from sim.phases import PHASES, Phase
from sim.snapshot import (
    Snapshot,
    SnapshotError,
    array_shape,
    model_arrays,
    network_digest,
    restore_array,
    state_arrays,
)
from sim.snapshot import load as load_snapshot
from sim.state import N_DEPARTMENTS, State

WORK_HOURS_PER_DAY = 8.0
TODAY = ("hazard", "heat", "supply", "power", "telecom", "income", "closure", "warning",
         "warning_prev")
LIVE = ("day", "platform", "n_asking_ties", "row")

# An observer is called after every phase: observer(model, phase_name, seconds).
Observer = Callable[["ResilienceModel", str, float], None]


class DailyCollector(mesa.DataCollector):
    """Mesa's DataCollector of the daily record (`model.daily`, one column per
    name of `columns`): each column is a model reporter, as Mesa expects, and a
    day's values are read as one row of the record.

    Mesa calls every reporter and deep-copies what it returns; the reporters
    here would each return one float of the same row, so `collect` takes the
    row whole (`tolist` gives the same Python floats as `float` of each
    element). Same values, same table, without 45 calls and copies a day.
    """

    def __init__(self, columns):
        self.columns = list(columns)
        super().__init__(model_reporters={
            k: (lambda m, i=i: float(m.daily[m.day - 1, i]) if m.day > 0 else np.nan)
            for i, k in enumerate(self.columns)})

    def collect(self, model):
        if self.agent_reporters or self.agenttype_reporters \
                or len(self.model_reporters) != len(self.columns):  # reporters added: Mesa's
            super().collect(model)
            return
        values = (model.daily[model.day - 1].tolist() if model.day > 0
                  else [np.nan] * len(self.columns))
        for var, v in zip(self.columns, values, strict=True):
            self.model_vars[var].append(v)


@contextmanager
def numba_threads(threads: int | None):
    """This thread's Numba thread count set to `threads` (at most Numba's pool;
    None: left as it is) for the block, then given back. Numba's count belongs to
    the calling thread: a Dask worker's tasks and SolaraViz's steps run on threads
    of their own, so each sets it where it runs."""
    if threads is None:
        yield
        return
    before = numba.get_num_threads()
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    try:
        yield
    finally:
        numba.set_num_threads(before)


def city_network(p: Params, district=None) -> Network:
    """The social network of the city of `p`: on the grids of `district` (a
    `sim.district.District`, its long-range ties along the map) or the lattice's."""
    building, grid, _ = population.city_layout(p, district)
    neighbours = ((district.nb_indptr, district.nb_indices)
                  if district is not None and district.ties != "city" else None)
    return build_network(p.network, building, grid, p.run.seed, neighbours)


def _check_inputs(strategy, shock) -> tuple[Strategy, Shock]:
    if not isinstance(strategy, Strategy):
        raise ParameterError(
            f"strategy must be a sim.inputs.Strategy, got {strategy!r}; to use a name or a "
            "file, build the model with scenarios.make_model (or scenarios.load_strategy)")
    if shock is None:
        return strategy, NO_SHOCK
    if not isinstance(shock, Shock):
        raise ParameterError(
            f"shock must be a sim.inputs.Shock or None, got {shock!r}; to use a name or a "
            "file, build the model with scenarios.make_model (or scenarios.load_shock)")
    return strategy, shock


class ResilienceModel(mesa.Model):
    """A city's neighbourhoods through a shock, one day per step.

    Construction builds the city and its network, then runs, unrecorded and
    with no shock, `run.warm_up_days` (default 30) days of the status quo's
    routine (the same city for every strategy) and `run.tenure_days` (default
    365) days of the strategy's own routine: the strategy has been in place
    that long at day 0 (`_burn_in`). `burn_in` is the number of those days,
    warm-up plus tenure; `day` counts recorded days, `clock` all simulated
    days (the kernels' day).

    A day runs the table `sim.phases.PHASES`, in order (`step`); each phase
    reads the state as it was at its start and writes new values (visits,
    volunteers and departments work through their queues in a fixed order),
    so agent order and thread count never change the result (the table below
    is `sim.phases.describe()`; tests/test_phases.py holds it equal):

      1  apply_shock: hazards destroy reserves and shop stock, add need; everyday hardship
      2  warn_and_perceive: forecasts reach households; risk perception
      3  consume_and_restock: deliveries to shops and depots; a day of essentials used;
         shortfall becomes need; walk-in purchases from the grid's shops (rationed); in a
         closed grid, orders through delivery platforms and group buying; need episodes
         close and open; government food packages in a closed grid
      4  seek_help: households in need ask the platform, the chat group, their ties
     5a  detect_on_platform: platform requests, linked chat posts, sensing; departments call
         their registries
     5b  visit_grids: grid workers visit: chat requests, known vulnerable, door to door
     5c  dispatch_cases: open cases go on to the departments: outreach, automated, direct
         (closed loop) or through the central triage queue
     6a  mutual_aid: neighbours' surplus flows to ties who asked
     6b  serve_volunteers: volunteers deliver within their grid
     6c  serve_departments: departments deliver goods from depots and the warehouse to
         dispatched cases, within their trips
     6d  preposition: the city warehouse is resupplied; goods go out to grid depots (arrive
         tomorrow): pre-positioning, and food packages for closed grids
      7  update_wellbeing: stress from need, heat and damage; recovery
     8a  update_trust_and_social_capital: trust and social capital
     8b  update_volunteers: volunteer motivation, fatigue, burnout
      9  observe: the dashboard's view (frozen while the platform is down)
     10  record: the day's metrics

    `observers` (a list, empty by default) are called after every phase with
    (model, phase name, seconds): for timing and for looking at the state
    between phases.

    Args:
        strategy: a Strategy (`scenarios.load_strategy` reads one).
        shock: a Shock (`scenarios.load_shock`), or None for no shock.
        n_households, days, seed: shortcuts for population.n_households,
            run.days and run.seed. With no seed given (here, in `params` or in
            `overrides`) a fresh one is drawn, as Mesa does, and recorded in
            `params.run.seed` and the manifest: replicates are never silently
            identical.
        overrides: dotted parameter overrides, applied after the strategy.
        params: a base Params (default: the defaults).
        network: a prebuilt Network to use instead of generating one.
        threads: Numba threads for this model's kernels, set while it steps and
            restored after (results do not depend on it; default: Numba's).
    """

    engine = "numba"
    phases: tuple[Phase, ...] = PHASES
    _plan = None  # the day's plan of bound calls (`_setup_engine`; the reference engine has none)

    def __init__(self, strategy: Strategy, shock: Shock | None = None,
                 n_households: int | None = None, days: int | None = None,
                 seed: int | None = None, overrides: Mapping[str, Any] | None = None,
                 params: Params | None = None, network: Network | None = None,
                 threads: int | None = None):
        strategy, shock = _check_inputs(strategy, shock)
        if seed is None and params is None and "run.seed" not in (overrides or {}):
            seed = fresh_seed()  # Mesa's convention: no seed, a fresh one (recorded)
        short = {"population.n_households": n_households, "run.days": days, "run.seed": seed}
        given = overrides or {}
        if given.get("population.district") and (
                n_households is not None or "population.n_households" in given):
            n = n_households if n_households is not None else given["population.n_households"]
            raise ParameterError(
                f"population.n_households = {shown(n)} with population.district = "
                f"{shown(given['population.district'])}: the district's counts set the "
                "number of households; give one or the other")
        p = (params or Params()).with_overrides(strategy.as_dict())
        p = p.with_overrides(overrides).with_overrides(
            {k: v for k, v in short.items() if v is not None})
        self._build(strategy, shock, p, network, threads, past=None)

    def _build(self, strategy: Strategy, shock: Shock, p: Params, network: Network | None,
               threads: int | None, past: Snapshot | None) -> None:
        """Build the model for parameters `p`: its city (from `past`, a
        snapshot, if given; else built and then run through its burn-in)."""
        super().__init__(seed=p.run.seed)
        if threads is not None and not 1 <= threads <= numba.config.NUMBA_NUM_THREADS:
            raise ParameterError(f"threads = {threads}: allowed 1 to "
                                 f"{numba.config.NUMBA_NUM_THREADS}")
        self.threads = threads
        self.params = p
        self.run_params = p
        self.strategy = strategy
        self.shock = shock
        self.seed_value = p.run.seed
        self.days = p.run.days
        # the day's table and the record's columns, with every registered mechanism's
        self.phases = mechanisms.phases(type(self).phases)
        self.columns = mechanisms.columns()
        self._measured = mechanisms.measures()
        self.status_quo_params = p.with_overrides(STATUS_QUO)
        self.warm_up = p.run.warm_up_days  # days of the status quo's routine
        self.tenure = p.run.tenure_days  # days of the strategy's routine
        self.burn_in = self.warm_up + self.tenure  # unrecorded days before day 0
        if past is not None:  # a snapshot's own (a restart's day 0 is its moment)
            self.burn_in = past.burn_in
        self.day = 0  # days recorded so far (day 0 is the first day after the burn-in)
        self.clock = 0  # days simulated so far, burn-in included: the kernels' `day`
        self.observers: list[Observer] = []
        self.past = None if past is None else {"clock": past.clock, "day": past.day}
        # a district map (population.district) gives the grids and the city's size,
        # read and checked before any work (sim.district)
        self.district = population.load_district(p)
        if self.district is not None:
            total = self.district.n_households
            if p.population.n_households not in (total, Params().population.n_households):
                raise ParameterError(
                    f"population.n_households = {p.population.n_households:,}, but the "
                    f"district {self.district.path} holds {total:,} households (the sum of its "
                    "grids' counts): leave the number of households out with a district")
            p = p.with_overrides({"population.n_households": total})
            self.params = self.run_params = p
            self.status_quo_params = p.with_overrides(STATUS_QUO)
        pop = p.population
        # the shock must fit this run and city: before any work (sim.inputs.check_shock)
        community = (population.grid_communities(pop) if self.district is None
                     else self.district.community)
        check_shock(shock, p.run.days, community, pop.n_households, self.district)
        if network is not None and network.n != pop.n_households:
            raise ParameterError(f"the network has {network.n} nodes but the city has "
                                 f"{pop.n_households} households")
        if network is None:  # first, so its scratch memory is gone before the state exists
            network = city_network(p, self.district)
        self.network = network
        if past is None:
            self.state = population.build(self.status_quo_params, self.district)
            population.apply_node_attributes(self.state, self.network, self.status_quo_params,
                                             self.district)
            population.count_grid_ties(self.state, self.network)
            mechanisms.setup(self.state, p)
        else:
            self.state = State(*(array_shape(past.arrays, f"state.{t}.{k}")[0] for t, k in
                                 (("households", "reserves"), ("volunteers", "motivation"),
                                  ("grids", "start"))))
        h, gr = self.state.households, self.state.grids
        if past is not None:  # the grids' map first: the shock's schedule reads it
            for k, a in state_arrays(self.state).items():
                if k.startswith("grids."):
                    restore_array(f"state.{k}", a, past.arrays[f"state.{k}"])
        self.schedule = schedule(shock, self.days, gr.elevation, gr.community, self.district)
        self.daily = np.zeros((self.days, len(self.columns)))
        # grid workers' hours a day spent on top-down reports (recorded daily)
        self.reporting_hours = gr.n * WORK_HOURS_PER_DAY * p.governance.reporting_burden
        # Today's inputs per grid, filled each morning (`_begin_day`); agents read them.
        self.today = SimpleNamespace(**{k: np.zeros(gr.n) for k in TODAY}, platform=1.0)
        normal = schedule(NO_SHOCK, 1, gr.elevation, gr.community)
        self._normal_day = {k: getattr(normal, k)[0] for k in TODAY if k != "warning_prev"}
        # Scratch buffers of the phases (contents meaningless between phases;
        # a snapshot saves them all the same).
        self.scratch = SimpleNamespace(
            telling_prev=np.zeros(h.n, dtype=np.bool_), grid_telling=np.zeros(gr.n, np.int64),
            pool=np.zeros(h.n, dtype=np.int64), pool_size=np.zeros(gr.n, np.int64),
            grid_offered=np.zeros(gr.n), grid_shop_goods=np.zeros(gr.n),
            grid_goods=np.zeros(gr.n), keys=np.zeros(h.n, dtype=np.int64),
            n_queued=np.zeros(1, np.int64), grid_trips=np.zeros(gr.n),
            department_trips_left=np.zeros(N_DEPARTMENTS),
            triage_count=np.zeros(self.burn_in + self.days + 1, dtype=np.int64))
        self.live: dict[str, Any] = dict.fromkeys(LIVE)
        self.live.update(day=0, platform=1.0, n_asking_ties=0)
        self.datacollector = DailyCollector(self.columns)
        if past is None:
            self._setup_engine()
            self._burn_in()
        else:
            self._restore(past)
            self._setup_engine()

    # -- the engine ----------------------------------------------------------------
    def namespace(self, params: Params | None = None) -> Namespace:
        """Every value a kernel argument can be bound to, by name: state arrays,
        network, parameters (`params`, default the run's), today's inputs,
        scratch, and the live values."""
        st = self.state
        params = self.params if params is None else params
        ns = Namespace(self.live)
        ns.add_fields("households", st.households).add_fields("volunteers", st.volunteers)
        ns.add_fields("grids", st.grids)
        ns.add("state", {"department_capacity": st.department_capacity,
                         "department_served_today": st.department_served_today,
                         "dashboard": st.dashboard, "warehouse": st.warehouse,
                         "warehouse_in_today": st.warehouse_in_today})
        ns.add("network", {"indptr": self.network.indptr, "indices": self.network.indices,
                           "weight": self.network.weight})
        ns.add_fields("behaviour", params.behaviour)
        ns.add_fields("governance", params.governance)
        for group, values in params.mechanisms:  # registered mechanisms' (sim.mechanisms)
            ns.add_fields(group, values)
        ns.add("derived", {"time_off_visits": time_off_visits(params.governance)})
        ns.add("today", {k: getattr(self.today, k) for k in TODAY})
        ns.add("scratch", vars(self.scratch))
        ns.add("run", {"seed": self.seed_value, "reporting_hours": self.reporting_hours})
        ns.declare_live(*LIVE)
        return ns

    def _setup_engine(self):
        """Bind every phase's kernels to their arguments (the fast engine), once
        with the run's parameters and once with the status quo's (the warm-up)."""
        self._call_sets: dict[bool, dict[str, tuple[BoundCall, ...]]] = {}
        for status_quo, params in ((False, self.params), (True, self.status_quo_params)):
            ns = self.namespace(params)
            self._call_sets[status_quo] = {
                ph.name: tuple(bind(k, ns) for k in ph.kernels) for ph in self.phases}
        self._calls = self._call_sets[False]
        # a day's plan per routine and kind of day (recorded or not): the phases it runs,
        # as (their bound calls, the live value the last one's result goes to)
        if type(self).run_phase is not ResilienceModel.run_phase:
            return  # a subclass runs its phases its own way: the phase loop calls it
        self._plans = {
            status_quo: {recorded: tuple((tuple(c.call for c in calls[ph.name]), ph.returns)
                                         for ph in self.phases
                                         if recorded or not ph.recorded_only)
                         for recorded in (False, True)}
            for status_quo, calls in self._call_sets.items()}
        self._plan = self._plans[False]

    def _set_routine(self, status_quo: bool) -> None:
        """Run the status quo's routine (the warm-up) or the strategy's from now on."""
        self.params = self.status_quo_params if status_quo else self.run_params
        call_sets = getattr(self, "_call_sets", None)  # the reference engine has none
        if call_sets is not None:
            self._calls = call_sets[status_quo]
            plans = getattr(self, "_plans", None)
            if plans is not None:
                self._plan = plans[status_quo]

    def run_phase(self, phase: Phase) -> None:
        """Run one phase of today: its kernels, in order."""
        out = None
        for call in self._calls[phase.name]:
            out = call.call()
        if phase.returns:
            self.live[phase.returns] = out

    def _thread_count(self):
        """Numba's thread count set to `threads` while the model works, then restored."""
        return numba_threads(self.threads)

    def _run_day(self, recorded: bool):
        """Every phase of the table (record only on recorded days), with observers."""
        observers = self.observers
        if self._plan is not None and not observers:  # the fast engine's day, as planned
            live = self.live
            for calls, returns in self._plan[recorded]:
                out = None
                for call in calls:
                    out = call()
                if returns:
                    live[returns] = out
        else:
            for ph in self.phases:
                if ph.recorded_only and not recorded:
                    continue
                if observers:
                    t0 = time.perf_counter()
                    self.run_phase(ph)
                    seconds = time.perf_counter() - t0
                    for f in observers:
                        f(self, ph.name, seconds)
                else:
                    self.run_phase(ph)
        if recorded and self._measured:  # registered mechanisms' columns (sim.mechanisms)
            mechanisms.record_measures(self.state, self.live["row"], self._measured)

    # -- the day -------------------------------------------------------------------
    def _burn_in(self):
        """Before day 0, with no shock and not recorded: first the warm-up,
        `run.warm_up_days` days of the status quo's routine (its levers,
        `sim.params.STATUS_QUO`), so that everyday hardship, open cases, trust
        and volunteers have settled into the same city for every strategy
        (social capital starts at the status quo's steady state already); then
        the strategy is adopted (its registries opened to the grids) and runs
        its own routine for its tenure, `run.tenure_days` days. Tenure 0: every
        strategy starts day 0 from the same state. The run's 'ever' flags then
        start from the households in need now. Random draws use the clock, so
        a different warm-up or tenure gives different luck."""
        with self._thread_count():
            self._set_routine(status_quo=True)
            while self.clock < self.warm_up:
                self._begin_day()
                self._run_day(recorded=False)
                self.clock += 1
            self._set_routine(status_quo=False)
            population.open_registries(self.state, self.params, self.seed_value,
                                       self.district)
            while self.clock < self.burn_in:
                self._begin_day()
                self._run_day(recorded=False)
                self.clock += 1
        self._start_recording()

    def _start_recording(self):
        """Day 0: the run's 'ever' flags start from the households in need now."""
        h = self.state.households
        np.greater(h.need, 0.0, out=h.was_in_need)
        np.logical_and(h.was_in_need, h.t_detected >= 0, out=h.was_detected)

    def step(self):
        """Advance one day: the table of phases, in order."""
        if self.day >= self.days:
            raise RuntimeError(f"the run is over: all {self.days} days have been simulated")
        with self._thread_count():
            self._begin_day()
            self._run_day(recorded=True)
        self.day += 1
        self.clock += 1
        self.running = self.day < self.days
        self.datacollector.collect(self)

    def run(self, days: int | None = None) -> RunSummary:
        """Step to the end (or `days` more days) and return the run summary."""
        stop = self.days if days is None else min(self.days, self.day + days)
        while self.day < stop:
            self.step()
        return self.summary()

    def _begin_day(self):
        """Today's inputs: the schedule's row, or a normal day in the burn-in."""
        t, live = self.today, self.live
        live["day"] = self.clock
        if self.clock < self.burn_in:
            for k, v in self._normal_day.items():
                np.copyto(getattr(t, k), v)
            t.warning_prev[:] = 0.0
            t.platform = 1.0
        else:
            d, s = self.day, self.schedule
            for k in TODAY:
                if k != "warning_prev":
                    np.copyto(getattr(t, k), getattr(s, k)[d])
            if d > 0:
                np.copyto(t.warning_prev, s.warning[d - 1])
            else:
                t.warning_prev[:] = 0.0
            t.platform = float(s.platform[d])
            live["row"] = self.daily[d]
        live["platform"] = t.platform

    # -- snapshots ----------------------------------------------------------------
    def snapshot(self, copy: bool = True) -> Snapshot:
        """Everything needed to continue this run exactly, as of now (the end of
        the last simulated day): a `sim.snapshot.Snapshot`, whose `save(path)`
        writes it; `from_snapshot` continues it. Arrays are copied (with
        `copy=False` they are the model's own, valid until it steps on); the
        network (never written by the model) is shared."""
        arrays = {k: (a.copy() if copy else a) for k, a in model_arrays(self).items()}
        arrays["daily"] = self.daily[:self.day].copy()
        live = {k: v for k, v in self.live.items() if k != "row"}
        live["today.platform"] = self.today.platform
        return Snapshot(engine=self.engine, params=self.params.to_dict(),
                        strategy=self.strategy, shock=self.shock, seed=self.seed_value,
                        clock=self.clock, day=self.day, burn_in=self.burn_in, live=live,
                        arrays=arrays, network=self.network)

    def save(self, path) -> Path:
        """Write `snapshot()` to `path` (sim/snapshot.py describes the format),
        straight from the model's arrays: no copy of the state is made."""
        return self.snapshot(copy=False).save(path)

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot | str | Path, shock: Shock | None = None, *,
                      days: int | None = None, restart: bool = False,
                      overrides: Mapping[str, Any] | None = None,
                      network: Network | None = None, threads: int | None = None):
        """Continue a run from a snapshot (a `Snapshot` or a file `save` wrote).

        Without `restart`, the run goes on where the snapshot stands: its
        recorded days are kept, and it is the same run as one straight through
        (the same daily series, byte for byte) under the snapshot's shock, or
        under `shock` if given (whose schedule must agree with the snapshot's on
        every day already recorded: no shock acts before day 0, so a snapshot
        at day 0 continues under any shock). `days`: the run's length (default
        the snapshot's run.days).

        With `restart=True`, a new run starts from the snapshot's moment: its
        day 0 is the day after the snapshot ("what if the shock came now"),
        under `shock` (default none) for `days` days (default run.days); the
        'ever' flags start afresh, as after a burn-in.

        `overrides` change other parameters from now on; population, network,
        seed, warm-up and tenure, which shape the city and its past, are
        refused (`sim.snapshot.SnapshotError`), as is a snapshot made by
        another code version. `network`: the run's network if at hand (a fork
        in memory shares it); else the snapshot's, or one rebuilt from the
        parameters and checked against the snapshot's digest.
        """
        snap = snapshot if isinstance(snapshot, Snapshot) else load_snapshot(snapshot)
        snap.check()
        if snap.engine != cls.engine:
            raise SnapshotError(f"the snapshot was made by the {snap.engine!r} engine; "
                                f"continue it with that engine, not {cls.engine!r}")
        overrides = dict(overrides or {})
        snap.check_overrides(overrides)
        if days is not None:
            overrides["run.days"] = days
        p = Params.from_dict(snap.params).with_overrides(overrides)
        if restart:
            shock = NO_SHOCK if shock is None else shock
            snap = replace(snap, day=0, burn_in=snap.clock)
        elif shock is None:
            shock = snap.shock
        strategy, shock = _check_inputs(snap.strategy, shock)
        if snap.day > p.run.days:
            raise SnapshotError(f"run.days = {p.run.days} but the snapshot has already "
                                f"recorded {snap.day} days")
        if network is None:
            network = snap.network
        if network is None:  # a snapshot from a file: rebuild the city's network
            network = city_network(p, population.load_district(p))
            if snap.network_digest and network_digest(network) != snap.network_digest:
                raise SnapshotError(
                    "the network rebuilt from the snapshot's parameters differs from the one "
                    "the snapshot was made with (a network file changed?)")
        model = cls.__new__(cls)
        model._build(strategy, shock, p, network, threads, past=snap)
        if restart:
            model._start_recording()
            model.state.households.need_total[:] = 0.0
        elif snap.day > 0:
            old = schedule(snap.shock, snap.day, model.state.grids.elevation,
                           model.state.grids.community, model.district)
            for k in ("hazard", "heat", "supply", "power", "telecom", "income", "warning",
                      "platform"):
                if not np.array_equal(getattr(old, k), getattr(model.schedule, k)[:snap.day]):
                    raise SnapshotError(
                        f"shock {shock.name!r} differs from the snapshot's ({snap.shock.name!r}) "
                        f"on the {snap.day} days already recorded ({k}); continue under a shock "
                        "that agrees on them, or start a new run from the snapshot "
                        "(restart=True)")
        return model

    def _restore(self, snap: Snapshot) -> None:
        """Copy the snapshot's arrays and values into this freshly built model."""
        arrays = model_arrays(self)
        missing = sorted(set(arrays) - set(snap.arrays))
        if missing:
            raise SnapshotError(f"the snapshot lacks {', '.join(missing)}: it is not of this "
                                "model")
        for k, a in arrays.items():
            restore_array(k, a, snap.arrays[k])
        self.daily[:snap.day] = snap.arrays["daily"][:snap.day]
        self.clock, self.day = snap.clock, snap.day
        live = dict(snap.live)
        self.today.platform = live.pop("today.platform")
        self.live.update(live)
        self.steps = self.day
        self.running = self.day < self.days
        for i, k in enumerate(self.columns):
            self.datacollector.model_vars[k] = [float(v) for v in self.daily[:self.day, i]]

    # -- results -------------------------------------------------------------------
    def latest(self, metric: str) -> float:
        """The last recorded value of a daily metric (NaN before the first step)."""
        return float(self.daily[self.day - 1, self.columns.index(metric)]) if self.day else np.nan

    @property
    def functionality(self) -> float:
        """Q today: share of households with no unmet need."""
        return self.latest("functionality")

    def series(self):
        """The daily series so far as a tidy DataFrame (one row per day)."""
        return daily_frame(self.daily[:self.day], self.columns)

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

        out = {"params": self.params.to_dict(), "strategy": asdict(self.strategy),
               "shock": asdict(self.shock), "engine": self.engine}
        if self.district is not None:  # the map's content, not just its path
            out["district"] = {"file": self.district.path, "sha256": self.district.digest,
                               "grids": self.district.n_grids}
        return out
