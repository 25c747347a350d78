"""Phase 2, warning and perception: forecasts reach households; perception follows."""

import numpy as np
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
def warn_officially(start, stop, has_digital_access, t_visited, warning, warning_prev, telecom,
                    platform, t_informed, is_telling, warning_reach, broadcast_warnings,
                    stop_telling, seed, day):
    """Warnings that reach a household directly: the platform, a broadcast and a grid
    worker's visit yesterday (the first three channels; spread_warning then tries the
    chat group and word of mouth on the households still uninformed).

    A household in a grid with a forecast (warning > 0) that is not yet informed is
    informed by the platform (smartphone; probability warning_reach * platform *
    telecom), else by a broadcast (cell broadcast, SMS, TV: any household, smartphone
    or not; probability broadcast_warnings * telecom), else by a grid worker's visit
    yesterday while a forecast already stood (warning_prev > 0). An informed household
    tells from the next day; one informed before today stops telling with daily
    probability stop_telling. Where no warning stands, households are reset to
    uninformed and not telling.

    Parallel over grids. Writes t_informed, is_telling.
    """
    for g in prange(start.shape[0]):
        # rows unsigned: with no negative index to wrap around, the compiler
        # vectorises the loop (the same values)
        for i in range(np.uint64(start[g]), np.uint64(stop[g])):
            if warning[g] <= 0.0:
                t_informed[i] = -1
                is_telling[i] = False
                continue
            if t_informed[i] < 0:
                if ((has_digital_access[i] and (uniform(seed, day, S_WARN_PLATFORM, i)
                                                < warning_reach * platform * telecom[g]))
                        or (broadcast_warnings > 0.0 and uniform(seed, day, S_WARN_BROADCAST, i)
                            < broadcast_warnings * telecom[g])
                        or (t_visited[i] >= 0 and t_visited[i] == day - 1
                            and warning_prev[g] > 0.0)):
                    t_informed[i] = day
                    is_telling[i] = True
            elif is_telling[i] and uniform(seed, day, S_WARN_STOP, i) < stop_telling:
                is_telling[i] = False


@njit(cache=True, parallel=True)
def spread_warning(indptr, indices, weight, grid, has_digital_access, n_grid_ties, warning,
                   telecom, telling_prev, grid_telling, chat_groups, chat_relay,
                   chat_needs_ties, t_informed, is_telling, chat_warning, word_of_mouth,
                   seed, day):
    """Warnings that spread among households, for those warn_officially left
    uninformed in a grid with a forecast: the community chat group (groups enabled, a
    member: smartphone and, unless chat_needs_ties is off, a tie in the grid; and the
    warning posted there: by the grid worker, who hears it through official channels
    whether or not the platform is up (chat_relay), or by a group member in the grid
    passing it on; probability chat_warning * telecom), else ties telling it:
    1 - prod_j (1 - word_of_mouth * w_ij) over ties j telling at the start of the phase
    (telling_prev; grid_telling counts those with a smartphone per grid). An informed
    household tells from the next day. Each household's channels are its own draws, so
    trying the direct ones first (warn_officially) and these after is the order of
    channels of one pass.

    Writes t_informed, is_telling.
    """
    for i in prange(grid.shape[0]):
        g = grid[i]
        if warning[g] <= 0.0 or t_informed[i] >= 0:
            continue
        informed = False
        if (chat_groups and has_digital_access[i]
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


@njit(cache=True, parallel=True)
def perceive_risk(start, stop, warning, t_informed, perception, perception_decay):
    """Perception rises to the warning level while informed (it does not fall while
    the warning stands) and decays by perception_decay otherwise, or where no warning
    stands. Parallel over grids. Writes perception.
    """
    for g in prange(start.shape[0]):
        level = warning[g]
        # rows unsigned: with no negative index to wrap around, the compiler
        # vectorises the loop (the same values)
        for i in range(np.uint64(start[g]), np.uint64(stop[g])):
            if level > 0.0 and t_informed[i] >= 0:
                perception[i] = max(perception[i], level)
            else:
                perception[i] *= 1.0 - perception_decay
