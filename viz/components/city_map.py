"""The city map: every household a small square inside its grid's cell; or, for a
district read from a map file, the district's own grid polygons.

Grids (网格) are contiguous runs of households placed on a square lattice
(`state.grids.x`, `.y`); each grid's households fill a k x k square of its
cell, row by row. The picture is a raster built with NumPy and written as a
PNG with Pillow: a pixel-to-household index is computed once per city
(`layout`), so a redraw is one lookup per pixel and one palette-PNG
encoding, a few milliseconds for thousands of households.

Colour: who helped the household today (departments, volunteers,
neighbours), otherwise its state (in crisis, in need, fine). A cell's
background shows today's hazard (blue) or a power cut (grey).

A district (`sim.district`) is drawn as its polygons, an SVG built from their
coordinates (`svg`: vector, no tile server, works offline), each grid
coloured by the share of its households in need, the help channel that
reached most of them today, or today's hazard (`grid_colours`), with a legend.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from viz.i18n import N_

# code: (name, colour); the order is the precedence, last wins (see household_states)
STATES: tuple[tuple[str, str], ...] = (
    ("fine", "#cfe8c9"),
    ("in need", "#f6b26b"),
    ("in crisis", "#d62728"),
    ("helped by neighbours", "#3d85c6"),
    ("helped by volunteers", "#8e44ad"),
    ("helped by departments", "#0b3d4a"),
)
# hazard and power cut show between the squares: strong enough to read on a projector
BACKGROUND = {"normal": "#f7f7f7", "hazard": "#1f63b4", "power cut": "#5f5f5f"}
BORDER = "#3a3a3a"


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def household_states(model) -> np.ndarray:
    """State code (index into STATES) of every household of a ResilienceModel, at the
    end of its last day. Reads need, wellbeing and today's help; writes nothing."""
    h = model.state.households
    s = np.zeros(h.n, dtype=np.int8)
    s[h.need > 0.0] = 1
    s[h.wellbeing < model.params.behaviour.crisis_threshold] = 2
    s[h.aid_in_today > 0.0] = 3
    s[h.volunteer_in_today > 0.0] = 4
    s[h.department_in_today > 0.0] = 5
    return s


@dataclass(frozen=True)
class Layout:
    """Where each household and grid sits in the picture (built once per city).

    `source` gives, for every pixel, what it shows: household i (0..n-1),
    the background of grid g (n + g), a grid boundary (n + G) or nothing
    (n + G + 1), so drawing a day is one lookup per pixel.
    """

    height: int
    width: int
    n_households: int
    n_grids: int
    source: np.ndarray  # (height * width,) int32
    px_per_household: int


