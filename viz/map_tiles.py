"""A background of web-map tiles under a district's polygons, where there is internet.

The workshop app draws a district as vector polygons (viz/components/city_map.py),
which works offline. `grassroots ui --district FILE --map-tiles URL` adds, beneath
them, the tiles of an XYZ tile server (a URL template with {z}, {x} and {y}, such
as OpenStreetMap's https://tile.openstreetmap.org/{z}/{x}/{y}.png): the polygons
are projected to Web Mercator (EPSG:3857, pyproj), the zoom is chosen so that the
district fills the drawing at about the tiles' own resolution, and the page's
browser fetches the tiles covering it directly from the server (the Python
process never does). Without internet the tiles do not load and the polygons are
drawn as before. A district declared "planar" has no place on the earth, so it
cannot have tiles (refused before serving). The tile provider's attribution is
shown under the map (`--map-tiles-attribution`; each provider says what it must
be, OpenStreetMap's is "© OpenStreetMap contributors").
"""

from __future__ import annotations

import math
import os
import re
from functools import lru_cache
from urllib.parse import urlparse

import numpy as np

from sim.errors import ParameterError

ENV = "GRASSROOTS_UI_MAP_TILES"
ENV_ATTRIBUTION = "GRASSROOTS_UI_MAP_TILES_ATTRIBUTION"
TILE_PX = 256
R = 6378137.0  # the sphere of Web Mercator (EPSG:3857), metres
HALF = math.pi * R  # half the world's width in Web Mercator metres
MAX_ZOOM = 19
MAX_TILES = 64  # a drawing never asks for more (a district is a few km across)


def check_template(url: str) -> str:
    """`url` if it is an http(s) XYZ template with {z}, {x} and {y}; else a one-line
    ParameterError naming the value and what is allowed."""
    parsed = urlparse(url)
    missing = [k for k in ("{z}", "{x}", "{y}") if k not in url]
    other = sorted(set(re.findall(r"{[^}]*}", url)) - {"{z}", "{x}", "{y}"})
    if parsed.scheme not in ("http", "https") or not parsed.netloc or missing or other:
        why = ("is not an http(s) address" if parsed.scheme not in ("http", "https")
               or not parsed.netloc else f"lacks {', '.join(missing)}" if missing else
               f"has {', '.join(other)}, which is not filled in (choose one server, e.g. "
               "write 'a' for {s})")
        raise ParameterError(f"--map-tiles {url!r} {why}; allowed: an XYZ tile URL template "
                             "with {z}, {x} and {y} only, such as "
                             "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    return url


def check_district(district) -> None:
    """A ParameterError if the district has no place on the earth (declared planar)."""
    if not district.crs or district.crs == "planar":
        raise ParameterError(f"--map-tiles: the district {district.path} is planar (no "
                             "coordinate reference system), so no map tiles can be placed "
                             "under it; give its file a CRS, or leave --map-tiles out")


@lru_cache(maxsize=8)
def _to_web(crs: str):
    from pyproj import Transformer

    return Transformer.from_crs(crs, "EPSG:3857", always_xy=True)


def to_mercator(district, xy: np.ndarray) -> np.ndarray:
    """Positions (k, 2) in the district's CRS, in Web Mercator metres (EPSG:3857)."""
    return np.column_stack(_to_web(district.crs).transform(xy[:, 0], xy[:, 1]))


@lru_cache(maxsize=8)
def mercator_rings(district) -> list[list[np.ndarray]]:
    """The district's rings, grid by grid, in Web Mercator metres (EPSG:3857), projected
    once per district (the map redraws every day; a District hashes by identity) in
    one transform over every vertex, then cut back apart."""
    flat = [r for parts in district.rings for r in parts]
    web = to_mercator(district, np.concatenate(flat))
    pieces = iter(np.split(web, np.cumsum([len(r) for r in flat])[:-1]))
    return [[next(pieces) for _ in parts] for parts in district.rings]


def zoom_for(span_m: float, width_px: int) -> int:
    """The largest zoom at which `span_m` metres take no more than `width_px` pixels
    of tiles (tiles then show at their own resolution or finer), capped so that no
    drawing needs more than MAX_TILES tiles."""
    if span_m <= 0:
        return MAX_ZOOM
    z = int(math.floor(math.log2(2 * HALF * width_px / (TILE_PX * span_m))))
    return max(0, min(MAX_ZOOM, z))


def tile_index(x_m: float, y_m: float, z: int) -> tuple[int, int]:
    """The tile (x, y) at zoom z holding the Web Mercator point (x_m, y_m)."""
    n = 2 ** z
    tx = int(math.floor((x_m + HALF) / (2 * HALF) * n))
    ty = int(math.floor((HALF - y_m) / (2 * HALF) * n))
    return min(max(tx, 0), n - 1), min(max(ty, 0), n - 1)


def cover(x0: float, y0: float, x1: float, y1: float, width_px: int):
    """The tiles under the box (Web Mercator metres) drawn `width_px` wide: (zoom,
    [(x, y, west, north, east, south)]), each tile's bounds in metres."""
    z = zoom_for(max(x1 - x0, y1 - y0), width_px)
    while True:
        ax, ay = tile_index(x0, y1, z)  # the north-west corner
        bx, by = tile_index(x1, y0, z)  # the south-east corner
        if (bx - ax + 1) * (by - ay + 1) <= MAX_TILES or z == 0:
            break
        z -= 1
    size = 2 * HALF / 2 ** z
    tiles = [(tx, ty, tx * size - HALF, HALF - ty * size, (tx + 1) * size - HALF,
              HALF - (ty + 1) * size)
             for ty in range(ay, by + 1) for tx in range(ax, bx + 1)]
    return z, tiles


def tile_url(template: str, z: int, x: int, y: int) -> str:
    return template.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y))


def from_env() -> tuple[str | None, str]:
    """(the tile URL template `grassroots ui` was given, its attribution: the one given,
    else the tile server's name), or (None, "")."""
    url = os.environ.get(ENV) or None
    if url is None:
        return None, ""
    return url, os.environ.get(ENV_ATTRIBUTION) or urlparse(url).netloc
