"""Offline assets for the workshop app: Solara's CDN cache filled from npm.

The Solara page loads its JavaScript and CSS (Vue/Vuetify app, require.js,
Font Awesome, the grid layout, Vega) through the server's asset proxy,
`/_solara/cdn/<package>@<version>/<path>`. The proxy serves a file from its
cache directory (`SOLARA_ASSETS_PROXY_CACHE_DIR`) and fetches it from
jsdelivr only when it is missing (see `solara/server/cdn_helper.py`). The
cache layout is therefore one folder per requested spec, holding the npm
package's files:

    DIR/@widgetti/solara-vuetify-app@10.1.1/dist/main8.css
    DIR/requirejs@2.3.6/require.js
    DIR/vega@5/build/vega.min.js

`prepare(DIR)` builds that layout with `npm pack` (the npm registry is the
one place packages come from), so a workshop machine with no internet serves
the whole page itself. `grassroots ui` does this by itself: it serves from
`default_dir()` (a per-user cache), fills it the first time where npm and its
registry are reachable (`ensure`), and otherwise says in one line, in the
terminal and on the page, what to do. `--prepare-offline DIR` and
`--offline-assets DIR` name another folder (a USB stick, a shared drive).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from sim.errors import GrassrootsError

# The specs exactly as the page asks for them (solara 1.64: solara.html.j2,
# gridlayout.vue, vegalite.vue); the folder name must match the URL.
PACKAGES: tuple[str, ...] = (
    "@widgetti/solara-vuetify-app@10.1.1",
    "requirejs@2.3.6",
    "font-awesome@4.5.0",
    "@widgetti/vue-grid-layout@2.3.13-alpha.2",
    "vega@5",
    "vega-lite@5",
    "vega-embed@6",
)

# A file each package must hold for the page to load (checked after unpacking).
KEY_FILES: dict[str, str] = {
    "@widgetti/solara-vuetify-app@10.1.1": "dist/solara-vuetify-app8.min.js",
    "requirejs@2.3.6": "require.js",
    "font-awesome@4.5.0": "css/font-awesome.min.css",
    "@widgetti/vue-grid-layout@2.3.13-alpha.2": "dist/vue-grid-layout.umd.js",
    "vega@5": "build/vega.min.js",
    "vega-lite@5": "build/vega-lite.min.js",
    "vega-embed@6": "build/vega-embed.min.js",
}


# Set by `grassroots ui` when the assets are not offline-ready: the line the page's
# loading screen shows (it is drawn before any of the assets it lacks).
ASSETS_NOTE_ENV = "GRASSROOTS_UI_ASSETS_NOTE"
PAGE_NOTE = ("Still blank? This page's scripts are not cached on the server and the internet "
             "cannot be reached. On the laptop running the app, where the npm registry is "
             "reachable, run once:\n{command}\nthen restart `grassroots ui`.\n\n"
             "页面仍是空白？服务器没有缓存页面脚本，也无法连接互联网。请在运行本应用的电脑上、"
             "能访问 npm 仓库时运行一次：\n{command}\n然后重新启动 grassroots ui。")


class OfflineAssetsError(GrassrootsError, RuntimeError):
    """npm is missing or a package could not be fetched or unpacked."""


def default_dir() -> Path:
    """Where `grassroots ui` keeps the page's assets unless told otherwise:
    $GRASSROOTS_ASSETS, else $XDG_CACHE_HOME/grassroots/solara-assets
    (~/.cache/grassroots/solara-assets)."""
    if os.environ.get("GRASSROOTS_ASSETS"):
        return Path(os.environ["GRASSROOTS_ASSETS"]).expanduser()
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "grassroots" / "solara-assets"


def ensure(dest: Path | str, npm: str = "npm", log=print) -> tuple[bool, str]:
    """Make `dest` hold the page's assets if it can: (ready, one line saying so).

    Already prepared: ready at once, no network. Otherwise tries `prepare`
    (npm and its registry, with short timeouts); if that fails, returns
    (False, a line saying what to do) and leaves what it fetched for next time.
    """
    dest = Path(dest)
    if is_prepared(dest):
        return True, f"page assets: {dest.resolve()} (offline-ready)"
    try:
        prepare(dest, npm=npm, log=log, timeout=60)
    except OfflineAssetsError as e:
        return False, (f"page assets: not offline-ready ({e}); the page needs the internet "
                       f"until you run `grassroots ui --prepare-offline {dest}` once where the "
                       "npm registry is reachable")
    return True, f"page assets: {dest.resolve()} (offline-ready, prepared now)"


def is_prepared(dest: Path | str, packages: tuple[str, ...] = PACKAGES) -> bool:
    """True if every package's key file is in `dest`."""
    dest = Path(dest)
    return all((dest / spec / KEY_FILES.get(spec, "package.json")).is_file()
               for spec in packages)