@lru_cache(maxsize=32)
def _layout(x: tuple, y: tuple, start: tuple, stop: tuple, target: int) -> Layout:
    x, y = np.asarray(x, dtype=np.int64), np.asarray(y, dtype=np.int64)
    start, stop = np.asarray(start, dtype=np.int64), np.asarray(stop, dtype=np.int64)
    n, n_grids = int(stop.max()), len(x)
    nx, ny = int(x.max()) + 1, int(y.max()) + 1
    k = max(1, math.ceil(math.sqrt(int((stop - start).max()))))  # households per cell side
    border = 2
    f = max(1, ((target - border) // max(nx, ny) - border) // k)  # pixels per household
    cell = k * f + border
    height, width = ny * cell + border, nx * cell + border

    def axis(n_px: int):
        p = np.arange(n_px) - border
        inside = (p >= 0) & (p % cell < k * f)
        idx = np.where(inside, p // cell, -1)  # cell index along the axis
        within = np.where(inside, (p % cell) // f, 0)  # household slot along the axis
        gap = inside & (f >= 4) & ((p % cell) % f == f - 1)  # a thin gap between squares
        return idx, within, inside, gap

    ry, rr, in_y, gap_y = axis(height)
    cx, cc, in_x, gap_x = axis(width)
    cell_grid = np.full((ny, nx), -1, dtype=np.int64)
    cell_grid[y, x] = np.arange(n_grids)
    inside = in_y[:, None] & in_x[None, :]
    grid = np.where(inside, cell_grid[np.maximum(ry, 0)[:, None], np.maximum(cx, 0)[None, :]], -1)
    g0 = np.maximum(grid, 0)
    hh = start[g0] + rr[:, None] * k + cc[None, :]
    is_hh = (grid >= 0) & (hh < stop[g0]) & ~gap_y[:, None] & ~gap_x[None, :]
    # boundaries: the ring of `border` pixels around each existing cell
    near = np.pad(grid >= 0, border)
    ring = np.zeros_like(grid, dtype=bool)
    for dy in range(2 * border + 1):
        for dx in range(2 * border + 1):
            ring |= near[dy:dy + height, dx:dx + width]
    source = np.full(grid.shape, n + n_grids + 1, dtype=np.int32)  # nothing
    source[ring & (grid < 0)] = n + n_grids
    source[grid >= 0] = n + grid[grid >= 0]
    source[is_hh] = hh[is_hh]
    return Layout(height, width, n, n_grids, source.ravel(), f)


def layout(grids, target: int = 480) -> Layout:
    """The picture's layout for a city's grids (state.grids), about `target` pixels wide."""
    return _layout(tuple(grids.x.astype(int)), tuple(grids.y.astype(int)),
                   tuple(grids.start.tolist()), tuple(grids.stop.tolist()), target)


# Colour table of the picture: the household states, then the cell backgrounds,
# the boundary and the page.
COLOURS = [c for _, c in STATES] + [BACKGROUND["normal"], BACKGROUND["hazard"],
                                    BACKGROUND["power cut"], BORDER, "#ffffff"]
_BG, _HAZARD, _POWER_CUT, _BORDER, _NOTHING = range(len(STATES), len(COLOURS))
RGB = np.array([_rgb(c) for c in COLOURS], dtype=np.uint8)


def render(lay: Layout, states: np.ndarray, hazard: np.ndarray | None = None,
           power: np.ndarray | None = None) -> np.ndarray:
    """The map as colour indices into COLOURS, (height, width) uint8, for
    household state codes `states` and today's per-grid hazard and power
    (None before day 1). `RGB[render(...)]` is the RGB picture."""
    table = np.empty(lay.n_households + lay.n_grids + 2, dtype=np.uint8)
    table[:lay.n_households] = states
    bg = table[lay.n_households:lay.n_households + lay.n_grids]
    bg[:] = _BG
    if power is not None:
        bg[np.asarray(power)[:lay.n_grids] < 0.5] = _POWER_CUT
    if hazard is not None:
        bg[np.asarray(hazard)[:lay.n_grids] > 0.05] = _HAZARD
    table[-2], table[-1] = _BORDER, _NOTHING
    return table[lay.source].reshape(lay.height, lay.width)


def png(picture: np.ndarray) -> bytes:
    """PNG bytes of a rendered map (a palette image: small and quick to encode)."""
    from PIL import Image

    img = Image.fromarray(picture, "P")
    img.putpalette(RGB.ravel().tolist())
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def counts(states: np.ndarray) -> dict[str, int]:
    """Households per state (the map legend's numbers)."""
    c = np.bincount(states.astype(np.int64), minlength=len(STATES))
    return {name: int(c[i]) for i, (name, _) in enumerate(STATES)}


# --------------------------------------------------------------------------
# A district's map: its grid polygons, drawn as vector shapes (SVG), offline.

# what a district map can be coloured by: key -> (title, legend entries)
DISTRICT_MODES = (N_("need"), N_("help channel"), N_("hazard"))
NEED_COLOURS = ("#f7f7f7", "#fde0c5", "#f6b26b", "#e8743b", "#d62728")  # 0, <5%, <15%, <30%, more
NEED_BINS = (0.0, 0.05, 0.15, 0.30)
NEED_LABELS = ("no household in need", "under 5% in need", "5-15% in need", "15-30% in need",
               "30% or more in need")
CHANNELS = (("no help today", "#f7f7f7"),) + STATES[3:]
HAZARD_COLOURS = (("no hazard", "#f7f7f7"), ("hazard today", BACKGROUND["hazard"]),
                  ("power cut", BACKGROUND["power cut"]))


def grid_colours(model, mode: str, states: np.ndarray | None = None,
                 hazard: np.ndarray | None = None, power: np.ndarray | None = None
                 ) -> tuple[list[str], list[tuple[str, str]]]:
    """Each grid's colour for `mode` (DISTRICT_MODES) and the legend (label, colour).

    need: share of the grid's households in need or crisis (state codes >= 1 that
    are not helped, from `household_states`); help channel: the channel that
    helped most households of the grid today; hazard: today's hazard or power cut.
    """
    gr = model.state.grids
    states = household_states(model) if states is None else states
    grid = model.state.households.grid
    size = np.maximum(gr.stop - gr.start, 1)
    if mode == "need":
        share = np.bincount(grid, weights=(states == 1) | (states == 2),
                            minlength=gr.n) / size
        level = np.searchsorted(NEED_BINS, share, side="right")
        level[share == 0.0] = 0
        return ([NEED_COLOURS[i] for i in level], list(zip(NEED_LABELS, NEED_COLOURS)))
    if mode == "help channel":
        per = np.stack([np.bincount(grid, weights=states == code, minlength=gr.n)
                        for code in (3, 4, 5)])
        best = np.where(per.max(axis=0) > 0, per.argmax(axis=0) + 1, 0)
        return [CHANNELS[i][1] for i in best], list(CHANNELS)
    if mode == "hazard":
        colour = np.zeros(gr.n, np.int64)
        if power is not None:
            colour[np.asarray(power)[:gr.n] < 0.5] = 2
        if hazard is not None:
            colour[np.asarray(hazard)[:gr.n] > 0.05] = 1
        return [HAZARD_COLOURS[i][1] for i in colour], list(HAZARD_COLOURS)
    raise ValueError(f"map mode {mode!r}: allowed {', '.join(DISTRICT_MODES)}")


def svg(district, colours: list[str], width: int = 480, title: str = "",
        tiles: str | None = None) -> str:
    """The district's grid polygons as an SVG picture, each filled with its colour
    (a vector drawing from the polygons: works offline). North is up. With `tiles`
    (an XYZ URL template, viz/map_tiles.py) the polygons are drawn in Web Mercator,
    half transparent, over the tiles that cover them, which the browser fetches."""
    grid_rings = district.rings
    if tiles:
        from viz.map_tiles import mercator_rings

        grid_rings = mercator_rings(district)
    rings = [r for parts in grid_rings for r in parts]
    xy = np.concatenate(rings)
    x0, y0 = xy.min(axis=0)
    x1, y1 = xy.max(axis=0)
    scale = (width - 8) / max(x1 - x0, y1 - y0, 1e-12)
    height = int(math.ceil((y1 - y0) * scale)) + 8
    w = int(math.ceil((x1 - x0) * scale)) + 8

    def px(mx: float) -> float:
        return 4 + (mx - x0) * scale

    def py(my: float) -> float:
        return height - 4 - (my - y0) * scale

    def point(mx, my) -> str:
        return f"{px(mx):.1f},{py(my):.1f}"

    background = []
    if tiles:
        from viz.map_tiles import cover, tile_url

        z, cells = cover(x0, y0, x1, y1, width)
        for tx, ty, west, north, east, south in cells:
            background.append(
                f'<image href="{_escape(tile_url(tiles, z, tx, ty))}" x="{px(west):.1f}" '
                f'y="{py(north):.1f}" width="{(east - west) * scale:.1f}" '
                f'height="{(north - south) * scale:.1f}" preserveAspectRatio="none"/>')
    opacity = ' fill-opacity="0.6"' if tiles else ""
    paths = []
    for g, parts in enumerate(grid_rings):
        d = " ".join("M" + " L".join(point(mx, my) for mx, my in ring) + " Z" for ring in parts)
        name = district.names[g]
        paths.append(f'<path d="{d}" fill="{colours[g]}"{opacity} stroke="{BORDER}" '
                     f'stroke-width="0.6"><title>{_escape(name)}</title></path>')
    markers = []
    for kind, xy in getattr(district, "points", {}).items():  # shops, depots, warehouse
        if tiles:
            from viz.map_tiles import to_mercator

            xy = to_mercator(district, xy)
        shape, colour, r = POINT_MARKERS[kind]
        for mx, my in xy:
            cx, cy = px(mx), py(my)
            markers.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r}" fill="{colour}" '
                           'stroke="white" stroke-width="0.8"/>' if shape == "circle" else
                           f'<rect x="{cx - r:.1f}" y="{cy - r:.1f}" width="{2 * r}" '
                           f'height="{2 * r}" fill="{colour}" stroke="white" '
                           'stroke-width="0.8"/>')
    head = f"<title>{_escape(title)}</title>" if title else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {height}" '
            f'width="{w}" height="{height}" style="max-width:100%;height:auto" role="img">'
            f'{head}{"".join(background)}{"".join(paths)}{"".join(markers)}</svg>')


# a district's facilities on the map: kind -> (shape, colour, radius in px)
POINT_MARKERS = {"shops": ("circle", "#6a3d9a", 2.5), "depots": ("rect", "#b15928", 3.5),
                 "warehouse": ("rect", "#000000", 5)}
POINT_LABELS = {"shops": N_("shop"), "depots": N_("depot"), "warehouse": N_("warehouse")}


def point_legend(district) -> list[tuple[str, str]]:
    """The legend entries (label, colour) of the district's facilities drawn on it."""
    return [(POINT_LABELS[k], POINT_MARKERS[k][1]) for k in getattr(district, "points", {})]


def _escape(text: str) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))
