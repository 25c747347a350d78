"""Phase 6b, volunteers: each serves the requests it can see, within its grid, with goods
the grid has: its shops' stock, neighbours' donations and (coordinated) its depot."""

import numpy as np
from numba import njit, prange

from sim.flags import ASK_CHAT, ASK_NEIGHBOURS


@njit(cache=True, inline="always")
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
def pool_requests(start, stop, asked_today, t_case, t_visited, need, reserves,
                  volunteer_in_today, pool, pool_size, grid_offered, aid_keep_days,
                  donation_share, chat_groups, volunteer_coordination, day):
    """Step 1 of the volunteers' day, per grid: the pool of requests they can see, and
    the donations offered to them.

    volunteer_in_today is reset for the grid's households. The pool holds, in household
    order, the households in need that posted in the chat group today (if groups exist)
    and, under volunteer coordination, the cases the grid worker knows (open cases,
    households visited today): their rows go into `pool` from the grid's first row
    (scratch of length n), their number into pool_size. Each household not in need
    offers donation_share of its reserves above aid_keep_days; grid_offered is their
    sum. Parallel over grids. Writes volunteer_in_today, pool, pool_size, grid_offered.
    """
    for g in prange(start.shape[0]):
        a = start[g]
        n_pool = 0
        offers = 0.0
        for i in range(np.uint64(a), np.uint64(stop[g])):  # unsigned rows: see settle_goods
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
        pool_size[g] = n_pool
        grid_offered[g] = offers


@njit(cache=True, parallel=True)
def gather_goods(vol_start, vol_stop, motivation, shop_stock, depot, supply, closure,
                 grid_offered, grid_shop_goods, grid_goods, volunteer_capacity_days,
                 volunteer_coordination, depot_access):
    """Step 2, per grid: the goods the grid's volunteers can hand out today.

    Their labour is the sum over the grid's volunteers of volunteer_capacity_days *
    motivation (days of goods each can carry). grid_shop_goods is what they can buy from
    the shops' stock (what households left in phase 3), as far as they can reach the
    shops: like households' purchases, their shopping is cut by the shock's access, at
    most supply * (1 - closure) of their labour (a stay-at-home order shuts the shops to
    them too). grid_goods adds the donations offered (grid_offered) and, when
    volunteer_coordination and depot_access, the grid's depot. Parallel over grids.
    Writes grid_shop_goods, grid_goods.
    """
    for g in prange(vol_start.shape[0]):
        from_depot = depot[g] if volunteer_coordination and depot_access else 0.0
        labour = 0.0
        for v in range(vol_start[g], vol_stop[g]):
            labour += volunteer_capacity_days * motivation[v]
        from_shops = min(shop_stock[g], supply[g] * (1.0 - closure[g]) * labour)
        grid_shop_goods[g] = from_shops
        grid_goods[g] = from_shops + grid_offered[g] + from_depot


@njit(cache=True, parallel=True)
def serve_volunteers(start, vol_start, vol_stop, household, motivation, indptr, indices, grid,
                     asked_today, need, volunteer_in_today, consumed_today, capacity_today,
                     used_today, volunteer_today, pool, pool_size, grid_goods,
                     volunteer_capacity_days):
    """Step 3: volunteers deliver essentials to households in need of their grid, out of
    the grid's goods (grid_goods, gather_goods).

    A volunteer's labour today is volunteer_capacity_days * motivation (days of goods it
    can carry). A volunteer serves, in order: its own ties in the grid that asked their
    ties; then the grid's pool of visible requests (pool_requests), in household order,
    from where the previous volunteer stopped. Volunteers of a grid act one after
    another in row order (the order matters: they share the goods and the pool); each
    delivery is min(need left, labour left, goods left). volunteer_today is what the
    grid's volunteers delivered in all. Cases stay open (see _deliver); `household` is
    the volunteer's own household row. Parallel over grids. Writes need,
    volunteer_in_today, consumed_today, capacity_today, used_today, volunteer_today.
    """
    for g in prange(start.shape[0]):
        a = start[g]
        n_pool = pool_size[g]
        goods = grid_goods[g]
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


@njit(cache=True, parallel=True)
def settle_goods(start, stop, need, reserves, volunteer_in_today, volunteer_today, shop_stock,
                 depot, donated_today, grid_offered, grid_shop_goods, aid_keep_days,
                 donation_share):
    """Step 4, per grid: where the goods the volunteers delivered (volunteer_today) came
    from: the shops first (at most grid_shop_goods), then the donations (donated_today,
    at most grid_offered; every offer gives the same share of itself, out of the
    donor's reserves), then the depot (the rest). Parallel over grids. Writes
    shop_stock, depot, donated_today, reserves.
    """
    for g in prange(start.shape[0]):
        total = volunteer_today[g]
        offers = grid_offered[g]
        from_shop = min(total, grid_shop_goods[g])
        shop_stock[g] -= from_shop
        rest = total - from_shop
        given = min(rest, offers)
        donated_today[g] = given
        depot[g] = max(0.0, depot[g] - (rest - given))
        if given > 0.0:
            frac = given / offers
            # who offered: not in need before the deliveries (rows unsigned: with no
            # negative index to wrap around, the compiler vectorises more; the same values)
            for i in range(np.uint64(start[g]), np.uint64(stop[g])):
                if need[i] <= 0.0 and volunteer_in_today[i] == 0.0 and reserves[i] > aid_keep_days:
                    reserves[i] -= frac * (donation_share * (reserves[i] - aid_keep_days))
