"""Where each of the model's mechanisms is: one place to find a mechanism's parts.

The model's own mechanisms run inside the day's table (`sim.phases`): a
mechanism's kernels, agent steps, state fields, parameters and record columns
sit in the files of their kind. `BUILT_IN` says, for each mechanism, which
phases carry it and which fields, parameters and columns are its own; every
field, parameter and column belongs to exactly one entry (tests/test_mechanisms.py
holds the table to the code, so it cannot drift), and `files(entry)` names the
files its parts are in. A mechanism declared whole (`sim.mechanisms.Mechanism`)
and registered is listed too (`entries()`). `grassroots params --mechanism NAME`
prints an entry; docs/ODD.md ("Where a mechanism is") explains the layout.
The last three entries (city, run, record) hold what belongs to no single
behavioural mechanism.
"""

from __future__ import annotations

import inspect
import textwrap
from dataclasses import dataclass
from pathlib import Path

from sim import mechanisms
from sim.params import GROUPS, MECHANISM_GROUPS

ROOT = Path(__file__).resolve().parents[1]
# who runs a reference step -> the file of its agent class
AGENT_FILES = {"households": "agents/household.py", "volunteers": "agents/volunteer.py",
               "grid_units": "agents/grid_unit.py", "departments": "agents/department.py",
               "model": "agents/model.py"}
GROUP_FILES = {"population": "sim/pars_city.py", "network": "sim/pars_city.py",
               "run": "sim/pars_city.py", "behaviour": "sim/pars_behaviour.py",
               "governance": "sim/pars_governance.py"}


@dataclass(frozen=True)
class Entry:
    """One mechanism and where its parts are.

    Attributes:
        name: the mechanism (snake_case).
        summary: what it does, in a sentence.
        phases: the phases whose kernels and agent steps carry it (names of
            `sim.phases.PHASE_NAMES`; a phase may serve several mechanisms).
        fields: its state arrays, "<table>.<field>" or "state.<array>".
        parameters: its parameters, dotted names of `sim.params.SPECS`.
        columns: its daily record columns (`sim.outputs.COLUMNS`).
        odd: where docs/ODD.md describes it (phase numbers; a dotted number is
            a section).
    """

    name: str
    summary: str
    phases: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    parameters: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    odd: str = ""


