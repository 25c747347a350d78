"""The city map: every household a small square inside its grid's cell.

Grids (网格) are contiguous runs of households placed on a square lattice
(`state.grids.x`, `.y`); each grid's households fill a k x k square of its
cell, row by row. The picture is a raster built with NumPy and written as a
PNG with Pillow: a pixel-to-household index is computed once per city
(`layout`), so a redraw is one gather and one PNG encoding, a few
milliseconds for thousands of households.

Colour: who helped the household today (departments, volunteers,
neighbours), otherwise its state (in crisis, in need, fine). A cell's
background shows today's hazard (blue) or a power cut (grey).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# code: (name, colour); the order is the precedence, last wins (see household_states)
STATES: tuple[tuple[str, str], ...] = (
    ("fine", "#cfe8c9"),
    ("in need", "#f6b26b"),
    ("in crisis", "#d62728"),
    ("helped by neighbours", "#3d85c6"),
    ("helped by volunteers", "#8e44ad"),
    ("helped by departments", "#0b3d4a"),
)
BACKGROUND = {"normal": "#f7f7f7", "hazard": "#8fbce6", "power cut": "#9a9a9a"}
BORDER = "#3a3a3a"


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


PALETTE = np.array([_rgb(c) for _, c in STATES], dtype=np.uint8)


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
    """Where each household and grid sits in the picture (built once per city)."""

    height: int
    width: int
    hh_pixels: np.ndarray  # flat pixel indices showing a household
    hh_of_pixel: np.ndarray  # the household each of those pixels shows
    grid_pixels: np.ndarray  # flat pixel indices of cell background
    grid_of_pixel: np.ndarray  # the grid each of those pixels belongs to
    border_pixels: np.ndarray  # flat pixel indices of grid boundaries
    px_per_household: int


@lru_cache(maxsize=32)
def _layout(x: tuple, y: tuple, start: tuple, stop: tuple, target: int) -> Layout:
    x, y = np.asarray(x, dtype=np.int64), np.asarray(y, dtype=np.int64)
    start, stop = np.asarray(start, dtype=np.int64), np.asarray(stop, dtype=np.int64)
    nx, ny = int(x.max()) + 1, int(y.max()) + 1
    k = max(1, math.ceil(math.sqrt(int((stop - start).max()))))  # households per cell side
    border = 2
    f = max(1, (target - border) // max(nx, ny) - border) // k  # pixels per household
    f = max(f, 1)
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
    cell_grid[y, x] = np.arange(len(x))
    inside = in_y[:, None] & in_x[None, :]
    grid = np.where(inside, cell_grid[np.maximum(ry, 0)[:, None], np.maximum(cx, 0)[None, :]], -1)
    g0 = np.maximum(grid, 0)
    hh = start[g0] + rr[:, None] * k + cc[None, :]
    is_hh = (grid >= 0) & (hh < stop[g0]) & ~gap_y[:, None] & ~gap_x[None, :]
    flat_hh = np.flatnonzero(is_hh)
    flat_grid = np.flatnonzero(grid >= 0)
    # boundaries: the ring of `border` pixels around each existing cell
    near = np.pad(grid >= 0, border)
    ring = np.zeros_like(grid, dtype=bool)
    for dy in range(2 * border + 1):
        for dx in range(2 * border + 1):
            ring |= near[dy:dy + height, dx:dx + width]
    flat_border = np.flatnonzero(ring & (grid < 0))
    return Layout(height, width, flat_hh, hh.ravel()[flat_hh].astype(np.int64), flat_grid,
                  grid.ravel()[flat_grid].astype(np.int64), flat_border, f)


def layout(grids, target: int = 480) -> Layout:
    """The picture's layout for a city's grids (state.grids), about `target` pixels wide."""
    return _layout(tuple(grids.x.astype(int)), tuple(grids.y.astype(int)),
                   tuple(grids.start.tolist()), tuple(grids.stop.tolist()), target)


def render(lay: Layout, states: np.ndarray, hazard: np.ndarray | None = None,
           power: np.ndarray | None = None) -> np.ndarray:
    """The map as an RGB array (height, width, 3) for household state codes
    `states` and today's per-grid hazard and power (None before day 1)."""
    img = np.full((lay.height * lay.width, 3), 255, dtype=np.uint8)
    img[lay.border_pixels] = _rgb(BORDER)
    n_grids = int(lay.grid_of_pixel.max()) + 1 if len(lay.grid_of_pixel) else 0
    bg = np.tile(np.array(_rgb(BACKGROUND["normal"]), dtype=np.uint8), (max(n_grids, 1), 1))
    if power is not None:
        bg[np.asarray(power)[:n_grids] < 0.5] = _rgb(BACKGROUND["power cut"])
    if hazard is not None:
        bg[np.asarray(hazard)[:n_grids] > 0.05] = _rgb(BACKGROUND["hazard"])
    img[lay.grid_pixels] = bg[lay.grid_of_pixel]
    img[lay.hh_pixels] = PALETTE[states[lay.hh_of_pixel]]
    return img.reshape(lay.height, lay.width, 3)


def png(rgb: np.ndarray) -> bytes:
    """PNG bytes of an RGB array (fast compression: the map changes every day)."""
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def counts(states: np.ndarray) -> dict[str, int]:
    """Households per state (the map legend's numbers)."""
    c = np.bincount(states.astype(np.int64), minlength=len(STATES))
    return {name: int(c[i]) for i, (name, _) in enumerate(STATES)}
