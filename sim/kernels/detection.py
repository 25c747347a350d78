"""Phase 5, detection: the platform senses and takes requests; grid workers visit.

Detection channels (values of `detected_by`): 1 grid visit, 2 platform
sensing, 3 platform request, 4 chat group linked to the platform, 5 registry
outreach (departments calling the households in their own registries,
`reach_out_registries`). A detected
household gets an open case (t_case) and shows on the dashboard, except a
visited case that the worker reports closed at the visit under indicator
pressure (kpi_pressure): closed on paper, it opens no case and does not count
as detected (no t_detected, was_detected or detected_by), so coverage cannot
count it. A visit to an open case closes it once the household's need has
stayed at zero for close_after_days days (t_need_last).
Open cases are then dispatched to departments (`sim.kernels.dispatch`).
"""

import math

from numba import njit, prange

from sim.flags import ASK_CHAT, ASK_PLATFORM, CHAT, OUTREACH, REQUEST, SENSING, UP, VISIT
from sim.rng import (
    S_KPI_CLOSE,
    S_OUTREACH_ROUNDING,
    S_SENSING,
    S_VISIT_ROUNDING,
    S_VISIT_START,
    uniform,
)


@njit(cache=True, parallel=True)
def detect_on_platform(grid, has_digital_access, need, asked_today, power, telecom, platform,
                       platform_sensing, chat_to_platform, t_case, t_detected, was_detected,
                       is_on_dashboard, detected_by, case_channel, seed, day):
    """Open cases for requests, linked chat posts and sensed households.

    A household in need with no open case is detected if it asked the
    platform today, else if it posted in a chat group linked to a working
    platform, else with probability platform_sensing * platform * power * telecom
    if it has a smartphone (the platform cannot see the others).
    detected_by is reset for every household first; case_channel keeps the
    channel of the open case. Writes detected_by, case_channel, t_case,
    t_detected, was_detected, is_on_dashboard.
    """
    for i in prange(grid.shape[0]):
        detected_by[i] = 0
        if need[i] <= 0.0 or t_case[i] >= 0:
            continue
        g = grid[i]
        ch = 0
        if asked_today[i] & ASK_PLATFORM:
            ch = REQUEST
        elif chat_to_platform and (asked_today[i] & ASK_CHAT) and platform > UP:
            ch = CHAT
        elif has_digital_access[i] and (uniform(seed, day, S_SENSING, i) < platform_sensing
                                        * platform * power[g] * telecom[g]):
            ch = SENSING
        if ch > 0:
            _open_case(i=i, ch=ch, detected_by=detected_by, case_channel=case_channel,
                       t_case=t_case, is_on_dashboard=is_on_dashboard, t_detected=t_detected,
                       was_detected=was_detected, day=day)


@njit(cache=True, inline="always")
def _open_case(i, ch, detected_by, case_channel, t_case, is_on_dashboard, t_detected,
               was_detected, day):
    """Household i is detected today through channel ch: its case opens and shows on
    the dashboard; the need episode's first detection is recorded."""
    detected_by[i] = ch
    case_channel[i] = ch
    t_case[i] = day
    is_on_dashboard[i] = True
    if t_detected[i] < 0:
        t_detected[i] = day
        was_detected[i] = True


@njit(cache=True, parallel=True)
def plan_visits(start, stop, visits_today, hazard, dashboard_cases, handoffs_today,
                visit_capacity, time_off_visits, hazard_mobility_loss, dashboard_steering,
                handoff_visit_cost, seed, day):
    """How many households each grid worker can visit today: c_g x (1 - time_off_visits)
    x (1 - hazard_mobility_loss x hazard) - handoff_visit_cost x handoffs_today (not
    below 0), where handoffs_today are the cases the worker handed over directly
    yesterday (phase 5c runs after this one), its fraction rounded up with its own
    probability, at most the grid's households. time_off_visits is the share of the
    day off visits: reports and the community work the strategy asks
    (sim.pars_governance.time_off_visits).

    c_g is the grid's share of the city's visit capacity: visit_capacity x
    (1 - dashboard_steering) in every grid, plus a pool of visit_capacity x
    dashboard_steering x (number of grids) sent to grids in proportion to
    dashboard_cases (what the dashboard shows: frozen while the platform is
    down); equally if it shows nothing. The plan goes into visits_today, which
    visit_grids then replaces by the visits made.

    Writes visits_today.
    """
    n_grids = start.shape[0]
    shown = 0.0
    if dashboard_steering > 0.0:
        for g in range(n_grids):
            shown += dashboard_cases[g]
    for g in prange(n_grids):
        n_g = stop[g] - start[g]
        own = visit_capacity * (1.0 - dashboard_steering)
        if shown > 0.0:
            own += visit_capacity * dashboard_steering * n_grids * (dashboard_cases[g] / shown)
        else:
            own += visit_capacity * dashboard_steering
        cap = (own * (1.0 - time_off_visits) * (1.0 - hazard_mobility_loss * hazard[g])
               - handoff_visit_cost * handoffs_today[g])
        cap = max(cap, 0.0)
        visits_today[g] = min(n_g, int(math.floor(cap + uniform(seed, day, S_VISIT_ROUNDING,
                                                                   g))))


