"""Tests of sim/metrics.py on hand-built series with answers worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim import metrics
from sim.kernels.record import COLUMNS, N_COLUMNS


def triangle(days: int = 60) -> np.ndarray:
    """Q = 1 until day 9, 0.4 on day 10, back linearly to 1.0 on day 40, then 1."""
    q = np.ones(days)
    k = np.arange(31)
    q[10:41] = 0.4 + 0.6 * k / 30
    return q


def test_triangle_worked_example():
    q = triangle()
    assert q[10] == pytest.approx(0.4) and q[40] == pytest.approx(1.0)
    q0 = metrics.baseline(q, 10)
    assert q0 == 1.0
    # A triangle of height 0.6 and base 30 days: 0.5 * 30 * 0.6 = 9 days.
    assert metrics.resilience_loss(q, 10, q0) == pytest.approx(9.0, abs=1e-12)
    # Q >= 0.95 from 0.4 + 0.6 k / 30 >= 0.95, k >= 27.5: day 38, so 38 - 10 = 28.
    assert metrics.recovery_time(q, 10, q0) == 28.0


def test_resilience_loss_scales_with_baseline():
    # The same drop measured against Q0 = 0.8: loss (0.8 - Q) / 0.8, signed, so a
    # day above the baseline counts against the loss (noise averages out).
    q = np.array([0.8, 0.8, 0.4, 0.8, 0.9, 0.8])
    q0 = metrics.baseline(q, 2)
    assert q0 == pytest.approx(0.8)
    # loss on days 2..5 = [0.5, 0, -0.125, 0]; trapezoid = 0.25 - 0.0625 - 0.0625
    assert metrics.resilience_loss(q, 2, q0) == pytest.approx(0.125)
    assert metrics.resilience_loss(q, 6, q0) == 0.0  # onset after the run
    assert metrics.resilience_loss(q, 2, 0.0) == 0.0


def test_baseline():
    q = np.array([0.9, 0.7, 0.2, 0.1])
    assert metrics.baseline(q, 2) == pytest.approx(0.8)
    assert metrics.baseline(q, 0) == 1.0


def test_recovery_time_cases():
    q0 = 1.0
    never_falls = np.r_[np.ones(10), np.full(10, 0.96)]
    assert metrics.recovery_time(never_falls, 5, q0) == 0.0
    never_recovers = np.r_[np.ones(10), np.full(20, 0.5)]
    assert math.isnan(metrics.recovery_time(never_recovers, 10, q0))
    # Back above 0.95 from day 16 on, for good: 16 - 10 = 6.
    q = np.r_[np.ones(10), np.full(6, 0.5), np.ones(10)]
    assert metrics.recovery_time(q, 10, q0) == 6.0
    # A relapse within the 7-day hold restarts the clock: from day 20 on, 20 - 10 = 10.
    q = np.r_[np.ones(10), np.full(3, 0.5), np.ones(3), [0.9], np.full(3, 0.5), np.ones(10)]
    assert metrics.recovery_time(q, 10, q0) == 10.0
    # Back above, but the run ends before 7 days have held: NaN.
    q = np.r_[np.ones(10), np.full(3, 0.5), np.ones(6)]
    assert math.isnan(metrics.recovery_time(q, 10, q0))
    # A fall that starts after onset: the clock still runs from onset (day 10).
    q = np.r_[np.ones(15), [0.5, 0.5], np.ones(10)]
    assert metrics.recovery_time(q, 10, q0) == 7.0


def test_gini():
    assert metrics.gini(np.array([0.0, 0.0, 0.0, 1.0])) == pytest.approx(0.75)
    assert metrics.gini(np.full(7, 3.2)) == pytest.approx(0.0, abs=1e-12)
    assert metrics.gini(np.zeros(5)) == 0.0
    assert metrics.gini(np.array([])) == 0.0
    # [1, 2, 3, 4]: mean absolute difference 1.25, mean 2.5: G = 1.25 / (2 * 2.5) = 0.25.
    assert metrics.gini(np.array([4.0, 1.0, 3.0, 2.0])) == pytest.approx(0.25)


def hand_daily() -> np.ndarray:
    """A 10-day series, onset on day 4, with round numbers."""
    d = np.zeros((10, N_COLUMNS))
    c = {k: i for i, k in enumerate(COLUMNS)}
    d[:, c["functionality"]] = [1, 1, 1, 1, 0.5, 0.5, 1, 1, 1, 1]
    # 100 vulnerable and 300 other households; crisis household-days 20 and 15.
    d[:, c["in_crisis_vulnerable"]] = [0, 0, 0, 0, 5, 5, 5, 5, 0, 0]
    d[:, c["in_crisis_other"]] = [0, 0, 0, 0, 5, 5, 5, 0, 0, 0]
    d[:, c["in_crisis"]] = d[:, c["in_crisis_vulnerable"]] + d[:, c["in_crisis_other"]]
    d[:, c["in_need"]] = [1, 0, 0, 2, 200, 200, 0, 0, 0, 0]
    # 4 first detections with latencies 1, 1, 2, 4 (sum 8) and 1 with latency 0.
    d[:, c["new_detections"]] = [0, 0, 0, 0, 1, 3, 0, 1, 0, 0]
    d[:, c["detection_latency_sum"]] = [0, 0, 0, 0, 1, 3, 0, 4, 0, 0]
    d[:, c["illusion_gap"]] = [0.9, 0.9, 0, 0, 0.1, 0.3, 0.2, 0.0, -0.1, 0.0]
    d[:, c["true_need_share"]] = [0.9, 0.9, 0, 0, 0.2, 0.3, 0.2, 0, 0, 0]
    d[:, c["dashboard_need_share"]] = d[:, c["true_need_share"]] - d[:, c["illusion_gap"]]
    # Household by household (missed minus false alarms is the illusion gap each day).
    d[:, c["missed_need"]] = [0.9, 0.9, 0, 0, 0.15, 0.3, 0.2, 0, 0, 0]
    d[:, c["false_alarms"]] = [0, 0, 0, 0, 0.05, 0, 0, 0, 0.1, 0]
    d[:, c["trust_mean"]] = np.linspace(0.6, 0.5, 10)
    d[:, c["social_capital_mean"]] = 0.45
    d[:, c["volunteer_hours"]] = 2.5
    d[:, c["reporting_hours"]] = 10.0
    return d


def test_summarise_hand_built():
    s = metrics.summarise(hand_daily(), 4, n_vulnerable=100, n_other=300,
                          need_total=np.array([0.0, 0.0, 0.0, 5.0]),
                          was_in_need_vulnerable=8, was_detected_vulnerable=6)
    assert s.baseline_functionality == 1.0
    assert s.robustness == 0.5
    # Loss from day 4: [0.5, 0.5, 0, 0, 0, 0]; trapezoid: 0.5 + 0.25 = 0.75 days.
    assert s.resilience_loss == pytest.approx(0.75)
    assert math.isnan(s.recovery_time)  # back on day 6, but only 4 days are left to hold
    assert s.recovery_status == metrics.NOT_RECOVERED
    # Crisis rates: vulnerable 20 / (100 * 10) = 0.02, other 15 / (300 * 10) = 0.005.
    assert s.crisis_rate_vulnerable == pytest.approx(0.02)
    assert s.crisis_rate_other == pytest.approx(0.005)
    assert s.equity_gap == pytest.approx(0.015)
    assert (s.n_vulnerable, s.n_other) == (100.0, 300.0)
    assert s.gini_unmet_need == pytest.approx(0.75)
    assert s.mean_detection_latency == pytest.approx(8.0 / 5.0)
    assert s.vulnerable_coverage == pytest.approx(0.75)
    # Illusion gap from onset (day 4 on): [0.1, 0.3, 0.2, 0, -0.1, 0].
    assert s.illusion_gap_mean == pytest.approx(0.5 / 6)
    assert s.illusion_gap_max == pytest.approx(0.3)
    # Counted household by household (the columns), not from the shares: from onset
    # missed [0.15, 0.3, 0.2, 0, 0, 0], false alarms [0.05, 0, 0, 0, 0.1, 0].
    assert s.missed_need_share == pytest.approx(0.65 / 6)
    assert s.false_alarm_share == pytest.approx(0.15 / 6)
    assert s.unmet_household_days == 403.0
    assert s.crisis_household_days == 35.0
    assert s.end_trust == pytest.approx(0.5)
    assert s.end_social_capital == pytest.approx(0.45)
    assert s.volunteer_hours == pytest.approx(25.0)
    assert s.reporting_hours == pytest.approx(100.0)
    assert set(s.as_dict()) == set(metrics.OUTCOMES)


def test_summarise_empty_cases():
    d = np.zeros((5, N_COLUMNS))
    d[:, COLUMNS.index("functionality")] = 1.0
    s = metrics.summarise(d, 5, n_vulnerable=0, n_other=10, need_total=np.zeros(3),
                          was_in_need_vulnerable=0, was_detected_vulnerable=0)
    assert math.isnan(s.mean_detection_latency)  # nobody detected
    assert math.isnan(s.vulnerable_coverage)  # nobody vulnerable in need
    assert math.isnan(s.equity_gap)  # no vulnerable households: no rate
    assert s.resilience_loss == 0.0 and s.recovery_time == 0.0
    assert s.recovery_status == metrics.NEVER_DIPPED
    # No crisis at all: both rates are 0 and so is the gap (a ratio would be undefined).
    s = metrics.summarise(d, 5, n_vulnerable=10, n_other=10, need_total=np.zeros(3),
                          was_in_need_vulnerable=0, was_detected_vulnerable=0)
    assert (s.crisis_rate_vulnerable, s.crisis_rate_other, s.equity_gap) == (0.0, 0.0, 0.0)


def test_daily_names_match_record_columns():
    assert tuple(metrics.DAILY) == COLUMNS
    df = metrics.daily_frame(hand_daily())
    assert list(df.columns) == ["day", *COLUMNS]
    assert df["day"].tolist() == list(range(10))


def test_counterfactual_loss_worked_example():
    # Onset on day 2, window of 3 days (days 2, 3, 4).
    q_none = np.array([0.9, 0.9, 0.8, 0.5, 1.0, 1.0])
    q_shock = np.array([0.9, 0.9, 0.4, 0.5, 1.1, 0.0])
    # (0.8 - 0.4) / 0.8 + 0 + (1.0 - 1.1) / 1.0 = 0.5 - 0.1 = 0.4 days; day 5 is outside.
    assert metrics.counterfactual_loss(q_shock, q_none, 2, 3) == pytest.approx(0.4)
    # A window past the end is cut at the run's end: days 2..5 add (1 - 0) / 1 = 1.
    assert metrics.counterfactual_loss(q_shock, q_none, 2, 90) == pytest.approx(1.4)
    # A run against itself loses exactly nothing; an empty window too.
    assert metrics.counterfactual_loss(q_none, q_none, 0, 6) == 0.0
    assert metrics.counterfactual_loss(q_shock, q_none, 6, 5) == 0.0
    # Q_none = 0 on a day: that day counts Q_none - Q_shock unscaled.
    assert metrics.counterfactual_loss(np.array([0.2]), np.array([0.0]), 0, 1) == \
        pytest.approx(-0.2)
    # Excess crisis household-days over days 1..2: (7 - 5) + (4 - 4) = 2.
    assert metrics.excess(np.array([1, 7, 4, 9]), np.array([1, 5, 4, 0]), 1, 2) == 2.0


def test_counterfactual_removes_drift_the_absolute_loss_counts():
    # Q drifts down 0.01 a day with or without the shock: against the pre-onset
    # baseline that drift is loss; against the paired no-shock run it is not.
    q = 1.0 - 0.01 * np.arange(20)
    q0 = metrics.baseline(q, 10)
    assert metrics.resilience_loss(q, 10, q0) > 0.5
    assert metrics.counterfactual_loss(q, q, 10, 10) == 0.0


def test_recovery_is_censored():
    q0 = 1.0
    assert metrics.recovery(np.ones(20), 5, q0) == (metrics.NEVER_DIPPED, 0.0)
    q = np.r_[np.ones(10), np.full(6, 0.5), np.ones(10)]
    assert metrics.recovery(q, 10, q0) == (metrics.RECOVERED, 6.0)
    # Not recovered: censored at the 20 days observed after onset (day 10 of 30).
    assert metrics.recovery(np.r_[np.ones(10), np.full(20, 0.5)], 10, q0) == \
        (metrics.NOT_RECOVERED, 20.0)


def test_missed_need_and_false_alarms_are_means_of_the_exact_columns():
    missed_days = np.array([0.0, 0.15, 0.05, 0.0])
    false_days = np.array([0.0, 0.0, 0.15, 0.0])
    missed, false = metrics.missed_and_false(missed_days, false_days)
    assert missed == pytest.approx(0.05) and false == pytest.approx(0.0375)
    # Both are counted household by household, so on day 2 they do not cancel.
    assert all(math.isnan(v) for v in metrics.missed_and_false(np.array([]), np.array([])))


def test_crisis_rates_and_gap():
    # 3 vulnerable households over 4 days with 6 crisis days; 10 others with 4.
    rv, ro, gap = metrics.crisis_rates(np.array([2, 2, 1, 1]), np.array([1, 1, 1, 1]), 3, 10)
    assert rv == pytest.approx(0.5) and ro == pytest.approx(0.1) and gap == pytest.approx(0.4)
    assert math.isnan(metrics.crisis_rates(np.zeros(4), np.zeros(4), 0, 10)[0])


def test_every_outcome_has_reading_info():
    for name, info in metrics.OUTCOME_INFO.items():
        assert info.low < info.high and info.better in ("none", "lower", "higher"), name
