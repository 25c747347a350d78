"""A district from a map file: real grid boundaries, household counts and shares.

`read_district(path)` reads a GeoJSON, GeoPackage or Shapefile of grid (网格)
polygons, one polygon per grid, through geopandas/pyogrio, with the columns
named by a small TOML mapping (docs/ODD.md, "Districts"; docs/workshop.md):

```toml
[district]
file = "wards.gpkg"        # the map, relative to this TOML file
layer = ""                 # a GeoPackage layer (default: the first)
crs = ""                   # the CRS if the file has none: "EPSG:32651", or "planar"
ties = "adjacency"         # cross-grid ties: adjacency, distance or city
neighbours = 6             # with ties = "distance": the nearest grids tied to

[district.columns]         # required: households; the rest optional
households = "HH_TOTAL"
name = "GRID_CODE"
community = "SHEQU"
elevation = "ELEV_M"

[district.shares]          # share 0-1 of the grid's households, per attribute
low_income = "P_LOWINC"

[district.counts]          # or a count of the grid's households
elderly = "N_60PLUS"

[district.shops]           # optional: shops from a point layer
file = "shops.gpkg"        # points (layer = "..." for a GeoPackage layer)
size = "FLOOR_M2"          # optional column weighting each shop (default: each 1)
reach = 800                # walking reach in the map's units (metres for most CRSs)

[district.depots]          # optional: depots from a point layer
file = "depots.geojson"
reach = 2000

[district.warehouse]       # optional: the city warehouse, one point (drawn only)
file = "warehouse.geojson"
```

Shops: each shop's capacity (its size, or 1) is shared by the grids within its
reach in proportion to their households (a shop reaching none serves the
nearest grid); a grid's `shop_share` is its capacity per household over the
city's mean, so the city's shelves hold what they hold without points and the
map decides where. A grid with no shop within reach is refused. Depots: a grid
has one (`depot_share` 1) if a depot point is within reach (a depot reaching no
grid serves the nearest, as a shop does), else pre-positioned goods cannot be
held there (0). The warehouse has no distance in the model
(trips cost by hazard and power, not by kilometres), so its point is drawn and
changes no number.

Giving `--district wards.gpkg` (a map file) looks for `wards.toml` beside it,
else uses the column names themselves (`households`, `name`, `community`,
`elevation`, `share_<attribute>`, `n_<attribute>`). Every numeric column of the
file is also a map attribute that shocks can choose grids by
(`sim.inputs.GridSelector`).

Every problem (a missing sidecar file, an unknown CRS, invalid or overlapping
polygons, missing or non-whole counts, counts that do not add up) raises one
`DistrictError` naming the file, the field, the value and what is allowed,
before anything is built. geopandas, shapely and libpysal are imported here
only, when a district is read (the optional `[geo]` extra).
"""

from __future__ import annotations

import hashlib
import math
import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from sim.errors import DistrictError, shown

MAP_SUFFIXES = (".geojson", ".json", ".gpkg", ".shp")
# household attributes a district may give per grid: mapping key -> what it is
SHARES = {
    "elderly": "households headed by a person aged 60+ (population.share_elderly)",
    "alone": "one-person households (population.share_alone)",
    "low_income": "low-income households (population.share_low_income)",
    "chronic": "households with a chronically ill member (population.share_chronic)",
    "migrant": "households without local hukou (population.share_migrant)",
    "registered": "vulnerable households in a department's registry "
                  "(population.registry_coverage)",
}
COLUMNS = {"households": "households in the grid (required, whole numbers >= 1)",
           "name": "the grid's name or code", "community": "the grid's community (社区)",
           "elevation": "ground height (any unit; lower floods first)"}
DISTRICT_KEYS = {"file": "the map file", "layer": "a layer of the file", "crs": "the CRS",
                 "ties": "adjacency, distance or city", "neighbours": "whole number 1-50",
                 "columns": "table", "shares": "table", "counts": "table",
                 "shops": "table", "depots": "table", "warehouse": "table"}
