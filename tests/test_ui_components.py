"""The workshop app rendered in Python (solara.render), no browser.

The page is rendered inside solara.AppLayout, as `solara run` does, so
SolaraViz's sidebar (Step, Play/Pause, Reset, the model parameters) exists.
A small cap keeps the cities small and the tests quick.
"""

from __future__ import annotations

import io
import os
import time
import types
from pathlib import Path

import ipyvuetify as v
import ipywidgets
import numpy as np
import pandas as pd
import pytest
import solara
import solara.server.server
import solara.server.settings

import viz.app
from sim.errors import ParameterError
from sim.params import SPECS
from viz.components import charts, city_map
from viz.components.explain import EXPLAIN
from viz.components.page_model import PageModel
from viz.components.panels import PANELS, explain
from viz.components.session import (
    LEVERS,
    WorkshopModel,
    initial_values,
    model_params,
    strategy_levers,
)

CAP = 600


@pytest.fixture(autouse=True)
def small_caps(monkeypatch):
    monkeypatch.setenv("GRASSROOTS_UI_MAX_HOUSEHOLDS", str(CAP))
    monkeypatch.setenv("GRASSROOTS_UI_MAX_DAYS", "60")
    explain.value = False
    yield
    explain.value = False


@pytest.fixture
def page(monkeypatch):
    """The rendered page and the list of models it has built (newest last)."""
    built: list[WorkshopModel] = []

    class Recorded(PageModel):
        def __init__(self, **kwargs):  # keywords only, as SolaraViz requires
            super().__init__(**kwargs)
            built.append(self)

    monkeypatch.setattr(viz.app, "PageModel", Recorded)
    box, rc = solara.render(solara.AppLayout(children=[viz.app.Page()]), handle_error=False)
    yield box, rc, built
    rc.close()


def walk(root):
    """Every widget under `root`, including those in slots (tooltips) and grid items."""
    seen, stack = set(), [root]
    while stack:
        w = stack.pop()
        if isinstance(w, (list, tuple)):
            stack.extend(w)
            continue
        if isinstance(w, dict):
            stack.extend(w.values())
            continue
        if not isinstance(w, ipywidgets.Widget) or id(w) in seen:
            continue
        seen.add(id(w))
        yield w
        for name in w.keys:
            if name not in ("layout", "style", "_view_name"):
                stack.append(getattr(w, name))


def classes(w) -> list[str]:
    attributes = getattr(w, "attributes", None) or {}  # solara.HTML keeps them here
    return ((getattr(w, "class_", None) or "") + " " + attributes.get("class", "")).split()


def with_class(root, token: str) -> list:
    return [w for w in walk(root) if token in classes(w)]


def one(root, token: str):
    found = with_class(root, token)
    assert len(found) == 1, f"{len(found)} widgets with class {token!r}"
    return found[0]


def inside(root, token: str, cls):
    """The single widget of type `cls` inside the element with class `token`."""
    found = [w for w in walk(one(root, token)) if isinstance(w, cls)]
    assert len(found) == 1, f"{len(found)} {cls.__name__} in {token!r}"
    return found[0]


def text(widget) -> str:
    return " ".join(str(c) for c in widget.children if isinstance(c, str))


def button(rc, label: str):
    return rc.find(v.Btn, children=[label]).widget


def test_model_params_come_from_specs():
    params = model_params()
    for lever in LEVERS:
        s, p = SPECS[f"governance.{lever}"], params[lever]
        assert p["label"] == s.label and p["help"] == s.help and p["unit"] == s.unit
        assert p["type"] == ("Checkbox" if s.type is bool else "SliderFloat")
        if s.type is not bool:
            assert (p["min"], p["max"]) == (s.lo, s.hi)
    assert params["n_households"]["max"] == CAP
    assert params["days"]["max"] == 60
    assert params["strategy"]["presets"]["top_down_digital"]["reporting_burden"] == 0.6
    assert initial_values(params)["reporting_burden"] == strategy_levers("status_quo")[
        "reporting_burden"]


def test_caps_and_names_are_enforced():
    with pytest.raises(ParameterError, match="allows"):
        WorkshopModel(n_households=CAP + 100)
    with pytest.raises(ParameterError, match="allows"):
        WorkshopModel(n_households=600, days=61)
    with pytest.raises(ParameterError, match="strategy"):
        WorkshopModel(strategy="../scenarios/strategies/status_quo.toml", n_households=600)
    with pytest.raises(ParameterError, match="unknown lever"):
        WorkshopModel(n_households=600, bogus=1)


