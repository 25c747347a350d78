"""Phase 10, record: the day's metrics, one serial pass over the arrays.

Serial on purpose: floating-point sums then come out the same at any thread
count. The columns are named in `sim.flags` (COLUMNS, and one constant per
column); `sim.metrics` documents them.
"""

import numpy as np
from numba import njit

from sim.flags import (
    ACTIVE_VOLUNTEERS,
    COLUMNS,
    CONSUMED,
    DASHBOARD_NEED_SHARE,
    DESTROYED,
    DETECTED_OUTREACH,
    DETECTED_VISIT,
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
    OUTREACH,
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

__all__ = ["COLUMNS", "N_COLUMNS", "record_day"]


@njit(cache=True)
def record_day(need, wellbeing, is_vulnerable, detected_by, t_detected, t_need_start,
               bought_today, aid_in_today, volunteer_in_today, department_in_today, trust,
               social_capital, t_informed, t_case, need_total, motivation, used_today,
               visits_today, crisis_threshold, dashboard, volunteer_hours_per_day,
               reporting_hours, consumed_today, destroyed_today, reserves, shop_stock,
               shop_in_today, group_in_today, depot, in_transit, donated_today, shop_destroyed_today,
               warehouse,
               warehouse_in_today, is_shown, day, row):
    """Write the day's metrics into `row` (N_COLUMNS,) and add today's need to
    each household's need_total. The detection columns are DETECTED_VISIT +
    channel - 1 for channels 1-4 and DETECTED_OUTREACH (channels in
    sim.flags). dashboard, warehouse and warehouse_in_today are (1,) arrays;
    is_shown says which households the dashboard shows (missed need, false
    alarms). The goods columns (supply_in ... donated) are sums in row order:
    the city's stocks and flows. Writes row, need_total.
    """
    n = need.shape[0]
    row[:] = 0.0
    wb = 0.0
    unmet = 0.0
    lat = 0.0
    trust_sum = 0.0
    sc_sum = 0.0
    for i in range(n):
        nd = need[i]
        need_total[i] += nd
        if nd > 0.0:
            row[IN_NEED] += 1.0
            unmet += nd
        w = wellbeing[i]
        wb += w
        if w < crisis_threshold:
            row[IN_CRISIS] += 1.0
            if is_vulnerable[i]:
                row[IN_CRISIS_VULNERABLE] += 1.0
            else:
                row[IN_CRISIS_OTHER] += 1.0
        ch = detected_by[i]
        if ch == OUTREACH:
            row[DETECTED_OUTREACH] += 1.0
        elif ch > 0:
            row[DETECTED_VISIT + ch - 1] += 1.0
        if t_detected[i] == day:
            row[NEW_DETECTIONS] += 1.0
            lat += day - t_need_start[i]
        if department_in_today[i] > 0.0:
            row[SERVED_DEPARTMENT] += 1.0
        row[HELP_SELF_DAYS] += bought_today[i]
        row[HELP_NEIGHBOURS_DAYS] += aid_in_today[i]
        row[HELP_VOLUNTEERS_DAYS] += volunteer_in_today[i]
        row[HELP_DEPARTMENTS_DAYS] += department_in_today[i]
        if aid_in_today[i] > 0.0:
            row[HELPED_BY_NEIGHBOURS] += 1.0
        if volunteer_in_today[i] > 0.0:
            row[HELPED_BY_VOLUNTEERS] += 1.0
        trust_sum += trust[i]
        sc_sum += social_capital[i]
        if t_informed[i] >= 0:
            row[INFORMED] += 1.0
        if t_case[i] >= 0:
            row[OPEN_CASES] += 1.0
        row[CONSUMED] += consumed_today[i]
        row[DESTROYED] += destroyed_today[i]
        row[STOCK_HOUSEHOLDS] += reserves[i]
        if is_shown[i] != (nd > 0.0):
            if is_shown[i]:
                row[FALSE_ALARMS] += 1.0
            else:
                row[MISSED_NEED] += 1.0
    row[FUNCTIONALITY] = 1.0 - row[IN_NEED] / n
    row[WELLBEING_MEAN] = wb / n
    row[UNMET_NEED] = unmet
    row[DETECTION_LATENCY_SUM] = lat
    row[DASHBOARD_NEED_SHARE] = dashboard[0]
    row[TRUE_NEED_SHARE] = row[IN_NEED] / n
    row[ILLUSION_GAP] = row[TRUE_NEED_SHARE] - dashboard[0]
    row[TRUST_MEAN] = trust_sum / n
    row[SOCIAL_CAPITAL_MEAN] = sc_sum / n
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
    row[MISSED_NEED] /= n
    row[FALSE_ALARMS] /= n
