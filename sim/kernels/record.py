"""Phase 10, record: the day's metrics, four serial passes, one per block of columns.

`record_people` clears the day's row and records the households' state,
`record_help` today's detections and help, `record_workers` the volunteers'
and grid workers' work, `record_goods` the stocks and flows of goods; they run
in that order (sim.phases), and each column is written by one of them (the
destroyed goods by `record_help` and then `record_goods`).

Serial on purpose: floating-point sums then come out the same at any thread
count, and the same as the reference engine's `record_day`. Each column is
declared once, in `sim.outputs.RECORD`; `sim.flags` generates one constant
per column from it.
"""

import numpy as np
from numba import njit

from sim.flags import (
    ACTIVE_VOLUNTEERS,
    CHANNEL_COLUMN,
    COLUMNS,
    CONSUMED,
    DASHBOARD_NEED_SHARE,
    DESTROYED,
    DETECTION_LATENCY_SUM,
    DONATED,
    FALSE_ALARMS,
    FUNCTIONALITY,
    HELP_DEPARTMENTS_DAYS,
    HELP_NEIGHBOURS_DAYS,
    HELP_SELF_DAYS,
    HELP_VOLUNTEERS_DAYS,
    HELPED_BY_NEIGHBOURS,
    HELPED_BY_VOLUNTEERS,
    ILLUSION_GAP,
    IN_CRISIS,
    IN_CRISIS_OTHER,
    IN_CRISIS_VULNERABLE,
    IN_NEED,
    INFORMED,
    MISSED_NEED,
    N_COLUMNS,
    NEW_DETECTIONS,
    OPEN_CASES,
    REPORTING_HOURS,
    SERVED_DEPARTMENT,
    SOCIAL_CAPITAL_MEAN,
    STOCK_DEPOTS,
    STOCK_HOUSEHOLDS,
    STOCK_IN_TRANSIT,
    STOCK_SHOPS,
    STOCK_WAREHOUSE,
    SUPPLY_IN,
    TRUE_NEED_SHARE,
    TRUST_MEAN,
    UNMET_NEED,
    VISITS,
    VOLUNTEER_DAYS,
    VOLUNTEER_HOURS,
    VOLUNTEER_MOTIVATION_MEAN,
    WELLBEING_MEAN,
)

__all__ = ["COLUMNS", "N_COLUMNS", "record_goods", "record_help", "record_people",
           "record_workers"]


@njit(cache=True)
def record_people(need, wellbeing, is_vulnerable, crisis_threshold, trust, social_capital,
                  t_informed, t_case, reserves, is_shown, dashboard, need_total, row):
    """First of the record phase: clear `row` (N_COLUMNS,), then the households'
    need, crisis, wellbeing, trust, social capital, warnings, open cases and
    reserves, and what the dashboard (a (1,) array; is_shown per household)
    shows against the need (missed need, false alarms); add today's need to
    each household's need_total. Writes row, need_total.
    """
    n = need.shape[0]
    row[:] = 0.0
    # Sums in locals, each added to in household order from the row's 0.0 as before (the
    # same additions in the same order, so the same bits): a sum kept in `row` is stored
    # and reloaded every household, since the compiler cannot tell `row` from the inputs.
    in_need = 0.0
    in_crisis = 0.0
    in_crisis_vulnerable = 0.0
    in_crisis_other = 0.0
    informed = 0.0
    open_cases = 0.0
    false_alarms = 0.0
    missed = 0.0
    stock = 0.0
    wb = 0.0
    unmet = 0.0
    trust_sum = 0.0
    sc_sum = 0.0
    for i in range(n):
        nd = need[i]
        need_total[i] += nd
        if nd > 0.0:
            in_need += 1.0
            unmet += nd
        w = wellbeing[i]
        wb += w
        if w < crisis_threshold:
            in_crisis += 1.0
            if is_vulnerable[i]:
                in_crisis_vulnerable += 1.0
            else:
                in_crisis_other += 1.0
        trust_sum += trust[i]
        sc_sum += social_capital[i]
        if t_informed[i] >= 0:
            informed += 1.0
        if t_case[i] >= 0:
            open_cases += 1.0
        stock += reserves[i]
        if is_shown[i] != (nd > 0.0):
            if is_shown[i]:
                false_alarms += 1.0
            else:
                missed += 1.0
    row[IN_NEED] = in_need
    row[IN_CRISIS] = in_crisis
    row[IN_CRISIS_VULNERABLE] = in_crisis_vulnerable
    row[IN_CRISIS_OTHER] = in_crisis_other
    row[INFORMED] = informed
    row[OPEN_CASES] = open_cases
    row[STOCK_HOUSEHOLDS] = stock
    row[FUNCTIONALITY] = 1.0 - row[IN_NEED] / n
    row[WELLBEING_MEAN] = wb / n
    row[UNMET_NEED] = unmet
    row[DASHBOARD_NEED_SHARE] = dashboard[0]
    row[TRUE_NEED_SHARE] = row[IN_NEED] / n
    row[ILLUSION_GAP] = row[TRUE_NEED_SHARE] - dashboard[0]
    row[TRUST_MEAN] = trust_sum / n
    row[SOCIAL_CAPITAL_MEAN] = sc_sum / n
    row[MISSED_NEED] = missed / n
    row[FALSE_ALARMS] = false_alarms / n