def _unpack(tarball: Path, target: Path) -> None:
    """Unpack an npm tarball's single top folder (usually `package/`) as `target`,
    atomically: a half-unpacked package never appears under its final name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        with tarfile.open(tarball) as tf:
            tf.extractall(work, filter="data")  # refuses absolute paths, .., links out
        tops = [p for p in work.iterdir()]
        if len(tops) != 1 or not tops[0].is_dir():
            raise OfflineAssetsError(f"{tarball.name}: expected one top folder, found "
                                     f"{sorted(p.name for p in tops)}")
        if target.exists():
            shutil.rmtree(target)
        tops[0].rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def prepare(dest: Path | str, packages: tuple[str, ...] = PACKAGES, npm: str = "npm",
            force: bool = False, log=print, timeout: float = 300) -> Path:
    """Fill `dest` with the page's assets from the npm registry (`npm pack`).

    Packages already present are kept unless `force`. Returns `dest`.
    Raises OfflineAssetsError if npm is missing or a package fails.
    """
    dest = Path(dest).resolve()
    dest.mkdir(parents=True, exist_ok=True)
    todo = [s for s in packages
            if force or not (dest / s / KEY_FILES.get(s, "package.json")).is_file()]
    if not todo:
        log(f"offline assets: all {len(packages)} packages already in {dest}")
        return dest
    exe = shutil.which(npm)
    if exe is None:
        raise OfflineAssetsError(f"{npm!r} not found; install Node.js/npm to prepare "
                                 "offline assets (e.g. apt-get install npm)")
    # no retries and a short fetch timeout: an unreachable registry fails in seconds
    quick = ["--fetch-retries=0", f"--fetch-timeout={int(min(timeout, 60) * 1000)}"]
    with tempfile.TemporaryDirectory(prefix="grassroots-npm-") as tmp:
        for spec in todo:
            log(f"offline assets: npm pack {spec}")
            try:
                out = subprocess.run([exe, "pack", "--json", *quick, "--pack-destination",
                                      tmp, spec],
                                     capture_output=True, text=True, check=True,
                                     timeout=timeout, cwd=tmp)
            except subprocess.CalledProcessError as e:
                text = (e.stderr or e.stdout or "").strip()
                lines = [ln for ln in text.splitlines()
                         if "npm error" in ln.lower() or "err!" in ln.lower()] or [text[-200:]]
                raise OfflineAssetsError(f"npm pack {spec} failed: "
                                         f"{lines[0].strip()[:200]}") from None
            except subprocess.TimeoutExpired:
                raise OfflineAssetsError(f"npm pack {spec} timed out") from None
            try:
                filename = json.loads(out.stdout)[0]["filename"]
            except (ValueError, KeyError, IndexError):
                raise OfflineAssetsError(f"npm pack {spec}: unexpected output "
                                         f"{out.stdout[:200]!r}") from None
            # npm names scoped tarballs "scope-name-version.tgz"
            _unpack(Path(tmp) / filename.lstrip("@").replace("/", "-"), dest / spec)
            key = KEY_FILES.get(spec)
            if key and not (dest / spec / key).is_file():
                raise OfflineAssetsError(f"{spec}: {key} missing after unpacking")
    log(f"offline assets: {len(packages)} packages ready in {dest}")
    return dest


def css_string(text: str) -> str:
    """`text` as a CSS string literal (for `content:`), safe inside a <style>."""
    out = "".join(c if c.isalnum() or c in " .,:;()-_/`'~@+=!?" and c != "\\" else
                  f"\\{ord(c):06x}" for c in text)
    return f'"{out}"'


def show_note_while_loading(note: str) -> None:
    """Make the page's loading screen say `note` if the app has not appeared after
    a few seconds (this process's Solara server only).

    When the page's JavaScript cannot arrive, nothing Solara draws can show;
    what can is the stylesheet in the page's head, so the note is a CSS rule
    (viz/templates/loader-grassroots.css, a loader theme that includes
    Solara's own). Solara looks its templates up through `get_jinja_env`;
    this wraps it once to look in viz/templates first and to know the note.
    """
    import jinja2
    from markupsafe import Markup
    from solara.server import server, settings

    original = server.get_jinja_env
    if getattr(original, "grassroots", False):
        original = original.grassroots
    here = Path(__file__).parent / "templates"

    def get_jinja_env(app_name: str) -> jinja2.Environment:
        env = original(app_name=app_name)
        if not getattr(env, "grassroots", False):
            env.loader = jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(here)), env.loader])
            env.grassroots = True
        env.globals["grassroots_note"] = Markup(css_string(note))
        return env

    get_jinja_env.grassroots = original
    server.get_jinja_env = get_jinja_env
    settings.theme.loader = "grassroots"
