"""Districts from map files: grids, counts and shares, map ties, map shocks, bad files.

Needs the `[geo]` extra (geopandas, pyogrio, shapely, libpysal); skipped with
the reason where it is absent (CI installs it through the [test] extra).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.params import Params

gpd = pytest.importorskip("geopandas", reason="districts need the [geo] extra: "
                          "pip install 'grassroots-resilience[geo]'")
pytest.importorskip("libpysal", reason="district adjacency needs libpysal ([geo] extra)")
from shapely.geometry import Polygon, box  # noqa: E402

from scenarios import make_model  # noqa: E402
from scenarios.load import load_shock, validate_file  # noqa: E402
from sim.district import layout, read_district  # noqa: E402
from sim.errors import DistrictError, ScenarioError  # noqa: E402
from sim.inputs import Event, GridSelector, Shock, check_shock  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
COLUMBUS = ROOT / "docs" / "tutorials" / "data" / "columbus_district.toml"
CRS = "EPSG:32651"  # UTM 51N (Shanghai): metres


def squares(side: int = 3, size: float = 500.0):
    """side x side square grids, 500 m each, row by row from the south-west."""
    return [box(c * size, r * size, (c + 1) * size, (r + 1) * size)
            for r in range(side) for c in range(side)]


def write_map(tmp_path, name="d.gpkg", geoms=None, crs=CRS, **columns):
    geoms = geoms or squares()
    n = len(geoms)
    cols = {"households": [40 + 10 * i for i in range(n)], "name": [f"g{i}" for i in range(n)],
            "flood_zone": [1 if i % 3 == 0 else 0 for i in range(n)],
            "elev_m": [float(10 + (i * 7) % 9) for i in range(n)]}
    cols.update(columns)
    cols = {k: v for k, v in cols.items() if v is not None}
    path = tmp_path / name
    gpd.GeoDataFrame(cols, geometry=geoms, crs=crs).to_file(path, engine="pyogrio")
    return path


def mapping(tmp_path, map_path, extra=""):
    toml = tmp_path / "d.toml"
    toml.write_text(f'[district]\nfile = "{map_path.name}"\n{extra}\n'
                    '[district.columns]\nhouseholds = "households"\nname = "name"\n'
                    'elevation = "elev_m"\n')
    return toml


def test_grids_counts_and_layout(tmp_path):
    d = read_district(mapping(tmp_path, write_map(tmp_path)))
    assert d.n_grids == 9 and d.names[0] == "g0"
    assert d.households.tolist() == [40 + 10 * i for i in range(9)]
    building, grid, n = layout(d, 24)
    assert n == 9 and np.bincount(grid).tolist() == d.households.tolist()
    # no building spans two grids; buildings hold at most 24 households
    for b in np.unique(building):
        assert len(np.unique(grid[building == b])) == 1
    assert np.bincount(building).max() <= 24
    # centroids in metres, elevation ranked from the mapped column
    assert np.allclose(d.x[:3], [250, 750, 1250]) and np.allclose(d.y[:3], 250)
    assert d.elevation[np.argmin(np.array([10 + (i * 7) % 9 for i in range(9)]))] == 0.0
    # queen adjacency: the centre square touches all 8 others, a corner 3
    assert np.diff(d.nb_indptr).tolist() == [3, 5, 3, 5, 8, 5, 3, 5, 3]


def test_model_on_a_district(tmp_path):
    path = mapping(tmp_path, write_map(tmp_path))
    m = make_model("status_quo", "none", days=3, seed=2,
                   overrides={"population.district": str(path)})
    gr, h = m.state.grids, m.state.households
    assert h.n == sum(40 + 10 * i for i in range(9)) == m.params.population.n_households
    assert (gr.stop - gr.start).tolist() == [40 + 10 * i for i in range(9)]
    assert np.allclose(gr.x[:3], [250, 750, 1250])
    assert m.manifest()["district"]["sha256"] == read_district(path).digest
    m.run()
    # a number of households with a district is refused, even the default's 10,000 (it
    # would otherwise pass unnoticed), by argument or by override
    for n, extra in ((500, {}), (10_000, {}), (None, {"population.n_households": 10_000})):
        with pytest.raises(Exception, match="district's counts set the number"):
            make_model("status_quo", "none", n_households=n, days=3, seed=2,
                       overrides={"population.district": str(path), **extra})
    with pytest.raises(Exception, match="holds 720 households"):  # a parameter set's size
        make_model("status_quo", "none", days=3, seed=2,
                   params=Params().with_overrides({"population.n_households": 500,
                                                   "population.district": str(path)}))


def test_long_range_ties_follow_the_map(tmp_path):
    path = mapping(tmp_path, write_map(tmp_path), 'ties = "adjacency"')
    only_long = {"network.building_weight": 0.0, "network.grid_weight": 0.0,
                 "network.long_range_degree": 4.0, "population.district": str(path)}
    m = make_model("status_quo", "none", days=1, seed=3, overrides=only_long)
    d, grid, net = m.district, m.state.households.grid, m.network
    src = np.repeat(np.arange(net.n), np.diff(net.indptr))
    a, b = grid[src], grid[net.indices]
    neighbours = {(g, int(j)) for g in range(d.n_grids)
                  for j in d.nb_indices[d.nb_indptr[g]:d.nb_indptr[g + 1]]}
    assert len(src) > 1000
    assert all((int(x), int(y)) in neighbours for x, y in zip(a, b))
    # ties = "city": the dial that turns the map off ties grids 0 and 8 (not neighbours)
    city = mapping(tmp_path, write_map(tmp_path), 'ties = "city"')
    m2 = make_model("status_quo", "none", days=1, seed=3,
                    overrides={**only_long, "population.district": str(city)})
    g2 = m2.state.households.grid
    s2 = np.repeat(np.arange(m2.network.n), np.diff(m2.network.indptr))
    assert ((g2[s2] == 0) & (g2[m2.network.indices] == 8)).any()


def test_distance_ties(tmp_path):
    d = read_district(mapping(tmp_path, write_map(tmp_path), 'ties = "distance"\nneighbours = 2'))
    assert np.diff(d.nb_indptr).tolist() == [2] * 9


def test_shares_and_counts_per_grid(tmp_path):
    n = 9
    path = write_map(tmp_path, share_elderly=[1.0] + [0.0] * (n - 1),
                     n_migrant=[0] * (n - 1) + [120])
    m = make_model("status_quo", "none", days=1, seed=5,
                   overrides={"population.district": str(path)})
    h, gr = m.state.households, m.state.grids
    first = slice(gr.start[0], gr.stop[0])
    last = slice(gr.start[8], gr.stop[8])
    assert h.is_elderly[first].all() and not h.is_elderly[gr.stop[0]:].any()
    assert h.is_migrant[last].all() and not h.is_migrant[:gr.start[8]].any()


def test_the_same_city_for_both_engines(tmp_path):
    from agents import ReferenceModel
    from scenarios import load_strategy
    from sim.inputs import NO_SHOCK

    path = str(mapping(tmp_path, write_map(tmp_path)))
    shock = Shock("f", (Event("flood", 1, 2, GridSelector(where="flood_zone == 1")),))
    kw = dict(days=4, seed=7, overrides={"population.district": path,
                                         "run.warm_up_days": 2, "run.tenure_days": 2})
    from sim.model import ResilienceModel

    a = ResilienceModel(load_strategy("community_resilience"), shock, **kw)
    b = ReferenceModel(load_strategy("community_resilience"), shock, **kw)
    a.run()
    b.run()
    assert np.array_equal(a.daily, b.daily)
    assert NO_SHOCK.name == "none"


# --- shocks on the map ------------------------------------------------------------


def test_map_selectors(tmp_path):
    d = read_district(mapping(tmp_path, write_map(tmp_path)))
    where = GridSelector(where="flood_zone == 1").mask(d.elevation, d.community, d)
    assert np.flatnonzero(where).tolist() == [0, 3, 6]
    both = GridSelector(where="flood_zone == 1 and households > 60 or households >= 120")
    assert np.flatnonzero(both.mask(d.elevation, d.community, d)).tolist() == [3, 6, 8]
    low = GridSelector(lowest="elev_m", share=2 / 9).mask(d.elevation, d.community, d)
    elev = np.array([10 + (i * 7) % 9 for i in range(9)])
    assert set(np.flatnonzero(low)) == set(np.argsort(elev, kind="stable")[:2])
    area = tmp_path / "river.gpkg"
    gpd.GeoDataFrame(geometry=[box(0, 0, 1500, 400)], crs=CRS).to_file(area, engine="pyogrio")
    assert np.flatnonzero(GridSelector(polygons=str(area)).mask(
        d.elevation, d.community, d)).tolist() == [0, 1, 2]


def test_shock_file_with_map_selectors_is_validated(tmp_path):
    path = mapping(tmp_path, write_map(tmp_path))
    shock = tmp_path / "s.toml"
    shock.write_text('name = "s"\n[[events]]\nkind = "flood"\nstart = 1\ndays = 2\n'
                     'grids = { where = "flood_zone == 1" }\n'
                     '[[events]]\nkind = "blackout"\nstart = 1\ndays = 2\n'
                     'grids = { lowest = "elev_m", share = 0.3 }\n')
    s = load_shock(shock)
    assert validate_file(shock, 30, district=path).name == "s"
    from scenarios.write import to_toml  # `scenarios show` writes what loads back the same

    again = tmp_path / "again.toml"
    again.write_text(to_toml(s))
    assert load_shock(again).events == s.events
    bad = tmp_path / "bad.toml"
    bad.write_text(shock.read_text().replace("flood_zone", "flood_zon"))
    with pytest.raises(ScenarioError, match="no attribute 'flood_zon'.*did you mean flood_zone"):
        validate_file(bad, 30, district=path)
    with pytest.raises(ScenarioError, match="no district"):
        check_shock(s, 30, np.zeros(3, np.int64), 900)
    for grids, words in [('{ where = "flood_zone = 1" }', "cannot read"),
                         ('{ lowest = "elev_m" }', "share: missing"),
                         ('{ polygons = "nowhere.gpkg" }', "does not exist")]:
        bad.write_text(f'[[events]]\nkind = "flood"\nstart = 1\ndays = 2\ngrids = {grids}\n')
        with pytest.raises(ScenarioError, match=words):
            load_shock(bad)
    nothing = tmp_path / "nothing.toml"
    nothing.write_text('[[events]]\nkind = "flood"\nstart = 1\ndays = 2\n'
                       'grids = { where = "flood_zone > 5" }\n')
    with pytest.raises(ScenarioError, match="covers no grid"):
        validate_file(nothing, 30, district=path)


# --- bad map files: one clear message each, before any work -------------------------


def bowtie():
    return Polygon([(0, 0), (500, 500), (500, 0), (0, 500)])


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
@pytest.mark.parametrize("case, words", [
    ("invalid", "polygon of grid 'g0' is invalid"),
    ("overlap", "polygons of grids 'g0' and 'g1' overlap"),
    ("no_counts", "no household counts: column 'households' is missing"),
    ("empty_count", "column 'households' \\(households\\) is empty for grid 'g2'"),
    ("fraction", "households\\) is 10.5 for grid 'g0'"),
    ("no_crs", "has no coordinate reference system"),
    ("counts_over", "counts do not add up: column 'n_elderly'"),
    ("percent", "a percentage\\? divide by 100"),
    ("sidecar", "d.shx is missing beside it"),
    ("points", "a district needs polygons"),
    ("not_a_map", "is not a map"),
])
def test_bad_map_files(tmp_path, case, words):
    g = squares()
    if case == "invalid":
        path = write_map(tmp_path, geoms=[bowtie()] + g[1:])
    elif case == "overlap":
        path = write_map(tmp_path, geoms=[box(0, 0, 600, 500)] + g[1:])
    elif case == "no_counts":
        path = write_map(tmp_path, households=None)
    elif case == "empty_count":
        path = write_map(tmp_path, households=[50.0, 50.0, None] + [50.0] * 6)
    elif case == "fraction":
        path = write_map(tmp_path, households=[10.5] + [50.0] * 8)
    elif case == "no_crs":
        path = write_map(tmp_path, crs=None)
    elif case == "counts_over":
        path = write_map(tmp_path, n_elderly=[41] + [0] * 8)
    elif case == "percent":
        path = write_map(tmp_path, share_elderly=[18.7] * 9)
    elif case == "sidecar":
        path = write_map(tmp_path, name="d.shp")
        (tmp_path / "d.shx").unlink()
    elif case == "points":
        path = write_map(tmp_path, geoms=[p.centroid for p in g])
    else:
        path = tmp_path / "d.csv"
        path.write_text("a,b\n")
    with pytest.raises(DistrictError, match=words):
        read_district(path)


def test_a_bad_map_stops_the_command_with_one_line(tmp_path):
    path = write_map(tmp_path, households=None)
    r = subprocess.run([sys.executable, "-m", "grassroots", "run", "--district", str(path),
                        "--days", "2"], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "no household counts" in r.stderr


def test_mapping_errors(tmp_path):
    m = write_map(tmp_path)
    for extra, words in [('ties = "roads"', "district.ties = 'roads'"),
                         ('colour = 1', "district.colour: unknown key")]:
        with pytest.raises(DistrictError, match=words):
            read_district(mapping(tmp_path, m, extra))
    toml = tmp_path / "x.toml"
    toml.write_text('[district]\nfile = "d.gpkg"\n[district.columns]\nhouseholds = "HH"\n')
    with pytest.raises(DistrictError, match="no household counts: column 'HH'"):
        read_district(toml)


def test_columbus_is_shipped_and_reads():
    d = read_district(COLUMBUS)
    assert d.n_grids == 49 and d.n_households == 49 * 400
    assert len(d.community_names) == 4 and d.crs == "planar"
    assert {"DISCBD", "CP", "income"} <= set(d.attributes)
    assert (np.diff(d.nb_indptr) > 0).all()  # every neighbourhood has a neighbour


# --- the map in the app and in reports ----------------------------------------------


def test_district_map_drawing(tmp_path):
    from viz.components import city_map

    path = str(mapping(tmp_path, write_map(tmp_path)))
    shock = Shock("f", (Event("flood", 1, 3, GridSelector(where="flood_zone == 1")),))
    from scenarios import load_strategy
    from sim.model import ResilienceModel

    m = ResilienceModel(load_strategy("community_resilience"), shock, days=3, seed=1,
                        overrides={"population.district": path})
    m.run()
    for mode in city_map.DISTRICT_MODES:
        colours, legend = city_map.grid_colours(m, mode, hazard=m.schedule.hazard[2],
                                                power=m.schedule.power[2])
        assert len(colours) == 9 and set(colours) <= {c for _, c in legend}
    colours, _ = city_map.grid_colours(m, "hazard", hazard=m.schedule.hazard[2])
    assert [c == city_map.BACKGROUND["hazard"] for c in colours] == [
        i % 3 == 0 for i in range(9)]
    svg = city_map.svg(m.district, colours, title="a <title>")
    assert svg.startswith("<svg") and svg.count("<path") == 9
    assert "<title>g4</title>" in svg and "a &lt;title&gt;" in svg


def test_compare_on_a_district_draws_unmet_need_maps(tmp_path):
    from experiments.runners import execute
    from experiments.spec import check_spec
    from viz.report import write_report

    path = str(mapping(tmp_path, write_map(tmp_path)))
    flood = tmp_path / "zone_flood.toml"
    flood.write_text('[[events]]\nkind = "flood"\nstart = 3\ndays = 4\nintensity = 0.9\n'
                     'grids = { where = "flood_zone == 1" }\n')
    spec = check_spec({"name": "d", "strategies": ["status_quo", "community_resilience"],
                       "shocks": [str(flood)], "replicates": 1, "days": 12,
                       "counterfactual": True,
                       "fixed": {"population.district": path, "run.tenure_days": 5,
                                 "run.warm_up_days": 5}})
    store = execute(spec, tmp_path / "out", executor="serial", progress=False)
    report = write_report(store)
    assert (tmp_path / "out" / "figures" / "unmet_need_map_zone_flood.png").is_file()
    assert "unmet_need_map_zone_flood.png" in report.read_text()


def test_workshop_app_draws_the_district(tmp_path, monkeypatch):
    import solara

    from viz.components.panels import MapPanel, map_mode
    from viz.components.session import ENV_DISTRICT, WorkshopModel

    monkeypatch.setenv(ENV_DISTRICT, str(mapping(tmp_path, write_map(tmp_path))))
    model = WorkshopModel(shock="flood", days=20, compare_with="community_resilience")
    assert model.a.district is not None and model.a.state.households.n == 720
    for _ in range(12):
        model.step()
    box, rc = solara.render(MapPanel(model), handle_error=False)
    try:
        html = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets]
        maps = [h for h in html if h.startswith("<svg")]
        assert len(maps) == 2 and all(h.count("<path") == 9 for h in maps)  # A and B
        assert any("30% or more in need" in h for h in html)  # the need legend
        map_mode.value = "hazard"
        html = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets]
        assert any("hazard today" in h for h in html)
        # in Chinese: the mode buttons and the map's title too (they were English only)
        from viz.components.panels import lang

        lang.value = "zh"
        html = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets]
        assert any("<title>" in h and "灾害</title>" in h for h in html)
        import ipyvuetify

        buttons = [b.children for b in rc.find(ipyvuetify.Btn).widgets]
        assert ["帮助渠道"] in buttons and ["help channel"] not in buttons
    finally:
        map_mode.value = "need"
        from viz.components.panels import lang

        lang.value = "en"
        rc.close()


def test_run_out_writes_the_unmet_need_map(tmp_path):
    path = mapping(tmp_path, write_map(tmp_path))
    out = tmp_path / "out"
    r = subprocess.run([sys.executable, "-m", "grassroots", "run", "--district", str(path),
                        "--days", "14", "--set", "run.tenure_days=0", "--quiet", "--out",
                        str(out)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert (out / "unmet_need_map.png").is_file()
    import json

    assert json.loads((out / "manifest.json").read_text())["district"]["grids"] == 9
    # the same figures in Chinese (`run --lang zh`), drawn with the CJK font: no glyph
    # is missing (matplotlib warns of each one)
    zh = tmp_path / "zh"
    r = subprocess.run([sys.executable, "-W", "error::UserWarning", "-m", "grassroots", "run",
                        "--district", str(path), "--days", "14", "--set", "run.tenure_days=0",
                        "--quiet", "--lang", "zh", "--out", str(zh)],
                       capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert (zh / "unmet_need_map.png").is_file() and (zh / "resilience.png").is_file()


def test_a_district_forks_and_snapshots_like_the_synthetic_city(tmp_path):
    from scenarios import load_strategy
    from sim.fork import forked_runs
    from sim.inputs import NO_SHOCK
    from sim.model import ResilienceModel

    over = {"population.district": str(mapping(tmp_path, write_map(tmp_path))),
            "run.warm_up_days": 3, "run.tenure_days": 3}
    strategy = load_strategy("community_resilience")
    shocks = [Shock("f", (Event("flood", 2, 2, GridSelector(where="flood_zone == 1")),)),
              NO_SHOCK]
    for i, m in forked_runs(strategy, shocks, 6, overrides=over, seed=3):
        m.run()
        straight = ResilienceModel(strategy, shocks[i], days=6, seed=3, overrides=over)
        straight.run()
        assert np.array_equal(m.daily, straight.daily)
    # saved to a file mid-run and continued: the city and its map ties rebuilt from the file
    half = ResilienceModel(strategy, shocks[0], days=6, seed=3, overrides=over)
    half.run(3)
    half.snapshot().save(tmp_path / "s.npz")
    rest = ResilienceModel.from_snapshot(tmp_path / "s.npz")
    rest.run()
    assert np.array_equal(rest.daily, straight_flood(strategy, shocks[0], over))


def straight_flood(strategy, shock, over):
    from sim.model import ResilienceModel

    m = ResilienceModel(strategy, shock, days=6, seed=3, overrides=over)
    m.run()
    return m.daily


def test_map_tiles_cover_the_district_with_the_textbook_tiles(tmp_path):
    """The tiles under a district (viz/map_tiles.py, pyproj's Web Mercator) are those the
    textbook formula gives from longitude and latitude (the slippy-map tile names of
    OpenStreetMap), and the SVG draws them beneath half-transparent polygons."""
    import math

    from pyproj import Transformer

    from viz import map_tiles
    from viz.components import city_map

    def textbook(lon, lat, z):  # https://wiki.openstreetmap.org/wiki/Slippy_map_tilenames
        n = 2 ** z
        r = math.radians(lat)
        return (int((lon + 180.0) / 360.0 * n),
                int((1.0 - math.asinh(math.tan(r)) / math.pi) / 2.0 * n))

    assert map_tiles.tile_index(0.0, 0.0, 1) == (1, 1)
    to_web = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    for lon, lat, z in ((-83.0, 39.96, 10), (121.47, 31.23, 15), (2.35, 48.86, 17)):
        assert map_tiles.tile_index(*to_web.transform(lon, lat), z) == textbook(lon, lat, z)
    # a district of 9 squares of 500 m in UTM 51N (Shanghai): 1.5 km across
    shanghai = [box(x, y, x + 500, y + 500) for y in (3_455_000, 3_455_500, 3_456_000)
                for x in (355_000, 355_500, 356_000)]
    d = read_district(mapping(tmp_path, write_map(tmp_path, geoms=shanghai)))
    url = "https://tiles.example.org/{z}/{x}/{y}.png"
    picture = city_map.svg(d, ["#ffffff"] * 9, width=480, tiles=url)
    hrefs = re.findall(r'href="https://tiles.example.org/(\d+)/(\d+)/(\d+).png"', picture)
    z = int(hrefs[0][0])
    assert 14 <= z <= 16 and len(hrefs) <= map_tiles.MAX_TILES  # about 1.5 km in 480 px
    lon, lat = Transformer.from_crs("EPSG:32651", "EPSG:4326", always_xy=True).transform(
        355_750, 3_455_750)
    assert (str(z), *map(str, textbook(lon, lat, z))) in hrefs  # the centre's tile
    assert picture.index("<image") < picture.index("<path")  # tiles beneath the grids
    assert picture.count('fill-opacity="0.6"') == 9
    assert "<image" not in city_map.svg(d, ["#ffffff"] * 9)  # none unless asked


@pytest.mark.parametrize("args, words", [
    (["--map-tiles", "https://t.example/{z}/{x}/{y}.png"], "give --district FILE too"),
    (["--district", "MAP", "--map-tiles", "https://t.example/{z}/{x}.png"], "lacks {y}"),
    (["--district", "MAP", "--map-tiles", "tiles/{z}/{x}/{y}.png"], "not an http(s) address"),
    (["--district", "PLANAR", "--map-tiles", "https://t.example/{z}/{x}/{y}.png"],
     "is planar"),
    (["--district", "MAP", "--map-tiles", "https://{s}.t.example/{z}/{x}/{y}.png"],
     "has {s}, which is not filled in"),
])
def test_map_tiles_refusals_are_one_line(tmp_path, capsys, args, words):
    from grassroots.cli import main

    real = mapping(tmp_path, write_map(tmp_path))
    planar = tmp_path / "planar.toml"
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="'crs' was not provided")
        write_map(tmp_path, name="p.gpkg", crs=None)
    planar.write_text('[district]\nfile = "p.gpkg"\ncrs = "planar"\n[district.columns]\n'
                      'households = "households"\n')
    args = [str(real) if a == "MAP" else str(planar) if a == "PLANAR" else a for a in args]
    assert main(["ui", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert words in err and len(err.splitlines()) == 1, err


def test_workshop_app_draws_tiles_under_the_district(tmp_path, monkeypatch):
    import solara

    from viz import map_tiles
    from viz.components.panels import MapPanel
    from viz.components.session import ENV_DISTRICT, WorkshopModel

    monkeypatch.setenv(ENV_DISTRICT, str(mapping(tmp_path, write_map(tmp_path))))
    monkeypatch.setenv(map_tiles.ENV, "https://tiles.example.org/{z}/{x}/{y}.png")
    monkeypatch.setenv(map_tiles.ENV_ATTRIBUTION, "(c) Example contributors")
    model = WorkshopModel(shock="flood", days=20)
    box, rc = solara.render(MapPanel(model), handle_error=False)
    try:
        html = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets]
        assert any("<image" in h and "tiles.example.org" in h for h in html)
        import ipyvuetify

        shown = [w.children for w in rc.find(ipyvuetify.Html).widgets]
        assert ["Map tiles: (c) Example contributors"] in shown  # the provider's attribution
    finally:
        rc.close()


# --- shops, depots and the warehouse from point layers ----------------------------

def write_points(tmp_path, name, xy, crs=CRS, **columns):
    from shapely.geometry import Point

    path = tmp_path / name
    gpd.GeoDataFrame(columns, geometry=[Point(x, y) for x, y in xy], crs=crs).to_file(
        path, engine="pyogrio")
    return path


CENTRES = [(250.0 + 500 * (i % 3), 250.0 + 500 * (i // 3)) for i in range(9)]


def with_points(tmp_path, extra: str):
    return mapping(tmp_path, write_map(tmp_path), extra)


def test_shop_points_set_each_grids_shop_capacity_per_household(tmp_path):
    n = np.array([40 + 10 * i for i in range(9)], dtype=float)  # write_map's counts
    write_points(tmp_path, "shops.gpkg", CENTRES)
    # reach 0: each shop serves its own grid only, so grid g holds 1 shop for n_g homes
    d = read_district(with_points(tmp_path, '[district.shops]\nfile = "shops.gpkg"\n'
                                            'reach = 0\n'))
    np.testing.assert_allclose(d.shop_share, (1 / n) / (9 / n.sum()))
    assert d.depot_share is None and d.points["shops"].shape == (9, 2)
    # a reach past the whole district: every shop shared by all grids alike -> all 1
    write_points(tmp_path, "big.gpkg", CENTRES[:2], floor=[3.0, 1.0])
    d = read_district(with_points(tmp_path, '[district.shops]\nfile = "big.gpkg"\n'
                                            'size = "floor"\nreach = 10000\n'))
    np.testing.assert_allclose(d.shop_share, np.ones(9))
    # the model's shelves follow: full at the start, capacity x share
    from scenarios import make_model

    m = make_model("status_quo", "none", overrides={
        "population.district": str(with_points(tmp_path, '[district.shops]\n'
                                                         'file = "shops.gpkg"\nreach = 0\n')),
        "run.warm_up_days": 0, "run.tenure_days": 0}, days=2, seed=1)
    gr = m.state.grids
    np.testing.assert_allclose(gr.shop_share, (1 / n) / (9 / n.sum()))
    np.testing.assert_allclose(gr.shop_stock, m.params.behaviour.shop_stock_days * n
                               * gr.shop_share)


def test_depot_points_leave_grids_without_a_depot_empty_and_engines_agree(tmp_path):
    from agents import ReferenceModel
    from scenarios import load_strategy
    from sim.model import ResilienceModel

    write_points(tmp_path, "depots.geojson", [CENTRES[0], CENTRES[4]])
    write_points(tmp_path, "shops.gpkg", CENTRES)
    write_points(tmp_path, "wh.geojson", [(700.0, 700.0)])
    path = str(with_points(tmp_path, '[district.depots]\nfile = "depots.geojson"\nreach = 0\n'
                                     '[district.shops]\nfile = "shops.gpkg"\nreach = 300\n'
                                     '[district.warehouse]\nfile = "wh.geojson"\n'))
    d = read_district(path)
    assert d.depot_share.tolist() == [1, 0, 0, 0, 1, 0, 0, 0, 0]
    assert d.points["warehouse"].tolist() == [[700.0, 700.0]]
    from viz.components import city_map  # drawn on the map, with legend entries

    picture = city_map.svg(d, ["#ffffff"] * 9)
    assert picture.count("<circle") == 9 and picture.count("<rect") == 3
    assert [label for label, _c in city_map.point_legend(d)] == ["shop", "depot", "warehouse"]
    # top-down pre-positions to the warned grids: only grids with a depot receive goods
    shock = Shock("f", (Event("flood", 2, 4, GridSelector(all=True)),))
    kw = dict(days=8, seed=3, overrides={"population.district": path,
                                         "run.warm_up_days": 2, "run.tenure_days": 3})
    a = ResilienceModel(load_strategy("top_down_digital"), shock, **kw)
    b = ReferenceModel(load_strategy("top_down_digital"), shock, **kw)
    depots = []
    for _ in range(8):
        a.step()
        b.step()
        depots.append(a.state.grids.depot + a.state.grids.in_transit)
    assert np.array_equal(a.daily, b.daily)  # the reference agents read the same shares
    depots = np.array(depots)
    assert depots[:, [0, 4]].max() > 0 and depots[:, [1, 2, 3, 5, 6, 7, 8]].max() == 0


@pytest.mark.parametrize("extra, files, words", [
    ('[district.shops]\nfile = "nope.gpkg"\n', {}, "does not exist"),
    ('[district.shops]\nfile = "s.gpkg"\nreach = 0\n', {"s.gpkg": CENTRES[:8]},
     "grid 'g8' (and 0 more) has no shop within reach"),
    ('[district.shops]\nfile = "s.gpkg"\nreach = -1\n', {"s.gpkg": CENTRES},
     "district.shops.reach = -1: allowed: a distance >= 0"),
    ('[district.shops]\nfile = "s.gpkg"\nsize = "m2"\n', {"s.gpkg": CENTRES},
     "district.shops.size = 'm2': no such column"),
    ('[district.warehouse]\nfile = "w.gpkg"\n', {"w.gpkg": CENTRES[:2]},
     "2 points; the city has one warehouse"),
    ('[district.depots]\nfile = "d.gpkg"\nsize = "x"\n', {"d.gpkg": CENTRES},
     "district.depots.size: unknown key"),
    ('[district.depots]\nfile = "grids.gpkg"\n', {}, "a point layer needs points"),
    ('[district.depots]\nfile = "p.gpkg"\n', {"p.gpkg": None},
     "the grids are in EPSG:32651 but the points have no CRS"),
])
def test_bad_point_layers_are_one_clear_message(tmp_path, extra, files, words):
    import warnings

    for name, xy in files.items():
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="'crs' was not provided")
            write_points(tmp_path, name, CENTRES if xy is None else xy,
                         crs=None if xy is None else CRS)
    write_map(tmp_path, name="grids.gpkg")
    with pytest.raises(DistrictError, match=re.escape(words)):
        read_district(with_points(tmp_path, extra))
