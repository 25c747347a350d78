"""Phase 6c, departments: dispatched cases are served within daily capacity."""

import math

import numpy as np
from numba import njit

from sim.flags import CIVIL_AFFAIRS, EMERGENCY, HEALTH, UP, UTILITIES


@njit(cache=True, inline="always")
def department_of(has_chronic_illness, hazard, power):
    """The department a case goes to: emergency management where the grid is
    hit by a hazard, utilities where its power is out, health for the
    chronically ill, civil affairs otherwise."""
    if hazard > 0.0:
        return EMERGENCY
    if power < UP:
        return UTILITIES
    if has_chronic_illness:
        return HEALTH
    return CIVIL_AFFAIRS


@njit(cache=True, inline="always")
def trip_cost(hazard, power, hazard_mobility_loss, power_delivery_loss):
    """Trips a delivery into a grid costs: 1 / ((1 - hazard_mobility_loss * hazard)
    (1 - power_delivery_loss (1 - power))) (water in the streets; lifts out); 0 where
    no trip can get through (hazard_mobility_loss * hazard = 1)."""
    reach = (1.0 - hazard_mobility_loss * hazard) * (1.0 - power_delivery_loss * (1.0 - power))
    if reach <= 0.0:
        return 0.0
    return 1.0 / reach


@njit(cache=True)
def queue_cases(vulnerability, t_dispatch, department_in_today, keys, n_queued, day):
    """Step 1 of the departments' day: the queue of the cases that have reached them
    (0 <= t_dispatch <= day), sorted by vulnerability (high first), dispatch day, row:
    its n_queued[0] keys in keys[:n_queued[0]] (int64 scratch of length n; the row is
    the key's low 32 bits). department_in_today is reset for every household. Serial.
    Writes department_in_today, keys, n_queued.
    """
    n_cases = 0
    for i in range(t_dispatch.shape[0]):
        department_in_today[i] = 0.0
        td = t_dispatch[i]
        if td >= 0 and td <= day:
            keys[n_cases] = ((np.int64(4 - vulnerability[i]) << 45) | (np.int64(td) << 32)
                             | np.int64(i))
            n_cases += 1
    keys[:n_cases].sort()
    n_queued[0] = n_cases


@njit(cache=True)
def share_trips(department_capacity, department_served_today, department_trips_left,
                dashboard_cases, grid_trips, formal_today, dashboard_allocation, day):
    """Step 2: today's trips, and the dashboard's shares of them.

    Department k has T_k = floor((day+1) c_k) - floor(day c_k) trips today (c_k =
    department_capacity[k] per day, so fractions add up over days). A share
    dashboard_allocation of all trips is split across grids in proportion to the
    dashboard's cases per grid (dashboard_cases: frozen while the platform is down), each
    grid's share usable only on that grid's cases (grid_trips, float scratch of length
    n_grids); the rest stays with the departments (department_trips_left, float scratch
    of length 4: the city-wide queue). The day's counts (department_served_today,
    formal_today) start at zero. Serial. Writes department_served_today,
    department_trips_left, grid_trips, formal_today.
    """
    formal_today[:] = 0.0
    capacity = department_capacity
    left = department_trips_left
    trips = 0.0
    for k in range(capacity.shape[0]):
        department_served_today[k] = 0
        left[k] = math.floor((day + 1) * capacity[k]) - math.floor(day * capacity[k])
        trips += left[k]
    shown = 0.0
    for g in range(dashboard_cases.shape[0]):
        shown += dashboard_cases[g]
    alloc = dashboard_allocation if shown > 0.0 else 0.0
    for k in range(capacity.shape[0]):
        left[k] = left[k] * (1.0 - alloc)
    for g in range(dashboard_cases.shape[0]):
        grid_trips[g] = alloc * trips * dashboard_cases[g] / shown if alloc > 0.0 else 0.0


