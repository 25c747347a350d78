"""The workshop app end to end, in a real browser, with no CDN.

Starts `grassroots ui --port <free port> --offline-assets <dir>` once for the
module (the assets are prepared once into .cache/solara-assets with
`grassroots ui --prepare-offline`, from the npm registry, and reused), then
drives Debian's chromium with Playwright: load the page, step, play and
pause, change the strategy, run compare mode, turn on explain mode.
Screenshots and timings go to test-artifacts/ (gitignored).

Skips, saying why, only if no chromium is found (GRASSROOTS_CHROMIUM, else
`chromium` or `chromium-browser` on PATH) or playwright is missing; CI
installs both (`apt-get install -y chromium`; playwright comes with the
[test] extra).
Never run `playwright install`: the system chromium is used.
"""

from __future__ import annotations

import contextlib
import json
import re
import subprocess
import time

import pytest

from benchmarks.browser import ASSETS, CHROMIUM_ARGS, REPO, chromium, grassroots, serve
from benchmarks.browser import block_outside as _block_outside
from benchmarks.browser import open_page as _open

CHROMIUM = chromium()
ARTIFACTS = REPO / "test-artifacts"
MAX_DAYS = 60

if CHROMIUM is None:
    pytest.skip("no chromium on PATH (apt-get install -y chromium, or set GRASSROOTS_CHROMIUM)",
                allow_module_level=True)
try:
    from playwright.sync_api import sync_playwright
except ImportError:
    pytest.skip("playwright is missing (pip install playwright; no `playwright install` needed)",
                allow_module_level=True)


@contextlib.contextmanager
def _serve(args: list[str], log_name: str, env: dict | None = None):
    """`grassroots ui --port <free port> ARGS` until the block ends; yields its URL. A
    server that does not start fails the test with its reason (errors inside the block
    are the test's own and pass through)."""
    ARTIFACTS.mkdir(exist_ok=True)
    server = serve(args, ARTIFACTS / log_name, env)
    try:
        url = server.__enter__()
    except RuntimeError as e:
        pytest.fail(str(e))
    try:
        yield url
    finally:
        server.__exit__(None, None, None)


@pytest.fixture(scope="module")
def server():
    """The app served from prepared assets on a free port; yields its URL."""
    ARTIFACTS.mkdir(exist_ok=True)
    from viz.offline import is_prepared

    if not is_prepared(ASSETS):
        subprocess.run([*grassroots(), "ui", "--prepare-offline", str(ASSETS)], check=True,
                       timeout=600)
    with _serve(["--offline-assets", str(ASSETS), "--max-days", str(MAX_DAYS)],
                "ui-server.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def timings():
    out: dict[str, float] = {}
    yield out
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "ui-timings.json").write_text(json.dumps(out, indent=2) + "\n")


# Click Next day in the page and time (ms) the new day's text and the last chart update
# (charts are done when nothing in them has changed for 300 ms).
STEP_TIMER = """d => new Promise(resolve => {
    const status = document.querySelector('.gr-status-map');
    const button = [...document.querySelectorAll('button')]
        .find(b => b.innerText.trim().toUpperCase() === 'NEXT DAY');
    const t0 = performance.now();
    let tText = null, tCharts = null, quiet = null;
    const observer = new MutationObserver(mutations => {
        const now = performance.now() - t0;
        if (tText === null && status.textContent.includes('Day ' + d + ' of')) tText = now;
        if (mutations.some(m => m.target.closest && m.target.closest('.gr-chart-box')))
            tCharts = now;
        clearTimeout(quiet);
        quiet = setTimeout(() => { observer.disconnect(); resolve([tText ?? -1, tCharts ?? -1]); },
                         300);
    });
    observer.observe(document.body, {subtree: true, childList: true, characterData: true});
    button.click();
})"""


def _day(page) -> int:
    m = re.search(r"Day (\d+) of", page.locator(".gr-status-map").inner_text())
    return int(m.group(1)) if m else -1


def _wait_day(page, at_least: int, timeout: float = 30_000):
    page.wait_for_function(
        """n => { const el = document.querySelector('.gr-status-map');
                  const m = el && el.textContent.match(/Day (\\d+) of/);
                  return m && +m[1] >= n; }""", arg=at_least, timeout=timeout)


def _choose(page, name: str, value: str):
    page.locator(f".gr-input-{name} .v-select").click()
    page.locator(".menuable__content__active .v-list-item", has_text=value).first.click()