def test_step_advances_the_model_day(page):
    box, rc, built = page
    model = built[-1]
    assert model.day == 0
    status = one(box, "gr-status-map")
    assert text(status).startswith("Day 0 of 60")
    button(rc, "Next day").click()
    assert model.day == 1 and model.steps == 1
    assert text(one(box, "gr-status-map")).startswith("Day 1 of 60")
    button(rc, "Next day").click()
    assert model.day == 2
    # the charts (SVG drawn on the server) show the days simulated so far
    svgs = [w.unsafe_innerHTML for w in with_class(box, "gr-chart-box")]
    assert len(svgs) == 5  # Q, crisis, help, dashboard, social (compare is off)
    assert all(s.startswith("<svg") and "<polyline" in s for s in svgs)


def test_slider_change_then_reset_rebuilds_the_model(page):
    box, rc, built = page
    first = built[-1]
    assert first.a.state.households.n == min(2_000, CAP)
    inside(box, "gr-input-n_households", v.Slider).v_model = 600
    inside(box, "gr-input-reporting_burden", v.Slider).v_model = 0.8
    assert built[-1] is first  # nothing changes before Reset
    button(rc, "Next day").click()
    button(rc, "Reset").click()
    model = built[-1]
    assert model is not first and model.day == 0
    assert model.a.state.households.n == 600
    assert model.a.params.governance.reporting_burden == 0.8
    assert model.edits == {"reporting_burden": 0.8}
    assert "600 households" in text(one(box, "gr-status-map"))


def test_strategy_preset_moves_the_levers(page):
    box, rc, built = page
    inside(box, "gr-input-strategy", v.Select).v_model = "community_resilience"
    preset = strategy_levers("community_resilience")
    assert inside(box, "gr-input-chat_groups", v.Checkbox).v_model is True
    assert inside(box, "gr-input-data_openness", v.Slider).v_model == pytest.approx(
        preset["data_openness"])
    button(rc, "Reset").click()
    model = built[-1]
    assert model.a.strategy.name == "community_resilience"
    assert model.edits == {}  # the levers are exactly the strategy's
    g = model.a.params.governance
    assert (g.chat_groups, g.volunteer_coordination) == (True, True)


def test_compare_mode_steps_both_models(page):
    box, rc, built = page
    assert text(one(box, "gr-status-compare")).startswith("Compare mode is off")
    inside(box, "gr-input-compare_with", v.Select).v_model = "top_down_digital"
    button(rc, "Reset").click()
    model = built[-1]
    assert model.b is not None and model.b.strategy.name == "top_down_digital"
    for _ in range(3):
        button(rc, "Next day").click()
    assert model.a.day == model.b.day == 3
    table = one(box, "gr-panel-compare")
    html = [w.unsafe_innerHTML for w in walk(table) if isinstance(w, solara.widgets.HTML)]
    assert any("Days of functioning lost so far" in h and "lower is better" in h
               for h in html)
    # the curve of needs met: both runs on one chart, each with its triangle, plain names
    (svg,) = [w.unsafe_innerHTML for w in with_class(one(box, "gr-panel-functionality"),
                                                     "gr-chart-box")]
    assert ">Status quo<" in svg and ">Top-down digital control<" in svg
    assert svg.count('class="gr-triangle"') == 2
    assert ">shock starts<" in svg  # the flood starts on day 10: marked, not yet reached
    # panels drawing run A only say so
    assert text(one(box, "gr-status-crisis")).startswith("Run A only: Status quo")
    # the map shows both runs side by side
    images = [w for w in walk(one(box, "gr-panel-map")) if isinstance(w, ipywidgets.Image)]
    assert len(images) == 2


def test_compare_uses_common_random_numbers():
    m = WorkshopModel("status_quo", "flood", n_households=600, days=20, seed=3,
                      compare_with="status_quo")
    for _ in range(15):
        m.step()
    assert m.label_a != m.label_b  # "A: status_quo" / "B: status_quo"
    np.testing.assert_array_equal(m.a.daily, m.b.daily)


