"""Phase 1, shock: hazards destroy reserves and shop stock and add need; everyday hardship."""

import numpy as np
from numba import njit, prange

from sim.rng import S_HARDSHIP, uniform


@njit(cache=True, parallel=True)
def apply_shock(start, stop, exposure, hazard, reserves, need, t_hardship_end, destroyed_today,
                damage_reserve_loss, damage_need_days, need_cap_days, hardship_rate,
                hardship_days, seed, day):
    """Damage in proportion to hazard intensity and exposure; everyday hardship.

    dmg = hazard * exposure; reserves lose damage_reserve_loss * dmg of
    themselves (destroyed_today, goods gone from the city); need grows by
    damage_need_days * dmg (capped at need_cap_days). Independently, a
    household not already in hardship falls into it with probability
    hardship_rate and cannot restock for hardship_days days.
    Shapes: exposure/reserves/need/t_hardship_end (n,), start/stop/hazard (grids,).
    Parallel over grids. Writes reserves, need, t_hardship_end, destroyed_today.
    """
    for g in prange(start.shape[0]):
        h = hazard[g]
        # rows unsigned: with no negative index to wrap around, the compiler
        # vectorises the loop (the same values)
        for i in range(np.uint64(start[g]), np.uint64(stop[g])):
            destroyed_today[i] = 0.0
            if h > 0.0:
                dmg = h * exposure[i]
                lost = damage_reserve_loss * dmg * reserves[i]
                reserves[i] -= lost
                destroyed_today[i] = lost
                need[i] = min(need_cap_days, need[i] + damage_need_days * dmg)
            if t_hardship_end[i] <= day and uniform(seed, day, S_HARDSHIP, i) < hardship_rate:
                t_hardship_end[i] = day + hardship_days


@njit(cache=True, parallel=True)
def damage_shops(hazard, shop_stock, shop_destroyed_today, damage_reserve_loss, shop_exposure):
    """Hazards destroy shop stock as they destroy homes' reserves: the grid's
    shops lose damage_reserve_loss * hazard * shop_exposure of their stock
    (shop_destroyed_today, goods gone from the city). Shapes: (grids,).
    Writes shop_stock, shop_destroyed_today.
    """
    for g in prange(hazard.shape[0]):
        lost = 0.0
        if hazard[g] > 0.0:
            lost = damage_reserve_loss * hazard[g] * shop_exposure * shop_stock[g]
            shop_stock[g] -= lost
        shop_destroyed_today[g] = lost
