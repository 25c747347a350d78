"""Departments against discrete-time queueing results; conservation of what moves.

Mapping (docs/validation.md): a day is a slot; a case dispatched on day d
joins the department's queue on day d and can be served that day; the
department serves floor((d+1) c) - floor(d c) cases on day d (c its daily
capacity), first come first served among cases of equal vulnerability. With
A_d new cases on day d and c = 1 the number left waiting at the end of the
day is the discrete-time queue Q' = max(Q + A - 1, 0), whose mean is
E[Q] = (E[A^2] - E[A]) / (2 (1 - E[A])); by Little's law the mean wait is
E[Q] / E[A] days.
"""

from __future__ import annotations

import numpy as np
import pytest

from experiments import validation as v
from sim.processes import department_queue


def lindley(arrivals: np.ndarray) -> np.ndarray:
    """Q' = max(Q + A - 1, 0) in plain Python, independent of the kernel."""
    q, out = 0, np.empty(len(arrivals), np.int64)
    for d, a in enumerate(arrivals):
        q = max(q + int(a) - 1, 0)
        out[d] = q
    return out


def test_department_queue_is_the_lindley_recursion():
    # Same arrivals, day by day: the kernel's queue is exactly Q' = max(Q + A - 1, 0).
    a = np.random.default_rng(5).binomial(4, 0.2, 5_000)
    np.testing.assert_array_equal(department_queue(a, capacity=1.0).queue, lindley(a))


def test_queue_formula_against_the_recursion():
    # The formula itself, checked on a long plain-Python run (Poisson arrivals: M/D/1 Lq).
    a = np.random.default_rng(6).poisson(0.7, 400_000)
    assert lindley(a)[1_000:].mean() == pytest.approx(v.batch_queue_mean(0.7, 0.7 + 0.49),
                                                      rel=0.05)
    assert v.batch_queue_mean(0.7, 0.7 + 0.49) == pytest.approx(0.49 / 0.6)  # lambda^2/(2(1-l))


@pytest.mark.slow  # 8 s each; the Lindley recursion test checks the same queue quickly
@pytest.mark.parametrize("check", [v.check_queue_batch, v.check_queue_periodic])
def test_departments_match_queueing_theory(check):
    c = check(v.QUICK)
    assert c.passed, v.format_check(c)


def test_mutual_aid_conserves():
    c = v.check_mutual_aid_conservation(n=5_000)
    assert c.passed, v.format_check(c)


def test_departments_conserve():
    c = v.check_department_conservation(n=5_000, days=20)
    assert c.passed, v.format_check(c)
