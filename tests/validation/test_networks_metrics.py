"""Network generators against their known statistics; the metrics' worked examples."""

from __future__ import annotations

import numpy as np
import pytest

from experiments import validation as v
from sim import metrics


def test_watts_strogatz_clustering():
    c = v.check_watts_strogatz(v.QUICK)
    assert c.passed, v.format_check(c)
    assert c.numbers["beta 0.0: mean local C"] == pytest.approx(2 / 3)  # ring lattice, exact


def test_erdos_renyi_degrees_are_poisson():
    c = v.check_erdos_renyi(v.QUICK)
    assert c.passed, v.format_check(c)


def test_barabasi_albert_degrees():
    c = v.check_barabasi_albert(v.QUICK)
    assert c.passed, v.format_check(c)
    assert c.numbers["mean degree"] == pytest.approx(2 * v.BA_M, abs=0.01)


def test_ba_theory_helpers():
    # P(k >= m) = 1; the exact law's MLE tends to 3 as kmin grows.
    assert v.ba_ccdf(3, 3) == 1.0
    assert v.ba_mle_expected(3, 10) < v.ba_mle_expected(3, 100) < 3.0
    assert v.ba_mle_expected(3, 100) == pytest.approx(3.0, abs=0.02)


def test_resilience_triangle_worked_example():
    q = np.ones(60)
    q[10:41] = 0.4 + 0.6 * np.arange(31) / 30
    assert metrics.resilience_loss(q, 10, metrics.baseline(q, 10)) == pytest.approx(9.0,
                                                                                    abs=1e-12)


def test_gini_worked_example():
    assert metrics.gini(np.array([0, 0, 0, 1])) == pytest.approx(0.75, abs=1e-12)


def test_report_metrics_check():
    c = v.check_metrics()
    assert c.passed, v.format_check(c)
