"""Benchmark `district_build`: a city built on a district map, against the synthetic city.

A worker writes a map of G square grid polygons (a GeoPackage in a temporary
folder) holding N households in all, with a hazard attribute, then times,
side by side in one process: reading and checking the map
(`sim.district.read_district`: pyogrio, shapely's validity and overlap
checks, libpysal's adjacency), building the model on it (population,
network with map ties, schedule; the burn-in timed apart) and stepping, and
the same for the synthetic city of N households. The issue's target: 1,000
grids and 1,000,000 households build in seconds and step at the engine's
usual speed (the ratio of the two stepping times).
"""

from __future__ import annotations

import math
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.config import Config
from benchmarks.runner import Log, noise_note, run_timed


def write_squares(path: Path, grids: int, households: int) -> Path:
    """A map of `grids` squares (500 m, row by row) with households spread evenly."""
    import geopandas as gpd
    import numpy as np
    from shapely import box

    side = math.ceil(math.sqrt(grids))
    g = np.arange(grids)
    x, y = (g % side) * 500.0, (g // side) * 500.0
    counts = np.full(grids, households // grids, dtype=np.int64)
    counts[: households - counts.sum()] += 1
    gdf = gpd.GeoDataFrame({"households": counts, "flood_zone": (g % 7 == 0).astype(np.int64),
                            "elevation": (g * 37 % 101).astype(float)},
                           geometry=box(x, y, x + 500.0, y + 500.0), crs="EPSG:32651")
    gdf.to_file(path, engine="pyogrio")
    return path


def measure_district(n: int, grids: int, days: int) -> dict[str, Any]:
    """Read, build and step a district of `grids` polygons and `n` households, then
    build and step the synthetic city of `n` households; seconds of each."""
    import numba

    from benchmarks.measure_model import build_model, warm_up
    from sim.district import read_district

    warm = warm_up()
    t0 = time.perf_counter()
    import geopandas  # noqa: F401  (the map readers' import, timed apart)
    import libpysal.weights  # noqa: F401
    import_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory(prefix="grassroots-district-") as tmp:
        path = write_squares(Path(tmp) / "district.gpkg", grids, n)
        t0 = time.perf_counter()
        d = read_district(path)
        read_s = time.perf_counter() - t0
        over = {"population.district": str(path), "run.warm_up_days": 0,
                "run.tenure_days": 0}
        m, build, _ = build_model(days=days, overrides=over)
        t0 = time.perf_counter()
        m.run()
        step = time.perf_counter() - t0
        out = {"n_households": n, "grids": d.n_grids, "days": days,
               "threads": numba.get_num_threads(), "warmup_s": warm, "import_s": import_s,
               "read_s": read_s,
               "build_s": build, "step_s": step,
               "mean_degree": len(m.network.indices) / n,
               "mean_neighbours": len(d.nb_indices) / d.n_grids}
        del m
    s, build_s, _ = build_model(n_households=n, days=days,
                                overrides={"run.warm_up_days": 0, "run.tenure_days": 0})
    t0 = time.perf_counter()
    s.run()
    out.update(synthetic_build_s=build_s, synthetic_step_s=time.perf_counter() - t0,
               synthetic_mean_degree=len(s.network.indices) / n)
    out["step_ratio"] = out["step_s"] / out["synthetic_step_s"]
    return out


def district_build(cfg: Config, ctx: dict[str, Any], log: Log) -> dict[str, Any]:
    """Read + build + step of a district map against the synthetic city, same size."""
    n, grids, days = cfg.district_n, cfg.district_grids, cfg.district_days
    r = run_timed("district", n=n, grids=grids, days=days, score=lambda x: -x["build_s"])
    log(f"  {grids:,} grids, {n:,} households: read {r['read_s']:.2f} s, build "
        f"{r['build_s']:.2f} s (synthetic {r['synthetic_build_s']:.2f} s); {days} days "
        f"stepped in {r['step_s']:.2f} s (synthetic {r['synthetic_step_s']:.2f} s, ratio "
        f"{r['step_ratio']:.2f})" + noise_note(r))
    return r


def render_district_build(r: dict[str, Any]) -> list[str]:
    """The benchmark's table for RESULTS.md."""
    from benchmarks.tables import table

    rows = [["district map", f"{r['grids']:,}", f"{r['read_s']:.2f}", f"{r['build_s']:.2f}",
             f"{r['step_s']:.2f}", f"{r['mean_degree']:.2f}"],
            ["synthetic city", "lattice", "-", f"{r['synthetic_build_s']:.2f}",
             f"{r['synthetic_step_s']:.2f}", f"{r['synthetic_mean_degree']:.2f}"]]
    return (["### district_build", "",
             f"{r['n_households']:,} households, {r['days']} days stepped (no burn-in), "
             f"{r['threads']} thread(s); read + check = pyogrio, the polygon checks and "
             f"libpysal's adjacency (importing the map readers, {r['import_s']:.1f} s, apart); "
             "build = population, network and schedule. Stepping "
             f"time ratio district / synthetic: {r['step_ratio']:.2f}.", ""]
            + table(["city", "grids", "read + check s", "build s", "step s", "mean degree"],
                    rows) + [""])
