"""Phase 6c, departments: dispatched cases are served within daily capacity."""

import math

import numpy as np
from numba import njit

from sim.flags import CIVIL_AFFAIRS, EMERGENCY, HEALTH, UTILITIES


@njit(cache=True)
def department_of(has_chronic_illness, hazard, power):
    """The department a case goes to: emergency management where the grid is
    hit by a hazard, utilities where its power is out, health for the
    chronically ill, civil affairs otherwise."""
    if hazard > 0.0:
        return EMERGENCY
    if power < 0.5:
        return UTILITIES
    if has_chronic_illness:
        return HEALTH
    return CIVIL_AFFAIRS


@njit(cache=True)
def serve_departments(grid, has_chronic_illness, vulnerability, hazard, power,
                      department_capacity, t_dispatch, t_case, t_request, is_on_dashboard, need,
                      reserves, department_in_today, formal_today, department_served_today, keys,
                      dept_delivery_days, day):
    """Serve cases that have reached the departments, most vulnerable first.

    Department k serves floor((day+1) c_k) - floor(day c_k) households today
    (c_k = department_capacity[k] per day, so fractions add up over days), taking cases
    in order of vulnerability (high first), dispatch day, row; a case whose
    department is full goes to the first department with room left. A
    served household still in need gets dept_delivery_days of essentials (paying
    off need first, the rest to reserves); one whose need has gone gets
    nothing. Either way its case closes and leaves the dashboard.
    Serial (the order matters); `keys` is int64 scratch of length n.
    Writes need, reserves, t_case, t_dispatch, t_request, is_on_dashboard,
    department_in_today, formal_today, department_served_today, keys.
    """
    n = grid.shape[0]
    n_cases = 0
    for i in range(n):
        department_in_today[i] = 0.0
        td = t_dispatch[i]
        if td >= 0 and td <= day:
            keys[n_cases] = ((np.int64(4 - vulnerability[i]) << 45) | (np.int64(td) << 32)
                             | np.int64(i))
            n_cases += 1
    formal_today[:] = 0.0
    capacity = department_capacity
    left = capacity.copy()
    for k in range(capacity.shape[0]):
        department_served_today[k] = 0
        left[k] = math.floor((day + 1) * capacity[k]) - math.floor(day * capacity[k])
    if n_cases == 0:
        return
    ks = keys[:n_cases]
    ks.sort()
    for c in range(n_cases):
        i = ks[c] & 0xFFFFFFFF
        g = grid[i]
        k = department_of(has_chronic_illness[i], hazard[g], power[g])
        if left[k] < 1.0:  # full: the first department with room takes the case
            k = -1
            for k2 in range(left.shape[0]):
                if left[k2] >= 1.0:
                    k = k2
                    break
            if k < 0:
                continue
        left[k] -= 1.0
        department_served_today[k] += 1
        delivered = dept_delivery_days if need[i] > 0.0 else 0.0
        paid = min(need[i], delivered)
        need[i] -= paid
        reserves[i] += delivered - paid
        department_in_today[i] = delivered
        formal_today[g] += delivered
        t_case[i] = -1
        t_dispatch[i] = -1
        t_request[i] = -1
        is_on_dashboard[i] = False
