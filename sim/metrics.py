"""Outputs: the daily series and the per-run summary (docs/ODD.md sections 7.12-7.13).

The daily series is a preallocated (days, metrics) array filled by the record
phase (`sim.kernels.record`, columns named in `sim.flags`); `DAILY` documents them. The run summary
is computed from one run's series and final state, never from an averaged
curve. Worked examples are in the tests and docs/ODD.md.
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
}
assert tuple(DAILY) == COLUMNS, "sim.metrics.DAILY and kernels.record.COLUMNS disagree"


@dataclass(frozen=True)
class RunSummary:
    """Per-run outcomes (see docs/ODD.md, 'Outputs', for each definition)."""

    baseline_functionality: float
    resilience_loss: float
    robustness: float
    recovery_time: float
    unmet_household_days: float
    crisis_household_days: float
    equity_ratio: float
    gini_unmet_need: float
    mean_detection_latency: float
    vulnerable_coverage: float
    illusion_gap_mean: float
    illusion_gap_max: float
    end_trust: float
    end_social_capital: float
    volunteer_hours: float
    reporting_hours: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


OUTCOMES: dict[str, str] = {
    "baseline_functionality": "Q0: mean Q before the first event (1 if it starts on day 0)",
    "resilience_loss": "signed area between Q0 and Q after onset, in days (resilience triangle)",
    "robustness": "lowest Q",
    "recovery_time": "days from onset until Q stays >= 0.95 Q0 for 7 days (NaN: never)",
    "unmet_household_days": "household-days with unmet need",
    "crisis_household_days": "household-days in crisis",
    "equity_ratio": "crisis rate of vulnerable / crisis rate of other households "
                    "(NaN when no other household was in crisis)",
    "gini_unmet_need": "Gini coefficient of households' total unmet need",
    "mean_detection_latency": "mean days from need to first detection",
    "vulnerable_coverage": "share of vulnerable households in need that were detected",
    "illusion_gap_mean": "mean of true minus dashboard need share, from onset (all days if none)",
    "illusion_gap_max": "largest true minus dashboard need share, from onset (all days if none)",
    "end_trust": "mean trust on the last day",
    "end_social_capital": "mean social capital on the last day",
    "volunteer_hours": "volunteer hours over the run",
    "reporting_hours": "grid worker hours on reports over the run",
}
assert tuple(OUTCOMES) == tuple(RunSummary.__dataclass_fields__)


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
    around Q0 averages out instead of adding up as loss."""
    if q0 <= 0.0 or onset >= len(q):
        return 0.0
    loss = (q0 - q[onset:]) / q0
    return float(np.trapezoid(loss)) if len(loss) > 1 else 0.0


def recovery_time(q: np.ndarray, onset: int, q0: float, level: float = 0.95,
                  hold: int = 7) -> float:
    """Days from onset to the first day, after Q first falls below level x Q0,
    from which Q stays >= level x Q0 for `hold` days. 0 if Q never falls;
    NaN if it never recovers within the run."""
    ok = q >= level * q0
    after = np.flatnonzero(~ok[onset:])
    if len(after) == 0:
        return 0.0
    first_fall = onset + int(after[0])
    for t in range(first_fall, len(q) - hold + 1):
        if ok[t:t + hold].all():
            return float(t - onset)
    return math.nan


def summarise(daily: np.ndarray, onset: int, *, n_vulnerable: int, n_other: int,
              need_total: np.ndarray, was_in_need_vulnerable: int,
              was_detected_vulnerable: int) -> RunSummary:
    """The run summary from the daily array (days, metrics) and end-of-run counts."""
    col = {k: daily[:, i] for i, k in enumerate(COLUMNS)}
    q = col["functionality"]
    days = len(q)
    q0 = baseline(q, onset)
    rate_v = col["in_crisis_vulnerable"].sum() / (n_vulnerable * days) if n_vulnerable else math.nan
    rate_o = col["in_crisis_other"].sum() / (n_other * days) if n_other else math.nan
    equity = rate_v / rate_o if rate_o > 0 else math.nan  # undefined without crisis among others
    detections = col["new_detections"].sum()
    gap = col["illusion_gap"][onset:] if onset < days else col["illusion_gap"]
    return RunSummary(
        baseline_functionality=q0,
        resilience_loss=resilience_loss(q, onset, q0),
        robustness=float(q.min()),
        recovery_time=recovery_time(q, onset, q0),
        unmet_household_days=float(col["in_need"].sum()),
        crisis_household_days=float(col["in_crisis"].sum()),
        equity_ratio=float(equity),
        gini_unmet_need=gini(need_total),
        mean_detection_latency=(float(col["detection_latency_sum"].sum() / detections)
                                if detections else math.nan),
        vulnerable_coverage=(was_detected_vulnerable / was_in_need_vulnerable
                             if was_in_need_vulnerable else math.nan),
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
