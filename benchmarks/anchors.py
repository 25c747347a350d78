"""Anchors: the simplest network kernels, to put the engine's speed in context.

`sir_step` is a bare discrete-time SIR epidemic over the same CSR network
the model uses, written the way the engine's kernels are written
(`@njit(parallel=True)`, `prange` over households, counter-based draws from
`sim.rng.uniform`, synchronous update). It does one pass over all the edges
per step and a handful of draws per node, which is about the least work a
network step can do; the engine does ten phases a day, so its throughput is
expected to be a (hopefully small) fraction of this one.

Every node reads its whole row every step, whatever its state, so the cost of
a step does not depend on how far the epidemic has got. The draws use stream
numbers above 1000, far from the model's streams in `sim.rng`.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from sim.rng import uniform

S_SIR_SEED = 1001
S_SIR_INFECT = 1002
S_SIR_RECOVER = 1003

SUSCEPTIBLE, INFECTED, RECOVERED = 0, 1, 2


@njit(cache=True, parallel=True)
def sir_seed(n, share, seed):
    """Initial states: each node infected with probability `share`, else susceptible."""
    state = np.zeros(n, np.int8)
    for i in prange(n):
        if uniform(seed, -1, S_SIR_SEED, i) < share:
            state[i] = INFECTED
    return state


@njit(cache=True, parallel=True)
def sir_step(indptr, indices, weight, prev, out, beta, gamma, seed, day):
    """One synchronous SIR step: read `prev`, write `out`.

    A susceptible node is infected with probability 1 - prod_j (1 - beta w_ij)
    over its infected ties j; an infected node recovers with probability
    gamma. Every node scans its row (one pass over the edges per step).
    """
    for i in prange(len(indptr) - 1):
        q = 1.0
        for e in range(indptr[i], indptr[i + 1]):
            if prev[indices[e]] == INFECTED:
                q *= 1.0 - beta * weight[e]
        s = prev[i]
        if s == SUSCEPTIBLE:
            if q < 1.0 and uniform(seed, day, S_SIR_INFECT, i) < 1.0 - q:
                s = INFECTED
        elif s == INFECTED:
            if uniform(seed, day, S_SIR_RECOVER, i) < gamma:
                s = RECOVERED
        out[i] = s


def run_sir(indptr, indices, weight, steps, beta=0.3, gamma=0.1, initial=0.001, seed=0):
    """Run `steps` SIR steps; return the final S, I, R counts."""
    n = len(indptr) - 1
    prev = sir_seed(n, initial, seed)
    out = np.empty_like(prev)
    for day in range(steps):
        sir_step(indptr, indices, weight, prev, out, beta, gamma, seed, day)
        prev, out = out, prev
    counts = np.bincount(prev, minlength=3)
    return int(counts[0]), int(counts[1]), int(counts[2])
