"""Phase 2, warning and perception: forecasts reach households; perception follows."""

from numba import njit, prange

from sim.rng import S_WARN_CHAT, S_WARN_PLATFORM, S_WARN_STOP, S_WARN_TELL, uniform


@njit(cache=True)
def count_by_grid(flags, mask, grid, out):
    """out[g] = number of rows i of grid g with flags[i] and mask[i] (serial;
    out is overwritten)."""
    out[:] = 0
    for i in range(grid.shape[0]):
        if flags[i] and mask[i]:
            out[grid[i]] += 1


@njit(cache=True, parallel=True)
def warn_and_perceive(indptr, indices, weight, grid, has_digital_access, t_visited, warning_d,
                      warning_prev, telecom_d, platform_up, telling_prev, grid_telling,
                      chat_groups, t_informed, is_telling, perception, reach, chat_warning,
                      word_of_mouth, stop_telling, decay, seed, day):
    """Warnings spread by platform, yesterday's visits, chat groups and word of mouth.

    A household in a grid with a forecast (warning_d > 0) that is not yet
    informed is informed, in this order of channels, by the platform
    (smartphone; probability reach * platform_up * telecom), by a grid
    worker's visit yesterday while a forecast already stood (warning_prev > 0),
    by its community chat group (groups enabled, smartphone, a group member in
    the grid passing the warning on; probability chat_warning * telecom), or by
    ties telling it: 1 - prod_j (1 - word_of_mouth * w_ij) over ties j telling
    at the start of the phase (telling_prev; grid_telling counts those with
    a smartphone per grid). An informed household tells from the next day and stops telling
    with daily probability stop_telling. Perception rises to the warning level
    while informed and decays by `decay` otherwise; where no warning stands,
    households are reset to uninformed.

    Writes t_informed, is_telling, perception.
    """
    for i in prange(grid.shape[0]):
        g = grid[i]
        level = warning_d[g]
        if level <= 0.0:
            t_informed[i] = -1
            is_telling[i] = False
            perception[i] *= 1.0 - decay
            continue
        if t_informed[i] < 0:
            informed = False
            if has_digital_access[i] and (uniform(seed, day, S_WARN_PLATFORM, i)
                                          < reach * platform_up * telecom_d[g]):
                informed = True
            elif t_visited[i] >= 0 and t_visited[i] == day - 1 and warning_prev[g] > 0.0:
                informed = True
            elif (chat_groups and has_digital_access[i] and grid_telling[g] > 0
                  and uniform(seed, day, S_WARN_CHAT, i) < chat_warning * telecom_d[g]):
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
