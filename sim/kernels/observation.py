"""Phase 9, observation: what the dashboard believes."""

from numba import njit, prange

from sim.rng import S_DASH_SENSE, uniform


@njit(cache=True, parallel=True)
def observe(grid, has_digital_access, need, is_on_dashboard, t_case, t_dispatch, power,
            telecom, platform, platform_sensing, dashboard, seed, day):
    """The dashboard drops a household whose need is gone only if the platform
    senses it (smartphone; probability platform_sensing * platform * power *
    telecom), and then closes its case too; others stay on it until a grid
    worker, a coordinated volunteer or a department closes the case. While
    the platform is up (platform > 0.5) the dashboard's figure, dashboard[0],
    becomes the share of households on it; while it is down the figure is
    frozen. Writes is_on_dashboard, t_case, t_dispatch, dashboard.
    """
    count = 0
    for i in prange(grid.shape[0]):
        if is_on_dashboard[i]:
            g = grid[i]
            if (need[i] <= 0.0 and has_digital_access[i] and uniform(seed, day, S_DASH_SENSE, i)
                    < platform_sensing * platform * power[g] * telecom[g]):
                is_on_dashboard[i] = False
                t_case[i] = -1
                t_dispatch[i] = -1
            else:
                count += 1
    if platform > 0.5:
        dashboard[0] = count / grid.shape[0]
