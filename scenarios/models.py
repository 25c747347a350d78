"""The model with strategies and shocks given by name: the scenario layer's front.

`sim.model.ResilienceModel` takes Strategy and Shock objects; looking a name
(or a TOML file) up in the scenario library belongs here, in the layer that
reads names.

    from scenarios import make_model
    model = make_model("community_resilience", "lockdown", n_households=5_000)
    ref = make_model("status_quo", "flood", n_households=600, engine="reference")

`ScenarioModel` is the same for tools that want a model class taking plain
values, such as `mesa.batch_run` and SolaraViz.
"""

from __future__ import annotations

from typing import Any

from agents import ReferenceModel
from scenarios.load import load_shock, load_strategy
from sim.errors import ParameterError
from sim.inputs import NO_SHOCK, Shock, Strategy
from sim.model import ResilienceModel

ENGINES = ("numba", "reference")


def resolve(strategy: Strategy | str, shock: Shock | str | None) -> tuple[Strategy, Shock]:
    """Strategy and Shock objects from objects, names or TOML file paths
    (shock "none" or None: no shock)."""
    if not isinstance(strategy, Strategy):
        strategy = load_strategy(strategy)
    if shock is None or shock == "none":
        shock = NO_SHOCK
    elif not isinstance(shock, Shock):
        shock = load_shock(shock)
    return strategy, shock


def make_model(strategy: Strategy | str = "status_quo", shock: Shock | str | None = "flood",
               *, engine: str = "numba", **kwargs: Any) -> ResilienceModel:
    """A model of `strategy` under `shock` (objects, names or files).

    Args:
        engine: "numba" (the kernels) or "reference" (plain Mesa agents: slow,
            readable, the same numbers).
        **kwargs: passed to the model (n_households, days, seed, overrides,
            params, network, threads).

    Returns:
        A `sim.model.ResilienceModel`, or for engine "reference" an
        `agents.ReferenceModel` (a subclass).
    """
    if engine not in ENGINES:
        raise ParameterError(f"engine {engine!r} is unknown; allowed: {', '.join(ENGINES)}")
    strategy, shock = resolve(strategy, shock)
    cls = ReferenceModel if engine == "reference" else ResilienceModel
    return cls(strategy, shock, **kwargs)


class ScenarioModel(ResilienceModel):
    """ResilienceModel taking strategy and shock names (or files): for
    mesa.batch_run and other tools that pass plain values (kernels engine).

    Mesa's convention for seeds (ResilienceModel's): given no seed (no
    `seed`, no `run.seed` in `overrides`, no `params`), the model draws a
    fresh one (`sim.params.fresh_seed`), so `mesa.batch_run(ScenarioModel,
    ..., iterations=5)` gives five different replicates, never five copies.
    The seed used is `model.params.run.seed`, recorded in `manifest()`; pass
    `seed` for paired (common random numbers) replicates."""

    def __init__(self, strategy: Strategy | str = "status_quo",
                 shock: Shock | str | None = "flood", **kwargs: Any):
        strategy, shock = resolve(strategy, shock)
        super().__init__(strategy, shock, **kwargs)