# point layers: key -> (allowed keys, default reach in the map's units)
POINT_KEYS = {"file": "the point file", "layer": "a layer of the file",
              "crs": "the CRS if the file has none", "size": "a column weighting each point",
              "reach": "distance to the grids a point serves, in the map's units"}
POINT_LAYERS = {"shops": (("file", "layer", "crs", "size", "reach"), 800.0),
                "depots": (("file", "layer", "crs", "reach"), 2000.0),
                "warehouse": (("file", "layer", "crs"), 0.0)}
TIES = ("adjacency", "distance", "city")
SHAPEFILE_SIDECARS = (".shx", ".dbf")
OVERLAP_TOLERANCE = 1e-3  # share of the smaller polygon's area two grids may share


@dataclass(frozen=True, eq=False)
class District:
    """The grids of a district as plain arrays (the map's geometry kept for drawing).

    Attributes:
        path: The map file.
        digest: SHA-256 of the map file (and sidecars) and the mapping: what a
            run's past depends on (manifest; snapshots key on it).
        names: Each grid's name.
        households: int64 (G,), households per grid.
        shares: attribute (SHARES key) -> float (G,) share, NaN where not given.
        community: int64 (G,), each grid's community 0..C-1.
        community_names: The community labels, by id.
        elevation: float (G,) on [0, 1], ranked (lowest 0); from the mapped
            column, else the synthetic valley over the centroids.
        x, y: float (G,), centroids in the projected CRS.
        attributes: file column -> float (G,): every numeric column (NaN where
            missing), what shocks may choose grids by.
        nb_indptr, nb_indices: CSR of each grid's map neighbours (empty for
            ties = "city").
        rings: per grid, the exterior rings of its polygon(s) as (k, 2) arrays
            in the projected CRS: what the maps draw.
        crs: The CRS the coordinates are in (projected; "planar" if declared so).
        ties: "adjacency", "distance" or "city".
        shop_share: float (G,), each grid's shop capacity and deliveries per
            household relative to the city's mean, from the shops' point layer
            (None without one: shops per grid, 1 everywhere).
        depot_share: float (G,), 1 where a depot is within reach, 0 where none
            is (None without a depot layer: a depot in every grid).
        points: "shops", "depots", "warehouse" -> (k, 2) positions in the
            projected CRS, for the maps.
    """

    path: str
    digest: str
    names: tuple[str, ...]
    households: np.ndarray
    shares: dict[str, np.ndarray]
    community: np.ndarray
    community_names: tuple[str, ...]
    elevation: np.ndarray
    x: np.ndarray
    y: np.ndarray
    attributes: dict[str, np.ndarray]
    nb_indptr: np.ndarray
    nb_indices: np.ndarray
    rings: tuple[tuple[np.ndarray, ...], ...] = field(repr=False)
    crs: str = ""
    ties: str = "adjacency"
    shop_share: np.ndarray | None = None
    depot_share: np.ndarray | None = None
    points: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def n_grids(self) -> int:
        return len(self.households)

    @property
    def n_households(self) -> int:
        return int(self.households.sum())

    def grids_in(self, path: str | os.PathLike) -> np.ndarray:
        """Boolean (G,): grids whose centroid lies in a polygon of the file `path`
        (a shock's own polygon file, in any CRS with one; reprojected)."""
        return _grids_in(self, os.fspath(path))


def _fail(path, what: str) -> DistrictError:
    return DistrictError(f"district {shown(os.fspath(path), 200)}: {what}")


def _geo():
    """geopandas, shapely and libpysal, or a message saying how to install them."""
    try:
        import geopandas
        import libpysal  # noqa: F401
        import shapely
    except ImportError as e:
        raise DistrictError(
            f"reading a district map needs geopandas, shapely, pyogrio and libpysal ({e.name} "
            "is missing): pip install 'grassroots-resilience[geo]'") from None
    return geopandas, shapely


