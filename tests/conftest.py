"""Fixtures shared by the test modules."""

import os

import numba
import pytest


def pytest_xdist_auto_num_workers(config):
    """`-n auto` (in pyproject.toml's addopts): one test process per core, at most
    four (each loads the model's kernels and some build cities of 100,000)."""
    return max(1, min(4, os.cpu_count() or 1))


@pytest.fixture(autouse=True, scope="session")
def one_thread_per_test_worker():
    """Under pytest-xdist (the README's command runs two test processes on two
    cores) each test process runs the model on one Numba thread: two processes
    of two threads each on two cores would make every parallel loop wait at its
    barrier for a descheduled thread. Tests about threads set their own count.
    (Not through NUMBA_NUM_THREADS: Numba rereads the environment when it compiles
    and refuses a thread count other than the one its threads started with.)"""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        numba.set_num_threads(1)
    yield


@pytest.fixture
def two_threads():
    """Restore the thread count after a test that changes it."""
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("needs 2 Numba threads")
    before = numba.get_num_threads()
    yield
    numba.set_num_threads(before)