BUILT_IN: tuple[Entry, ...] = (
    Entry("shock", "Hazards destroy household reserves and shop stock in proportion to "
          "intensity and exposure and add need; everyday hardship stops restocking for days",
          phases=("apply_shock",),
          fields=("households.destroyed_today", "households.t_hardship_end",
                  "grids.shop_destroyed_today", "grids.elevation"),
          parameters=("behaviour.damage_reserve_loss", "behaviour.damage_need_days",
                      "behaviour.hardship_rate", "behaviour.hardship_days",
                      "behaviour.shop_exposure"),
          columns=("destroyed",),
          odd="1"),
    Entry("warnings", "Forecasts reach households by platform, broadcast, a grid worker's "
          "visit, the chat group and word of mouth; risk perception follows and drives "
          "stock-ups",
          phases=("warn_and_perceive", "consume_and_restock"),
          fields=("households.t_informed", "households.is_telling", "households.perception"),
          parameters=("behaviour.warning_reach", "behaviour.chat_warning",
                      "behaviour.chat_relay", "behaviour.word_of_mouth",
                      "behaviour.stop_telling", "behaviour.perception_decay",
                      "behaviour.perception_threshold", "behaviour.stockup_days",
                      "governance.broadcast_warnings"),
          columns=("informed",),
          odd="2"),
    Entry("consumption", "Shops are resupplied each morning; households use a day of "
          "reserves, a shortfall becomes need, and walk-in purchases are rationed by the "
          "shops' stock; need episodes open and close",
          phases=("consume_and_restock",),
          fields=("households.reserves", "households.need", "households.reserve_target",
                  "households.bought_today", "households.consumed_today",
                  "households.t_need_start", "households.t_need_last",
                  "households.was_in_need", "grids.shop_stock", "grids.shop_in_today",
                  "grids.shop_share"),
          parameters=("behaviour.restock_days", "behaviour.low_income_restock_factor",
                      "behaviour.need_cap_days", "behaviour.shop_stock_days",
                      "behaviour.shop_resupply_days", "population.reserve_days",
                      "population.low_income_reserve_factor",
                      "population.migrant_reserve_factor"),
          columns=("supply_in", "consumed", "help_self_days", "stock_shops",
                   "stock_households"),
          odd="3"),
    Entry("closed_grid_orders", "While a stay-at-home order closes a grid, smartphone "
          "households order from the shops' stock through delivery platforms, and building "
          "leads (团长) bring in bulk group-buying (团购) orders from outside the grid",
          phases=("consume_and_restock",),
          fields=("households.has_group_lead", "grids.group_in_today"),
          parameters=("behaviour.platform_delivery_days", "behaviour.group_buy_days",
                      "behaviour.group_buy_lead_share", "governance.group_buy_offline"),
          columns=(),
          odd="3"),
    Entry("food_packages", "The warehouse ships government food packages to closed grids' "
          "depots, and every household of a closed grid receives the same ration from there",
          phases=("consume_and_restock", "preposition"),
          fields=("households.package_in_today",),
          parameters=("governance.food_package_days",),
          columns=(),
          odd="3, 6d"),
    Entry("help_seeking", "Households in need ask the platform (by trust), the community "
          "chat group (members only, thinning with weak ties) and their ties (by social "
          "capital)",
          phases=("seek_help",),
          fields=("households.asked_today", "households.t_request", "households.n_grid_ties"),
          parameters=("behaviour.ask_platform", "behaviour.ask_chat", "behaviour.ask_neighbours",
                      "behaviour.chat_thinning", "behaviour.chat_needs_ties",
                      "governance.chat_groups"),
          columns=(),
          odd="4"),
    Entry("platform_detection", "The platform opens cases for requests, linked chat posts "
          "and sensed households; the dashboard shows open cases, drops resolved ones the "
          "platform senses or volunteers report, and freezes while the platform is down",
          phases=("detect_on_platform", "observe"),
          fields=("households.t_case", "households.t_detected", "households.was_detected",
                  "households.detected_by", "households.case_channel",
                  "households.is_on_dashboard", "households.is_shown",
                  "grids.dashboard_cases", "state.dashboard"),
          parameters=("governance.platform_sensing", "governance.chat_to_platform",
                      "governance.close_after_days"),
          columns=("detected_sensing", "detected_request", "detected_chat",
                   "new_detections", "detection_latency_sum", "open_cases",
                   "dashboard_need_share", "true_need_share", "illusion_gap",
                   "missed_need", "false_alarms"),
          odd="5a, 9"),
    Entry("grid_visits", "Each grid worker (网格员) visits chat requesters, known vulnerable "
          "households and the door-to-door round within a capacity cut by hazards and "
          "optionally steered by the dashboard; a visit opens or closes a case",
          phases=("visit_grids",),
          fields=("households.t_visited", "households.is_known", "grids.cursor",
                  "grids.visits_today"),
          parameters=("governance.visit_capacity", "governance.revisit_days",
                      "governance.hazard_mobility_loss", "governance.dashboard_steering",
                      "population.local_knowledge"),
          columns=("visits", "detected_visit"),
          odd="5b"),
    Entry("reporting_burden", "Top-down reports and the community work a strategy asks "
          "(chat moderation, volunteer coordination, community building) take grid workers' "
          "time off visits; indicator pressure closes visited cases on paper",
          phases=("visit_grids",),
          fields=(),
          parameters=("governance.reporting_burden", "governance.kpi_pressure",
                      "governance.chat_moderation_time", "governance.coordination_time",
                      "governance.community_building_time"),
          columns=("reporting_hours",),
          odd="5b"),
    Entry("registries", "Departments' registries (data silos) hold a share of vulnerable "
          "non-migrant households; opened registries make them known to the grid worker, "
          "and departments can call their own registered households once a warning stands "
          "or a hazard hits",
          phases=("detect_on_platform",),
          fields=("households.is_registered", "households.is_registry_open",
                  "grids.outreach_cursor"),
          parameters=("population.registry_coverage", "governance.data_openness",
                      "governance.registry_outreach_per_10k"),
          columns=("detected_outreach",),
          odd="5a"),
    Entry("dispatch", "Open cases reach departments by registry outreach, automated "
          "dispatch, direct hand-off by the grid worker (closed loop) or the central triage "
          "queue, each with its latency; a hand-off can lose a case's details",
          phases=("dispatch_cases",),
          fields=("households.t_dispatch", "grids.handoffs_today", "grids.queued_today"),
          parameters=("governance.direct_dispatch", "governance.direct_latency_days",
                      "governance.direct_info_loss", "governance.handoff_visit_cost",
                      "governance.automated_dispatch", "governance.automated_latency_days",
                      "governance.central_triage_per_10k", "governance.central_latency_days",
                      "governance.central_info_loss"),
          columns=(),
          odd="5c"),
    Entry("departments", "Four departments serve dispatched cases, most vulnerable first, "
          "within daily trips that hazards and power cuts make dearer, delivering goods from "
          "the grid's depot and the city warehouse",
          phases=("serve_departments",),
          fields=("households.department_in_today", "households.vulnerability",
                  "grids.formal_today", "state.department_capacity",
                  "state.department_served_today"),
          parameters=("governance.dept_capacity_per_10k", "governance.dept_delivery_days",
                      "governance.power_delivery_loss", "governance.dashboard_allocation"),
          columns=("served_department", "help_departments_days"),
          odd="6c"),
    Entry("mutual_aid", "Neighbours' surplus flows along ties to households who asked",
          phases=("mutual_aid",),
          fields=("households.aid_scale", "households.aid_frac", "households.aid_in_today",
                  "households.aid_out_today"),
          parameters=("behaviour.aid_share", "behaviour.aid_keep_days"),
          columns=("help_neighbours_days", "helped_by_neighbours"),
          odd="6a"),
    Entry("volunteers", "Volunteers deliver to asking ties and visible requests in their "
          "grid from shop stock, neighbours' donations and (coordinated) the depot; their "
          "motivation grows with use, is crowded out by formal service and falls with burnout",
          phases=("serve_volunteers", "update_volunteers"),
          fields=("households.is_volunteer", "households.volunteer_in_today",
                  "volunteers.household", "volunteers.motivation", "volunteers.motivation0",
                  "volunteers.fatigue", "volunteers.capacity_today", "volunteers.used_today",
                  "grids.vol_start", "grids.vol_stop", "grids.volunteer_today",
                  "grids.donated_today"),
          parameters=("population.share_volunteers", "behaviour.volunteer_capacity_days",
                      "behaviour.volunteer_hours_per_day", "behaviour.donation_share",
                      "behaviour.motivation_gain", "behaviour.crowd_out",
                      "behaviour.burnout_threshold", "behaviour.burnout_rate",
                      "behaviour.fatigue_recovery", "behaviour.motivation_relax",
                      "governance.volunteer_coordination", "governance.depot_access"),
          columns=("help_volunteers_days", "helped_by_volunteers",
                   "volunteer_motivation_mean", "active_volunteers", "volunteer_days",
                   "volunteer_hours", "donated"),
          odd="6b, 8b"),
    Entry("prepositioning", "The city warehouse is resupplied from outside the city and "
          "sends a share of its stock above a floor to grid depots while a warning is out "
          "or the dashboard shows need; shipments land the next morning",
          phases=("preposition", "consume_and_restock"),
          fields=("grids.depot", "grids.in_transit", "grids.depot_share", "state.warehouse",
                  "state.warehouse_in_today"),
          parameters=("governance.warehouse_days_per_household",
                      "governance.warehouse_resupply_per_10k", "governance.preposition_floor",
                      "governance.preposition_trigger", "governance.prepositioning"),
          columns=("stock_warehouse", "stock_depots", "stock_in_transit"),
          odd="6d"),
    Entry("wellbeing", "Wellbeing falls with unmet need, heat without power and hazard "
          "damage (faster for vulnerable households) and recovers on days without need; "
          "below a threshold a household is in crisis",
          phases=("update_wellbeing",),
          fields=("households.wellbeing",),
          parameters=("behaviour.need_stress", "behaviour.need_scale_days",
                      "behaviour.heat_stress", "behaviour.heat_cooling",
                      "behaviour.damage_stress", "behaviour.vulnerable_factor",
                      "behaviour.recovery", "behaviour.crisis_threshold"),
          columns=("wellbeing_mean", "in_crisis", "in_crisis_vulnerable", "in_crisis_other"),
          odd="7"),
    Entry("trust_and_social_capital", "Trust rises with government or coordinated help and "
          "falls while a platform request waits past patience; social capital rises with "
          "aid, chat group membership and investment; both relax to their baselines",
          phases=("update_trust_and_social_capital",),
          fields=("households.trust", "households.trust0", "households.social_capital",
                  "households.social_capital0"),
          parameters=("behaviour.trust_gain", "behaviour.trust_gain_coordinated",
                      "behaviour.trust_loss", "behaviour.trust_relax",
                      "behaviour.patience_days", "behaviour.sc_gain_aid",
                      "behaviour.sc_gain_chat", "behaviour.sc_relax",
                      "governance.social_capital_investment",
                      "population.migrant_social_factor"),
          columns=("trust_mean", "social_capital_mean"),
          odd="8a"),
    Entry("city", "The synthetic city (or a district map): households in buildings, grids "
          "and communities, their fixed attributes, and the social network they live on",
          phases=(),
          fields=("households.building", "households.grid", "households.is_elderly",
                  "households.lives_alone", "households.is_low_income",
                  "households.has_chronic_illness", "households.has_digital_access",
                  "households.is_vulnerable", "households.is_migrant", "households.exposure",
                  "grids.start", "grids.stop", "grids.community", "grids.x", "grids.y"),
          parameters=("population.n_households", "population.building_households",
                      "population.grid_households", "population.district",
                      "population.grids_per_community", "population.share_elderly",
                      "population.share_alone", "population.share_low_income",
                      "population.share_chronic", "population.digital_access_young",
                      "population.digital_access_elderly", "population.share_migrant",
                      "network.kind", "network.edge_list", "network.format",
                      "network.node_ids", "network.weight_scale", "network.building_degree",
                      "network.grid_degree", "network.long_range_degree",
                      "network.building_weight", "network.grid_weight",
                      "network.long_range_weight", "network.ws_k", "network.ws_p",
                      "network.ba_m", "network.er_mean_degree"),
          columns=(),
          odd="7.2"),
    Entry("run", "The run's length, the status quo's warm-up and the strategy's tenure "
          "before day 0, and the seed of every random draw",
          phases=(),
          fields=(),
          parameters=("run.days", "run.warm_up_days", "run.tenure_days", "run.seed"),
          columns=(),
          odd="7.1.5"),
    Entry("record", "The day's metrics on recorded days: need and functionality (Q) here; "
          "the other columns are listed with their mechanisms",
          phases=("record",),
          fields=("households.need_total",),
          parameters=(),
          columns=("functionality", "in_need", "unmet_need"),
          odd="10"),
)


