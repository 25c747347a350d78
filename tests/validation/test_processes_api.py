"""sim.processes: the public API for running one process alone.

Hand-worked cases pin down the kernels' timing and arithmetic; bad inputs
must fail with a ParameterError that names the input.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.errors import ParameterError
from sim.network import erdos_renyi, from_edges
from sim.processes import (
    department_queue,
    mutual_aid,
    telling_transmissibility,
    word_of_mouth,
)


def path(n: int, weight: float = 1.0):
    """0 - 1 - 2 - ... - (n-1)."""
    a = np.arange(n - 1)
    return from_edges(n, a, a + 1, weight)


# --------------------------------------------------------------------------
# word_of_mouth


def test_certain_telling_moves_one_step_a_day():
    # p_tell = 1, p_stop = 1: each household tells on exactly the day after it is
    # informed, so household d is informed on day d.
    res = word_of_mouth(path(6), [0], p_tell=1.0, p_stop=1.0, days=10, seed=0)
    np.testing.assert_array_equal(res.t_informed, np.arange(6))
    np.testing.assert_array_equal(res.informed, [1, 2, 3, 4, 5, 6, 6, 6, 6, 6, 6])
    assert res.reach == 1.0 and res.n_informed == 6
    assert res.last_day == 6  # household 5 still tells on day 6 (to nobody new), then stops


def test_never_telling_reaches_only_the_seeds():
    net = erdos_renyi(500, 6.0, seed=1)
    res = word_of_mouth(net, [3, 7], p_tell=0.0, p_stop=0.5, days=50, seed=2)
    assert res.n_informed == 2 and res.reach == pytest.approx(2 / 500)
    assert set(np.flatnonzero(res.t_informed >= 0)) == {3, 7}
    assert np.all(res.t_informed[[3, 7]] == 0)


def test_tie_strength_scales_the_daily_chance():
    # 20,000 separate pairs of strength 0.5, p_tell 1, p_stop 1: one day of telling
    # at chance 0.5, so half the partners hear.
    m = 20_000
    a = np.arange(m) * 2
    net = from_edges(2 * m, a, a + 1, 0.5)
    res = word_of_mouth(net, a, p_tell=1.0, p_stop=1.0, days=5, seed=3)
    assert (res.t_informed[a + 1] >= 0).mean() == pytest.approx(0.5, abs=0.015)


def test_same_seed_same_spread_and_days_zero():
    net = erdos_renyi(2_000, 4.0, seed=4)
    r1 = word_of_mouth(net, [0, 1, 2], 0.3, 0.3, days=100, seed=9)
    r2 = word_of_mouth(net, np.array([0, 1, 2]), 0.3, 0.3, days=100, seed=9)
    np.testing.assert_array_equal(r1.t_informed, r2.t_informed)
    r0 = word_of_mouth(net, [0], 0.3, 0.3, days=0, seed=9)
    np.testing.assert_array_equal(r0.informed, [1])
    assert len(r1.informed) == 101 and np.all(np.diff(r1.informed) >= 0)


def test_transmissibility_formula_matches_its_series():
    for p, s in [(0.3, 0.3), (0.15, 0.35), (0.9, 0.05), (0.01, 0.99)]:
        k = np.arange(1, 5_000)
        series = np.sum(s * (1 - s) ** (k - 1) * (1 - (1 - p) ** k))
        assert telling_transmissibility(p, s) == pytest.approx(series, rel=1e-12)
    assert telling_transmissibility(0.2, 0.0) == 1.0
    assert telling_transmissibility(0.0, 0.0) == 0.0


@pytest.mark.parametrize("kwargs, match", [
    ({"seeds": []}, "non-empty"),
    ({"seeds": [0, 0]}, "distinct"),
    ({"seeds": [10]}, r"seeds\[0\] = 10"),
    ({"seeds": [-1]}, "not a household id"),
    ({"seeds": [0.5]}, "integer"),
    ({"p_tell": 1.5}, "p_tell"),
    ({"p_stop": -0.1}, "p_stop"),
    ({"p_tell": float("nan")}, "p_tell"),
    ({"days": -1}, "days"),
    ({"days": 2.5}, "days"),
    ({"seed": -3}, "seed"),
    ({"network": "not a network"}, "sim.network.Network"),
])
def test_word_of_mouth_rejects_bad_input(kwargs, match):
    args = {"network": path(10), "seeds": [0], "p_tell": 0.3, "p_stop": 0.3, "days": 5,
            "seed": 0, **kwargs}
    with pytest.raises(ParameterError, match=match):
        word_of_mouth(**args)


# --------------------------------------------------------------------------
# mutual_aid


def test_mutual_aid_worked_example():
    # A (reserves 10) - B (need 2, asking) - C (reserves 5), strengths 1 and 0.5.
    # Offers: A: 0.5 * 1.0 * (10 - 3) = 3.5 over strength 1 -> scale 3.5;
    #         C: 0.5 * 0.8 * (5 - 3) = 0.8 over strength 0.5 -> scale 1.6.
    # B is offered 3.5 * 1 + 1.6 * 0.5 = 4.3, accepts 2 (its need): frac 2/4.3.
    net = from_edges(3, [0, 1], [1, 2], [1.0, 0.5])
    r = mutual_aid(net, reserves=[10.0, 0.0, 5.0], need=[0.0, 2.0, 0.0],
                   asked=[False, True, False], social_capital=[1.0, 0.5, 0.8],
                   keep_days=3.0, share=0.5)
    frac = 2.0 / 4.3
    np.testing.assert_allclose(r.aid_in, [0.0, 2.0, 0.0])
    np.testing.assert_allclose(r.aid_out, [3.5 * frac, 0.0, 0.8 * frac])
    np.testing.assert_allclose(r.reserves_after, [10 - 3.5 * frac, 0.0, 5 - 0.8 * frac])
    np.testing.assert_allclose(r.need_after, [0.0, 0.0, 0.0], atol=1e-15)
    aid_in, aid_out, _, _ = r  # it is also a plain tuple
    assert aid_out.sum() == pytest.approx(aid_in.sum(), rel=1e-15)


def test_mutual_aid_scarce_offers_are_all_taken():
    # B needs 5 but is offered only 3.5: it takes all of it.
    net = from_edges(2, [0], [1])
    r = mutual_aid(net, [10.0, 0.0], [0.0, 5.0], [False, True], [1.0, 1.0], 3.0, 0.5)
    np.testing.assert_allclose(r.aid_in, [0.0, 3.5])
    np.testing.assert_allclose(r.need_after, [0.0, 1.5])
    np.testing.assert_allclose(r.reserves_after, [6.5, 0.0])


def test_mutual_aid_leaves_inputs_alone_and_needs_asking():
    net = from_edges(2, [0], [1])
    reserves, need = np.array([10.0, 0.0]), np.array([0.0, 5.0])
    r = mutual_aid(net, reserves, need, np.array([0, 0]), np.ones(2), 3.0, 0.5)
    assert np.all(r.aid_in == 0) and np.all(r.aid_out == 0)
    np.testing.assert_array_equal(reserves, [10.0, 0.0])
    np.testing.assert_array_equal(need, [0.0, 5.0])


@pytest.mark.parametrize("change, match", [
    ({"reserves": [1.0, -2.0]}, r"reserves\[1\] = -2.0"),
    ({"need": [1.0]}, r"need has shape \(1,\)"),
    ({"need": [[1.0, 2.0]]}, "need has shape"),
    ({"need": [0.0, float("inf")]}, "need"),
    ({"social_capital": [0.5, 1.5]}, "social_capital"),
    ({"asked": [0.5, 1.0]}, "asked must be booleans"),
    ({"asked": [True]}, "asked has shape"),
    ({"keep_days": -1.0}, "keep_days"),
    ({"share": 2.0}, "share"),
    ({"reserves": ["a", "b"]}, "reserves must be an array"),
])
def test_mutual_aid_rejects_bad_input(change, match):
    args = {"network": from_edges(2, [0], [1]), "reserves": [1.0, 2.0], "need": [0.0, 1.0],
            "asked": [False, True], "social_capital": [0.5, 0.5], "keep_days": 3.0,
            "share": 0.5, **change}
    with pytest.raises(ParameterError, match=match):
        mutual_aid(**args)


# --------------------------------------------------------------------------
# department_queue


def test_queue_worked_example():
    # Three cases on day 0, one served a day, first come first served; a case can be
    # served the day it arrives.
    r = department_queue(np.array([3, 0, 0, 1]), capacity=1.0, delivery_days=7.0, need=2.0)
    np.testing.assert_array_equal(r.waits, [0, 1, 2, 0])
    np.testing.assert_array_equal(r.queue, [2, 1, 0, 0])
    np.testing.assert_array_equal(r.served, [1, 1, 1, 1])
    assert r.delivered == 28.0 and r.need_paid == 8.0 and r.reserves_gained == 20.0


def test_queue_fractional_capacity_serves_on_schedule():
    # capacity 0.5: floor((d+1)/2) - floor(d/2) = 1 on odd days only.
    r = department_queue(np.ones(6, dtype=np.int64), capacity=0.5)
    np.testing.assert_array_equal(r.served, [0, 1, 0, 1, 0, 1])
    np.testing.assert_array_equal(r.queue, [1, 1, 2, 2, 3, 3])
    np.testing.assert_array_equal(r.waits, [1, 2, 3])


def test_queue_grows_its_rows():
    r = department_queue(np.array([0, 40, 0, 0, 0]), capacity=10.0)
    np.testing.assert_array_equal(r.served, [0, 10, 10, 10, 10])
    assert r.waits.tolist() == [0] * 10 + [1] * 10 + [2] * 10 + [3] * 10


@pytest.mark.parametrize("kwargs, match", [
    ({"arrivals": np.array([1, -1])}, r"arrivals\[1\] = -1"),
    ({"arrivals": np.array([0.5])}, "whole numbers"),
    ({"arrivals": np.zeros((2, 2), int)}, "1-D"),
    ({"capacity": -1.0}, "capacity"),
    ({"delivery_days": float("nan")}, "delivery_days"),
    ({"need": -2.0}, "need"),
])
def test_queue_rejects_bad_input(kwargs, match):
    args = {"arrivals": np.array([1, 0]), "capacity": 1.0, **kwargs}
    with pytest.raises(ParameterError, match=match):
        department_queue(**args)
