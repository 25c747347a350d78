"""Phase 5c, dispatch: open cases go on to the departments, by one of four routes.

An open, undispatched case (t_case >= 0, t_dispatch < 0) goes on by the
first route that applies:

1. registry outreach (case_channel OUTREACH): the department found it
   itself; it is at the department today.
2. automated dispatch (governance.automated_dispatch; cases the platform
   detected itself: request, sensing, linked chat post; platform up and the
   grid's telecom working): the system forwards it, automated_latency_days.
3. direct dispatch, the closed loop (governance.direct_dispatch): the grid
   worker who saw the household hands it over, direct_latency_days; a share
   direct_info_loss loses its details on the way; each hand-off costs the
   worker handoff_visit_cost visits of the next day (handoffs_today).
4. central dispatch: while the platform is up and the grid reaches it, the
   case joins the central triage queue (`triage_central`), which forwards
   central_triage_per_10k cases per 10,000 households a day, oldest case
   first (then by row), central_latency_days; a share central_info_loss loses
   its details.

A case that loses its details returns closed without service (t_case = -1,
off the dashboard): the household, still in need, must be detected again.
"""

import math

from numba import njit, prange

from sim.flags import CHAT, OUTREACH, REQUEST, SENSING, UP
from sim.rng import S_INFO_LOSS, S_TRIAGE_ROUNDING, uniform


@njit(cache=True, parallel=True)
def dispatch_cases(start, stop, t_case, t_dispatch, is_on_dashboard, case_channel, telecom,
                   platform, direct_dispatch, automated_dispatch, automated_latency_days,
                   direct_latency_days, direct_info_loss, handoffs_today, queued_today, seed,
                   day):
    """Routes 1-3 (module docstring) for every grid's undispatched cases, and
    per grid the hand-offs made (handoffs_today) and the cases left for the
    central queue (queued_today: platform up, telecom working, no other
    route). Writes t_case, t_dispatch, is_on_dashboard, handoffs_today,
    queued_today.
    """
    for g in prange(start.shape[0]):
        up = platform > UP and telecom[g] > UP
        handed = 0
        queued = 0
        for i in range(start[g], stop[g]):
            if t_case[i] < 0 or t_dispatch[i] >= 0:
                continue
            ch = case_channel[i]
            if ch == OUTREACH:
                t_dispatch[i] = day
            elif automated_dispatch and up and (ch == REQUEST or ch == SENSING or ch == CHAT):
                t_dispatch[i] = day + automated_latency_days
            elif direct_dispatch:
                handed += 1
                if uniform(seed, day, S_INFO_LOSS, i) < direct_info_loss:
                    t_case[i] = -1
                    is_on_dashboard[i] = False
                else:
                    t_dispatch[i] = day + direct_latency_days
            elif up:
                queued += 1
        handoffs_today[g] = handed
        queued_today[g] = queued


@njit(cache=True, inline="always")
def _release(i, t_case, t_dispatch, is_on_dashboard, central_latency_days, central_info_loss,
             seed, day):
    """The triage forwards case i, or its details are lost and it returns closed."""
    if uniform(seed, day, S_INFO_LOSS, i) < central_info_loss:
        t_case[i] = -1
        is_on_dashboard[i] = False
    else:
        t_dispatch[i] = day + central_latency_days


@njit(cache=True, parallel=True)
def triage_central(start, stop, grid, t_case, t_dispatch, is_on_dashboard, telecom, platform,
                   direct_dispatch, queued_today, triage_count, central_triage_per_10k,
                   central_latency_days, central_info_loss, seed, day):
    """Route 4: the central triage forwards up to central_triage_per_10k x
    households / 10,000 cases today (the fraction rounded up with its own
    probability), oldest case day first, then by row. If the queue fits, all
    go (in parallel over grids); otherwise the cut-off case day is found from
    a count of the queue by case day (triage_count, one slot per simulated
    day) and the release runs in row order. Nothing moves while the platform
    is down or under direct dispatch. Writes t_case, t_dispatch,
    is_on_dashboard, triage_count.
    """
    if direct_dispatch or platform <= UP:
        return
    n_grids = start.shape[0]
    total = 0
    for g in range(n_grids):
        total += queued_today[g]
    if total == 0:
        return
    k = int(math.floor(central_triage_per_10k * stop[n_grids - 1] / 10_000.0
                       + uniform(seed, day, S_TRIAGE_ROUNDING, 0)))
    if total <= k:
        for g in prange(n_grids):
            if telecom[g] <= UP:
                continue
            for i in range(start[g], stop[g]):
                if t_case[i] >= 0 and t_dispatch[i] < 0:
                    _release(i, t_case, t_dispatch, is_on_dashboard, central_latency_days,
                             central_info_loss, seed, day)
        return
    n = grid.shape[0]
    triage_count[:day + 1] = 0
    for i in range(n):
        if t_case[i] >= 0 and t_dispatch[i] < 0 and telecom[grid[i]] > UP:
            triage_count[t_case[i]] += 1
    cut = 0
    left = k
    while cut <= day and triage_count[cut] <= left:
        left -= triage_count[cut]
        cut += 1
    for i in range(n):
        if t_case[i] >= 0 and t_dispatch[i] < 0 and telecom[grid[i]] > UP:
            if t_case[i] < cut or (t_case[i] == cut and left > 0):
                if t_case[i] == cut:
                    left -= 1
                _release(i, t_case, t_dispatch, is_on_dashboard, central_latency_days,
                         central_info_loss, seed, day)