def declared(m: mechanisms.Mechanism) -> Entry:
    """The entry of a registered mechanism: its parts are its own declaration."""
    group = MECHANISM_GROUPS.get(m.name)
    pars = tuple(f"{m.name}.{k}" for k in (group.__dataclass_fields__ if group else ()))
    number = next(p.number for p in mechanisms.phases() if p.name == m.name)
    return Entry(m.name, m.summary, phases=(m.name,),
                 fields=tuple(f"{t}.{k}" for t, fs in m.fields.items() for k in fs),
                 parameters=pars, columns=tuple(x.name for x in m.measures),
                 odd=f"phase {number} (a registered mechanism; section 9.3)")


def entries() -> tuple[Entry, ...]:
    """The built-in mechanisms, then the registered ones."""
    return BUILT_IN + tuple(declared(m) for m in mechanisms.registered())


def find(name: str) -> Entry:
    """The entry called `name`; an unknown name lists them all."""
    for e in entries():
        if e.name == name:
            return e
    raise KeyError(f"no mechanism {name!r}; the mechanisms are "
                   f"{', '.join(e.name for e in entries())}")


def _source(fn) -> str:
    path = Path(inspect.getsourcefile(getattr(fn, "py_func", fn))).resolve()
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def files(e: Entry) -> dict[str, tuple[str, ...]]:
    """{part: files} where the entry's parts are declared or run."""
    table = {p.name: p for p in mechanisms.phases()}
    phases = [table[p] for p in e.phases]
    own = [m for m in mechanisms.registered() if m.name == e.name]
    if own:  # declared whole: the declaration's file, and its functions'
        m = own[0]
        kernels = _unique(_source(k) for k in m.kernels)
        declared_in = (_source(m.parameters) if m.parameters is not None else kernels[0],)
        return {"kernels": kernels, "agent steps": _unique(_source(f) for _, f in m.steps),
                "fields": declared_in if m.fields else (),
                "parameters": declared_in if m.parameters is not None else (),
                "columns": declared_in if m.measures else ()}
    agents = [AGENT_FILES[s.split(".")[0]] for p in phases for s in p.agents
              if isinstance(s, str)]
    groups = [p.split(".")[0] for p in e.parameters]
    return {"kernels": _unique(_source(k) for p in phases for k in p.kernels),
            "agent steps": _unique(agents),
            "fields": ("sim/state.py",) if e.fields else (),
            "parameters": _unique(GROUP_FILES[g] for g in groups if g in GROUPS),
            "columns": ("sim/outputs.py", "sim/kernels/record.py",
                        "agents/model.py") if e.columns else ()}


def _unique(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def describe(name: str, width: int = 88) -> str:
    """An entry as text: what it does and where each part is (wrapped to `width`)."""
    e = find(name)
    rows = [("ODD", e.odd or "-"), ("phases", ", ".join(e.phases) or "-")]
    rows += [(part, ", ".join(getattr(e, part)) or "-")
             for part in ("fields", "parameters", "columns")]
    rows += [(f"{part} in", ", ".join(where) or "-") for part, where in files(e).items()]
    out = [textwrap.fill(f"{e.name}: {e.summary}", width, break_on_hyphens=False)]
    out += [textwrap.fill(f"{k}: {v}", width, initial_indent="  ", subsequent_indent="      ",
                          break_on_hyphens=False) for k, v in rows]
    return "\n".join(out)