@njit(cache=True, parallel=True)
def visit_grids(start, stop, cursor, visits_today, need, is_known, asked_today, t_visited,
                t_case, revisit_days, chat_groups, seed, day):
    """Each grid worker makes the visits plan_visits planned (visits_today), in order
    of priority: (A) households with no open case that asked in the chat group (when
    groups exist the worker is in them); (B) known vulnerable households not visited
    for revisit_days; (C) the door-to-door round, which resumes where it stopped
    (cursor). Tiers A and B scan the grid from a random starting door each day.

    A visit sets t_visited to today; what the worker does there is act_on_visits',
    which runs next (a visit changes only its own household, and whom the round
    visits depends on no case a visit opens or closes: need, t_case and is_known are
    the phase's start, t_visited whether the round came by today). visits_today ends
    as the visits made. Writes t_visited, cursor, visits_today.
    """
    n_grids = start.shape[0]
    for g in prange(n_grids):
        a = start[g]
        n_g = stop[g] - a
        k = visits_today[g]
        offset = int(uniform(seed, day, S_VISIT_START, g) * n_g)
        done = 0
        # tier A: requests the worker receives (chat posts); tier B: known vulnerable
        # households due a visit, both from the same random door; tier C: door to door
        # from where the worker stopped yesterday (cursor), skipping today's visits
        c = cursor[g]
        steps = 0
        for tier in range(3):
            if tier == 0 and not chat_groups:
                continue  # no chat requests to answer (tier A would find none due)
            # door (first + t) % n_g, t = 0, 1, ...: one remainder, then a wrap-around
            # (a remainder per door was half the kernel's time at 10,000 households)
            door = (offset if tier < 2 else c) % n_g if n_g > 0 else 0
            for _ in range(n_g):
                if done >= k:
                    break
                i = a + door
                door += 1
                if door == n_g:
                    door = 0
                last = t_visited[i]
                if tier == 0:
                    due = (chat_groups and (asked_today[i] & ASK_CHAT) != 0 and need[i] > 0.0
                           and t_case[i] < 0)
                elif tier == 1:
                    due = (is_known[i] and last != day
                           and (last < 0 or day - last >= revisit_days))
                else:
                    steps += 1
                    due = last != day
                if due:
                    t_visited[i] = day
                    done += 1
        if steps > 0:
            cursor[g] = (c + steps) % n_g
        visits_today[g] = done


@njit(cache=True, parallel=True)
def act_on_visits(need, t_need_last, t_visited, t_case, t_dispatch, t_detected, was_detected,
                  is_on_dashboard, detected_by, case_channel, kpi_pressure, close_after_days,
                  seed, day):
    """What the worker does at each of today's visits (t_visited = today, set by
    visit_grids): sees the household's need and opens a case (unless it is closed on
    paper at once, with probability kpi_pressure), or sees that an open case's need has
    stayed at zero for close_after_days days and closes it. Parallel over households.

    Writes t_case, t_dispatch, t_detected, was_detected, is_on_dashboard, detected_by,
    case_channel.
    """
    for i in prange(need.shape[0]):
        if t_visited[i] != day:
            continue
        if need[i] <= 0.0 and t_case[i] >= 0:
            if day - t_need_last[i] >= close_after_days:
                t_case[i] = -1
                t_dispatch[i] = -1
                is_on_dashboard[i] = False
        elif need[i] > 0.0 and t_case[i] < 0:
            if uniform(seed, day, S_KPI_CLOSE, i) >= kpi_pressure:
                _open_case(i=i, ch=VISIT, detected_by=detected_by, case_channel=case_channel,
                           t_case=t_case, is_on_dashboard=is_on_dashboard,
                           t_detected=t_detected, was_detected=was_detected, day=day)


@njit(cache=True, parallel=True)
def reach_out_registries(start, stop, is_registered, need, t_case, t_detected, was_detected,
                         is_on_dashboard, detected_by, case_channel, outreach_cursor, warning,
                         hazard, telecom, registry_outreach_per_10k, seed, day):
    """Departments call the households in their own registries (is_registered:
    their own data, opened to the grid or not) in grids where a warning stands
    or the hazard has hit, while the grid's telecom works (telecom > UP).

    A grid gets registry_outreach_per_10k x households / 10,000 calls a day
    (the fraction rounded up with its own probability), going down the
    grid's registered households from where the last call stopped
    (outreach_cursor). A call to a household in need with no open case opens
    one (detected_by OUTREACH); unregistered households are never called.
    Writes t_case, t_detected, was_detected, is_on_dashboard, detected_by,
    case_channel, outreach_cursor.
    """
    if registry_outreach_per_10k <= 0.0:
        return
    for g in prange(start.shape[0]):
        if (warning[g] <= 0.0 and hazard[g] <= 0.0) or telecom[g] <= UP:
            continue
        a = start[g]
        n_g = stop[g] - a
        k = int(math.floor(registry_outreach_per_10k * n_g / 10_000.0
                           + uniform(seed, day, S_OUTREACH_ROUNDING, g)))
        c = outreach_cursor[g]
        done = 0
        steps = 0
        while done < k and steps < n_g:
            i = a + c
            c = (c + 1) % n_g
            steps += 1
            if not is_registered[i]:
                continue
            done += 1
            if need[i] > 0.0 and t_case[i] < 0:
                _open_case(i=i, ch=OUTREACH, detected_by=detected_by,
                           case_channel=case_channel, t_case=t_case,
                           is_on_dashboard=is_on_dashboard, t_detected=t_detected,
                           was_detected=was_detected, day=day)
        outreach_cursor[g] = c
