"""The day as a table: every phase, in order, with its kernels and its agent steps.

`PHASES` is the one declaration of what a day does. `ResilienceModel.step`
runs it: for each phase, the kernels (bound to their arguments by name,
`sim.binding`) in the fast engine, or the agent steps in the reference
engine (`agents.ReferenceModel`). An agent step "households.apply_shock"
calls `apply_shock()` on every household agent in row order;
"model.serve_departments" calls that method of the reference model once.
A phase's name is its ODD name and, for a phase of one kernel, the kernel's;
its kernels are listed here (a kernel file may hold the kernels of related
phases: `detection.py` 5a and 5b, `social.py` 8a and 8b). Each phase reads
the state as it was at its start, so agent order and thread count never
change the result.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from sim.kernels.consumption import (
    close_need_episodes,
    consume_and_restock,
    deliver_in_the_morning,
    hand_out_packages,
    open_need_episodes,
    order_from_platforms,
    order_group_buying,
)
from sim.kernels.departments import (
    queue_cases,
    receive_deliveries,
    serve_departments,
    share_trips,
)
from sim.kernels.detection import (
    act_on_visits,
    detect_on_platform,
    plan_visits,
    reach_out_registries,
    visit_grids,
)
from sim.kernels.dispatch import dispatch_cases, triage_central
from sim.kernels.help_seeking import seek_help
from sim.kernels.mutual_aid import mutual_aid
from sim.kernels.observation import observe
from sim.kernels.preposition import preposition, ship_packages
from sim.kernels.record import record_goods, record_help, record_people, record_workers
from sim.kernels.shock import apply_shock, damage_shops
from sim.kernels.social import update_social_capital, update_trust, update_volunteers
from sim.kernels.volunteers import gather_goods, pool_requests, serve_volunteers, settle_goods
from sim.kernels.warning import (
    perceive_risk,
    snapshot_telling,
    spread_warning,
    warn_officially,
)
from sim.kernels.wellbeing import update_wellbeing


@dataclass(frozen=True)
class Phase:
    """One phase of the day.

    Attributes:
        number: its number in the ODD ("5b").
        name: its name (the kernel's, the agent method's, the ODD section's).
        summary: what happens, in a line.
        kernels: the kernels run in order (fast engine).
        agents: the agent steps run in order (reference engine): "who.method", or a
            registered mechanism's (who, function) (`sim.mechanisms`).
        returns: a live value the last kernel's result is stored under.
        recorded_only: runs only on recorded days (not in the burn-in).
    """

    number: str
    name: str
    summary: str
    kernels: tuple[Callable, ...]
    agents: tuple[str | tuple[str, Callable], ...]
    returns: str | None = None
    recorded_only: bool = False


PHASES: tuple[Phase, ...] = (
    Phase("1", "apply_shock", "hazards destroy reserves and shop stock, add need; "
          "everyday hardship", (apply_shock, damage_shops),
          ("households.apply_shock", "grid_units.damage_shop")),
    Phase("2", "warn_and_perceive", "forecasts reach households; risk perception",
          (snapshot_telling, warn_officially, spread_warning, perceive_risk),
          ("model.snapshot_telling", "households.warn_and_perceive")),
    Phase("3", "consume_and_restock", "deliveries to shops and depots; a day of essentials "
          "used; shortfall becomes need; walk-in purchases from the grid's shops (rationed); "
          "in a closed grid, orders through delivery platforms and group buying; need "
          "episodes close and open; government food packages in a closed grid",
          (deliver_in_the_morning, close_need_episodes, consume_and_restock,
           order_from_platforms, order_group_buying, open_need_episodes, hand_out_packages),
          ("grid_units.consume_and_restock", "grid_units.order_from_platforms",
           "grid_units.order_group_buying",
           "households.open_need_episode", "grid_units.hand_out_packages")),
    Phase("4", "seek_help", "households in need ask the platform, the chat group, their ties",
          (seek_help,), ("households.seek_help",), returns="n_asking_ties"),
    Phase("5a", "detect_on_platform", "platform requests, linked chat posts, sensing; "
          "departments call their registries",
          (detect_on_platform, reach_out_registries),
          ("households.detect_on_platform", "grid_units.reach_out_registries")),
    Phase("5b", "visit_grids", "grid workers visit: chat requests, known vulnerable, "
          "door to door", (plan_visits, visit_grids, act_on_visits),
          ("grid_units.visit_households",)),
    Phase("5c", "dispatch_cases", "open cases go on to the departments: outreach, "
          "automated, direct (closed loop) or through the central triage queue",
          (dispatch_cases, triage_central),
          ("grid_units.dispatch_cases", "model.triage_central")),
    Phase("6a", "mutual_aid", "neighbours' surplus flows to ties who asked",
          (mutual_aid,), ("households.offer_mutual_aid", "households.receive_mutual_aid",
                          "households.settle_mutual_aid")),
    Phase("6b", "serve_volunteers", "volunteers deliver within their grid",
          (pool_requests, gather_goods, serve_volunteers, settle_goods),
          ("grid_units.coordinate_volunteers",)),
    Phase("6c", "serve_departments", "departments deliver goods from depots and the warehouse "
          "to dispatched cases, within their trips",
          (queue_cases, share_trips, serve_departments, receive_deliveries),
          ("model.serve_departments",)),
    Phase("6d", "preposition", "the city warehouse is resupplied; goods go out to grid "
          "depots (arrive tomorrow): pre-positioning, and food packages for closed grids",
          (preposition, ship_packages), ("model.preposition", "model.ship_packages")),
    Phase("7", "update_wellbeing", "stress from need, heat and damage; recovery",
          (update_wellbeing,), ("households.update_wellbeing",)),
    Phase("8a", "update_trust_and_social_capital", "trust and social capital",
          (update_trust, update_social_capital),
          ("households.update_trust_and_social_capital",)),
    Phase("8b", "update_volunteers", "volunteer motivation, fatigue, burnout",
          (update_volunteers,), ("volunteers.update_motivation",)),
    Phase("9", "observe", "the dashboard's view (frozen while the platform is down)",
          (observe,), ("model.observe_dashboard",)),
    Phase("10", "record", "the day's metrics",
          (record_people, record_help, record_workers, record_goods), ("model.record_day",),
          recorded_only=True),
)

PHASE_NAMES: tuple[str, ...] = tuple(p.name for p in PHASES)


def kernels_of(name: str) -> tuple[Callable, ...]:
    """The kernels of the phase called `name`, in order: what runs one phase alone
    (`sim.processes`, the validation checks) calls, so a phase split into more kernels
    is split there too."""
    for p in PHASES:
        if p.name == name:
            return p.kernels
    raise KeyError(f"no phase {name!r}; the phases are {', '.join(PHASE_NAMES)}")


def describe(width: int = 88) -> str:
    """The table as text, one phase a paragraph: number, name, summary (wrapped
    to `width`). `ResilienceModel`'s docstring and `grassroots params --phases`
    show it; tests/test_phases.py holds the docstring and docs/ODD.md section 3
    to it."""
    out = []
    for p in PHASES:
        head = f"{p.number:>3}  {p.name}: "
        out.append(textwrap.fill(p.summary, width, initial_indent=head,
                                 subsequent_indent=" " * 5, break_on_hyphens=False))
    return "\n".join(out)
