"""Phase 9, observation: what the dashboard believes."""

import numpy as np
from numba import njit, prange

from sim.flags import UP
from sim.rng import S_DASH_SENSE, uniform


@njit(cache=True, parallel=True)
def observe(start, stop, has_digital_access, need, t_need_last, is_on_dashboard, t_case, t_dispatch,
            power, telecom, platform, platform_sensing, volunteer_coordination, close_after_days,
            dashboard, dashboard_cases, is_shown, seed, day):
    """A case is resolved when the household's need has stayed at zero for
    close_after_days days (day - t_need_last >= close_after_days): not the first
    day need is seen at zero, since a household in hardship is back in need the
    next morning. The dashboard drops a resolved household, and closes its case,
    if the platform senses it (smartphone; probability platform_sensing *
    platform * power * telecom) or, under volunteer coordination, because the
    volunteers who carry the grid's open cases report it to the grid worker.
    Others stay on it until a grid worker's visit or a department closes the
    case. While
    the platform is up (platform > UP, sim.flags) the dashboard's figure, dashboard[0],
    becomes the share of households on it; while it is down the figure is
    frozen, and so are its counts per grid, dashboard_cases (what steers the
    allocation of capacity across grids), and which households it shows
    (is_shown). Writes is_on_dashboard, t_case, t_dispatch, dashboard,
    dashboard_cases, is_shown.
    """
    n_grids = start.shape[0]
    up = platform > UP
    for g in prange(n_grids):
        count = 0
        # rows unsigned: with no negative index to wrap around, the compiler vectorises
        # more of the loops (the same values)
        for i in range(np.uint64(start[g]), np.uint64(stop[g])):
            if is_on_dashboard[i]:
                resolved = need[i] <= 0.0 and day - t_need_last[i] >= close_after_days
                if resolved and (volunteer_coordination or (
                        has_digital_access[i] and uniform(seed, day, S_DASH_SENSE, i)
                        < platform_sensing * platform * power[g] * telecom[g])):
                    is_on_dashboard[i] = False
                    t_case[i] = -1
                    t_dispatch[i] = -1
                else:
                    count += 1
        if up:
            dashboard_cases[g] = count
            for i in range(np.uint64(start[g]), np.uint64(stop[g])):
                is_shown[i] = is_on_dashboard[i]
    if up:
        total = 0.0
        for g in range(n_grids):
            total += dashboard_cases[g]
        dashboard[0] = total / stop[n_grids - 1]
