"""The engine: parameters, state arrays, the synthetic city and its network,
counter-based randomness, the phase kernels, metrics, the Mesa model and the
command line. Nothing here imports solara or dask.

    from sim.model import ResilienceModel
    model = ResilienceModel("community_resilience", "lockdown", n_households=5000)
    summary = model.run()
"""

__version__ = "0.1.0"