def test_compare_mode_scores_the_shock_and_reports_the_everyday():
    """Under a shock the table's first rows are what the shock added (each run minus its
    strategy's run without the shock, same city and luck: zero before the shock starts),
    then the everyday row; without a shock, the runs as they are."""
    from viz.components.panels import compare_table

    m = WorkshopModel("status_quo", "flood", n_households=600, days=30, seed=2,
                      compare_with="community_resilience")
    onset = m.a.schedule.onset
    for _ in range(onset):
        m.step()
    rows = compare_table(m.snapshot())
    assert rows[0][0].startswith("Household-days in crisis the shock added")
    assert rows[0][1] == rows[0][2] == "0" and rows[1][1] == rows[1][2] == "0"
    assert rows[2][0].startswith("Everyday: household-days in crisis without the shock")
    assert not any(r[0].startswith("Household-days in crisis ·") for r in rows)
    for _ in range(30 - onset):
        m.step()
    snap = m.snapshot()
    rows = compare_table(snap)
    for run, col in ((snap.a, 1), (snap.b, 2)):
        added = run.summary["crisis_household_days"] - run.everyday["crisis_household_days"]
        assert rows[0][col] == f"{added:,.0f}"
        assert rows[2][col] == f"{run.everyday['crisis_household_days']:,.0f}"
    quiet = WorkshopModel("status_quo", "none", n_households=600, days=10,
                          compare_with="community_resilience")
    for _ in range(3):
        quiet.step()
    assert quiet.a0 is None and quiet.snapshot().a.everyday is None
    assert compare_table(quiet.snapshot())[1][0].startswith("Household-days in crisis ·")


def test_explain_text_present(page):
    box, rc, _ = page
    assert with_class(box, "gr-explain") == []
    inside(box, "gr-explain-switch", v.Switch).v_model = True
    texts = [w.children[0] for w in with_class(box, "gr-explain")]
    assert len(texts) == len(PANELS)
    assert set(texts) == set(EXPLAIN.values())
    assert not any("phase" in t or "_" in t for t in texts)  # nothing to decode
    # the language switch: every explain text and the panels' titles in Chinese
    from viz.components.panels import lang
    from viz.i18n import gettext

    lang.value = "zh"
    try:
        zh = [w.children[0] for w in with_class(box, "gr-explain")]
        assert set(zh) == {gettext(t, "zh") for t in EXPLAIN.values()}
        assert all(z != t for z, t in zip(sorted(zh), sorted(texts)))
        titles = [str(w.children) for w in walk(one(box, "gr-panel-map"))
                  if getattr(w, "children", None) == ["今天的住户"]]
        assert titles
    finally:
        lang.value = "en"


def test_today_at_a_glance_and_session_steps(page):
    box, rc, built = page
    assert "press Next day or ▶" in str(one(box, "gr-panel-map").children)
    for _ in range(12):
        button(rc, "Next day").click()
    model = built[-1]
    html = [w.unsafe_innerHTML for w in walk(one(box, "gr-panel-map"))
            if isinstance(w, solara.widgets.HTML)]
    today = next(h for h in html if "gr-today" in h)
    short = int(model.a.daily[11, charts.COL["in_need"]])
    assert f">{short:,}</div>" in today and "short of essentials" in today
    assert "Day 12, Flood under way:" in today
    # one click per step of the session plan: the run is replaced by that step's
    button(rc, "4 Hybrid").click()
    m = one(box, "gr-panel-compare")
    assert "Community resilience" in str([getattr(w, "children", "") for w in walk(m)])


def test_shock_window_and_chart_markers():
    from viz.components.session import shock_window

    m = WorkshopModel("status_quo", "flood", n_households=600, days=60)
    start, end = shock_window(m.a.schedule, 60)
    assert start == m.a.schedule.onset and start < end < 60
    svg = charts.crisis(m.a.daily[:0], 60, shock=(start, end))
    assert ">shock starts<" in svg and ">shock ends<" in svg
    assert WorkshopModel("status_quo", "none", n_households=600, days=30).shock_window is None


def test_export_produces_csv_and_png(page):
    box, rc, built = page
    for _ in range(4):
        button(rc, "Next day").click()
    from solara.components.file_download import FileDownloadWidget

    downloads = {w.filename.rsplit(".", 1)[1]: w for w in walk(box)
                 if isinstance(w, FileDownloadWidget)}
    assert set(downloads) == {"csv", "png"}
    assert downloads["csv"].filename == "grassroots_flood_status_quo_seed0.csv"
    csv = downloads["csv"]
    csv.request_download = True  # what the button does in the browser
    deadline = time.time() + 30
    while csv.bytes is None and time.time() < deadline:
        time.sleep(0.05)
    df = pd.read_csv(io.BytesIO(csv.bytes))
    assert list(df["day"]) == [0, 1, 2, 3]
    assert {"run", "strategy", "shock", "seed", "functionality", "illusion_gap"} <= set(df)
    np.testing.assert_allclose(df["functionality"], built[-1].a.daily[:4, 0])
    png = downloads["png"]
    png.request_download = True
    deadline = time.time() + 60
    while png.bytes is None and time.time() < deadline:
        time.sleep(0.05)
    assert png.bytes[:8] == b"\x89PNG\r\n\x1a\n"


