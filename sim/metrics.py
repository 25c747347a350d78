"""Outputs: the daily series, the per-run summary and the paired (counterfactual) losses.

The daily series is a preallocated (days, metrics) array filled by the record
phase (`sim.kernels.record`, columns named in `sim.flags`); `DAILY` documents
them. The run summary is computed from one run's series and final state, never from an averaged
curve. The counterfactual measures compare a shocked run with its paired
no-shock run (same seed, strategy and city: common random numbers) over a
window after onset; the experiment layer pairs the runs and calls them.
Every outcome's unit, range and better direction is in `OUTCOME_INFO`, which
the report, the intervals and the UI read. Worked examples are in the tests
and docs/ODD.md, 'Outputs'.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from sim.flags import COLUMNS

DAILY: dict[str, str] = {
    "functionality": "Q: share of households with no unmet need",
    "wellbeing_mean": "mean wellbeing, 0-1",
    "in_need": "households with unmet need",
    "in_crisis": "households in crisis (wellbeing below the threshold)",
    "in_crisis_vulnerable": "vulnerable households in crisis",
    "in_crisis_other": "other households in crisis",
    "unmet_need": "sum of unmet need, days of essentials",
    "detected_visit": "detections today by grid worker visits",
    "detected_sensing": "detections today by platform sensing",
    "detected_request": "detections today by platform requests",
    "detected_chat": "detections today by chat groups linked to the platform",
    "new_detections": "need episodes detected for the first time today",
    "detection_latency_sum": "sum over today's first detections of days since need began",
    "served_department": "households departments delivered to today (visits to homes "
                         "no longer in need close the case without a delivery)",
    "help_self_days": "essentials households bought themselves today, days",
    "help_neighbours_days": "essentials given by ties today, days",
    "help_volunteers_days": "essentials delivered by volunteers today, days",
    "help_departments_days": "essentials delivered by departments today, days",
    "helped_by_neighbours": "households helped by ties today",
    "helped_by_volunteers": "households helped by volunteers today",
    "dashboard_need_share": "share of households the dashboard shows in need",
    "true_need_share": "share of households actually in need",
    "illusion_gap": "true minus dashboard need share",
    "trust_mean": "mean trust in government",
    "social_capital_mean": "mean social capital",
    "volunteer_motivation_mean": "mean volunteer motivation",
    "active_volunteers": "volunteers who delivered today",
    "volunteer_days": "essentials volunteers delivered today, days",
    "volunteer_hours": "volunteer hours today",
    "reporting_hours": "grid worker hours spent on top-down reports today",
    "visits": "grid worker visits today",
    "informed": "households informed of a current warning",
    "open_cases": "open cases",
    "supply_in": "goods that came into the city's stocks today: deliveries to shops plus the "
                 "warehouse's resupply, days",
    "consumed": "goods used up today: the day's use drawn from reserves plus need paid off by "
                "any channel (purchases, ties, volunteers, departments), days",
    "destroyed": "household reserves and shop stock destroyed by hazards today, days",
    "stock_shops": "goods on shop shelves at the end of the day, days",
    "stock_warehouse": "goods in the city warehouse at the end of the day, days",
    "stock_depots": "goods in grid depots at the end of the day, days",
    "stock_in_transit": "goods on the way from the warehouse to grid depots, days",
    "stock_households": "household reserves at the end of the day, days",
    "donated": "goods households gave volunteers today, days",
    "detected_outreach": "detections today by departments calling households in their own "
                         "registries (registry outreach)",
    "missed_need": "share of households in need that the dashboard does not show (its view "
                   "frozen while the platform is down)",
    "false_alarms": "share of households the dashboard shows in need that are not in need",
}
assert tuple(DAILY) == COLUMNS, "sim.metrics.DAILY and kernels.record.COLUMNS disagree"


@dataclass(frozen=True)
class RunSummary:
    """Per-run outcomes (see docs/ODD.md, 'Outputs', for each definition)."""

    baseline_functionality: float
    resilience_loss: float
    robustness: float
    recovery_status: float
    recovery_time: float
    unmet_household_days: float
    crisis_household_days: float
    crisis_rate_vulnerable: float
    crisis_rate_other: float
    equity_gap: float
    n_vulnerable: float
    n_other: float
    gini_unmet_need: float
    mean_detection_latency: float
    vulnerable_coverage: float
    missed_need_share: float
    false_alarm_share: float
    illusion_gap_mean: float
    illusion_gap_max: float
    end_trust: float
    end_social_capital: float
    volunteer_hours: float
    reporting_hours: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


# recovery_status codes: a censored quantity, so every run has one.
NEVER_DIPPED, RECOVERED, NOT_RECOVERED = 0, 1, 2
RECOVERY_STATUS = {NEVER_DIPPED: "never dipped below 0.95 Q0",
                   RECOVERED: "recovered (recovery_time days after onset)",
                   NOT_RECOVERED: "dipped and not recovered by the end of the run"}

OUTCOMES: dict[str, str] = {
    "baseline_functionality": "Q0: mean Q before the first event (1 if it starts on day 0)",
    "resilience_loss": "absolute loss: signed area between Q0 and Q after onset, in days "
                       "(resilience triangle against the pre-onset baseline)",
    "robustness": "lowest Q",
    "recovery_status": "0 never dipped below 0.95 Q0, 1 recovered, 2 dipped and not "
                       "recovered by the end (censored)",
    "recovery_time": "days from onset until Q stays >= 0.95 Q0 for 7 days (status 1); "
                     "0 if it never dipped, NaN if not recovered: summarise with "
                     "recovery_status",
    "unmet_household_days": "household-days with unmet need",
    "crisis_household_days": "household-days in crisis",
    "crisis_rate_vulnerable": "crisis household-days of vulnerable households / "
                              "(vulnerable households x days)",
    "crisis_rate_other": "crisis household-days of other households / "
                         "(other households x days)",
    "equity_gap": "crisis rate of vulnerable minus crisis rate of other households "
                  "(0: equal; NaN only if a group has no households)",
    "n_vulnerable": "vulnerable households (the vulnerable rate's denominator per day)",
    "n_other": "other households (the other rate's denominator per day)",
    "gini_unmet_need": "Gini coefficient of households' total unmet need",
    "mean_detection_latency": "mean days from need to first detection",
    "vulnerable_coverage": "share of vulnerable households in need that were detected "
                           "(cases closed on paper at the visit do not count)",
    "missed_need_share": "mean over days from onset of the share of households in need "
                         "that the dashboard does not show (counted household by household)",
    "false_alarm_share": "mean over days from onset of the share of households the dashboard "
                         "shows in need that are not in need (counted household by household)",
    "illusion_gap_mean": "mean of true minus dashboard need share, from onset (all days if "
                         "none); signed, so missed need and false alarms cancel",
    "illusion_gap_max": "largest true minus dashboard need share, from onset (all days if none)",
    "end_trust": "mean trust on the last day",
    "end_social_capital": "mean social capital on the last day",
    "volunteer_hours": "volunteer hours over the run",
    "reporting_hours": "grid worker hours on reports over the run",
}
assert tuple(OUTCOMES) == tuple(RunSummary.__dataclass_fields__)

# Paired outcomes, computed by pairing a shocked run with its no-shock run.
PAIRED_OUTCOMES: dict[str, str] = {
    "counterfactual_loss": "sum over the window of (Q_none - Q) / Q_none, in days: "
                           "functionality lost against the paired no-shock run",
    "excess_crisis_household_days": "crisis household-days in the window minus those of "
                                    "the paired no-shock run",
    "everyday_crisis_household_days": "crisis household-days of the paired no-shock run in "
                                      "the same window: everyday hardship, reported beside "
                                      "the shock's excess, not ranked with it",
}

INF = math.inf


@dataclass(frozen=True)
class OutcomeInfo:
    """How to read an outcome: label with unit, range of a run's value, better direction."""

    label: str
    low: float = -INF
    high: float = INF
    better: str = ""  # "lower", "higher" or "" (no direction)
    digits: int = 3  # significant digits in reports


