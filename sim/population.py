"""The synthetic city: households in buildings, grids and communities, on a map.

Households are numbered so that a building is a contiguous run of rows and a
grid a contiguous run of buildings: ties, which mostly sit within buildings
and grids, then sit near each other in memory. Grids lie on a square lattice
with an elevation (a river valley) that floods use; or, for a district read
from a map (`sim.district`, `population.district`), grids are the map's
polygons with their own household counts, shares, communities and heights.
Every attribute is drawn with the counter-based generator (`sim.rng`, day
-1), so a household has the same attributes under every strategy.

Shares and their sources are in docs/ODD.md, section 7.
"""

from __future__ import annotations

import warnings

import numpy as np

from sim import rng
from sim.errors import InputWarning
from sim.network.csr import ties_within
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


def grid_communities(pop) -> np.ndarray:
    """Each grid's community, int64 (grids,), for a city of `pop` (PopulationPars),
    without drawing it: what `sim.inputs.check_shock` needs to know the city."""
    n_buildings = (pop.n_households - 1) // pop.building_households + 1
    per_grid = max(1, round(pop.grid_households / pop.building_households))
    n_grids = (n_buildings - 1) // per_grid + 1
    return np.arange(n_grids, dtype=np.int64) // pop.grids_per_community


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


# Node attributes of a network file (sim.network.NODE_ATTRIBUTES) that stand
# for a household draw, and the draw each replaces where a node gives it.
ATTRIBUTE_DRAWS = {"elderly": "is_elderly", "alone": "lives_alone",
                   "low_income": "is_low_income", "chronic": "has_chronic_illness",
                   "digital_access": "has_digital_access"}
# Household arrays that depend on those draws, recomputed when any is given.
# (Registries follow too: `open_registries` after them.)
_DERIVED = ("is_elderly", "lives_alone", "is_low_income", "has_chronic_illness",
            "has_digital_access", "is_vulnerable", "vulnerability", "reserve_target",
            "reserves", "social_capital")


def load_district(params: Params):
    """The district `population.district` names (`sim.district.District`), or None
    for the synthetic city."""
    if not params.population.district:
        return None
    from sim.district import read_district

    return read_district(params.population.district)


def _shares(params: Params, district, grid: np.ndarray | None) -> dict[str, object]:
    """Each household's chance of an attribute: the city-wide share, or where a
    district gives its grid a share, that share (float (n,) then)."""
    pop = params.population
    out: dict[str, object] = {"elderly": pop.share_elderly, "alone": pop.share_alone,
                              "low_income": pop.share_low_income, "chronic": pop.share_chronic,
                              "migrant": pop.share_migrant, "registered": pop.registry_coverage}
    if district is None:
        return out
    for attr, per_grid in district.shares.items():
        out[attr] = np.where(np.isnan(per_grid), out[attr], per_grid)[grid]
    return out


def _households(params: Params, given: dict[str, np.ndarray] | None = None,
                district=None, grid: np.ndarray | None = None) -> dict:
    """Every household draw of the city, by State field name.

    `given` maps an ATTRIBUTE_DRAWS key to float (n,) values (1 yes, 0 no,
    NaN: not given); where a value is given it replaces the draw, and what
    depends on it (digital access on age, vulnerability, reserves, social
    capital) follows; registries are drawn by `open_registries`. The draws themselves never change,
    so a household the file says nothing about keeps its attributes. A
    `district` (with each household's `grid`) gives shares per grid: the same
    draws, compared with the grid's share instead of the city's.
    """
    pop = params.population
    share = _shares(params, district, grid)
    seed = params.run.seed
    n = pop.n_households
    given = given or {}

    def draw(stream: int) -> np.ndarray:
        return rng.uniform_array(seed, -1, stream, n)

    def chosen(name: str, drawn: np.ndarray) -> np.ndarray:
        values = given.get(name)
        if values is None:
            return drawn
        return np.where(np.isnan(values), drawn, values > 0.5)

    elderly = chosen("elderly", draw(rng.S_ELDERLY) < share["elderly"])
    alone = chosen("alone", draw(rng.S_ALONE) < share["alone"])
    low_income = chosen("low_income", draw(rng.S_LOW_INCOME) < share["low_income"])
    chronic = chosen("chronic", draw(rng.S_CHRONIC) < share["chronic"])
    p_digital = np.where(elderly, pop.digital_access_elderly, pop.digital_access_young)
    digital = chosen("digital_access", draw(rng.S_DIGITAL) < p_digital)
    vulnerable = elderly | chronic | (low_income & alone)
    volunteer = draw(rng.S_VOLUNTEER) < pop.share_volunteers
    reserves = pop.reserve_days * (0.5 + draw(rng.S_RESERVES))
    reserves = np.where(low_income, reserves * pop.low_income_reserve_factor, reserves)
    # Migrants (no local hukou): smaller stocks and weaker local ties from the
    # start; they are in no department registry (`open_registries`).
    migrant = draw(rng.S_MIGRANT) < share["migrant"]
    reserves = np.where(migrant, reserves * pop.migrant_reserve_factor, reserves)
    social0 = 0.3 + 0.4 * draw(rng.S_SOCIAL0)
    social0 = np.where(migrant, social0 * pop.migrant_social_factor, social0)
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
    trust0 = 0.4 + 0.4 * draw(rng.S_TRUST0)
    return {"is_elderly": elderly, "lives_alone": alone, "is_low_income": low_income,
            "has_chronic_illness": chronic, "has_digital_access": digital,
            "is_vulnerable": vulnerable,
            "vulnerability": elderly.astype(np.int8) + alone + low_income + chronic,
            "is_volunteer": volunteer, "is_migrant": migrant, "exposure": draw(rng.S_EXPOSURE),
            "reserve_target": reserves, "reserves": reserves, "trust0": trust0,
            "trust": trust0.copy(), "social_capital0": social0, "social_capital": social}


