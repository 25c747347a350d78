"""Fixtures shared by the test modules."""

import numba
import pytest


@pytest.fixture
def two_threads():
    """Restore the thread count after a test that changes it."""
    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("needs 2 Numba threads")
    before = numba.get_num_threads()
    yield
    numba.set_num_threads(before)