@njit(cache=True)
def serve_departments(grid, has_chronic_illness, hazard, power, t_dispatch, need,
                      department_in_today, formal_today, department_served_today, keys,
                      n_queued, depot, warehouse, grid_trips, department_trips_left,
                      dept_delivery_days, hazard_mobility_loss, power_delivery_loss):
    """Step 3: serve the queued cases (queue_cases), most vulnerable first, with the
    day's trips (share_trips) and goods from the grid's depot and the city warehouse.

    Cases are taken in the queue's order; a case uses its grid's trips (grid_trips) if
    enough are left, else what is left of them (a fraction of a trip) with the rest
    from its department's (department_trips_left), else from the first department with
    enough left for the rest. Then the trips the grids' shares left unused (grids whose
    cases were all served, fractions) are pooled and the cases still waiting are taken
    again in the same order, the pool in place of the grid's share: no trip the
    dashboard allocated is lost while a case waits elsewhere. A trip into grid g costs
    trip_cost(hazard_g, power_g) trips, or trip_cost(0, power_g) while the grid's depot
    holds goods (they are already inside the flooded area).

    A served case still in need gets dept_delivery_days of essentials, or what is left
    of the goods (its grid's depot first, then the warehouse), into
    department_in_today (receive_deliveries then pays off the household's need with
    it); one whose need has gone gets nothing. Either way the case is served
    (t_dispatch = -1). With no goods left a case in need is not served: it stays
    dispatched. Serial (the order matters: the cases share the trips and the goods).
    Writes department_in_today, formal_today, department_served_today, t_dispatch,
    depot, warehouse, grid_trips, department_trips_left.
    """
    n_cases = n_queued[0]
    if n_cases == 0:
        return
    ks = keys[:n_cases]
    left = department_trips_left
    spare = 0.0
    for sweep in range(2):
        if sweep == 1:  # trips the grids' shares left unused, pooled for cases still waiting
            for g in range(grid_trips.shape[0]):
                spare += grid_trips[g]
                grid_trips[g] = 0.0
            if spare <= 0.0:
                break
        for c in range(n_cases):
            i = ks[c] & 0xFFFFFFFF
            if t_dispatch[i] < 0:
                continue  # served in the first sweep
            g = grid[i]
            # goods already in the grid's depot need no trip through the water
            h_g = 0.0 if depot[g] > 0.0 else hazard[g]
            cost = trip_cost(h_g, power[g], hazard_mobility_loss, power_delivery_loss)
            if cost <= 0.0:
                continue  # no trip gets through
            goods = depot[g] + warehouse[0]
            if need[i] > 0.0 and goods <= 0.0:
                continue  # nothing to deliver: the case waits
            k = department_of(has_chronic_illness[i], hazard[g], power[g])
            share = grid_trips[g] if sweep == 0 else spare
            if share >= cost:
                share -= cost
            else:
                # what is left of the share (a fraction of a trip) goes with the rest from
                # a department, so no fraction is dropped while cases wait
                rest = cost - share
                if left[k] < rest:  # short: the first department with enough trips takes it
                    k = -1
                    for k2 in range(left.shape[0]):
                        if left[k2] >= rest:
                            k = k2
                            break
                    if k < 0:
                        continue
                left[k] -= rest
                share = 0.0
            if sweep == 0:
                grid_trips[g] = share
            else:
                spare = share
            department_served_today[k] += 1
            delivered = min(dept_delivery_days, goods) if need[i] > 0.0 else 0.0
            from_depot = min(delivered, depot[g])
            depot[g] -= from_depot
            warehouse[0] = max(0.0, warehouse[0] - (delivered - from_depot))
            department_in_today[i] = delivered
            formal_today[g] += delivered
            t_dispatch[i] = -1


@njit(cache=True)
def receive_deliveries(t_dispatch, keys, n_queued, need, reserves, consumed_today,
                       department_in_today, t_case, t_request, is_on_dashboard):
    """Step 4: each queued case the departments served today (its t_dispatch now -1)
    receives its delivery (department_in_today, 0 if its need had gone), paying off need
    first (consumed_today), the rest to reserves; its case closes, its request is
    forgotten and it leaves the dashboard. A household has one case, so its own need is
    all serve_departments read of it: paying after the queue is served is the same as
    paying at its turn. Serial. Writes need, reserves, consumed_today, t_case,
    t_request, is_on_dashboard.
    """
    for c in range(n_queued[0]):
        i = keys[c] & 0xFFFFFFFF
        if t_dispatch[i] >= 0:
            continue  # still waiting
        delivered = department_in_today[i]
        paid = min(need[i], delivered)
        need[i] -= paid
        consumed_today[i] += paid
        reserves[i] += delivered - paid
        t_case[i] = -1
        t_request[i] = -1
        is_on_dashboard[i] = False
