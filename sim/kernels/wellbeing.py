"""Phase 7, wellbeing: unmet need, heat and damage wear it down; met need restores it."""

import numpy as np
from numba import njit, prange


@njit(cache=True, parallel=True)
def update_wellbeing(start, stop, exposure, is_vulnerable, need, heat, power, hazard, wellbeing,
                     need_stress, need_scale_days, heat_stress, heat_cooling, damage_stress,
                     vulnerable_factor, recovery):
    """stress = need_stress * min(need / need_scale_days, 1)
              + heat_stress * heat * (1 - heat_cooling * power)
              + damage_stress * hazard * exposure,
    times vulnerable_factor for vulnerable households. Wellbeing falls by the
    stress and, on a day with no need, recovers by recovery * (1 - w); it is
    kept in [0, 1]. Parallel over grids. Writes wellbeing.
    """
    for g in prange(start.shape[0]):
        # the grid's terms once (the same products as per household); its households'
        # rows unsigned, so that the compiler, with no negative index to wrap around,
        # vectorises the loop (a quarter of the time at 10,000 households)
        heat_g = heat_stress * heat[g] * (1.0 - heat_cooling * power[g])
        damage_g = damage_stress * hazard[g]
        for i in range(np.uint64(start[g]), np.uint64(stop[g])):
            nd = need[i]
            stress = (need_stress * min(nd / need_scale_days, 1.0) + heat_g
                      + damage_g * exposure[i])
            if is_vulnerable[i]:
                stress *= vulnerable_factor
            w = wellbeing[i] - stress
            if nd <= 0.0:
                w += recovery * (1.0 - w)
            wellbeing[i] = min(1.0, max(0.0, w))
