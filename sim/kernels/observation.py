"""Phase 9, observation: what the dashboard believes."""

from numba import njit, prange

from sim.rng import S_DASH_SENSE, uniform


@njit(cache=True, parallel=True)
def observe(grid, has_digital_access, need, is_on_dashboard, power_d, telecom_d, platform_up,
            sensing, seed, day):
    """The dashboard drops a household whose need is gone only if the platform
    senses it (smartphone; probability sensing * platform_up * power *
    telecom); others stay on it until a department serves them. Returns the
    number of households on the dashboard. Writes is_on_dashboard.
    """
    count = 0
    for i in prange(grid.shape[0]):
        if is_on_dashboard[i]:
            g = grid[i]
            if (need[i] <= 0.0 and has_digital_access[i] and uniform(seed, day, S_DASH_SENSE, i)
                    < sensing * platform_up * power_d[g] * telecom_d[g]):
                is_on_dashboard[i] = False
            else:
                count += 1
    return count
