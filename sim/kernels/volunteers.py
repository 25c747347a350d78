"""Phase 6b, volunteers: each serves the requests it can see, within its grid."""

from numba import njit, prange

from sim.flags import ASK_CHAT, ASK_NEIGHBOURS


@njit(cache=True)
def _deliver(i, left, need, volunteer_in_today):
    """Deliver min(need, left) to household i; return what is left of the budget.

    A case whose need a volunteer meets stays open: under coordination the
    grid worker closes it once the need has stayed at zero for
    close_after_days days (phase 9, observe)."""
    give = min(need[i], left)
    need[i] -= give
    volunteer_in_today[i] += give
    return left - give


@njit(cache=True, parallel=True)
def serve_volunteers(start, stop, vol_start, vol_stop, household, motivation, indptr, indices,
                     grid, asked_today, t_case, t_visited, need,
                     volunteer_in_today, capacity_today, used_today, volunteer_today, pool, supply,
                     volunteer_capacity_days, volunteer_supply_floor, chat_groups,
                     volunteer_coordination, day):
    """Volunteers deliver essentials to households in need of their grid.

    A volunteer's budget today is volunteer_capacity_days * motivation * (volunteer_supply_floor
    + (1 - volunteer_supply_floor) * supply), supply being its grid's supply access (group
    purchases reach part of the usual goods when shops are shut). It serves, in order: its own
    ties in the grid that asked their ties; then the grid's shared pool of visible requests, in
    household order: posts in the chat group (if groups exist) and, under volunteer
    coordination, the cases the grid worker knows (open cases, households visited today).
    Volunteers of a grid act one after another in row order; each delivery is min(need left,
    budget left). Goods come from group purchases, not from the volunteer's own reserves.

    Cases stay open (see _deliver). `pool` is scratch of length n; `household` is the
    volunteer's own household row. Writes need, volunteer_in_today, capacity_today, used_today,
    volunteer_today, pool.
    """
    for g in prange(start.shape[0]):
        a = start[g]
        b = stop[g]
        n_pool = 0
        for i in range(a, b):
            volunteer_in_today[i] = 0.0
            if need[i] > 0.0:
                seen = chat_groups and (asked_today[i] & ASK_CHAT) != 0
                if volunteer_coordination and (t_case[i] >= 0 or t_visited[i] == day):
                    seen = True
                if seen:
                    pool[a + n_pool] = i
                    n_pool += 1
        p = 0
        total = 0.0
        reach = volunteer_supply_floor + (1.0 - volunteer_supply_floor) * supply[g]
        for v in range(vol_start[g], vol_stop[g]):
            budget = volunteer_capacity_days * motivation[v] * reach
            left = budget
            h = household[v]
            for e in range(indptr[h], indptr[h + 1]):
                if left <= 0.0:
                    break
                i = indices[e]
                if grid[i] == g and (asked_today[i] & ASK_NEIGHBOURS) != 0 and need[i] > 0.0:
                    left = _deliver(i, left, need, volunteer_in_today)
            while left > 0.0 and p < n_pool:
                i = pool[a + p]
                if need[i] > 0.0:
                    left = _deliver(i, left, need, volunteer_in_today)
                if need[i] <= 0.0:
                    p += 1
            capacity_today[v] = budget
            used_today[v] = budget - left
            total += budget - left
        volunteer_today[g] = total
