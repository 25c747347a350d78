"""The two engines and determinism: the reference agents equal the kernels exactly; the same
seed gives the same run at any thread count; common random numbers across strategies."""

from __future__ import annotations

import numba
import numpy as np
import pytest

from scenarios import make_model
from sim.errors import ParameterError
from tests.engine_helpers import (
    SHOCKS,
    STRATEGIES,
    assert_same_run,
    col,
    make,
)

# ------------------------------------------------------- reference == kernels


# A short tenure: both routines (the status quo's warm-up, then the strategy's)
# run before day 0, and the reference engine's hours go to the recorded days.
SHORT = {"run.burn_in_days": 10, "run.tenure_days": 15}


@pytest.mark.parametrize("shock", SHOCKS)
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_reference_equals_kernels(strategy, shock):
    fast = make(strategy, shock, n=600, days=35, seed=5, overrides=SHORT)
    ref = make(strategy, shock, n=600, days=35, seed=5, overrides=SHORT, engine="reference")
    fast.run()
    ref.run()
    assert ref.day == fast.day == 35
    assert_same_run(fast, ref)
    # The run did something, so equality is not vacuous.
    assert col(fast, "in_need").sum() > 0 and col(fast, "visits").sum() > 0


def test_reference_equals_kernels_larger_city():
    # The lockdown: every channel of help and detection is used (under the flood,
    # coordinated volunteers meet every need before a department arrives), and so
    # are the lockdown's supply channels (platforms, group buying, food packages).
    # The warehouse's resupply at the top of its plausible range: at the default,
    # food packages empty it and departments have nothing to deliver.
    over = {**SHORT, "governance.warehouse_resupply_per_10k": 3000.0}
    fast = make("grassroots_empowerment", "lockdown", n=2_000, seed=11, overrides=over)
    ref = make("grassroots_empowerment", "lockdown", n=2_000, seed=11, overrides=over,
               engine="reference")
    fast.run()
    ref.run()
    assert_same_run(fast, ref)
    for k in ("help_neighbours_days", "help_volunteers_days", "help_departments_days",
              "detected_visit", "detected_sensing", "detected_request", "detected_chat"):
        assert col(fast, k).sum() > 0, f"{k} never happened: the comparison misses it"
    assert fast.state.grids.group_in_today.sum() > 0  # group buying on the last day
    assert fast.state.households.package_in_today.sum() > 0  # food packages too


def test_reference_agents_are_views_on_state():
    m = make(shock="none", n=300, days=3, engine="reference")
    h = m.households[17]
    h.reserves = 123.0
    assert m.state.households.reserves[17] == 123.0
    assert len(m.households) == 300 and len(m.grid_units) == m.state.grids.n
    assert len(m.volunteers) == m.state.volunteers.n


# ------------------------------------------------------------- determinism


def test_same_seed_same_run_different_seed_different_run():
    a = make("community_resilience", "lockdown", n=2_000, seed=3, overrides=SHORT)
    b = make("community_resilience", "lockdown", n=2_000, seed=3, overrides=SHORT)
    c = make("community_resilience", "lockdown", n=2_000, seed=4, overrides=SHORT)
    for m in (a, b, c):
        m.run()
    assert_same_run(a, b)
    assert not np.array_equal(a.daily, c.daily)
    assert not np.array_equal(a.state.households.exposure, c.state.households.exposure)


def test_same_run_at_one_and_two_threads(two_threads):
    runs = []
    for threads in (1, 2):
        numba.set_num_threads(threads)
        m = make("grassroots_empowerment", "compound", n=20_000, seed=8, overrides=SHORT)
        m.run()
        runs.append(m)
    assert_same_run(*runs)
    assert col(runs[0], "in_need").sum() > 0


def test_threads_argument(two_threads):
    """threads applies while the model works, and the process's count is restored."""
    numba.set_num_threads(2)
    m = make_model("status_quo", "none", n_households=300, days=2, threads=1)
    seen = set()
    m.observers.append(lambda model, phase, seconds: seen.add(numba.get_num_threads()))
    m.run()
    assert seen == {1}
    assert numba.get_num_threads() == 2
    with pytest.raises(ParameterError, match="threads"):
        make_model("status_quo", "none", n_households=300, days=2, threads=0)


# -------------------------------------------------- common random numbers


POPULATION_FIELDS = ("building", "grid", "is_elderly", "lives_alone", "is_low_income",
                     "has_chronic_illness", "has_digital_access", "is_vulnerable",
                     "vulnerability", "is_volunteer", "is_registered", "exposure",
                     "reserve_target", "social_capital0", "reserves", "need", "t_hardship_end",
                     "trust")


def test_population_is_the_same_under_every_strategy():
    # As built, before the warm-up and the tenure let each strategy act on it.
    no_burn = {"run.burn_in_days": 0, "run.tenure_days": 0}
    models = {s: make(s, "flood", n=5_000, seed=21, overrides=no_burn)
              for s in STRATEGIES}
    base = models["status_quo"]
    h0 = base.state.households
    for s, m in models.items():
        h = m.state.households
        for k in POPULATION_FIELDS:
            np.testing.assert_array_equal(getattr(h, k), getattr(h0, k), err_msg=f"{s}: {k}")
        for k in m.state.volunteers.names():
            np.testing.assert_array_equal(getattr(m.state.volunteers, k),
                                          getattr(base.state.volunteers, k), err_msg=k)
        for k in m.state.grids.names():
            np.testing.assert_array_equal(getattr(m.state.grids, k),
                                          getattr(base.state.grids, k), err_msg=k)
        np.testing.assert_array_equal(m.network.indices, base.network.indices)
        np.testing.assert_array_equal(m.network.weight, base.network.weight)
        for ch in ("hazard", "supply", "power", "warning"):
            np.testing.assert_array_equal(getattr(m.schedule, ch), getattr(base.schedule, ch))


def test_opened_registries_grow_with_openness():
    low = make(n=5_000, seed=21, overrides={"governance.data_openness": 0.2}).state.households
    high = make(n=5_000, seed=21, overrides={"governance.data_openness": 0.9}).state.households
    for h in (low, high):
        assert not np.any(h.is_registry_open & ~h.is_registered)
        assert not np.any(h.is_registered & ~h.is_vulnerable)
        assert not np.any(h.is_known & ~h.is_vulnerable)
        assert np.all(h.is_known[h.is_registry_open])
    assert not np.any(low.is_registry_open & ~high.is_registry_open)  # subset
    assert not np.any(low.is_known & ~high.is_known)
    reg = low.is_registered.sum()
    assert 0.1 * reg < low.is_registry_open.sum() < 0.3 * reg
    assert 0.8 * reg < high.is_registry_open.sum() < 0.98 * reg