def test_page_loads_offline(browser, server, timings):
    page, usable, seen = _open(browser, server)
    timings["page_usable_s"] = round(usable, 2)
    page.screenshot(path=str(ARTIFACTS / "ui-01-loaded.png"))
    host = server.rstrip("/")
    outside = [u for u in seen["requests"]
               if not (u.startswith(host) or u.startswith(("blob:", "data:")))]
    assert outside == [] and seen["blocked"] == [], f"requests outside the server: {outside}"
    assert seen["bad"] == [], f"failed requests: {seen['bad']}"
    assert any("/_solara/cdn/@widgetti/solara-vuetify-app@10.1.1/" in u
               for u in seen["requests"])
    for title in ("Households today", "Share of households with needs met",
                  "Households in crisis",
                  "Help by channel", "Dashboard versus ground truth", "Compare two strategies",
                  "Trust and the social fabric"):
        assert page.get_by_text(title).first.is_visible(), title
    assert _day(page) == 0
    page.close()


@pytest.mark.slow  # ~16 s of clicks; the page, its sessions and its controls load by default
def test_step_play_pause_strategy_compare_explain(browser, server, timings):
    page, _, seen = _open(browser, server)
    step = page.get_by_role("button", name="Next day")
    # Step: each click is one day; timed in the page, from the click to the new
    # day's text, and to the last chart redrawn
    to_text, to_charts = [], []
    for d in range(1, 13):
        t_text, t_charts = page.evaluate(STEP_TIMER, d)
        to_text.append(t_text)
        to_charts.append(t_charts)
    assert min(to_text) >= 0 and min(to_charts) >= 0, "a step did not update the page"
    timings["step_click_to_new_day_ms_median"] = round(sorted(to_text)[6], 1)
    timings["step_click_to_charts_redrawn_ms_median"] = round(sorted(to_charts)[6], 1)
    assert _day(page) == 12
    assert sorted(to_charts)[6] < 2000  # a sanity bound; the numbers go to ui-timings.json
    page.screenshot(path=str(ARTIFACTS / "ui-02-stepped.png"))

    # Play, then pause: the day stops moving
    page.get_by_role("button", name="▶").click()
    t0 = time.perf_counter()
    _wait_day(page, 30)
    timings["play_days_per_s"] = round(18 / (time.perf_counter() - t0), 1)
    page.get_by_role("button", name="❚❚").click()
    page.get_by_role("button", name="▶").wait_for()
    page.wait_for_timeout(400)  # a day already under way when Pause was pressed ends
    paused_at = _day(page)
    page.wait_for_timeout(1000)
    assert _day(page) == paused_at
    assert paused_at >= 30
    page.screenshot(path=str(ARTIFACTS / "ui-03-paused.png"))

    # Change the strategy: the levers follow it, Reset starts the new run
    _choose(page, "strategy", "Community resilience")
    page.get_by_role("button", name="Reset").click()
    page.locator(".gr-panel-functionality svg text", has_text="Community resilience"
                 ).first.wait_for()
    assert _day(page) == 0
    assert "0.15 probability" in page.locator(".gr-input-platform_sensing").inner_text()
    assert page.locator(".gr-input-chat_groups input").is_checked()
    for d in range(1, 4):
        step.click()
        _wait_day(page, d)
    page.screenshot(path=str(ARTIFACTS / "ui-04-strategy.png"))

    # Compare mode: B runs beside A, stepping together
    _choose(page, "compare_with", "Top-down digital control")
    page.get_by_role("button", name="Reset").click()
    page.get_by_text("Compare: A = Community resilience, B = Top-down digital control"
                     ).wait_for()
    page.get_by_role("button", name="▶").click()
    _wait_day(page, 25)
    page.get_by_role("button", name="❚❚").click()
    page.get_by_role("button", name="▶").wait_for()
    table = page.locator(".gr-compare-table")
    table.wait_for()
    assert "Household-days in crisis" in table.inner_text()
    assert page.locator(".gr-panel-map img").count() == 2
    page.screenshot(path=str(ARTIFACTS / "ui-05-compare.png"))

    # Explain mode: every panel says what it shows
    page.locator(".gr-explain-switch").get_by_text("Explain mode").click()
    page.wait_for_function("document.querySelectorAll('.gr-explain').length === 7")
    assert "before the shock" in page.locator(".gr-panel-functionality .gr-explain"
                                                 ).inner_text()
    page.screenshot(path=str(ARTIFACTS / "ui-06-explain.png"))
    assert seen["bad"] == [], f"failed requests: {seen['bad']}"
    page.close()