OUTCOME_INFO: dict[str, OutcomeInfo] = {
    "baseline_functionality": OutcomeInfo("Q0 (share)", 0.0, 1.0, "higher"),
    "resilience_loss": OutcomeInfo("Absolute loss vs pre-onset Q0 (days)", better="lower"),
    "counterfactual_loss": OutcomeInfo("Loss vs no-shock run (days)", better="lower"),
    "excess_crisis_household_days": OutcomeInfo("Excess crisis household-days vs no-shock "
                                                "run", better="lower"),
    "everyday_crisis_household_days": OutcomeInfo("Everyday crisis household-days (paired "
                                                  "no-shock run)", 0.0, INF, "lower"),
    "robustness": OutcomeInfo("Lowest Q (share)", 0.0, 1.0, "higher"),
    "recovery_status": OutcomeInfo("Recovery status (code)", 0.0, 2.0),
    "recovery_time": OutcomeInfo("Recovery time (days)", 0.0, INF, "lower"),
    "unmet_household_days": OutcomeInfo("Unmet household-days", 0.0, INF, "lower"),
    "crisis_household_days": OutcomeInfo("Crisis household-days", 0.0, INF, "lower"),
    "crisis_rate_vulnerable": OutcomeInfo("Crisis rate, vulnerable (share of days)",
                                          0.0, 1.0, "lower"),
    "crisis_rate_other": OutcomeInfo("Crisis rate, others (share of days)", 0.0, 1.0, "lower"),
    "equity_gap": OutcomeInfo("Equity gap: vulnerable minus other crisis rate",
                              -1.0, 1.0, "lower"),
    "n_vulnerable": OutcomeInfo("Vulnerable households", 0.0, INF),
    "n_other": OutcomeInfo("Other households", 0.0, INF),
    "gini_unmet_need": OutcomeInfo("Gini of unmet need", 0.0, 1.0, "lower"),
    "mean_detection_latency": OutcomeInfo("Detection latency (days)", 0.0, INF, "lower"),
    "vulnerable_coverage": OutcomeInfo("Vulnerable coverage (share)", 0.0, 1.0, "higher"),
    "missed_need_share": OutcomeInfo("Missed need (share of households)", 0.0, 1.0, "lower"),
    "false_alarm_share": OutcomeInfo("False alarms (share of households)", 0.0, 1.0, "lower"),
    "illusion_gap_mean": OutcomeInfo("Illusion gap, signed (share)", -1.0, 1.0),
    "illusion_gap_max": OutcomeInfo("Largest illusion gap (share)", -1.0, 1.0, "lower"),
    "end_trust": OutcomeInfo("Trust at the end (0-1)", 0.0, 1.0, "higher"),
    "end_social_capital": OutcomeInfo("Social capital at the end (0-1)", 0.0, 1.0, "higher"),
    "volunteer_hours": OutcomeInfo("Volunteer hours", 0.0, INF),
    "reporting_hours": OutcomeInfo("Reporting hours", 0.0, INF, "lower"),
}
assert set(OUTCOME_INFO) == set(OUTCOMES) | set(PAIRED_OUTCOMES)

