"""`grassroots ui`: serve the workshop app (Solara), or prepare its offline assets."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def add_parsers(sub) -> None:
    """Register this group's commands on the `grassroots` subparsers."""
    ui = sub.add_parser("ui", help="serve the workshop web app (Solara) in a browser",
                        description="Serve the workshop app: a city on a map, its curves, "
                                    "compare and explain modes, CSV/PNG downloads. Each "
                                    "browser page gets its own model, within the caps. "
                                    "Binds to this machine only unless --host says otherwise.")
    ui.add_argument("--host", default="127.0.0.1",
                    help="address to listen on (default: 127.0.0.1, this machine only; "
                         "0.0.0.0 opens the app to the network)")
    ui.add_argument("--port", type=int, default=8765, help="port (default: 8765)")
    ui.add_argument("--offline-assets", default=None, metavar="DIR",
                    help="serve the page's JavaScript and CSS from DIR, never from a CDN "
                         "(default: a per-user cache, ~/.cache/grassroots/solara-assets, "
                         "filled from the npm registry the first time it is reachable)")
    ui.add_argument("--prepare-offline", default=None, metavar="DIR",
                    help="fill DIR with the page's assets from the npm registry "
                         "(needs npm), then exit")
    ui.add_argument("--max-households", type=int, default=5_000, metavar="N",
                    help="largest city a session may build (default: 5,000)")
    ui.add_argument("--max-days", type=int, default=365, metavar="D",
                    help="longest horizon a session may run (default: 365)")
    ui.add_argument("--district", default=None, metavar="FILE",
                    help="build every page's city on a district map (a GeoJSON, GeoPackage "
                         "or Shapefile of grid polygons with household counts, or a TOML "
                         "mapping naming one); the map panel draws its polygons "
                         "(docs/workshop.md)")
    ui.add_argument("--map-tiles", default=None, metavar="URL",
                    help="with --district: draw the grids over web-map tiles fetched by the "
                         "browser from this XYZ template, e.g. "
                         "https://tile.openstreetmap.org/{z}/{x}/{y}.png (needs internet at "
                         "the venue; without it the page shows the polygons alone)")
    ui.add_argument("--map-tiles-attribution", default=None, metavar="TEXT",
                    help="the tile provider's attribution, shown under the map (e.g. "
                         "\"(c) OpenStreetMap contributors\"; default: the server's name)")
    ui.add_argument("--robustness", default=None, metavar="DIR",
                    help="also show a finished `grassroots robustness` result (read-only: "
                         "win shares and PRIM boxes)")
    ui.add_argument("--decomposition", default=None, metavar="DIR",
                    help="in explain mode, also show a finished `grassroots decompose` "
                         "result (read-only: which levers carry the gap)")
    ui.set_defaults(func=cmd_ui)


def _assets_env(named: str | None) -> dict[str, str]:
    """Where the page's JavaScript and CSS come from, said in one line.

    Always the local folder when it holds them (`--offline-assets DIR`, else the
    per-user cache), filled from the npm registry first if needed and possible.
    A folder named on the command line must end up ready (an error otherwise);
    the default cache may not, and then the page falls back to the CDN and
    both the terminal and the page's loading screen say what to do.
    """
    from viz.offline import ASSETS_NOTE_ENV, OfflineAssetsError, default_dir, ensure

    assets = Path(named).expanduser() if named else default_dir()
    ready, line = ensure(assets, log=lambda s: print(f"grassroots ui: {s}"))
    if not ready and named:
        raise OfflineAssetsError(f"{assets} lacks the page's assets and they could not be "
                                 f"fetched; run `grassroots ui --prepare-offline {named}` "
                                 "where the npm registry is reachable")
    print(f"grassroots ui: {line}", file=sys.stdout if ready else sys.stderr)
    if not ready:
        # The browser fetches the assets from the CDN itself, not through this server's
        # proxy: offline, its requests then fail at once, the page paints, and the
        # loading screen shows the note viz/app.py puts there (through the proxy, the
        # page's head would wait on the server's attempts and stay white).
        return {ASSETS_NOTE_ENV: f"grassroots ui --prepare-offline {assets}",
                "SOLARA_ASSETS_PROXY": "False"}
    return {"SOLARA_ASSETS_PROXY_CACHE_DIR": str(assets.resolve()),
            "SOLARA_ASSETS_PROXY": "True",
            # a file missing from DIR fails at once instead of being fetched from a CDN
            "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/"}


