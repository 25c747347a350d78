"""Scenario library: strategies and shocks as validated TOML files.

    from scenarios import load_shock, load_strategy
    shock = load_shock("flood")            # a built-in name
    mine = load_strategy("my/strategy.toml")  # or a file
"""

from scenarios.load import add_scenarios_dir, available, load_shock, load_strategy

__all__ = ["add_scenarios_dir", "available", "load_shock", "load_strategy"]
