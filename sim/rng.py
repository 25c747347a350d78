"""Counter-based random numbers: every draw a pure function of its coordinates.

A draw is `uniform(seed, day, stream, index)`: a splitmix64-style hash of the
four integers, mapped to [0, 1). No generator state is carried, so

* the same draw comes out whatever the thread count or the order in which
  households are visited (kernels may run in parallel);
* the same household meets the same luck on the same day for the same
  purpose under every strategy (common random numbers): two runs that differ
  only in policy differ only because of the policy.

Each purpose has its own `stream` constant below; never reuse one for two
purposes. Population draws use day = -1.

The functions are compiled with Numba (the kernels call them; `uniform_array`
fills arrays). `uniform_py` is the same draw in plain Python, for the
reference agents, which call no compiled code; a test holds the two equal.
"""

import numpy as np
from numba import njit, prange

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)

# Streams: one per purpose. Population and network (drawn once, day = -1).
S_ELDERLY = 1
S_ALONE = 2
S_LOW_INCOME = 3
S_CHRONIC = 4
S_DIGITAL = 5
S_VOLUNTEER = 6
S_RESERVES = 7
S_EXPOSURE = 8
S_KNOWLEDGE = 9
S_REGISTRY = 10
S_OPENNESS = 11
S_TRUST0 = 12
S_SOCIAL0 = 13
S_ELEVATION = 14
S_NETWORK = 15
S_GRID_TIES = 16
S_LONG_TIES = 17
S_CURSOR0 = 18
S_MIGRANT = 28  # migrant status (issue 16; numbered apart from the run of 1-18)
# Daily draws.
S_WARN_PLATFORM = 30
S_WARN_TELL = 31
S_WARN_STOP = 32
S_ASK_PLATFORM = 33
S_ASK_CHAT = 34
S_ASK_NEIGHBOURS = 35
S_SENSING = 36
S_KPI_CLOSE = 37
S_VISIT_ROUNDING = 38
S_DASH_SENSE = 39
S_VISIT_START = 40
S_HARDSHIP = 41
S_WARN_CHAT = 42
S_WARN_BROADCAST = 43
S_OUTREACH_ROUNDING = 44
S_INFO_LOSS = 45
S_TRIAGE_ROUNDING = 46
S_GROUP_LEAD = 47


@njit(cache=True, inline="always")
def _mix(z):
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def hash64(seed, day, stream, index):
    """A 64-bit hash of four integers (splitmix64 finaliser, chained)."""
    z = _mix(np.uint64(seed) + _GOLDEN)
    z = _mix(z ^ (np.uint64(day + 1) * _GOLDEN))  # day = -1 maps to 0
    z = _mix(z ^ (np.uint64(stream) * _M1))
    return _mix(z ^ (np.uint64(index) * _M2 + _GOLDEN))


@njit(cache=True)
def uniform(seed, day, stream, index):
    """A uniform draw in [0, 1) that depends only on its four arguments."""
    return float(hash64(seed, day, stream, index) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@njit(cache=True, parallel=True)
def uniform_array(seed, day, stream, n):
    """`uniform(seed, day, stream, i)` for i in 0..n-1, as an array."""
    out = np.empty(n, dtype=np.float64)
    for i in prange(n):
        out[i] = uniform(seed, day, stream, i)
    return out


_M64 = (1 << 64) - 1
_GOLDEN_PY, _M1_PY, _M2_PY = int(_GOLDEN), int(_M1), int(_M2)


def _mix_py(z: int) -> int:
    z = ((z ^ (z >> 30)) * _M1_PY) & _M64
    z = ((z ^ (z >> 27)) * _M2_PY) & _M64
    return z ^ (z >> 31)


def uniform_py(seed: int, day: int, stream: int, index: int) -> float:
    """`uniform` in plain Python (integers kept to 64 bits): the same draw."""
    z = _mix_py((seed + _GOLDEN_PY) & _M64)
    z = _mix_py(z ^ (((day + 1) * _GOLDEN_PY) & _M64))
    z = _mix_py(z ^ ((stream * _M1_PY) & _M64))
    z = _mix_py(z ^ (((index * _M2_PY) + _GOLDEN_PY) & _M64))
    return float(z >> 11) * (1.0 / 9007199254740992.0)


def integer_seed(seed: int, stream: int) -> int:
    """A 32-bit seed for a library that wants one (networkx), from (seed, stream)."""
    return int(hash64(seed, -1, stream, 0) >> np.uint64(33))
