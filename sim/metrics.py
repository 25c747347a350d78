"""Outputs: the daily series, the per-run summary and the paired (counterfactual) losses.

The daily series is a preallocated (days, metrics) array filled by the record
phase (`sim.kernels.record`); each column and each outcome is declared once, in
`sim.outputs`, and `DAILY`, `OUTCOMES`, `PAIRED_OUTCOMES` and `OUTCOME_INFO`
are read from there. The run summary is computed from one run's series and
final state, never from an averaged curve. The counterfactual measures compare
a shocked run with its paired no-shock run (same seed, strategy and city:
common random numbers) over a window after onset; the experiment layer pairs
the runs and calls them.
Every outcome's unit, range and better direction is in `OUTCOME_INFO`, which
the report, the intervals and the UI read; `lower_is_better` refuses an
outcome with no direction. Worked examples are in the tests
and docs/ODD.md, 'Outputs'.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from sim.errors import OutcomeError
from sim.flags import COLUMNS
from sim.outputs import ALL_OUTCOMES, RECORD, Outcome

DAILY: dict[str, str] = {c.name: c.meaning for c in RECORD}  # column -> meaning

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

# Outcomes: declared once, in sim.outputs.ALL_OUTCOMES (name, direction, label, range).
OutcomeInfo = Outcome
OUTCOME_INFO: dict[str, Outcome] = {o.name: o for o in ALL_OUTCOMES}
OUTCOMES: dict[str, str] = {o.name: o.meaning for o in ALL_OUTCOMES if not o.paired}
PAIRED_OUTCOMES: dict[str, str] = {o.name: o.meaning for o in ALL_OUTCOMES if o.paired}
assert tuple(OUTCOMES) == tuple(RunSummary.__dataclass_fields__), \
    "sim.outputs.ALL_OUTCOMES and sim.metrics.RunSummary disagree"


def lower_is_better(outcome: str) -> bool:
    """Whether a lower value of `outcome` is better; an error for an outcome with no
    direction (it is reported, never ranked) or an unknown one."""
    o = OUTCOME_INFO.get(outcome)
    if o is None:
        raise OutcomeError(f"unknown outcome {outcome!r}; known: {', '.join(OUTCOME_INFO)}")
    if o.better == "none":
        ranked = [k for k, v in OUTCOME_INFO.items() if v.better != "none"]
        raise OutcomeError(f"outcome {outcome!r} has no better direction (better = 'none' in "
                           f"sim.outputs): it is reported but cannot be ranked; outcomes that "
                           f"can: {', '.join(ranked)}")
    return o.better == "lower"


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


def daily_frame(daily: np.ndarray, columns: tuple[str, ...] = COLUMNS) -> pd.DataFrame:
    """The daily series as a DataFrame: one row per day, one column per metric
    (`columns`: the model's, registered mechanisms' included)."""
    df = pd.DataFrame(daily, columns=list(columns))
    df.insert(0, "day", np.arange(len(df)))
    return df