@njit(cache=True)
def record_help(detected_by, t_detected, t_need_start, bought_today, aid_in_today,
                volunteer_in_today, department_in_today, consumed_today, destroyed_today,
                day, row):
    """Today's detections (by channel ch in column CHANNEL_COLUMN[ch], sim.flags;
    the first ones and their latency), the help that came by each channel, the
    goods used up and the household reserves destroyed. Writes row.
    """
    # Sums in locals, each starting from the row's value and added to in household order
    # as before (the same bits; record_people says why).
    by_channel = np.zeros(len(CHANNEL_COLUMN))
    for ch in range(1, len(CHANNEL_COLUMN)):
        by_channel[ch] = row[CHANNEL_COLUMN[ch]]
    new = row[NEW_DETECTIONS]
    served = row[SERVED_DEPARTMENT]
    self_days = row[HELP_SELF_DAYS]
    neighbours_days = row[HELP_NEIGHBOURS_DAYS]
    volunteers_days = row[HELP_VOLUNTEERS_DAYS]
    departments_days = row[HELP_DEPARTMENTS_DAYS]
    by_neighbours = row[HELPED_BY_NEIGHBOURS]
    by_volunteers = row[HELPED_BY_VOLUNTEERS]
    consumed = row[CONSUMED]
    destroyed = row[DESTROYED]
    lat = 0.0
    for i in range(detected_by.shape[0]):
        ch = detected_by[i]
        if ch > 0:
            by_channel[ch] += 1.0
        if t_detected[i] == day:
            new += 1.0
            lat += day - t_need_start[i]
        if department_in_today[i] > 0.0:
            served += 1.0
        self_days += bought_today[i]
        neighbours_days += aid_in_today[i]
        volunteers_days += volunteer_in_today[i]
        departments_days += department_in_today[i]
        if aid_in_today[i] > 0.0:
            by_neighbours += 1.0
        if volunteer_in_today[i] > 0.0:
            by_volunteers += 1.0
        consumed += consumed_today[i]
        destroyed += destroyed_today[i]
    for ch in range(1, len(CHANNEL_COLUMN)):
        row[CHANNEL_COLUMN[ch]] = by_channel[ch]
    row[NEW_DETECTIONS] = new
    row[SERVED_DEPARTMENT] = served
    row[HELP_SELF_DAYS] = self_days
    row[HELP_NEIGHBOURS_DAYS] = neighbours_days
    row[HELP_VOLUNTEERS_DAYS] = volunteers_days
    row[HELP_DEPARTMENTS_DAYS] = departments_days
    row[HELPED_BY_NEIGHBOURS] = by_neighbours
    row[HELPED_BY_VOLUNTEERS] = by_volunteers
    row[CONSUMED] = consumed
    row[DESTROYED] = destroyed
    row[DETECTION_LATENCY_SUM] = lat


@njit(cache=True)
def record_workers(motivation, used_today, volunteer_hours_per_day, reporting_hours,
                   visits_today, row):
    """The volunteers' motivation and work, the grid workers' reports and visits.
    Writes row.
    """
    nv = motivation.shape[0]
    m = 0.0
    used = 0.0
    for v in range(nv):
        m += motivation[v]
        used += used_today[v]
        if used_today[v] > 0.0:
            row[ACTIVE_VOLUNTEERS] += 1.0
    row[VOLUNTEER_MOTIVATION_MEAN] = m / nv if nv > 0 else 0.0
    row[VOLUNTEER_DAYS] = used
    row[VOLUNTEER_HOURS] = used * volunteer_hours_per_day
    row[REPORTING_HOURS] = reporting_hours
    row[VISITS] = float(np.sum(visits_today))


@njit(cache=True)
def record_goods(shop_stock, shop_in_today, group_in_today, depot, in_transit, donated_today,
                 shop_destroyed_today, warehouse, warehouse_in_today, row):
    """Last of the record phase: the city's stocks and flows of goods (sums in
    grid order; goods in: shops' deliveries and group buying's; warehouse and
    warehouse_in_today are (1,) arrays), shop stock destroyed added to the
    households' reserves destroyed. Writes row.
    """
    shop_in = 0.0
    for g in range(shop_stock.shape[0]):
        shop_in += shop_in_today[g] + group_in_today[g]
        row[STOCK_SHOPS] += shop_stock[g]
        row[STOCK_DEPOTS] += depot[g]
        row[STOCK_IN_TRANSIT] += in_transit[g]
        row[DONATED] += donated_today[g]
        row[DESTROYED] += shop_destroyed_today[g]
    row[SUPPLY_IN] = shop_in + warehouse_in_today[0]
    row[STOCK_WAREHOUSE] = warehouse[0]