def test_map_layout_places_every_household_once():
    m = WorkshopModel(n_households=CAP, days=20)
    lay = city_map.layout(m.a.state.grids)
    px = np.bincount(lay.source[lay.source < CAP], minlength=CAP)
    assert (px == px[0]).all() and px[0] >= 1  # every household, same square size
    states = city_map.household_states(m.a)
    states[7] = 2  # in crisis
    picture = city_map.render(lay, states)
    assert picture.shape == (lay.height, lay.width)
    assert (picture[lay.source.reshape(picture.shape) == 7] == 2).all()
    assert city_map.png(picture)[:4] == b"\x89PNG"


def test_resilience_triangle_and_chart():
    m = WorkshopModel(n_households=600, days=40)
    for _ in range(20):
        m.step()
    a = m.snapshot().a
    q = a.daily[:, charts.COL["functionality"]]
    q0, lo = charts.triangle(q, a.onset)
    assert q0 == pytest.approx(q[:a.onset].mean())
    before, after = np.arange(20) < a.onset, np.arange(20) >= a.onset
    assert (lo[before] == q0).all()
    np.testing.assert_array_equal(lo[after], np.minimum(q[after], q0))
    svg = charts.functionality([(a.label, a.daily, a.onset)], m.days)
    assert svg.count('class="gr-triangle"') == 1 and svg.count("<polyline") == 1
    empty = charts.crisis(a.daily[:0], m.days)  # day 0: axes, no lines
    assert "<polyline" not in empty and empty.endswith("</svg>")


def test_nice_ticks():
    from viz.components.svgchart import nice_ticks

    assert nice_ticks(0, 1, 5) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert nice_ticks(0, 119, 8) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(0.9, 1.0, 4) == pytest.approx([0.9, 0.95, 1.0])


UI_ENV = ("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "GRASSROOTS_UI_MAX_HOUSEHOLDS",
          "GRASSROOTS_UI_MAX_DAYS", "REACTON_FAST", "SOLARA_ASSETS_PROXY_CACHE_DIR",
          "SOLARA_ASSETS_PROXY", "SOLARA_ASSETS_CDN", "GRASSROOTS_UI_ASSETS_NOTE")


@pytest.fixture
def ui_command(monkeypatch, tmp_path):
    """`grassroots ui` with the server and the kernel warm-up stubbed out, an empty
    assets cache and no npm; yields the calls the server received, each with the
    environment it saw."""
    import solara.__main__ as solara_main
    import solara.server.server as solara_server

    monkeypatch.setenv("GRASSROOTS_ASSETS", str(tmp_path / "cache"))
    monkeypatch.setattr("viz.offline.shutil.which", lambda name: None)
    monkeypatch.setattr(solara_server, "get_jinja_env", solara_server.get_jinja_env)
    monkeypatch.setattr(solara.server.settings.theme, "loader",
                        solara.server.settings.theme.loader)

    import scenarios

    for name in UI_ENV:  # `ui` sets these; monkeypatch puts them back afterwards
        monkeypatch.setenv(name, "-")
        monkeypatch.delenv(name)
    calls = []

    def serve(args, **kwargs):
        calls.append((args, {k: os.environ.get(k) for k in UI_ENV}))

    monkeypatch.setattr(solara_main.cli, "main", serve)
    monkeypatch.setattr(scenarios, "make_model", lambda *a, **k: types.SimpleNamespace(
        run=lambda: None))
    return calls


def test_ui_command_serves_with_caps_and_no_telemetry(ui_command, capsys):
    from grassroots.cli import main

    assert main(["ui", "--port", "9999", "--max-households", "800", "--max-days", "90"]) == 0
    (args, env), = ui_command
    assert args[:2] == ["run", "viz.app"]
    assert args[args.index("--host") + 1] == "127.0.0.1"  # localhost unless asked
    assert args[args.index("--port") + 1] == "9999"
    assert {"--production", "--no-open", "--no-check-version"} <= set(args)
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert (env["GRASSROOTS_UI_MAX_HOUSEHOLDS"], env["GRASSROOTS_UI_MAX_DAYS"]) == ("800", "90")
    assert env["SOLARA_ASSETS_PROXY_CACHE_DIR"] is None  # no assets, no npm: the CDN
    out = capsys.readouterr()
    assert "warning" not in out.err
    # one line says the page is not offline-ready and what to do; the page says it too
    assert "not offline-ready" in out.err and "--prepare-offline" in out.err
    assert env["GRASSROOTS_UI_ASSETS_NOTE"].startswith("grassroots ui --prepare-offline")


