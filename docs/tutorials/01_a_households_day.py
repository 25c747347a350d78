# %% [markdown]
# # Tutorial 1: a household's day
#
# The simulator runs each day as ten phases (`sim.phases.PHASES`; see `ResilienceModel`'s
# docstring and docs/ODD.md). The fast engine runs them as Numba kernels over
# arrays; the **reference engine** runs them as plain Mesa agents, one
# household at a time, in readable Python. In this tutorial we read the
# reference agents, follow one household through a flood, and check that the
# two engines agree.
#
# Run it as a script (`python docs/tutorials/01_a_households_day.py`) or open
# the notebook of the same name. `GRASSROOTS_TUTORIAL_HOUSEHOLDS` sets the
# city's size (default 1,000).

# %%
import inspect
import os

import numpy as np

from agents import Household
from scenarios import make_model

N = int(os.environ.get("GRASSROOTS_TUTORIAL_HOUSEHOLDS", 1000))

# %% [markdown]
# ## The phases, as a household sees them
#
# Each phase is a method of `Household` (or `GridUnit`, `Volunteer`,
# `Department`). Here is phase 3, consumption and restocking: a day of
# essentials is used, a shortfall becomes *need*, and the household wants to
# buy (limited by supply access and income); its grid's shops then sell
# every household the same share of its wish that their stock allows
# (`GridUnit.consume_and_restock`), and purchases pay off need first, then
# refill reserves.

# %%
print(inspect.getsource(Household.consume))
print(inspect.getsource(Household.buy))

# %% [markdown]
# ## A small city through a flood, with the reference engine
#
# The flood covers the lowest quarter of grids from day 10 for six days. We
# pick a household in a flooded grid that is elderly and lives alone.

# %%
model = make_model("status_quo", "flood", n_households=N, days=40, seed=3,
                   engine="reference")
flooded = model.schedule.hazard[10] > 0
h = model.state.households
# an elderly household living alone in a flooded grid (or any flooded one, in a tiny city)
for wanted in (flooded[h.grid] & h.is_elderly & h.lives_alone, flooded[h.grid],
               np.ones(h.n, dtype=bool)):
    if wanted.any():
        me = model.households[int(np.flatnonzero(wanted)[0])]
        break
print(f"household {me.idx}: grid {me.grid_id}, digital access {bool(me.has_digital_access)}, "
      f"reserves {me.reserves:.1f} days, {len(list(me.ties()))} ties")

# %%
print("day  reserves  need  wellbeing  informed  asked  detected_by  help received")
for day in range(40):
    model.step()
    help_in = me.aid_in_today + me.volunteer_in_today + me.department_in_today
    print(f"{day:3d}  {me.reserves:8.2f}  {me.need:4.1f}  {me.wellbeing:9.2f}  "
          f"{me.t_informed >= 0!s:>8}  {int(me.asked_today):5d}  {int(me.detected_by):11d}  "
          f"{help_in:6.2f}")

# %% [markdown]
# Reading the table: the forecast arrives two days before the flood (column
# *informed*), the household stocks up if its perception crosses the
# threshold, the flood destroys part of its reserves and adds need, and help
# (ties, volunteers, departments) may or may not reach it. `asked` is a bit
# mask: 1 the platform, 2 the chat group, 4 its ties; `detected_by` is the
# channel that found it: 1 a grid worker's visit, 2 platform sensing,
# 3 a platform request, 4 a chat post linked to the platform.

# %% [markdown]
# ## The two engines agree
#
# The same run with the Numba kernels gives the same numbers: the tests hold
# every daily metric and every state array to 1e-9.

# %%
fast = make_model("status_quo", "flood", n_households=N, days=40, seed=3)
fast.run()
print("largest difference in daily metrics:", float(np.abs(fast.daily - model.daily).max()))
print(fast.summary())

# %% [markdown]
# ## Exercises
#
# 1. Follow a household *without* digital access in the same grid. Which
#    channels can detect it? How long does it wait for help?
# 2. Set `overrides={"behaviour.stockup_days": 0}` (no self-rescue). What
#    happens to your household's need during the flood?
# 3. Read `GridUnit.visit_households`. In which order does a grid worker visit
#    households, and what does `governance.reporting_burden` change?
#
# ## Questions for discussion
#
# - The model says a household is "in need" when it lacks essentials. What
#   needs does this leave out (care, information, company)?
# - Who in your own neighbourhood would the platform not see?
