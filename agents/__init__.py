"""The model as plain Mesa agents: the readable specification of each phase.

Each agent is a view on one row of the model's state arrays (`StateField`),
and each method does, for that one agent and in plain Python, what the Numba
kernel of the same name does for all of them. `ReferenceModel` (agents/model.py)
runs these methods as the phases of the day; tests require the same
trajectories as the kernels, exactly. Agents use plain Python and NumPy, and
from `sim` only its state, parameters, flags and the pure-Python draws of
`sim.rng`: never a compiled kernel, so the reference engine is an
independent specification.
"""

from agents.department import Department
from agents.grid_unit import GridUnit
from agents.household import Household
from agents.model import ReferenceModel
from agents.volunteer import Volunteer

__all__ = ["Department", "GridUnit", "Household", "ReferenceModel", "Volunteer"]
