"""The synthetic city: households in buildings, grids and communities, on a map.

Households are numbered so that a building is a contiguous run of rows and a
grid a contiguous run of buildings: ties, which mostly sit within buildings
and grids, then sit near each other in memory. Grids lie on a square lattice
with an elevation (a river valley) that floods use. Every attribute is drawn
with the counter-based generator (`sim.rng`, day -1), so a household has the
same attributes under every strategy.

Shares and their sources are in docs/ODD.md, section 7.
"""

from __future__ import annotations

import numpy as np

from sim import rng
from sim.params import STATUS_QUO, Params
from sim.state import State


def layout(n: int, building_households: int, grid_households: int) -> tuple[np.ndarray, ...]:
    """Building and grid of each household, and the number of grids.

    A grid holds `round(grid_households / building_households)` whole
    buildings (at least one), so grids are about `grid_households` strong.
    """
    building = (np.arange(n, dtype=np.int64) // building_households).astype(np.int32)
    per_grid = max(1, round(grid_households / building_households))
    grid = (building // per_grid).astype(np.int32)
    return building, grid, int(grid[-1]) + 1


def _elevation(n_grids: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Grid positions on a square lattice and an elevation in [0, 1].

    The terrain is a valley: a river meanders across the map and elevation
    rises with distance from it, plus noise, then is ranked onto [0, 1] so
    that `lowest_share = 0.25` picks exactly the lowest quarter of grids.
    """
    side = int(np.ceil(np.sqrt(n_grids)))
    g = np.arange(n_grids)
    x = (g % side).astype(np.float64)
    y = (g // side).astype(np.float64)
    xs, ys = x / max(side - 1, 1), y / max(side - 1, 1)
    river = 0.5 + 0.2 * np.sin(2.0 * np.pi * xs)
    raw = np.abs(ys - river) + 0.15 * rng.uniform_array(seed, -1, rng.S_ELEVATION, n_grids)
    order = np.argsort(raw, kind="stable")
    elev = np.empty(n_grids)
    elev[order] = np.arange(n_grids) / max(n_grids - 1, 1)
    return x, y, elev


def open_registries(state: State, params: Params, seed: int) -> None:
    """Who is registered, whose registry is open to the grid (data_openness) and
    whom the grid worker knows as vulnerable. The same draws under any openness,
    so opening more registries only adds households. Writes is_registered,
    is_registry_open, is_known of `state.households` (is_vulnerable must be set).
    """
    h, pop = state.households, params.population

    def draw(stream: int) -> np.ndarray:
        return rng.uniform_array(seed, -1, stream, h.n)

    registered = h.is_vulnerable & (draw(rng.S_REGISTRY) < pop.registry_coverage)
    opened = registered & (draw(rng.S_OPENNESS) < params.governance.data_openness)
    h.is_registered[:] = registered
    h.is_registry_open[:] = opened
    h.is_known[:] = h.is_vulnerable & ((draw(rng.S_KNOWLEDGE) < pop.local_knowledge) | opened)


def build(params: Params) -> State:
    """Draw the city of `params` and return its initial state."""
    pop = params.population
    seed = params.run.seed
    n = pop.n_households
    building, grid, n_grids = layout(n, pop.building_households, pop.grid_households)

    def draw(stream: int) -> np.ndarray:
        return rng.uniform_array(seed, -1, stream, n)

    elderly = draw(rng.S_ELDERLY) < pop.share_elderly
    alone = draw(rng.S_ALONE) < pop.share_alone
    low_income = draw(rng.S_LOW_INCOME) < pop.share_low_income
    chronic = draw(rng.S_CHRONIC) < pop.share_chronic
    p_digital = np.where(elderly, pop.digital_access_elderly, pop.digital_access_young)
    digital = draw(rng.S_DIGITAL) < p_digital
    vulnerable = elderly | chronic | (low_income & alone)
    volunteer = draw(rng.S_VOLUNTEER) < pop.share_volunteers
    reserves = pop.reserve_days * (0.5 + draw(rng.S_RESERVES))
    reserves = np.where(low_income, reserves * pop.low_income_reserve_factor, reserves)
    social0 = 0.3 + 0.4 * draw(rng.S_SOCIAL0)
    # Social capital as the status quo has shaped it over the years: the steady
    # state of the social phase's investment, chat-group gain and relaxation
    # toward the baseline under the status quo's levers (no investment, no chat
    # groups: the baseline itself). Every strategy starts from this city and
    # shapes it its own way during its tenure (docs/ODD.md, Initialization).
    b = params.behaviour
    sq = params.with_overrides(STATUS_QUO).governance
    gain = sq.social_capital_investment + np.where(sq.chat_groups & digital, b.sc_gain_chat, 0.0)
    social = np.where(gain > 0.0,  # no gain: the baseline itself, exactly
                      (b.sc_relax * social0 + gain) / np.maximum(b.sc_relax + gain, 1e-300),
                      social0)

    vol_rows = np.flatnonzero(volunteer).astype(np.int32)
    state = State(n, len(vol_rows), n_grids)
    h = state.households
    h.building[:] = building
    h.grid[:] = grid
    h.is_elderly[:] = elderly
    h.lives_alone[:] = alone
    h.is_low_income[:] = low_income
    h.has_chronic_illness[:] = chronic
    h.has_digital_access[:] = digital
    h.is_vulnerable[:] = vulnerable
    h.vulnerability[:] = (elderly.astype(np.int8) + alone + low_income + chronic)
    h.is_volunteer[:] = volunteer
    open_registries(state, params, seed)
    h.exposure[:] = draw(rng.S_EXPOSURE)
    h.reserve_target[:] = reserves
    h.reserves[:] = reserves
    h.trust0[:] = 0.4 + 0.4 * draw(rng.S_TRUST0)
    h.trust[:] = h.trust0
    h.social_capital0[:] = social0
    h.social_capital[:] = social

    v = state.volunteers
    v.household[:] = vol_rows
    v.motivation0[:] = 0.5 + 0.5 * social0[vol_rows]
    v.motivation[:] = v.motivation0

    gr = state.grids
    gid = np.arange(n_grids)
    gr.start[:] = np.searchsorted(grid, gid, side="left")
    gr.stop[:] = np.searchsorted(grid, gid, side="right")
    vol_grid = grid[vol_rows]
    gr.vol_start[:] = np.searchsorted(vol_grid, gid, side="left")
    gr.vol_stop[:] = np.searchsorted(vol_grid, gid, side="right")
    gr.community[:] = gid // pop.grids_per_community
    gr.x[:], gr.y[:], gr.elevation[:] = _elevation(n_grids, seed)
    size = gr.stop - gr.start
    cursor0 = rng.uniform_array(seed, -1, rng.S_CURSOR0, n_grids)
    gr.cursor[:] = np.minimum((cursor0 * size).astype(np.int64), size - 1)

    per_day = params.governance.dept_capacity_per_10k * n / 10_000.0
    state.department_capacity[:] = per_day
    return state