def cmd_ui(args) -> int:
    if args.prepare_offline:
        from viz.offline import prepare

        dest = prepare(Path(args.prepare_offline))
        print(f"serve them with: grassroots ui --offline-assets {dest}")
        return 0
    # Solara reads its settings from the environment when first imported, so
    # everything is set here, before any import that could pull solara in.
    from sim.errors import ParameterError
    from sim.params import SPECS

    hi = int(SPECS["population.n_households"].hi)
    if not 100 <= args.max_households <= hi:
        raise ParameterError(f"--max-households {args.max_households}: allowed 100 to {hi:,}")
    if not 10 <= args.max_days <= int(SPECS["run.days"].hi):
        raise ParameterError(f"--max-days {args.max_days}: allowed 10 to "
                             f"{int(SPECS['run.days'].hi)}")
    env = {"SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
           "GRASSROOTS_UI_MAX_HOUSEHOLDS": str(args.max_households),
           "GRASSROOTS_UI_MAX_DAYS": str(args.max_days),
           # reacton's opt-in renderer skips unchanged parts of the page: a day's
           # redraw takes ~30 ms instead of ~130 ms (REACTON_FAST=0 to opt out)
           "REACTON_FAST": os.environ.get("REACTON_FAST", "1")}
    if args.map_tiles and not args.district:
        raise ParameterError("--map-tiles draws tiles under a district's map: give "
                             "--district FILE too")
    if args.district:  # read and checked before serving; every page's city is built on it
        from sim.district import read_district
        from viz.components.session import ENV_DISTRICT

        district = read_district(args.district)
        if args.map_tiles:
            from viz import map_tiles

            map_tiles.check_district(district)
            env[map_tiles.ENV] = map_tiles.check_template(args.map_tiles)
            if args.map_tiles_attribution:
                env[map_tiles.ENV_ATTRIBUTION] = args.map_tiles_attribution
            print(f"grassroots ui: map tiles from {args.map_tiles} (fetched by the browser; "
                  "without internet the map shows the polygons alone)")
        env[ENV_DISTRICT] = str(Path(args.district).resolve())
        print(f"grassroots ui: district {district.path}: {district.n_grids} grids, "
              f"{district.n_households:,} households")
    if args.robustness:
        from viz.robustness_data import ENV, load_result

        env[ENV] = str(load_result(args.robustness).root.resolve())  # checked before serving
    if args.decomposition:
        from viz.decompose_data import ENV as DENV
        from viz.decompose_data import load_decomposition

        env[DENV] = str(load_decomposition(args.decomposition).root.resolve())
    env.update(_assets_env(args.offline_assets))
    os.environ.update(env)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"grassroots ui: warning: listening on {args.host}: anyone who can reach this "
              "machine on the network can open the app (each page runs its own model, "
              f"up to {args.max_households:,} households and {args.max_days} days)",
              file=sys.stderr)
    from scenarios import make_model

    print("grassroots ui: loading the model's kernels (the first time ever: about a minute)")
    make_model("status_quo", "none", n_households=300, days=2, seed=0).run()  # every kernel
    from viz.components.session import DEFAULTS, city_after_tenure

    # the first page's city, its past simulated now: the facilitator's first step is immediate
    if args.district:  # the district's counts set the size (viz.components.session)
        city_after_tenure(DEFAULTS["strategy"], None, DEFAULTS["seed"],
                          {"population.district": env[ENV_DISTRICT]})
    else:
        city_after_tenure(DEFAULTS["strategy"],
                          min(DEFAULTS["n_households"], args.max_households), DEFAULTS["seed"])
    import warnings

    import click
    from solara.__main__ import cli as solara_cli

    # harmless here, and noise in a facilitator's terminal: Mesa 3.3's hook-order
    # warning, and plain-http cookies (the server is meant for a local network)
    warnings.filterwarnings("ignore", ".*found despite early return", UserWarning)
    warnings.filterwarnings("ignore", "Cookies with samesite=none require https", UserWarning)
    print(f"grassroots ui: open http://{args.host}:{args.port}/ (Ctrl-C stops the server)")
    try:
        solara_cli.main(args=["run", "viz.app", "--host", args.host, "--port", str(args.port),
                              "--production", "--no-open", "--no-check-version"],
                        prog_name="grassroots ui", standalone_mode=False)
    except click.exceptions.Abort:  # Ctrl-C
        pass
    print("grassroots ui: stopped")
    return 0