DEFAULT_WINDOW_DAYS = 90  # counterfactual window after onset when a spec sets none


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0: equal; 0.75 for [0, 0, 0, 1])."""
    x = np.sort(np.asarray(x, dtype=np.float64))
    n, total = len(x), x.sum()
    if n == 0 or total <= 0.0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float(2.0 * np.sum(ranks * x) / (n * total) - (n + 1) / n)


def baseline(q: np.ndarray, onset: int) -> float:
    """Q0: mean Q before onset, or 1.0 when the shock starts on day 0."""
    return float(np.mean(q[:onset])) if onset > 0 else 1.0


def resilience_loss(q: np.ndarray, onset: int, q0: float) -> float:
    """Area of the resilience triangle: integral of (Q0 - Q) / Q0 over days
    from onset, by the trapezoid rule (days). Signed, so day-to-day noise
    around Q0 averages out instead of adding up as loss. Measured against the
    pre-onset baseline, so drift without a shock counts too: the
    counterfactual loss removes it."""
    if q0 <= 0.0 or onset >= len(q):
        return 0.0
    loss = (q0 - q[onset:]) / q0
    return float(np.trapezoid(loss)) if len(loss) > 1 else 0.0


def window(onset: int, horizon: int, days: int) -> slice:
    """Days onset .. onset + horizon - 1, cut at the end of the run (may be empty)."""
    start = min(max(onset, 0), days)
    return slice(start, min(start + max(horizon, 0), days))


def counterfactual_loss(q_shock: np.ndarray, q_none: np.ndarray, onset: int,
                        horizon: int) -> float:
    """Functionality lost against the paired no-shock run, in days: the sum
    over days onset .. onset + horizon - 1 of (Q_none - Q_shock) / Q_none
    (days with Q_none = 0 count Q_none - Q_shock, i.e. 0). Exactly 0 when the
    two curves are equal; negative when the shocked run did better."""
    q_shock = np.asarray(q_shock, dtype=np.float64)
    q_none = np.asarray(q_none, dtype=np.float64)
    w = window(onset, horizon, min(len(q_shock), len(q_none)))
    a, b = q_shock[w], q_none[w]
    diff = b - a
    rel = np.divide(diff, b, out=diff.copy(), where=b > 0.0)
    return float(rel.sum())


def excess(x_shock: np.ndarray, x_none: np.ndarray, onset: int, horizon: int) -> float:
    """Sum over the window of x_shock - x_none (e.g. excess crisis household-days)."""
    x_shock = np.asarray(x_shock, dtype=np.float64)
    x_none = np.asarray(x_none, dtype=np.float64)
    w = window(onset, horizon, min(len(x_shock), len(x_none)))
    return float((x_shock[w] - x_none[w]).sum())


def recovery(q: np.ndarray, onset: int, q0: float, level: float = 0.95,
             hold: int = 7) -> tuple[int, float]:
    """(status, days) of a run, a censored quantity defined for every run:
    (NEVER_DIPPED, 0) if Q never falls below level x Q0 from onset;
    (RECOVERED, d) if, after its first fall, Q stays >= level x Q0 for `hold`
    days from day onset + d; (NOT_RECOVERED, days observed after onset) if it
    has not by the end (the recovery time is longer than that)."""
    ok = q >= level * q0
    after = np.flatnonzero(~ok[onset:])
    if len(after) == 0:
        return NEVER_DIPPED, 0.0
    first_fall = onset + int(after[0])
    for t in range(first_fall, len(q) - hold + 1):
        if ok[t:t + hold].all():
            return RECOVERED, float(t - onset)
    return NOT_RECOVERED, float(len(q) - onset)


def recovery_time(q: np.ndarray, onset: int, q0: float, level: float = 0.95,
                  hold: int = 7) -> float:
    """Days from onset to recovery (see `recovery`): 0 if Q never falls, NaN if
    it never recovers within the run. Summaries use `recovery`'s status."""
    status, days = recovery(q, onset, q0, level, hold)
    return math.nan if status == NOT_RECOVERED else days


