"""Experiments on top of the engine: specs, designs, runners, the results store,
the headline comparison, sensitivity analysis and scenario discovery.

    import experiments
    runs, series = experiments.load("results/headline")   # DataFrames
"""

from experiments.store import load

__all__ = ["load"]
