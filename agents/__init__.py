"""The model as plain Mesa agents: the readable specification of each phase.

Each agent is a view on one row of the model's state arrays (`StateField`),
and each method does, for that one agent and in plain Python, what the Numba
kernel of the same name does for all of them. `ResilienceModel(engine=
"reference")` runs these methods; tests require the same trajectories as the
kernels. Agents import `sim`'s state and rng, never the model.
"""

from agents.department import Department
from agents.grid_unit import GridUnit
from agents.household import Household
from agents.volunteer import Volunteer

__all__ = ["Department", "GridUnit", "Household", "Volunteer"]
