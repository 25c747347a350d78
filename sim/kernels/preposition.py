"""Phase 6d, preposition: the city warehouse is resupplied, and sends goods to grid depots."""

from numba import njit


@njit(cache=True)
def preposition(start, stop, warning, dashboard, dashboard_cases, depot, depot_share,
                warehouse, warehouse_in_today, in_transit, warehouse_days_per_household,
                warehouse_resupply_per_10k, preposition_floor, preposition_trigger,
                prepositioning):
    """Logistics refill the warehouse; a share of its stock goes out to grid depots.

    The warehouse (capacity K = warehouse_days_per_household * n) receives
    warehouse_in_today = min(warehouse_resupply_per_10k * n / 10,000, K - stock) from
    outside the city (state logistics, not cut by the shock). Then, while a warning is out
    in any grid, a share prepositioning of the stock above preposition_floor * K is sent to
    the warned grids in proportion to warning level x households; with no warning out, while
    the dashboard's figure (dashboard[0], the share of households it shows in need) is above
    preposition_trigger (everyday hardship stays below it), in proportion to the dashboard's
    cases per grid (both frozen while the platform is down). A depot holds at most what the
    warehouse holds per household (warehouse_days_per_household x the grid's households,
    counting what is on its way; none in a grid without a depot, depot_share 0, which only
    a district's depot points make): a grid's shipment stops at that room. What is sent
    is in_transit: it lands in the grids' depots tomorrow morning (phase 3). Serial over
    grids.
    Writes warehouse, warehouse_in_today, in_transit.
    """
    n_grids = start.shape[0]
    n = stop[n_grids - 1]
    cap = warehouse_days_per_household * n
    came = warehouse_resupply_per_10k * n / 10_000.0
    room = cap - warehouse[0]
    if came > room:
        came = room
    if came < 0.0:
        came = 0.0
    warehouse_in_today[0] = came
    stock = warehouse[0] + came
    warehouse[0] = stock
    spare = stock - preposition_floor * cap
    if prepositioning <= 0.0 or spare <= 0.0:
        return
    warned = 0.0
    for g in range(n_grids):
        warned += warning[g] * (stop[g] - start[g])
    shown = 0.0
    for g in range(n_grids):
        shown += dashboard_cases[g]
    if warned <= 0.0 and dashboard[0] <= preposition_trigger:
        return  # no warning, and the dashboard shows no more than everyday need
    weights = warned if warned > 0.0 else shown
    if weights <= 0.0:
        return
    send = prepositioning * spare
    sent = 0.0
    for g in range(n_grids):
        w = warning[g] * (stop[g] - start[g]) if warned > 0.0 else dashboard_cases[g]
        x = send * w / weights
        room_g = (warehouse_days_per_household * (stop[g] - start[g]) * depot_share[g]
                  - depot[g] - in_transit[g])
        if x > room_g:
            x = max(0.0, room_g)
        in_transit[g] += x
        sent += x
    warehouse[0] = max(0.0, stock - sent)


@njit(cache=True)
def ship_packages(start, stop, closure, depot, in_transit, warehouse, food_package_days,
                  warehouse_days_per_household):
    """Government food packages for tomorrow: to every closed grid (closure > 0) the
    warehouse sends what tomorrow's ration (food_package_days / 7 * closure per
    household, handed out in phase 3) needs beyond what its depot holds and what is on
    its way, up to the depot's room (warehouse_days_per_household per household). If
    the warehouse holds less than all grids ask, each gets the same share of its ask.
    Serial over grids (one warehouse); after the resupply and pre-positioning.

    Writes in_transit, warehouse.
    """
    if food_package_days <= 0.0:
        return
    asked = 0.0
    for g in range(start.shape[0]):
        if closure[g] > 0.0:
            n_g = stop[g] - start[g]
            ask = food_package_days / 7.0 * closure[g] * n_g - depot[g] - in_transit[g]
            room = warehouse_days_per_household * n_g - depot[g] - in_transit[g]
            asked += max(0.0, min(ask, room))
    if asked <= 0.0 or warehouse[0] <= 0.0:
        return
    frac = 1.0
    if asked > warehouse[0]:
        frac = warehouse[0] / asked
    sent = 0.0
    for g in range(start.shape[0]):
        if closure[g] > 0.0:
            n_g = stop[g] - start[g]
            ask = food_package_days / 7.0 * closure[g] * n_g - depot[g] - in_transit[g]
            room = warehouse_days_per_household * n_g - depot[g] - in_transit[g]
            x = frac * max(0.0, min(ask, room))
            in_transit[g] += x
            sent += x
    warehouse[0] = max(0.0, warehouse[0] - sent)