def test_ui_command_uses_and_reports_the_assets_cache(ui_command, capsys, tmp_path):
    from grassroots.cli import main
    from viz.offline import KEY_FILES

    cache = tmp_path / "cache"
    for spec, key in KEY_FILES.items():
        (cache / spec / key).parent.mkdir(parents=True, exist_ok=True)
        (cache / spec / key).write_text("//")
    assert main(["ui"]) == 0
    (_, env), = ui_command
    assert env["SOLARA_ASSETS_PROXY_CACHE_DIR"] == str(cache.resolve())
    assert env["GRASSROOTS_UI_ASSETS_NOTE"] is None
    assert f"{cache.resolve()} (offline-ready)" in capsys.readouterr().out


def test_the_loading_screen_note_is_plain_css():
    """The note the page shows when its scripts cannot arrive is a CSS rule in the
    page's head (no script needed), with the text escaped."""
    import jinja2
    from markupsafe import Markup

    from viz.offline import PAGE_NOTE, css_string

    solara_templates = Path(solara.server.server.__file__).parent / "templates"
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(
        [str(Path(viz.app.__file__).parent / "templates"), str(solara_templates)]),
        autoescape=True)
    note = PAGE_NOTE.format(command="grassroots ui --prepare-offline </style>")
    env.globals["grassroots_note"] = Markup(css_string(note))
    css = env.get_template("loader-grassroots.css").render()
    assert "#loader-container" in css  # Solara's own loader, included
    assert "content: \"Still blank?" in css and "</style>" not in css
    assert "npm" in css and "\\00000a" in css  # line breaks escaped


def test_ui_command_warns_on_open_host(ui_command, capsys):
    from grassroots.cli import main

    assert main(["ui", "--host", "0.0.0.0"]) == 0
    assert "warning: listening on 0.0.0.0" in capsys.readouterr().err


def test_ui_command_offline_assets(ui_command, capsys, tmp_path):
    from grassroots.cli import main
    from viz.offline import KEY_FILES

    tmp_path = tmp_path / "named"
    assert main(["ui", "--offline-assets", str(tmp_path)]) == 2  # named, not there, no npm
    assert "--prepare-offline" in capsys.readouterr().err
    for spec, key in KEY_FILES.items():
        (tmp_path / spec / key).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / spec / key).write_text("//")
    assert main(["ui", "--offline-assets", str(tmp_path)]) == 0
    (_, env), = ui_command
    assert env["SOLARA_ASSETS_PROXY_CACHE_DIR"] == str(tmp_path.resolve())
    assert env["SOLARA_ASSETS_CDN"].startswith("http://127.0.0.1:")  # never a real CDN


def test_ui_command_rejects_bad_caps_and_missing_npm(ui_command, capsys, monkeypatch, tmp_path):
    from grassroots.cli import main

    assert main(["ui", "--max-households", "5"]) == 2
    assert "--max-households" in capsys.readouterr().err
    monkeypatch.setattr("viz.offline.shutil.which", lambda name: None)
    assert main(["ui", "--prepare-offline", str(tmp_path / "assets")]) == 2
    assert "npm" in capsys.readouterr().err
    assert ui_command == []


def test_play_pacer_shares_a_budget_and_never_paces_clicks():
    from viz.components.session import PlayPacer, in_play_loop

    pacer = PlayPacer(rate=20)
    t0 = time.monotonic()
    waited = [pacer.wait(since_last_step=0.2) for _ in range(5)]
    assert time.monotonic() - t0 >= 4 / 20 - 0.01  # five slots, 1/20 s apart
    assert waited[0] == 0.0
    assert pacer.wait(since_last_step=0.001) == 0.0  # same redraw (render interval)
    assert PlayPacer(rate=0).wait(0.2) == 0.0  # budget off
    # SolaraViz's Play loop is recognised by its frame; a click is not
    assert not in_play_loop()
    namespace: dict = {}
    exec(compile("def step(f):\n    return f()\n", "/x/mesa/visualization/solara_viz.py",
                 "exec"), namespace)
    assert namespace["step"](lambda: in_play_loop())