def crisis_rates(crisis_vulnerable: np.ndarray, crisis_other: np.ndarray, n_vulnerable: int,
                 n_other: int) -> tuple[float, float, float]:
    """(rate of vulnerable, rate of others, vulnerable minus others): each rate
    is the group's crisis household-days / (households x days), a share in
    [0, 1]; NaN only for a group with no households."""
    days = len(crisis_vulnerable)
    rv = float(np.sum(crisis_vulnerable) / (n_vulnerable * days)) if n_vulnerable and days \
        else math.nan
    ro = float(np.sum(crisis_other) / (n_other * days)) if n_other and days else math.nan
    return rv, ro, rv - ro


def missed_and_false(missed: np.ndarray, false_alarms: np.ndarray) -> tuple[float, float]:
    """(missed need, false alarms) as unsigned shares of households, averaged
    over the days given, from the daily columns missed_need and false_alarms
    (each counted household by household, so they never cancel)."""
    m = np.asarray(missed, dtype=np.float64)
    f = np.asarray(false_alarms, dtype=np.float64)
    if len(m) == 0:
        return math.nan, math.nan
    return float(m.mean()), float(f.mean())


def summarise(daily: np.ndarray, onset: int, *, n_vulnerable: int, n_other: int,
              need_total: np.ndarray, was_in_need_vulnerable: int,
              was_detected_vulnerable: int) -> RunSummary:
    """The run summary from the daily array (days, metrics) and end-of-run counts."""
    col = {k: daily[:, i] for i, k in enumerate(COLUMNS)}
    q = col["functionality"]
    days = len(q)
    q0 = baseline(q, onset)
    rate_v, rate_o, gap_vo = crisis_rates(col["in_crisis_vulnerable"], col["in_crisis_other"],
                                          n_vulnerable, n_other)
    detections = col["new_detections"].sum()
    since = slice(onset, days) if onset < days else slice(0, days)
    gap = col["illusion_gap"][since]
    missed, false = missed_and_false(col["missed_need"][since], col["false_alarms"][since])
    status, rec_days = recovery(q, onset, q0)
    return RunSummary(
        baseline_functionality=q0,
        resilience_loss=resilience_loss(q, onset, q0),
        robustness=float(q.min()),
        recovery_status=float(status),
        recovery_time=math.nan if status == NOT_RECOVERED else rec_days,
        unmet_household_days=float(col["in_need"].sum()),
        crisis_household_days=float(col["in_crisis"].sum()),
        crisis_rate_vulnerable=rate_v,
        crisis_rate_other=rate_o,
        equity_gap=gap_vo,
        n_vulnerable=float(n_vulnerable),
        n_other=float(n_other),
        gini_unmet_need=gini(need_total),
        mean_detection_latency=(float(col["detection_latency_sum"].sum() / detections)
                                if detections else math.nan),
        vulnerable_coverage=(was_detected_vulnerable / was_in_need_vulnerable
                             if was_in_need_vulnerable else math.nan),
        missed_need_share=missed,
        false_alarm_share=false,
        illusion_gap_mean=float(gap.mean()),
        illusion_gap_max=float(gap.max()),
        end_trust=float(col["trust_mean"][-1]),
        end_social_capital=float(col["social_capital_mean"][-1]),
        volunteer_hours=float(col["volunteer_hours"].sum()),
        reporting_hours=float(col["reporting_hours"].sum()),
    )


def daily_frame(daily: np.ndarray) -> pd.DataFrame:
    """The daily series as a DataFrame: one row per day, one column per metric."""
    df = pd.DataFrame(daily, columns=list(COLUMNS))
    df.insert(0, "day", np.arange(len(df)))
    return df
