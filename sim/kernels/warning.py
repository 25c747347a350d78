"""Phase 2, warning and perception: forecasts reach households; perception follows."""

from numba import njit, prange

from sim.rng import (
    S_WARN_BROADCAST,
    S_WARN_CHAT,
    S_WARN_PLATFORM,
    S_WARN_STOP,
    S_WARN_TELL,
    uniform,
)


@njit(cache=True)
def snapshot_telling(is_telling, has_digital_access, n_grid_ties, grid, chat_needs_ties,
                     telling_prev, grid_telling):
    """Phase 2's starting point: who is telling at the start of the phase
    (telling_prev), and per grid how many of them are chat group members (a
    smartphone and, under chat_needs_ties, a tie in the grid) passing the
    warning on. Serial. Writes telling_prev, grid_telling.
    """
    grid_telling[:] = 0
    for i in range(grid.shape[0]):
        telling_prev[i] = is_telling[i]
        if is_telling[i] and has_digital_access[i] and (not chat_needs_ties
                                                        or n_grid_ties[i] > 0):
            grid_telling[grid[i]] += 1


@njit(cache=True, parallel=True)
def warn_and_perceive(indptr, indices, weight, grid, has_digital_access, n_grid_ties, t_visited,
                      warning, warning_prev, telecom, platform, telling_prev, grid_telling,
                      chat_groups, chat_relay, chat_needs_ties, t_informed, is_telling,
                      perception, warning_reach, broadcast_warnings, chat_warning,
                      word_of_mouth, stop_telling, perception_decay, seed, day):
    """Warnings spread by platform, yesterday's visits, chat groups and word of mouth.

    A household in a grid with a forecast (warning > 0) that is not yet
    informed is informed, in this order of channels, by the platform
    (smartphone; probability warning_reach * platform * telecom), by a
    broadcast (cell broadcast, SMS, TV: any household, smartphone or not;
    probability broadcast_warnings * telecom), by a grid
    worker's visit yesterday while a forecast already stood (warning_prev > 0),
    by its community chat group (groups enabled, a member: smartphone and,
    unless chat_needs_ties is off, a tie in the grid; and the warning
    posted there: by the grid worker, who hears it through official channels
    whether or not the platform is up (chat_relay), or by a group member in the
    grid passing it on; probability chat_warning * telecom), or by
    ties telling it: 1 - prod_j (1 - word_of_mouth * w_ij) over ties j telling
    at the start of the phase (telling_prev; grid_telling counts those with
    a smartphone per grid). An informed household tells from the next day and stops telling
    with daily probability stop_telling. Perception rises to the warning level
    while informed and decays by perception_decay otherwise; where no warning stands,
    households are reset to uninformed.

    Writes t_informed, is_telling, perception.
    """
    for i in prange(grid.shape[0]):
        g = grid[i]
        level = warning[g]
        if level <= 0.0:
            t_informed[i] = -1
            is_telling[i] = False
            perception[i] *= 1.0 - perception_decay
            continue
        if t_informed[i] < 0:
            informed = False
            if has_digital_access[i] and (uniform(seed, day, S_WARN_PLATFORM, i)
                                          < warning_reach * platform * telecom[g]):
                informed = True
            elif (broadcast_warnings > 0.0 and uniform(seed, day, S_WARN_BROADCAST, i)
                  < broadcast_warnings * telecom[g]):
                informed = True
            elif t_visited[i] >= 0 and t_visited[i] == day - 1 and warning_prev[g] > 0.0:
                informed = True
            elif (chat_groups and has_digital_access[i]
                  and (not chat_needs_ties or n_grid_ties[i] > 0)
                  and (chat_relay or grid_telling[g] > 0)
                  and uniform(seed, day, S_WARN_CHAT, i) < chat_warning * telecom[g]):
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
            perception[i] *= 1.0 - perception_decay