@pytest.mark.parametrize("values, words", [
    ({"strategy": "../../etc/passwd"}, "strategy"),
    ({"shock": 3}, "shock"),
    ({"n_households": "lots"}, "whole number"),
    ({"days": 10**400}, "whole number"),
    ({"seed": 10_000}, "seed"),
    ({"data_openness": 7.0}, "data_openness"),
    ({"bogus": 1}, "unknown lever"),
])
def test_a_tampered_page_gets_a_short_message_not_a_traceback(values, words):
    m = PageModel(**{**initial_values(model_params()), "n_households": 600, **values})
    assert m.input_error and words in m.input_error and "Traceback" not in m.input_error
    assert len(m.input_error) < 500 and m.a.day == 0  # the default session, ready to step
    assert m.a.state.households.n <= CAP
    assert PageModel(n_households=600, days=30).input_error is None


def test_the_page_shows_the_input_error(monkeypatch):
    good = initial_values(model_params())
    monkeypatch.setattr(viz.app, "initial_values", lambda params: {**good, "strategy": "x/../y"})
    box, rc = solara.render(solara.AppLayout(children=[viz.app.Page()]), handle_error=False)
    try:
        texts = [str(getattr(w, "children", "")) for w in walk(box)]
        assert any("These settings were not run" in t and "strategy" in t for t in texts)
    finally:
        rc.close()


def test_every_map_legend_label_is_translated():
    """The lattice map's and a district map's legend labels, in Chinese (issue 25: the
    district legend was English only)."""
    from viz.components import city_map
    from viz.components.panels import _district_legend_html, lang
    from viz.i18n import gettext

    labels = {n for n, _c in city_map.STATES + city_map.CHANNELS + city_map.HAZARD_COLOURS}
    labels |= set(city_map.NEED_LABELS)
    missing = sorted(x for x in labels if gettext(x, "zh") == x)
    assert not missing, missing
    lang.value = "zh"
    try:
        html = _district_legend_html(list(zip(city_map.NEED_LABELS, city_map.NEED_COLOURS)))
    finally:
        lang.value = "en"
    assert gettext("30% or more in need", "zh") in html and "in need" not in html


def test_the_sidebar_speaks_plainly_in_both_languages(page):
    """Mesa's sidebar labels ('Render Interval (steps)', 'Use Threads', 'Step: 12') read
    as plain words (viz/components/mesa_words.py), and the whole sidebar, Mesa's part
    and the parameter inputs, switches to Chinese with the page."""
    import inspect

    from mesa.visualization import solara_viz

    from viz.components.mesa_words import PLAIN
    from viz.components.panels import lang
    from viz.i18n import gettext

    source = inspect.getsource(solara_viz.SolaraViz) + inspect.getsource(
        solara_viz.ModelController)
    assert all(f'"{label}"' in source for label in PLAIN)  # Mesa still writes these
    box, rc, _ = page

    def words() -> str:
        return " ".join(str(getattr(w, "children", "")) + str(getattr(w, "label", ""))
                        for w in walk(box))

    en = words()
    for jargon in ("Render Interval", "Use Threads", "Play Interval", "Step: 0", "1/day"):
        assert jargon not in en, jargon
    assert "Next day" in en and "Pause between days when playing (ms)" in en
    lang.value = "zh"
    try:
        zh = words()
        for msgid in ("Next day", "Reset", "Settings for the next run", "Households",
                      "Reporting burden", "Day {day}"):
            assert gettext(msgid, "zh") in zh.replace("第 0 天", "第 {day} 天"), msgid
        assert "Top-down digital control" not in zh and gettext(
            "Top-down digital control", "zh") in zh
        button(rc, gettext("Next day", "zh")).click()  # the button works in Chinese too
        assert "第 1 天" in words()
    finally:
        lang.value = "en"


def test_every_sidebar_word_is_translated():
    from viz.components.controls import UNIT_WORDS
    from viz.components.mesa_words import PLAIN
    from viz.i18n import GROUP_NAMES, gettext

    words = set(PLAIN.values()) | set(GROUP_NAMES.values())
    for opt in model_params().values():
        words |= {opt.get("label"), opt.get("help"), UNIT_WORDS.get(opt.get("unit"),
                                                                     opt.get("unit"))}
    words |= {SPECS[f"governance.{lv}"].label for lv in LEVERS}
    missing = sorted(w for w in words if w and gettext(w, "zh") == w)
    assert not missing, missing
