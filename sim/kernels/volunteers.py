"""Phase 6b, volunteers: each serves the requests it can see, within its grid, with goods
the grid has: its shops' stock, neighbours' donations and (coordinated) its depot."""

from numba import njit, prange

from sim.flags import ASK_CHAT, ASK_NEIGHBOURS


@njit(cache=True)
def _deliver(i, left, goods, need, volunteer_in_today, consumed_today):
    """Deliver min(need, labour left, goods left) to household i; return it.

    A case whose need a volunteer meets stays open: under coordination the
    grid worker closes it once the need has stayed at zero for
    close_after_days days (phase 9, observe)."""
    give = min(need[i], left)
    give = min(give, goods)
    need[i] -= give
    volunteer_in_today[i] += give
    consumed_today[i] += give
    return give


@njit(cache=True, parallel=True)
def serve_volunteers(start, stop, vol_start, vol_stop, household, motivation, indptr, indices,
                     grid, asked_today, t_case, t_visited, need, reserves,
                     volunteer_in_today, consumed_today, capacity_today, used_today,
                     volunteer_today, pool, shop_stock, depot, donated_today, supply, closure,
                     volunteer_capacity_days, aid_keep_days, donation_share, chat_groups,
                     volunteer_coordination, depot_access, day):
    """Volunteers deliver essentials to households in need of their grid.

    A volunteer's labour today is volunteer_capacity_days * motivation (days of goods it
    can carry). The goods come from the grid: purchases from its shops' stock (what
    households left in phase 3), as far as volunteers can reach the shops: like
    households' purchases, their shopping is cut by the shock's access, at most
    supply * (1 - closure) of their day's labour (a stay-at-home order shuts the shops to
    them too); donations (each household not in need offers
    donation_share of its reserves above aid_keep_days), and, when volunteer_coordination
    and depot_access, the grid's depot. A volunteer serves, in order: its own ties in the
    grid that asked their ties; then the grid's shared pool of visible requests, in
    household order: posts in the chat group (if groups exist) and, under volunteer
    coordination, the cases the grid worker knows (open cases, households visited today).
    Volunteers of a grid act one after another in row order; each delivery is min(need
    left, labour left, goods left). What was delivered is taken from the shops first, then
    from the donations (every offer gives the same share of itself: donated_today), then
    from the depot.

    Cases stay open (see _deliver). `pool` is scratch of length n; `household` is the
    volunteer's own household row. Writes need, reserves, volunteer_in_today,
    consumed_today, capacity_today, used_today, volunteer_today, pool, shop_stock, depot,
    donated_today.
    """
    for g in prange(start.shape[0]):
        a = start[g]
        b = stop[g]
        n_pool = 0
        offers = 0.0
        for i in range(a, b):
            volunteer_in_today[i] = 0.0
            if need[i] > 0.0:
                seen = chat_groups and (asked_today[i] & ASK_CHAT) != 0
                if volunteer_coordination and (t_case[i] >= 0 or t_visited[i] == day):
                    seen = True
                if seen:
                    pool[a + n_pool] = i
                    n_pool += 1
            elif reserves[i] > aid_keep_days:
                offers += donation_share * (reserves[i] - aid_keep_days)
        from_depot = depot[g] if volunteer_coordination and depot_access else 0.0
        labour = 0.0
        for v in range(vol_start[g], vol_stop[g]):
            labour += volunteer_capacity_days * motivation[v]
        from_shops = min(shop_stock[g], supply[g] * (1.0 - closure[g]) * labour)
        goods = from_shops + offers + from_depot
        p = 0
        total = 0.0
        for v in range(vol_start[g], vol_stop[g]):
            budget = volunteer_capacity_days * motivation[v]
            left = budget
            h = household[v]
            for e in range(indptr[h], indptr[h + 1]):
                if left <= 0.0 or goods <= 0.0:
                    break
                i = indices[e]
                if grid[i] == g and (asked_today[i] & ASK_NEIGHBOURS) != 0 and need[i] > 0.0:
                    give = _deliver(i, left, goods, need, volunteer_in_today, consumed_today)
                    left -= give
                    goods -= give
            while left > 0.0 and goods > 0.0 and p < n_pool:
                i = pool[a + p]
                if need[i] > 0.0:
                    give = _deliver(i, left, goods, need, volunteer_in_today, consumed_today)
                    left -= give
                    goods -= give
                if need[i] <= 0.0:
                    p += 1
            capacity_today[v] = budget
            used_today[v] = budget - left
            total += budget - left
        volunteer_today[g] = total
        from_shop = min(total, from_shops)
        shop_stock[g] -= from_shop
        rest = total - from_shop
        given = min(rest, offers)
        donated_today[g] = given
        depot[g] = max(0.0, depot[g] - (rest - given))
        if given > 0.0:
            frac = given / offers
            for i in range(a, b):  # who offered: not in need before the deliveries
                if need[i] <= 0.0 and volunteer_in_today[i] == 0.0 and reserves[i] > aid_keep_days:
                    reserves[i] -= frac * (donation_share * (reserves[i] - aid_keep_days))
