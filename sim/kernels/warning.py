"""Phase 2, warning and perception: forecasts reach households; perception follows."""

from numba import njit, prange

from sim.rng import S_WARN_PLATFORM, S_WARN_STOP, S_WARN_TELL, uniform


@njit(cache=True, parallel=True)
def warn_and_perceive(indptr, indices, weight, grid, has_digital_access, t_visited, warning_d,
                      telecom_d, platform_up, telling_prev, t_informed, is_telling, perception,
                      reach, word_of_mouth, stop_telling, decay, seed, day):
    """Warnings spread by platform, by yesterday's visits and by word of mouth.

    A household in a grid with a forecast (warning_d > 0) that is not yet
    informed is informed by the platform (smartphone, platform up, telecoms up:
    probability reach), by a grid worker's visit yesterday, or by ties telling
    it: 1 - prod_j (1 - word_of_mouth * w_ij) over ties j telling at the start
    of the phase (telling_prev). An informed household tells its ties from the
    next day and stops telling with daily probability stop_telling.
    Perception rises to the warning level while informed and decays otherwise;
    where no warning stands, households are reset to uninformed.

    Reads telling_prev (a copy of is_telling); writes t_informed, is_telling,
    perception.
    """
    for i in prange(grid.shape[0]):
        level = warning_d[grid[i]]
        if level <= 0.0:
            t_informed[i] = -1
            is_telling[i] = False
            perception[i] *= 1.0 - decay
            continue
        if t_informed[i] < 0:
            informed = False
            p_platform = reach * platform_up * telecom_d[grid[i]]
            if has_digital_access[i] and uniform(seed, day, S_WARN_PLATFORM, i) < p_platform:
                informed = True
            elif t_visited[i] == day - 1:
                informed = True
            else:
                q = 1.0
                for e in range(indptr[i], indptr[i + 1]):
                    if telling_prev[indices[e]]:
                        q *= 1.0 - word_of_mouth * weight[e]
                if q < 1.0 and uniform(seed, day, S_WARN_TELL, i) < 1.0 - q:
                    informed = True
            if informed:
                t_informed[i] = day
                is_telling[i] = True
        elif is_telling[i] and uniform(seed, day, S_WARN_STOP, i) < stop_telling:
            is_telling[i] = False
        if t_informed[i] >= 0:
            perception[i] = max(perception[i], level)
        else:
            perception[i] *= 1.0 - decay