# --------------------------------------------------------------------------
# the mapping


def mapping_for(path: str | os.PathLike) -> tuple[Path, dict, Path | None]:
    """(map file, [district] table, mapping file or None) for a --district argument:
    a mapping TOML naming its map, or a map file with an optional same-named TOML."""
    p = Path(os.fspath(path))
    if not p.is_file():
        raise _fail(p, "does not exist")
    if p.suffix.lower() == ".toml":
        try:
            doc = tomllib.loads(p.read_bytes().decode("utf-8-sig"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            raise _fail(p, f"not a valid TOML mapping: {e}") from None
        table = doc.get("district")
        if not isinstance(table, dict):
            raise _fail(p, "has no [district] table; it needs at least [district] "
                           "file = \"MAP\" and [district.columns] households = \"COLUMN\"")
        if not isinstance(table.get("file"), str) or not table["file"]:
            raise _fail(p, f"district.file = {shown(table.get('file'))}: must name the map file "
                           "(GeoJSON, GeoPackage or Shapefile), relative to this TOML file")
        return p.parent / table["file"], table, p
    if p.suffix.lower() not in MAP_SUFFIXES:
        raise _fail(p, f"the file type {p.suffix or '(none)'!r} is not a map; allowed: "
                       f"{', '.join(MAP_SUFFIXES)}, or a .toml mapping that names one")
    beside = p.with_suffix(".toml")
    if beside.is_file():
        _, table, _ = mapping_for(beside)
        return p, table, beside
    return p, {}, None


def _check_table(where, table: dict, allowed: dict, name: str) -> None:
    if not isinstance(table, dict):
        raise _fail(where, f"{name} must be a table, got {shown(table)}")
    for key in table:
        if key not in allowed:
            raise _fail(where, f"{name}.{key}: unknown key; allowed: {', '.join(allowed)}")


# --------------------------------------------------------------------------
# reading


def _digest(files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in files:
        if f is not None and f.is_file():
            h.update(f.name.encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def read_district(path: str | os.PathLike) -> District:
    """Read and check the district `path` names (a mapping TOML or a map file).

    Cached by the files' paths, sizes and times, so a sweep reads each file once
    per process.

    Raises:
        DistrictError: On the first problem, naming the file, field, value and
            what is allowed; nothing is built from a bad file.
    """
    map_file, table, toml = mapping_for(path)
    stamp = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size)
                  for f in (map_file, toml) if f is not None and f.is_file())
    return _read_cached(os.fspath(path), stamp)


@lru_cache(maxsize=8)
def _read_cached(path: str, stamp: tuple) -> District:
    return _read(path)


def _read(arg: str) -> District:
    map_file, table, toml = mapping_for(arg)
    where = toml or map_file
    _check_table(where, table, DISTRICT_KEYS, "district")
    columns = dict(table.get("columns", {}))
    shares = dict(table.get("shares", {}))
    counts = dict(table.get("counts", {}))
    _check_table(where, columns, COLUMNS, "district.columns")
    _check_table(where, shares, SHARES, "district.shares")
    _check_table(where, counts, SHARES, "district.counts")
    ties = table.get("ties", "adjacency")
    if ties not in TIES:
        raise _fail(where, f"district.ties = {shown(ties)}: allowed: {', '.join(TIES)}")
    k = table.get("neighbours", 6)
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= 50:
        raise _fail(where, f"district.neighbours = {shown(k)}: allowed: a whole number 1 to 50")
    if not map_file.is_file():
        raise _fail(map_file, f"does not exist (named by {where})")
    if map_file.suffix.lower() not in MAP_SUFFIXES:
        raise _fail(map_file, f"the file type {map_file.suffix!r} is not a map; allowed: "
                              f"{', '.join(MAP_SUFFIXES)}")
    files = [map_file, toml]
    if map_file.suffix.lower() == ".shp":
        for ext in SHAPEFILE_SIDECARS + (".prj",):
            side = _sidecar(map_file, ext)
            if side is None and ext != ".prj":
                raise _fail(map_file, f"a Shapefile comes as several files and "
                                      f"{map_file.stem}{ext} is missing beside it (needed: "
                                      f".shp, .shx, .dbf, and .prj for its CRS); copy all of "
                                      "them, or convert the map to one GeoPackage (.gpkg)")
            files.append(side)
    geopandas, shapely = _geo()
    layer = table.get("layer") or None
    try:
        gdf = geopandas.read_file(map_file, layer=layer, engine="pyogrio")
    except Exception as e:  # pyogrio's errors name GDAL's reason
        raise _fail(map_file, f"cannot be read as a map: {shown(str(e), 200)}") from None
    if len(gdf) == 0:
        raise _fail(map_file, "has no features; it needs one polygon per grid")
    crs = table.get("crs", "")
    if gdf.crs is None:
        if not crs:
            raise _fail(map_file, "has no coordinate reference system (CRS) (a Shapefile "
                                  "without its .prj, say); set [district] crs = \"EPSG:...\" in "
                                  "the mapping, or crs = \"planar\" for coordinates on a flat "
                                  "plane in any unit")
        if crs != "planar":
            try:
                gdf = gdf.set_crs(crs)
            except Exception:
                raise _fail(where, f"district.crs = {shown(crs)} is not a CRS geopandas knows; "
                                   "allowed: an EPSG code such as \"EPSG:4326\", or \"planar\"") \
                    from None
    if gdf.crs is not None and gdf.crs.is_geographic:
        gdf = gdf.to_crs(gdf.estimate_utm_crs())  # metres, for centroids and distances
    kinds = set(gdf.geom_type.dropna())
    if gdf.geometry.isna().any() or gdf.geometry.is_empty.any():
        row = int(np.flatnonzero(gdf.geometry.isna().to_numpy()
                                 | gdf.geometry.is_empty.to_numpy())[0])
        raise _fail(map_file, f"feature {row} has no geometry; every grid needs its polygon")
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise _fail(map_file, f"geometry types {', '.join(sorted(kinds))}: a district needs "
                              "polygons (Polygon or MultiPolygon), one per grid")

    names = _names(gdf, columns, map_file)
    households = _households(gdf, columns, map_file, names)
    share_arrays = _shares(gdf, shares, counts, households, map_file, names)
    _check_geometry(gdf, shapely, map_file, names)

    cent = gdf.geometry.centroid
    x, y = cent.x.to_numpy(float), cent.y.to_numpy(float)
    community, community_names = _communities(gdf, columns, map_file)
    attributes = {str(c): gdf[c].to_numpy(dtype=float, na_value=np.nan)
                  for c in gdf.columns if c != gdf.geometry.name
                  and _numeric(gdf[c])}
    elev_col = columns.get("elevation", "elevation" if "elevation" in gdf.columns else None)
    if elev_col is not None:
        raw = _column(gdf, elev_col, map_file, "district.columns.elevation", numeric=True)
        if np.isnan(raw).any():
            i = int(np.flatnonzero(np.isnan(raw))[0])
            raise _fail(map_file, f"column {elev_col!r} (elevation) is empty for grid "
                                  f"{names[i]!r}; give every grid a height, or leave the "
                                  "elevation unmapped")
        elevation = _ranks(raw)
    else:
        elevation = _valley(x, y)
    indptr, indices = _neighbours(gdf, ties, k, x, y)
    rings = tuple(_rings(geom) for geom in gdf.geometry)
    points, shop_share, depot_share = {}, None, None
    for kind in POINT_LAYERS:
        if kind in table:
            xy, weight, reach_of, pfile = _points(table[kind], kind, where, gdf, geopandas,
                                                  shapely)
            files.append(pfile)
            points[kind] = xy
            if kind == "shops":
                shop_share = _shop_share(reach_of, weight, households, names, table[kind],
                                         where)
            elif kind == "depots":
                depot_share = reach_of.any(axis=0).astype(np.float64)
    return District(path=os.fspath(map_file), digest=_digest(files), names=names,
                    households=households, shares=share_arrays, community=community,
                    community_names=community_names, elevation=elevation, x=x, y=y,
                    attributes=attributes, nb_indptr=indptr, nb_indices=indices, rings=rings,
                    crs=str(gdf.crs.to_string()) if gdf.crs is not None else "planar",
                    ties=ties, shop_share=shop_share, depot_share=depot_share, points=points)


def _points(spec, kind: str, where, gdf, geopandas, shapely):
    """A point layer ([district.shops], .depots or .warehouse): (positions (k, 2) in the
    district's CRS, weights (k,), reach (k, G) bool: which grids each point serves, the
    file). Every problem is one DistrictError naming the key, the value, what is
    allowed."""
    allowed, default_reach = POINT_LAYERS[kind]
    name = f"district.{kind}"
    _check_table(where, spec, {k: POINT_KEYS[k] for k in allowed}, name)
    if not isinstance(spec.get("file"), str) or not spec["file"]:
        raise _fail(where, f"{name}.file = {shown(spec.get('file'))}: must name a point file "
                           "(GeoJSON, GeoPackage or Shapefile), relative to the mapping")
    pfile = Path(where).parent / spec["file"]
    if not pfile.is_file():
        raise _fail(pfile, f"does not exist (named by {name}.file in {where})")
    if pfile.suffix.lower() not in MAP_SUFFIXES:
        raise _fail(pfile, f"the file type {pfile.suffix!r} is not a map; allowed: "
                           f"{', '.join(MAP_SUFFIXES)}")
    try:
        pts = geopandas.read_file(pfile, layer=spec.get("layer") or None, engine="pyogrio")
    except Exception as e:
        raise _fail(pfile, f"cannot be read as a map: {shown(str(e), 200)}") from None
    if len(pts) == 0 or pts.geometry.isna().any() or pts.geometry.is_empty.any():
        raise _fail(pfile, f"{name}: needs at least one point, and every feature a point")
    kinds = set(pts.geom_type.dropna())
    if kinds != {"Point"}:
        raise _fail(pfile, f"{name}: geometry types {', '.join(sorted(kinds))}: a point layer "
                           "needs points (Point), one per facility")
    if kind == "warehouse" and len(pts) != 1:
        raise _fail(pfile, f"{name}: {len(pts)} points; the city has one warehouse: give one")
    if pts.crs is None and spec.get("crs") not in (None, "", "planar"):
        try:
            pts = pts.set_crs(spec["crs"])
        except Exception:
            raise _fail(where, f"{name}.crs = {shown(spec['crs'])} is not a CRS geopandas "
                               "knows; allowed: an EPSG code such as \"EPSG:4326\"") from None
    if (gdf.crs is None) != (pts.crs is None):
        grids = "planar" if gdf.crs is None else f"in {gdf.crs}"
        points = "have no CRS" if pts.crs is None else f"are in {pts.crs}"
        raise _fail(pfile, f"{name}: the grids are {grids} but the points {points}; give "
                           "both a CRS (or both none, on the same plane)")
    if gdf.crs is not None:
        pts = pts.to_crs(gdf.crs)
    xy = np.column_stack([pts.geometry.x.to_numpy(float), pts.geometry.y.to_numpy(float)])
    weight = np.ones(len(pts))
    if spec.get("size") is not None:
        weight = _column(pts, spec["size"], pfile, f"{name}.size", numeric=True)
        bad = ~np.isfinite(weight) | (weight < 0)
        if bad.any() or weight.sum() <= 0:
            i = int(np.flatnonzero(bad)[0]) if bad.any() else 0
            raise _fail(pfile, f"{name}.size: column {spec['size']!r} is {shown(weight[i])} "
                               f"for point {i}; allowed: numbers >= 0, not all 0")
    reach = spec.get("reach", default_reach)
    if isinstance(reach, bool) or not isinstance(reach, (int, float)) or not reach >= 0 \
            or not math.isfinite(reach):
        raise _fail(where, f"{name}.reach = {shown(reach)}: allowed: a distance >= 0 in the "
                           "map's units (metres with a CRS)")
    dist = shapely.distance(np.asarray(gdf.geometry.values)[None, :],
                            np.asarray(pts.geometry.values)[:, None])
    reach_of = dist <= reach
    lonely = ~reach_of.any(axis=1)  # a point reaching no grid serves the nearest
    reach_of[lonely, np.argmin(dist[lonely], axis=1)] = True
    return xy, weight, reach_of, pfile


def _shop_share(reach_of, weight, households, names, spec, where) -> np.ndarray:
    """Each grid's shop capacity per household over the city's mean: every shop's
    weight shared by the grids it reaches in proportion to their households."""
    n = households.astype(np.float64)
    reached = reach_of * n[None, :]
    per_grid = (weight[:, None] * reached / reached.sum(axis=1, keepdims=True)).sum(axis=0)
    empty = np.flatnonzero(per_grid <= 0)
    if len(empty):
        raise _fail(where, f"district.shops: grid {names[empty[0]]!r} (and {len(empty) - 1} "
                           f"more) has no shop within reach ({shown(spec.get('reach', 800.0))} "
                           "map units): its households could buy nothing; raise "
                           "district.shops.reach, or add the shops they use")
    return (per_grid / n) / (weight.sum() / n.sum())


def _sidecar(shp: Path, ext: str) -> Path | None:
    for e in (ext, ext.upper()):
        p = shp.with_suffix(e)
        if p.is_file():
            return p
    return None


def _numeric(series) -> bool:
    import pandas as pd

    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _column(gdf, col: str, path, key: str, numeric: bool = False) -> np.ndarray:
    if col not in gdf.columns:
        cols = [c for c in gdf.columns if c != gdf.geometry.name]
        raise _fail(path, f"{key} = {col!r}: no such column; the file's columns: "
                          f"{shown(', '.join(map(str, cols)), 300)}")
    if not numeric:
        return gdf[col].to_numpy()
    if not _numeric(gdf[col]):
        raise _fail(path, f"column {col!r} ({key}) must hold numbers, got "
                          f"{shown(gdf[col].iloc[0])} (type {gdf[col].dtype})")
    return gdf[col].to_numpy(dtype=float, na_value=np.nan)


def _names(gdf, columns, path) -> tuple[str, ...]:
    col = columns.get("name", "name" if "name" in gdf.columns else None)
    if col is None:
        return tuple(str(i) for i in range(len(gdf)))
    values = _column(gdf, col, path, "district.columns.name")
    names = tuple("" if v is None else str(v) for v in values)
    if len(set(names)) < len(names):
        seen, dup = set(), ""
        for v in names:
            if v in seen:
                dup = v
                break
            seen.add(v)
        raise _fail(path, f"column {col!r} (grid names) gives {dup!r} to more than one grid; "
                          "each polygon is one grid with its own name")
    return names


def _households(gdf, columns, path, names) -> np.ndarray:
    col = columns.get("households", "households")
    if col not in gdf.columns:
        cols = [c for c in gdf.columns if c != gdf.geometry.name]
        raise _fail(path, f"no household counts: column {col!r} is missing (the file's "
                          f"columns: {shown(', '.join(map(str, cols)), 300)}); map yours with "
                          "[district.columns] households = \"COLUMN\" in the mapping TOML")
    raw = _column(gdf, col, path, "district.columns.households", numeric=True)
    bad = ~np.isfinite(raw) | (raw < 1) | (raw != np.round(raw))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        value = "empty" if np.isnan(raw[i]) else shown(float(raw[i]))
        raise _fail(path, f"column {col!r} (households) is {value} for grid {names[i]!r} "
                          f"({int(bad.sum())} grid(s) like it); allowed: a whole number of "
                          "households, at least 1")
    hh = raw.astype(np.int64)
    total = int(hh.sum())
    if not 10 <= total <= 5_000_000:
        raise _fail(path, f"the grids hold {total:,} households in all; allowed: 10 to "
                          "5,000,000 (population.n_households)")
    return hh


def _shares(gdf, shares, counts, households, path, names) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    both = set(shares) & set(counts)
    if both:
        a = sorted(both)[0]
        raise _fail(path, f"{a} is given both as a share and as a count; keep one")
    for attr in SHARES:
        if attr in counts:
            col, as_count = counts[attr], True
        elif attr in shares:
            col, as_count = shares[attr], False
        elif f"share_{attr}" in gdf.columns:  # the default names
            col, as_count = f"share_{attr}", False
        elif f"n_{attr}" in gdf.columns:
            col, as_count = f"n_{attr}", True
        else:
            continue
        key = f"district.{'counts' if as_count else 'shares'}.{attr}"
        raw = _column(gdf, col, path, key, numeric=True)
        given = ~np.isnan(raw)
        if as_count:
            over = given & ((raw < 0) | (raw > households))
            if over.any():
                i = int(np.flatnonzero(over)[0])
                raise _fail(path, f"counts do not add up: column {col!r} ({attr} households) "
                                  f"is {raw[i]:g} for grid {names[i]!r}, which has "
                                  f"{int(households[i]):,} households; allowed: 0 to the "
                                  "grid's households")
            out[attr] = np.where(given, raw / households, np.nan)
        else:
            off = given & ((raw < 0) | (raw > 1))
            if off.any():
                i = int(np.flatnonzero(off)[0])
                hint = " (a percentage? divide by 100)" if 1 < raw[i] <= 100 else ""
                raise _fail(path, f"column {col!r} ({attr} share) is {raw[i]:g} for grid "
                                  f"{names[i]!r}; allowed: a share from 0 to 1{hint}")
            out[attr] = raw
    return out


def _check_geometry(gdf, shapely, path, names) -> None:
    geoms = gdf.geometry.to_numpy()
    valid = shapely.is_valid(geoms)
    if not valid.all():
        i = int(np.flatnonzero(~valid)[0])
        raise _fail(path, f"the polygon of grid {names[i]!r} is invalid "
                          f"({shapely.is_valid_reason(geoms[i])}; {int((~valid).sum())} invalid "
                          "in all); repair it in a GIS (QGIS: Fix geometries; geopandas: "
                          "make_valid) and give the file again")
    tree = shapely.STRtree(geoms)
    a, b = tree.query(geoms, predicate="intersects")
    keep = a < b
    a, b = a[keep], b[keep]
    if len(a):
        shared = shapely.area(shapely.intersection(geoms[a], geoms[b]))
        smaller = np.minimum(shapely.area(geoms[a]), shapely.area(geoms[b]))
        over = shared > OVERLAP_TOLERANCE * smaller
        if over.any():
            j = int(np.flatnonzero(over)[0])
            raise _fail(path, f"the polygons of grids {names[a[j]]!r} and {names[b[j]]!r} "
                              f"overlap ({shared[j] / smaller[j]:.1%} of the smaller; "
                              f"{int(over.sum())} overlapping pair(s) in all); a household "
                              "lives in one grid, so grids must not overlap")


def _communities(gdf, columns, path) -> tuple[np.ndarray, tuple[str, ...]]:
    col = columns.get("community", "community" if "community" in gdf.columns else None)
    if col is None:
        return np.zeros(len(gdf), np.int64), ("district",)
    values = _column(gdf, col, path, "district.columns.community")
    labels = ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
              for v in values]
    if "" in labels:
        i = labels.index("")
        raise _fail(path, f"column {col!r} (community) is empty for feature {i}; give every "
                          "grid its community, or leave the community unmapped")
    order = list(dict.fromkeys(labels))
    ids = {c: j for j, c in enumerate(order)}
    return np.array([ids[c] for c in labels], np.int64), tuple(order)


def _ranks(values: np.ndarray) -> np.ndarray:
    """`values` ranked onto [0, 1] (ties in file order), as the synthetic elevation is."""
    order = np.argsort(values, kind="stable")
    out = np.empty(len(values))
    out[order] = np.arange(len(values)) / max(len(values) - 1, 1)
    return out


def _valley(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The synthetic valley (sim.population) over the centroids, when the map has no
    elevation: a river meanders across the bounding box; ranked onto [0, 1]."""
    xs = (x - x.min()) / max(np.ptp(x), 1e-12)
    ys = (y - y.min()) / max(np.ptp(y), 1e-12)
    return _ranks(np.abs(ys - (0.5 + 0.2 * np.sin(2.0 * np.pi * xs))))


def _neighbours(gdf, ties: str, k: int, x, y) -> tuple[np.ndarray, np.ndarray]:
    """CSR (indptr, indices) of each grid's map neighbours: polygons sharing an edge or
    a corner (libpysal Queen contiguity), or the k nearest centroids (libpysal KNN)."""
    n = len(gdf)
    if ties == "city" or n < 2:
        return np.zeros(n + 1, np.int64), np.zeros(0, np.int64)
    from libpysal import weights

    if ties == "adjacency":
        w = weights.Queen.from_dataframe(gdf, use_index=False, silence_warnings=True)
    else:
        w = weights.KNN.from_array(np.column_stack([x, y]), k=min(k, n - 1),
                                   silence_warnings=True)
    lists = [sorted(int(j) for j in w.neighbors[i]) for i in range(n)]
    indptr = np.zeros(n + 1, np.int64)
    indptr[1:] = np.cumsum([len(v) for v in lists])
    indices = np.array([j for v in lists for j in v], np.int64)
    return indptr, indices


def _rings(geom) -> tuple[np.ndarray, ...]:
    parts = getattr(geom, "geoms", [geom])
    return tuple(np.asarray(p.exterior.coords, dtype=float)[:, :2] for p in parts)


def _grids_in(d: District, path: str) -> np.ndarray:
    geopandas, shapely = _geo()
    p = Path(path)
    if p.suffix.lower() == ".shp":
        for ext in SHAPEFILE_SIDECARS:
            if _sidecar(p, ext) is None:
                raise DistrictError(f"shock polygon file {shown(path, 200)}: {p.stem}{ext} is "
                                    "missing beside it (a Shapefile needs .shp, .shx, .dbf)")
    try:
        shapes = geopandas.read_file(p, engine="pyogrio")
    except Exception as e:
        raise DistrictError(f"shock polygon file {shown(path, 200)}: cannot be read as a map: "
                            f"{shown(str(e), 200)}") from None
    if d.crs != "planar":
        if shapes.crs is None:
            raise DistrictError(f"shock polygon file {shown(path, 200)}: has no CRS, and the "
                                f"district's is {d.crs}; give the file a CRS (.prj)")
        shapes = shapes.to_crs(d.crs)
    area = shapely.union_all(shapes.geometry.to_numpy())
    return shapely.contains_xy(area, d.x, d.y)


# --------------------------------------------------------------------------
# the layout


def layout(d: District, building_households: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Building and grid of each household: grid g is a run of `households[g]` rows,
    in map order, cut into buildings of `building_households` (a grid's last building
    may be smaller; no building spans two grids). Returns (building, grid, n_grids)."""
    hh = d.households
    grid = np.repeat(np.arange(len(hh), dtype=np.int32), hh)
    per_grid = -(-hh // building_households)  # buildings in each grid
    first = np.concatenate(([0], np.cumsum(per_grid)[:-1]))
    start = np.concatenate(([0], np.cumsum(hh)[:-1]))
    within = np.arange(len(grid)) - np.repeat(start, hh)
    building = (np.repeat(first, hh) + within // building_households).astype(np.int32)
    return building, grid, len(hh)
