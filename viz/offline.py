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
the whole page itself: `grassroots ui --prepare-offline DIR` once, then
`grassroots ui --offline-assets DIR`.
"""

from __future__ import annotations

import json
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


class OfflineAssetsError(GrassrootsError, RuntimeError):
    """npm is missing or a package could not be fetched or unpacked."""


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
            force: bool = False, log=print) -> Path:
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
    with tempfile.TemporaryDirectory(prefix="grassroots-npm-") as tmp:
        for spec in todo:
            log(f"offline assets: npm pack {spec}")
            try:
                out = subprocess.run([exe, "pack", "--json", "--pack-destination", tmp, spec],
                                     capture_output=True, text=True, check=True, timeout=300,
                                     cwd=tmp)
            except subprocess.CalledProcessError as e:
                raise OfflineAssetsError(f"npm pack {spec} failed: "
                                         f"{(e.stderr or e.stdout).strip()[-500:]}") from None
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
