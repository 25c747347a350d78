"""Convert libpysal's Columbus neighbourhoods into a district (map + mapping TOML).

Columbus, Ohio, 1980: 49 planning neighbourhoods with their mean household
income, house value and crime (Anselin 1988, *Spatial Econometrics*, Kluwer,
table 12.1). The Shapefile ships inside libpysal (`libpysal.examples`,
built in: nothing is downloaded). This script writes, beside itself:

    columbus_district.gpkg   one polygon per grid, with the columns below
    columbus_district.toml   the column mapping (docs/workshop.md)

    python docs/tutorials/data/make_columbus_district.py

What the file has and what it does not (the assumptions are marked):

- households: the file gives no counts. ASSUMPTION: 400 households per
  neighbourhood (19,600 in all), a grid unit's size; replace with census
  counts for a real study.
- share_low_income: ASSUMPTION: the city-wide default share (0.10) scaled by
  the neighbourhood's income relative to the median (INC, mean household
  income in $1,000), so a neighbourhood with half the median income has twice
  the share; bounded to 0.02-0.6.
- community: the quadrant (north/south of the centre x east/west, from the
  file's NSA and EW flags): four communities.
- hazard attributes: DISCBD (distance to the central business district) and
  CP (1: core neighbourhood). Columbus's rivers meet downtown, so a shock
  "near the centre" is a stand-in for a river flood, not a flood map.
- the coordinates are on a local plane of unknown unit (the file has no
  .prj), hence `crs = "planar"` in the mapping.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
from libpysal import examples

HERE = Path(__file__).resolve().parent
HOUSEHOLDS_PER_NEIGHBOURHOOD = 400
LOW_INCOME_DEFAULT = 0.10  # population.share_low_income


def convert(out_dir: Path = HERE) -> tuple[Path, Path]:
    """Write columbus_district.gpkg and .toml into `out_dir`; returns both paths."""
    src = gpd.read_file(examples.get_path("columbus.shp"))
    inc = src["INC"].to_numpy(float)
    share_low = np.clip(LOW_INCOME_DEFAULT * np.median(inc) / inc, 0.02, 0.6)
    quadrant = np.where(src["NSA"] > 0, "north", "south") + "-" + np.where(src["EW"] > 0,
                                                                          "east", "west")
    out = gpd.GeoDataFrame({
        "name": [f"N{int(v):02d}" for v in src["POLYID"]],
        "households": np.full(len(src), HOUSEHOLDS_PER_NEIGHBOURHOOD, dtype=np.int64),
        "share_low_income": np.round(share_low, 4),
        "community": quadrant,
        "income": inc,
        "house_value": src["HOVAL"].to_numpy(float),
        "crime": src["CRIME"].to_numpy(float),
        "DISCBD": src["DISCBD"].to_numpy(float),
        "CP": src["CP"].to_numpy(float).astype(np.int64),
    }, geometry=src.geometry.to_numpy(), crs=None)
    gpkg, toml = out_dir / "columbus_district.gpkg", out_dir / "columbus_district.toml"
    if gpkg.exists():
        gpkg.unlink()
    with warnings.catch_warnings():  # no CRS on purpose: the source has none ("planar")
        warnings.filterwarnings("ignore", message="'crs' was not provided")
        out.to_file(gpkg, driver="GPKG", engine="pyogrio")
    toml.write_text('''# Columbus, Ohio (1980): 49 neighbourhoods as grids.
# Written by make_columbus_district.py (see its docstring for what is assumed).
[district]
file = "columbus_district.gpkg"
crs = "planar"          # the source has no .prj: a local plane, unit unknown
ties = "adjacency"      # cross-grid ties to neighbourhoods sharing an edge or corner

[district.columns]
households = "households"   # ASSUMPTION: 400 each; the source has no counts
name = "name"
community = "community"     # quadrant of the city

[district.shares]
low_income = "share_low_income"   # ASSUMPTION: scaled by income relative to the median
''')
    return gpkg, toml


if __name__ == "__main__":
    for p in convert():
        print(f"wrote {p}")
