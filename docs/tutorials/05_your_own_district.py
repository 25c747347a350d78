# %% [markdown]
# # Tutorial 5: your own district, on its map
#
# Until now every city was synthetic: grids were runs of households on a
# square lattice. Here the grids are real polygons: Columbus, Ohio's 49
# planning neighbourhoods of 1980 (Anselin 1988), which ship inside libpysal
# (nothing is downloaded). `docs/tutorials/data/make_columbus_district.py`
# turned them into the project's district format, a GeoPackage and a small
# TOML file that maps its columns; its docstring lists what the source gives
# and what it assumes (it has no household counts: 400 per neighbourhood).
# We read the district, place a flood on the map, run the strategy comparison
# on it and draw where need went unmet.
#
# From the command line the same comparison (under every built-in shock) is
#
#     grassroots compare --district docs/tutorials/data/columbus_district.toml \
#         --replicates 5 --out results/columbus
#
# and `grassroots ui --district docs/tutorials/data/columbus_district.toml`
# shows the neighbourhoods in the workshop app. `GRASSROOTS_TUTORIAL_HOUSEHOLDS`
# sets the district's size here (default 19,600: 400 per neighbourhood).

# %%
import importlib.util
import os
import tempfile
from pathlib import Path

import numpy as np

from experiments.runners import execute
from experiments.spec import check_spec
from scenarios.load import validate_file
from sim.district import read_district
from viz.components import city_map
from viz.district_figures import district_maps
from viz.report import analyse

HERE = Path(__file__).resolve().parent if "__file__" in globals() else Path("docs/tutorials")
N = int(os.environ.get("GRASSROOTS_TUTORIAL_HOUSEHOLDS", 19_600))
REPLICATES = int(os.environ.get("GRASSROOTS_TUTORIAL_REPLICATES", 5))
work = Path(tempfile.mkdtemp(prefix="grassroots-district-"))

DISTRICT = HERE / "data" / "columbus_district.toml"
if N != 19_600:  # a smaller (or larger) copy: the same map, fewer households per grid
    spec_ = importlib.util.spec_from_file_location(
        "make_columbus", HERE / "data" / "make_columbus_district.py")
    make = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(make)
    make.HOUSEHOLDS_PER_NEIGHBOURHOOD = max(1, N // 49)
    DISTRICT = make.convert(work)[1]

# %% [markdown]
# ## The district
#
# Each polygon is a grid; the mapping names the household counts, the grid
# names, the community (here the city's quadrant) and a share per grid of
# low-income households. Every numeric column of the map is an attribute a
# shock can choose grids by. Households' ties across grids follow the map:
# to households of the neighbourhoods sharing an edge or a corner.

# %%
d = read_district(DISTRICT)
print(f"{d.n_grids} grids, {d.n_households:,} households, communities: "
      f"{', '.join(d.community_names)}")
print("map attributes:", ", ".join(sorted(d.attributes)))
print("neighbours per grid: min", np.diff(d.nb_indptr).min(), "max", np.diff(d.nb_indptr).max())
print("share low income: from", d.shares["low_income"].min().round(3), "to",
      d.shares["low_income"].max().round(3))

# %% [markdown]
# ## A flood on the map
#
# Columbus's two rivers meet downtown. The map has no flood zones, so we
# flood the fifth of neighbourhoods nearest the centre (`DISCBD`, distance
# to the central business district) as a stand-in. The validator checks the
# attribute exists in this district and that the event covers a grid.

# %%
flood = work / "river_flood.toml"
flood.write_text('''
name = "river_flood"
description = "The fifth of neighbourhoods nearest the centre flooded, days 20-25."

[[events]]
kind = "flood"
start = 20
days = 6
grids = { lowest = "DISCBD", share = 0.2 }
intensity = 0.8
lead_days = 2
recovery_days = 5
''')
print(validate_file(flood, 90, district=DISTRICT))

# %% [markdown]
# ## The comparison on the district
#
# Every strategy meets the flood with paired replicates, and each loss is
# measured against the same strategy's no-shock run (`counterfactual_loss`).

# %%
spec = check_spec({
    "name": "columbus", "strategies": ["status_quo", "top_down_digital",
                                       "community_resilience", "grassroots_empowerment"],
    "shocks": [str(flood)], "replicates": REPLICATES, "days": 90, "counterfactual": True,
    "series": ["functionality", "in_crisis"],
    "fixed": {"population.district": str(DISTRICT)}})
store = execute(spec, work / "compare", executor="serial", progress=False)
cells = analyse(store)["cells"]
cells = cells[cells["shock"] == "river_flood"]
print(cells[["strategy", "counterfactual_loss_mean", "excess_crisis_household_days_mean"]]
      .round(2).to_string(index=False))

# %% [markdown]
# ## Where need went unmet
#
# One map per strategy, one colour scale: the unmet need the flood added in
# each neighbourhood (household-days per household, beyond the strategy's
# own no-shock run), replicate 0. The same figure is in the results folder
# of `grassroots compare --district`.

# %%
maps = district_maps(spec.to_dict(), work)
for name, caption in maps:
    print(work / name)
    print(caption)

# %%
from IPython.display import Image, display  # noqa: E402

if "__file__" not in globals():  # in the notebook: show it
    display(Image(filename=str(work / maps[0][0])))

# %% [markdown]
# The workshop app draws the same polygons as vector shapes (no map tiles,
# so it works offline), coloured by need, help channel or hazard:

# %%
from scenarios import make_model  # noqa: E402

m = make_model("community_resilience", flood, days=25, seed=0,
               overrides={"population.district": str(DISTRICT)})
m.run()
colours, legend = city_map.grid_colours(m, "hazard", hazard=m.schedule.hazard[21],
                                        power=m.schedule.power[21])
svg = city_map.svg(m.district, colours, title="day 21: hazard")
print(f"an SVG of {len(svg):,} characters; legend: {', '.join(n for n, _ in legend)}")
if "__file__" not in globals():
    from IPython.display import SVG

    display(SVG(svg))

# %% [markdown]
# ## Exercises
#
# 1. Replace the assumed 400 households per neighbourhood with counts in
#    proportion to each polygon's area (edit `make_columbus_district.py`).
#    Does the ranking of strategies change?
# 2. Set `ties = "city"` in the mapping (long-range ties anywhere, as in the
#    synthetic city) and rerun: what were map-bound ties worth under the
#    flood?
# 3. Flood the core instead (`grids = { where = "CP == 1" }`). Which
#    neighbourhoods does each strategy leave behind?
#
# ## Questions for discussion
#
# - Which data would your district need to replace this tutorial's
#   assumptions (counts, income shares, a real flood map)?
# - The maps show where need went unmet, not why. Which panel of the
#   workshop app would you open next to find out?