def open_registries(state: State, params: Params, seed: int, district=None) -> None:
    """Who is registered (vulnerable, not a migrant), whose registry is open to
    the grid (data_openness) and whom the grid worker knows as vulnerable. The
    same draws under any openness, so opening more registries only adds
    households. A `district` may give each grid its own registry coverage.
    Writes is_registered, is_registry_open, is_known of `state.households`
    (is_vulnerable, is_migrant and grid must be set).
    """
    h, pop = state.households, params.population
    coverage = _shares(params, district, h.grid)["registered"]

    def draw(stream: int) -> np.ndarray:
        return rng.uniform_array(seed, -1, stream, h.n)

    # migrants are not in the registries of the city they live in (no local hukou)
    registered = (h.is_vulnerable & ~h.is_migrant
                  & (draw(rng.S_REGISTRY) < coverage))
    opened = registered & (draw(rng.S_OPENNESS) < params.governance.data_openness)
    h.is_registered[:] = registered
    h.is_registry_open[:] = opened
    h.is_known[:] = h.is_vulnerable & ((draw(rng.S_KNOWLEDGE) < pop.local_knowledge) | opened)


def apply_node_attributes(state: State, network, params: Params,
                          district=None) -> tuple[str, ...]:
    """Let the node attributes of a network file override the city's draws.

    Call after `build` (with the same `params`), before the first step. Where a node of the file
    gives an attribute (`network.attributes`, see `sim.network.NODE_ATTRIBUTES`
    and docs/ODD.md, "Input data"), the household it maps to takes it:
    elderly, living alone, low income, chronic illness, digital access; what
    depends on them follows (`_households`). Grids and communities come
    from the synthetic layout: a `grid` or `community` attribute is not
    used, and an `InputWarning` says so.

    Returns:
        The names of the attributes applied.
    """
    attrs = getattr(network, "attributes", None) or {}
    unused = sorted(set(attrs) - set(ATTRIBUTE_DRAWS))
    if unused:
        warnings.warn(f"network file node attribute(s) {', '.join(unused)} not used: "
                      "households keep the synthetic city's grids and communities",
                      InputWarning, stacklevel=2)
    used = {k: v for k, v in attrs.items() if k in ATTRIBUTE_DRAWS}
    if not used:
        return ()
    h = state.households
    drawn = _households(params, used, district, h.grid)
    for name in _DERIVED:
        getattr(h, name)[:] = drawn[name]
    open_registries(state, params, params.run.seed, district)
    return tuple(sorted(used))


def city_layout(params: Params, district=None) -> tuple[np.ndarray, np.ndarray, int]:
    """(building, grid, n_grids) of the city: the district's grids, or the lattice's."""
    pop = params.population
    if district is not None:
        from sim.district import layout as district_layout

        return district_layout(district, pop.building_households)
    return layout(pop.n_households, pop.building_households, pop.grid_households)


def build(params: Params, district=None) -> State:
    """Draw the city of `params` (on the grids of `district`, a
    `sim.district.District`, if given) and return its initial state."""
    pop = params.population
    seed = params.run.seed
    building, grid, n_grids = city_layout(params, district)
    n = len(grid)
    if n != pop.n_households:
        raise ValueError(f"population.n_households = {pop.n_households:,} but the district "
                         f"holds {n:,} households")
    d = _households(params, None, district, grid)
    volunteer, social0 = d["is_volunteer"], d["social_capital0"]

    vol_rows = np.flatnonzero(volunteer).astype(np.int32)
    state = State(n, len(vol_rows), n_grids)
    h = state.households
    h.building[:] = building
    h.grid[:] = grid
    for name, values in d.items():
        getattr(h, name)[:] = values
    # a building has a group-buying lead with probability group_buy_lead_share (one draw
    # per building: its households share it); at 1, every building, as before the dial
    n_buildings = int(building.max()) + 1 if n else 0
    lead = (rng.uniform_array(seed, -1, rng.S_GROUP_LEAD, n_buildings)
            < params.behaviour.group_buy_lead_share)
    h.has_group_lead[:] = lead[building]
    open_registries(state, params, seed, district)

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
    if district is None:
        gr.community[:] = gid // pop.grids_per_community
        gr.x[:], gr.y[:], gr.elevation[:] = _elevation(n_grids, seed)
    else:
        gr.community[:] = district.community
        gr.x[:], gr.y[:], gr.elevation[:] = district.x, district.y, district.elevation
        if district.shop_share is not None:  # shops from the map's points
            gr.shop_share[:] = district.shop_share
        if district.depot_share is not None:  # depots from the map's points
            gr.depot_share[:] = district.depot_share
    size = gr.stop - gr.start
    cursor0 = rng.uniform_array(seed, -1, rng.S_CURSOR0, n_grids)
    gr.cursor[:] = np.minimum((cursor0 * size).astype(np.int64), size - 1)

    per_day = params.governance.dept_capacity_per_10k * n / 10_000.0
    state.department_capacity[:] = per_day
    gr.shop_stock[:] = params.behaviour.shop_stock_days * size * gr.shop_share  # start full
    state.warehouse[0] = params.governance.warehouse_days_per_household * n
    return state


def count_grid_ties(state: State, network) -> None:
    """Each household's ties to households of its own grid (n_grid_ties, fixed):
    a household with none is not in the grid's chat group when
    behaviour.chat_needs_ties is on. Writes n_grid_ties of `state.households`."""
    h = state.households
    ties_within(network.indptr, network.indices, h.grid, h.n_grid_ties)
