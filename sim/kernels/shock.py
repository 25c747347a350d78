"""Phase 1, shock: hazards destroy reserves and add need; everyday hardship strikes."""

from numba import njit, prange

from sim.rng import S_HARDSHIP, uniform


@njit(cache=True, parallel=True)
def apply_shock(grid, exposure, hazard, reserves, need, t_hardship_end, destroyed_today,
                damage_reserve_loss, damage_need_days, need_cap_days, hardship_rate,
                hardship_days, seed, day):
    """Damage in proportion to hazard intensity and exposure; everyday hardship.

    dmg = hazard * exposure; reserves lose damage_reserve_loss * dmg of
    themselves (destroyed_today, goods gone from the city); need grows by
    damage_need_days * dmg (capped at need_cap_days). Independently, a
    household not already in hardship falls into it with probability
    hardship_rate and cannot restock for hardship_days days.
    Shapes: grid/exposure/reserves/need/t_hardship_end (n,), hazard (grids,).
    Writes reserves, need, t_hardship_end, destroyed_today.
    """
    for i in prange(grid.shape[0]):
        h = hazard[grid[i]]
        destroyed_today[i] = 0.0
        if h > 0.0:
            dmg = h * exposure[i]
            lost = damage_reserve_loss * dmg * reserves[i]
            reserves[i] -= lost
            destroyed_today[i] = lost
            need[i] = min(need_cap_days, need[i] + damage_need_days * dmg)
        if t_hardship_end[i] <= day and uniform(seed, day, S_HARDSHIP, i) < hardship_rate:
            t_hardship_end[i] = day + hardship_days
