"""The engine: parameters, state arrays, the synthetic city and its network,
counter-based randomness, the phase kernels, metrics and the Mesa model. Nothing
here imports scenarios, agents' callers, experiments, viz, solara or dask.

    from scenarios import load_shock, load_strategy
    from sim.model import ResilienceModel
    model = ResilienceModel(load_strategy("community_resilience"), load_shock("lockdown"),
                            n_households=5000)
    summary = model.run()
"""

__version__ = "0.1.0"