def test_sessions_have_their_own_models(browser, server):
    one, _, _ = _open(browser, server)
    two, _, _ = _open(browser, server)
    for d in range(1, 4):
        one.get_by_role("button", name="Next day").click()
        _wait_day(one, d)
    assert _day(one) == 3
    assert _day(two) == 0
    one.close()
    two.close()


def test_assets_cache_layout(server):
    from viz.offline import KEY_FILES, PACKAGES

    for spec in PACKAGES:  # the folder is the URL solara's proxy asks for
        assert (ASSETS / spec / KEY_FILES[spec]).is_file(), spec


@pytest.mark.slow  # a second server (~15 s); the quick tests check the note's CSS and the command
def test_without_assets_or_internet_the_page_says_what_to_do(browser, tmp_path):
    """No cached assets, no npm, no internet: the loading screen says, in one
    line per language, which command fixes it (never a blank page)."""
    env = {"GRASSROOTS_ASSETS": str(tmp_path / "empty"), "PATH": str(tmp_path)}
    with _serve([], "ui-server-no-assets.log", env=env) as url:
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        _block_outside(page, url)
        page.goto(url, wait_until="commit")
        page.wait_for_timeout(5_500)  # the note appears after 4 s without the app
        note = page.evaluate("getComputedStyle(document.body, '::before').content")
        page.screenshot(path=str(ARTIFACTS / "ui-00-no-assets.png"))
        assert "--prepare-offline" in note and "npm" in note
        assert float(page.evaluate("getComputedStyle(document.body, '::before').opacity")) == 1
        page.close()
    log = (ARTIFACTS / "ui-server-no-assets.log").read_text()
    assert "not offline-ready" in log and "--prepare-offline" in log


# Panels whose content must fit their tile on a projector (the map first).
FIT = ("map", "functionality", "crisis", "help", "dashboard", "compare", "social")
CLIPPED = """keys => keys.map(k => {
    const el = document.querySelector('.gr-panel-' + k);
    if (!el) return [k, 'missing'];
    const legend = el.querySelector('.gr-legend');
    const r = el.getBoundingClientRect();
    const out = [];
    if (el.scrollHeight > el.clientHeight + 2) out.push('taller than its tile');
    if (el.scrollWidth > el.clientWidth + 2) out.push('wider than its tile');
    if (legend && legend.getBoundingClientRect().bottom > r.bottom + 1) out.push('legend cut');
    return [k, out.join(', ')];
}).filter(([k, why]) => why)"""


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_projector_view_fits(browser, server, size):
    """At projector sizes the map comes first, today's numbers and sentence are on
    the first screen, and no panel's content is cut off, before and during a
    shock, in compare mode and in Chinese. Screenshots go to test-artifacts/."""
    w, h = size
    page, _, seen = _open(browser, server, viewport={"width": w, "height": h})
    step = page.get_by_role("button", name="Next day")
    for d in range(1, 13):  # into the flood (days 10-22)
        step.click()
        _wait_day(page, d)
    page.screenshot(path=str(ARTIFACTS / f"ui-projector-{w}x{h}.png"))
    page.screenshot(path=str(ARTIFACTS / f"ui-projector-{w}x{h}-full.png"), full_page=True)
    box = page.locator(".gr-panel-map").bounding_box()
    # first, large, and whole on the first screen
    assert box["y"] < 0.3 * h and box["height"] > 450 and box["y"] + box["height"] <= h
    assert page.locator(".gr-big").count() == 3
    assert page.locator(".gr-big").first.bounding_box()["y"] < h  # on the first screen
    assert "under way" in page.locator(".gr-sentence").inner_text()
    assert page.locator(".gr-panel-crisis .gr-marker", has_text="shock starts").count() == 1
    assert page.evaluate(CLIPPED, list(FIT)) == []
    page.get_by_role("button", name="2 Top-down").click()
    page.get_by_text("Compare: A = Status quo, B = Top-down digital control").wait_for()
    for d in range(1, 13):
        step.click()
        _wait_day(page, d)
    page.locator(".gr-compare-table").wait_for()
    page.locator(".gr-lang-zh").click()
    for title in ("今天的住户", "需求得到满足的住户比例", "陷入危机的住户"):
        page.get_by_text(title).first.wait_for()
    page.wait_for_timeout(500)
    assert page.evaluate(CLIPPED, list(FIT)) == []
    page.screenshot(path=str(ARTIFACTS / f"ui-projector-{w}x{h}-compare-zh.png"),
                    full_page=True)
    assert seen["bad"] == [] and seen["blocked"] == []
    page.close()
