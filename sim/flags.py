"""Named constants shared by the kernels and the reference agents: plain Python.

Bit flags of `asked_today`, the channels of `detected_by`, the departments,
and the columns of the daily record. The bottom layer: imports nothing.

Numba compiles these values into the kernels that use them, and its cache
does not notice a change in this file: after editing a value here, delete
the kernel cache (`find . -name "*.nbi" -delete`). The values are meant never
to change; add new ones at the end.
"""

# asked_today: channels a household asked through today (bit mask).
ASK_PLATFORM = 1
ASK_CHAT = 2
ASK_NEIGHBOURS = 4

# detected_by: the channel of today's detection (0 none).
VISIT = 1
SENSING = 2
REQUEST = 3
CHAT = 4
OUTREACH = 5  # a department's call to a household in its own registry

# Line departments (rows of department_capacity); names in sim.state.DEPARTMENTS.
CIVIL_AFFAIRS = 0
HEALTH = 1
EMERGENCY = 2
UTILITIES = 3

# Columns of the daily record (`model.daily`); sim.metrics.DAILY says what each means.
FUNCTIONALITY = 0
WELLBEING_MEAN = 1
IN_NEED = 2
IN_CRISIS = 3
IN_CRISIS_VULNERABLE = 4
IN_CRISIS_OTHER = 5
UNMET_NEED = 6
DETECTED_VISIT = 7
DETECTED_SENSING = 8
DETECTED_REQUEST = 9
DETECTED_CHAT = 10
NEW_DETECTIONS = 11
DETECTION_LATENCY_SUM = 12
SERVED_DEPARTMENT = 13
HELP_SELF_DAYS = 14
HELP_NEIGHBOURS_DAYS = 15
HELP_VOLUNTEERS_DAYS = 16
HELP_DEPARTMENTS_DAYS = 17
HELPED_BY_NEIGHBOURS = 18
HELPED_BY_VOLUNTEERS = 19
DASHBOARD_NEED_SHARE = 20
TRUE_NEED_SHARE = 21
ILLUSION_GAP = 22
TRUST_MEAN = 23
SOCIAL_CAPITAL_MEAN = 24
VOLUNTEER_MOTIVATION_MEAN = 25
ACTIVE_VOLUNTEERS = 26
VOLUNTEER_DAYS = 27
VOLUNTEER_HOURS = 28
REPORTING_HOURS = 29
VISITS = 30
INFORMED = 31
OPEN_CASES = 32
SUPPLY_IN = 33
CONSUMED = 34
DESTROYED = 35
STOCK_SHOPS = 36
STOCK_WAREHOUSE = 37
STOCK_DEPOTS = 38
STOCK_IN_TRANSIT = 39
STOCK_HOUSEHOLDS = 40
DONATED = 41
DETECTED_OUTREACH = 42
MISSED_NEED = 43
FALSE_ALARMS = 44
N_COLUMNS = 45
COLUMNS = (
    "functionality", "wellbeing_mean", "in_need", "in_crisis", "in_crisis_vulnerable",
    "in_crisis_other", "unmet_need", "detected_visit", "detected_sensing", "detected_request",
    "detected_chat", "new_detections", "detection_latency_sum", "served_department",
    "help_self_days", "help_neighbours_days", "help_volunteers_days", "help_departments_days",
    "helped_by_neighbours", "helped_by_volunteers", "dashboard_need_share", "true_need_share",
    "illusion_gap", "trust_mean", "social_capital_mean", "volunteer_motivation_mean",
    "active_volunteers", "volunteer_days", "volunteer_hours", "reporting_hours", "visits",
    "informed", "open_cases", "supply_in", "consumed", "destroyed", "stock_shops",
    "stock_warehouse", "stock_depots", "stock_in_transit", "stock_households", "donated",
    "detected_outreach", "missed_need", "false_alarms",
)
