"""Phase 10, record: the day's metrics, one serial pass over the arrays.

Serial on purpose: floating-point sums then come out the same at any thread
count. Column order is `COLUMNS`; `sim.metrics` names and documents them.
"""

import numpy as np
from numba import njit

COLUMNS = (
    "functionality", "wellbeing_mean", "in_need", "in_crisis", "in_crisis_vulnerable",
    "in_crisis_other", "unmet_need", "detected_visit", "detected_sensing", "detected_request",
    "detected_chat", "new_detections", "detection_latency_sum", "served_department",
    "help_self_days", "help_neighbours_days", "help_volunteers_days", "help_departments_days",
    "helped_by_neighbours", "helped_by_volunteers", "dashboard_need_share", "true_need_share",
    "illusion_gap", "trust_mean", "social_capital_mean", "volunteer_motivation_mean",
    "active_volunteers", "volunteer_days", "volunteer_hours", "reporting_hours", "visits",
    "informed", "open_cases",
)
N_COLUMNS = len(COLUMNS)


@njit(cache=True)
def record_day(need, wellbeing, is_vulnerable, detected_by, t_detected, t_need_start,
               bought_today, aid_in_today, volunteer_in_today, department_in_today, trust,
               social_capital, t_informed, t_case, need_total, motivation, used_today,
               visits_today, crisis_threshold, dashboard, volunteer_hours_per_day,
               reporting_hours, day, row):
    """Write the day's metrics into `row` (N_COLUMNS,) and add today's need to
    each household's need_total. Reads everything else."""
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
            row[2] += 1.0
            unmet += nd
        w = wellbeing[i]
        wb += w
        if w < crisis_threshold:
            row[3] += 1.0
            if is_vulnerable[i]:
                row[4] += 1.0
            else:
                row[5] += 1.0
        ch = detected_by[i]
        if ch > 0:
            row[6 + ch] += 1.0
        if t_detected[i] == day:
            row[11] += 1.0
            lat += day - t_need_start[i]
        if department_in_today[i] > 0.0:
            row[13] += 1.0
        row[14] += bought_today[i]
        row[15] += aid_in_today[i]
        row[16] += volunteer_in_today[i]
        row[17] += department_in_today[i]
        if aid_in_today[i] > 0.0:
            row[18] += 1.0
        if volunteer_in_today[i] > 0.0:
            row[19] += 1.0
        trust_sum += trust[i]
        sc_sum += social_capital[i]
        if t_informed[i] >= 0:
            row[31] += 1.0
        if t_case[i] >= 0:
            row[32] += 1.0
    row[0] = 1.0 - row[2] / n
    row[1] = wb / n
    row[6] = unmet
    row[12] = lat
    row[20] = dashboard
    row[21] = row[2] / n
    row[22] = row[21] - dashboard
    row[23] = trust_sum / n
    row[24] = sc_sum / n
    nv = motivation.shape[0]
    m = 0.0
    used = 0.0
    for v in range(nv):
        m += motivation[v]
        used += used_today[v]
        if used_today[v] > 0.0:
            row[26] += 1.0
    row[25] = m / nv if nv > 0 else 0.0
    row[27] = used
    row[28] = used * volunteer_hours_per_day
    row[29] = reporting_hours
    row[30] = float(np.sum(visits_today))
