"""The engine: parameters, state arrays, the synthetic city and its network,
counter-based randomness, the phase kernels, metrics and the Mesa model. Nothing
here imports scenarios, agents' callers, experiments, viz, solara or dask.

    from scenarios import load_shock, load_strategy
    from sim.model import ResilienceModel
    model = ResilienceModel(load_strategy("community_resilience"), load_shock("lockdown"),
                            n_households=5000)
    summary = model.run()
"""

import os

__version__ = "0.1.0"

# Numba's OpenMP threads sleep while they wait for work instead of spinning:
# on a busy machine (a workshop server, a shared cluster node) a spinning
# 2-thread run collapsed to 4x-30x its quiet time; sleeping costs about a
# fifth of the quiet speed (benchmarks/RESULTS.md, "threads under load").
# Set before Numba starts its threads; an explicit OMP_WAIT_POLICY wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
