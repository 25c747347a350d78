"""The workshop page in a real browser, offline: shared by the `page_load`
benchmark and tests/test_ui_browser.py.

Serves `grassroots ui --offline-assets` on a free port and drives Debian's
chromium (GRASSROOTS_CHROMIUM, else `chromium` or `chromium-browser` on
PATH) with Playwright, every request outside the server aborted, as at a
venue with no internet. Never runs `playwright install`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
ASSETS = REPO / ".cache" / "solara-assets"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1400, "height": 1500}


class BrowserUnavailable(Exception):
    """What is missing to drive the page (chromium, Playwright or the prepared assets)."""


def chromium() -> str | None:
    """The chromium executable, or None."""
    path = (os.environ.get("GRASSROOTS_CHROMIUM") or shutil.which("chromium")
            or shutil.which("chromium-browser"))
    return path if path and Path(path).exists() else None


def grassroots() -> list[str]:
    exe = Path(sys.executable).with_name("grassroots")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "grassroots"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(args: list[str], log_path: Path, env: dict | None = None, timeout: float = 300):
    """`grassroots ui --port <free port> ARGS` until the block ends; yields its URL.
    A RuntimeError if it exits or does not answer within `timeout` seconds (a fresh
    machine compiles the kernels first)."""
    port = _free_port()
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "w")
    proc = subprocess.Popen([*grassroots(), "ui", "--port", str(port), *args],
                            stdout=log, stderr=subprocess.STDOUT, cwd=REPO,
                            start_new_session=True, env={**os.environ, **(env or {})})
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + timeout
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"grassroots ui exited ({proc.returncode}); see {log_path}")
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.time() > deadline:
                raise RuntimeError(f"grassroots ui did not answer within {timeout:.0f} s")
            time.sleep(0.3)
        yield url
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the server's own process group
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        log.close()


def block_outside(page, server: str) -> list[str]:
    """Abort every request that does not go to the server (as at a venue with no
    internet); returns the list the blocked URLs are added to."""
    host, blocked = server.rstrip("/"), []

    def route(r):
        url = r.request.url
        if url.startswith(host) or url.startswith(("blob:", "data:")):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    page.route("**/*", route)
    return blocked


def open_page(browser, server: str, viewport: dict | None = None):
    """A new browser session on the app, with every request outside the server
    blocked; returns (page, seconds until usable, requests). Usable: the Next day
    button and every chart are shown."""
    page = browser.new_page(viewport=viewport or VIEWPORT)
    seen = {"requests": [], "bad": [], "blocked": block_outside(page, server)}
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.on("requestfailed", lambda r: seen["bad"].append(f"failed {r.url}"))
    page.on("response", lambda r: r.status >= 400 and seen["bad"].append(f"{r.status} {r.url}"))
    t0 = time.perf_counter()
    page.goto(server, wait_until="load")
    page.get_by_role("button", name="Next day").wait_for(timeout=60_000)
    page.wait_for_function("document.querySelectorAll('.gr-chart-box svg').length >= 5",
                           timeout=60_000)
    return page, time.perf_counter() - t0, seen


def measure_page_load(pages: int = 6, log_path: Path | None = None) -> dict[str, Any]:
    """Seconds from opening the page to usable, offline, for `pages` fresh sessions one
    after another on one server (the first also builds the server's first session
    city). BrowserUnavailable if chromium, Playwright or the prepared assets are
    missing (the benchmark never fetches anything)."""
    from viz.offline import is_prepared

    exe = chromium()
    if exe is None:
        raise BrowserUnavailable("no chromium (apt-get install -y chromium, or set "
                                 "GRASSROOTS_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BrowserUnavailable("playwright is missing (pip install playwright)") from None
    if not is_prepared(ASSETS):
        raise BrowserUnavailable(f"no prepared page assets in {ASSETS} (grassroots ui "
                                 f"--prepare-offline {ASSETS}, where the npm registry is "
                                 "reachable)")
    seconds, outside = [], 0
    log_path = log_path or REPO / "test-artifacts" / "page-load-server.log"
    with serve(["--offline-assets", str(ASSETS)], log_path) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            for _ in range(pages):
                page, s, seen = open_page(browser, url)
                seconds.append(s)
                outside += len(seen["blocked"])
                page.close()
        finally:
            browser.close()
    later = seconds[1:] or seconds
    return {"pages": pages, "seconds": [round(s, 3) for s in seconds],
            "first_s": seconds[0], "median_s": statistics.median(later), "max_s": max(later),
            "outside_requests_blocked": outside}
