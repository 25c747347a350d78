"""Scenario library: strategies and shocks as validated TOML files.

    from scenarios import load_shock, load_strategy
    shock = load_shock("flood")            # a built-in name
    mine = load_strategy("my/strategy.toml")  # or a file
    model = make_model("community_resilience", "lockdown", n_households=5_000)
"""

from scenarios.load import add_scenarios_dir, available, load_shock, load_strategy
from scenarios.models import ScenarioModel, make_model

__all__ = ["ScenarioModel", "add_scenarios_dir", "available", "load_shock", "load_strategy",
           "make_model"]
