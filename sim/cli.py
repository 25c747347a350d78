"""The `grassroots` command: the one front door to everything.

Kept thin: parse, call a package function, print. Heavy modules (the model,
matplotlib, experiments) are imported inside the command that needs them,
so `grassroots --help` is instant.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path

from sim.errors import GrassrootsError, SpecError
from sim.io import atomic_write, environment

EPILOG = """examples:
  grassroots run --strategy community_resilience --shock lockdown
  grassroots run --shock flood --households 50000 --days 120 --out results/flood
  grassroots run --shock my_shock.toml --set governance.data_openness=0.8
  grassroots compare --replicates 5 --households 2000
  grassroots sweep experiments/headline.toml --out results/h --resume
  grassroots query results/h "SELECT strategy, avg(resilience_loss) FROM runs GROUP BY 1"
"""


def _add_run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--strategy", default="status_quo",
                   help="strategy name or TOML file (default: status_quo; "
                        "see `grassroots scenarios list`)")
    p.add_argument("--shock", default="flood",
                   help="shock name or TOML file, or 'none' (default: flood)")
    p.add_argument("--households", type=int, default=None, metavar="N",
                   help="number of households (default: 10,000)")
    p.add_argument("--days", type=int, default=None, metavar="D",
                   help="days to simulate (default: 180)")
    p.add_argument("--seed", type=int, default=None, metavar="X",
                   help="random seed; the same seed gives the same numbers (default: 0)")
    p.add_argument("--threads", type=int, default=None, metavar="T",
                   help="Numba threads (results do not depend on it; default: all cores)")
    p.add_argument("--engine", choices=("numba", "reference"), default="numba",
                   help="numba: fast kernels (default); reference: plain Mesa agents, slow")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override a parameter, e.g. --set governance.data_openness=0.8 "
                        "(repeatable; `grassroots params` lists them)")
    p.add_argument("--scenarios-dir", action="append", default=[], metavar="DIR",
                   help="also look for shock and strategy names in DIR "
                        "(also: GRASSROOTS_SCENARIOS)")


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="grassroots",
        description="Grassroots Resilience Simulator: how a city's neighbourhoods come "
                    "through shocks under top-down digital control, community resilience, "
                    "or a hybrid that hands data and tools to the grassroots.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="run one strategy under one shock and print the summary",
                         description="Run one strategy under one shock. Prints the run "
                                     "summary; with --out also writes the daily series "
                                     "(CSV and Parquet), the summary and manifest (JSON) and "
                                     "a resilience-curve PNG.")
    _add_run_args(run)
    run.add_argument("--out", metavar="DIR", default=None,
                     help="write daily.csv, daily.parquet, summary.json, manifest.json and "
                          "resilience.png into DIR (created if missing)")
    run.add_argument("--quiet", action="store_true", help="print nothing but errors")

    params = sub.add_parser("params", help="list every parameter with default, range and unit",
                            description="List every parameter: dotted name, default, "
                                        "allowed values, unit and meaning.")
    params.add_argument("--group", choices=("population", "network", "behaviour",
                                            "governance", "run"), default=None,
                        help="only this group")

    cmp = sub.add_parser("compare", help="the headline comparison: 4 strategies x 6 shocks",
                         description="Run the headline strategy comparison (experiments/"
                                     "headline.toml): every built-in strategy under every "
                                     "built-in shock, with paired replicates (common random "
                                     "numbers), and write a results folder with report.md "
                                     "and figures.")
    cmp.add_argument("--spec", default=None, metavar="TOML",
                     help="experiment spec (default: the built-in headline.toml)")
    cmp.add_argument("--out", default="results/headline", metavar="DIR",
                     help="results folder (default: results/headline)")
    cmp.add_argument("--replicates", type=int, default=None, metavar="R",
                     help="replicates per cell (default: the spec's, 20)")
    cmp.add_argument("--households", type=int, default=None, metavar="N",
                     help="households per run (default: the spec's, 10,000)")
    cmp.add_argument("--days", type=int, default=None, metavar="D",
                     help="days per run (default: the spec's, 180)")
    cmp.add_argument("--workers", type=int, default=None, metavar="W",
                     help="worker processes (default: one per core)")
    cmp.add_argument("--resume", action="store_true",
                     help="finish an interrupted comparison in --out")
    cmp.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    sw = sub.add_parser("sweep", help="run an experiment spec (TOML) into a results folder",
                        description="Run every run of an experiment spec: strategies x shocks x "
                                    "parameter points x replicates. Each run is saved as it "
                                    "finishes; an interrupted sweep restarts with --resume.")
    sw.add_argument("spec", help="experiment spec TOML (see experiments/headline.toml)")
    sw.add_argument("--out", default=None, metavar="DIR",
                    help="results folder (default: results/<spec name>)")
    sw.add_argument("--resume", action="store_true",
                    help="finish an interrupted sweep in DIR: run only what is missing")
    sw.add_argument("--executor", choices=("serial", "process", "dask"), default="process",
                    help="where runs execute (default: process, one per core)")
    sw.add_argument("--workers", type=int, default=None, metavar="N",
                    help="worker processes (default: one per core)")
    sw.add_argument("--dask-address", default=None, metavar="tcp://HOST:PORT",
                    help="an existing Dask scheduler (also: DASK_SCHEDULER_ADDRESS); "
                         "--executor dask without it starts a local cluster")
    sw.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    sc = sub.add_parser("scenarios", help="list, show, validate and create shocks and strategies",
                        description="Shocks and strategies are TOML files. Built-ins live in "
                                    "the scenarios package; add your own folders with "
                                    "--scenarios-dir or GRASSROOTS_SCENARIOS.")
    sc.add_argument("--scenarios-dir", action="append", default=[], metavar="DIR",
                    help="also look in DIR (with shocks/ and strategies/ or files directly)")
    scs = sc.add_subparsers(dest="action", metavar="ACTION", required=True)
    scs.add_parser("list", help="every shock and strategy: name, kind, description")
    show = scs.add_parser("show", help="the resolved values of a shock or strategy, as TOML, "
                                       "and where each comes from")
    show.add_argument("name", help="a name or a file")
    show.add_argument("--kind", choices=("shock", "strategy"), default=None,
                      help="which kind NAME is (needed only if both kinds have that name)")
    val = scs.add_parser("validate", help="check files; exit 0 if all are valid, 1 if not")
    val.add_argument("files", nargs="+", metavar="FILE")
    val.add_argument("--days", type=int, default=None, metavar="D",
                     help="also check that every event starts within D days")
    new = scs.add_parser("new", help="write a commented template to start from")
    new.add_argument("kind", choices=("shock", "strategy"))
    new.add_argument("name", help="the new scenario's name (also the file name)")
    new.add_argument("--out", default=None, metavar="FILE",
                     help="where to write (default: NAME.toml here); never overwrites")
    sch = scs.add_parser("schema", help="print the JSON Schema of a file kind, for editors")
    sch.add_argument("kind", choices=("shock", "strategy"))

    se = sub.add_parser("sensitivity", help="Sobol indices or Morris screening of a spec",
                        description="Run a spec whose [design] kind is 'sobol' or 'morris' "
                                    "(see experiments/sensitivity.toml), average replicates per "
                                    "design point, and compute sensitivity indices (SALib) with "
                                    "confidence intervals: sensitivity.md, .csv and bar charts.")
    se.add_argument("spec", help="experiment spec TOML with [design] kind = 'sobol' or 'morris'")
    se.add_argument("--outcome", action="append", default=None, metavar="NAME",
                    help="outcome to analyse (repeatable; default: resilience_loss)")
    se.add_argument("--out", default=None, metavar="DIR",
                    help="results folder (default: results/<spec name>)")
    se.add_argument("--resume", action="store_true", help="finish an interrupted run")
    se.add_argument("--executor", choices=("serial", "process", "dask"), default="process")
    se.add_argument("--workers", type=int, default=None, metavar="N")
    se.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    di = sub.add_parser("discover", help="scenario discovery: where is an outcome bad (PRIM)",
                        description="Find the box of inputs where an outcome is above (or "
                                    "below) a threshold, with PRIM (EMA Workbench). With "
                                    "--compare A B the condition is on A's outcome minus B's, "
                                    "pair by pair (same shock, point and replicate).")
    di.add_argument("dir", help="a finished results folder")
    di.add_argument("--outcome", required=True, metavar="NAME", help="e.g. resilience_loss")
    di.add_argument("--threshold", required=True, type=float, metavar="Y",
                    help="cases of interest: outcome (or difference) above Y")
    di.add_argument("--below", action="store_true", help="cases of interest: below Y instead")
    di.add_argument("--compare", nargs=2, metavar=("A", "B"), default=None,
                    help="use strategy A's outcome minus strategy B's")
    di.add_argument("--density", type=float, default=0.8,
                    help="PRIM's density threshold for the box (default 0.8)")

    ga = sub.add_parser("gallery", help="make the figure gallery from real runs",
                        description="Run a few seeded simulations and write the gallery's "
                                    "figures (PNG) and gallery.md explaining each.")
    ga.add_argument("--out", default="docs", metavar="DIR",
                    help="writes DIR/gallery.md and DIR/gallery/*.png (default: docs)")
    ga.add_argument("--households", type=int, default=3000, metavar="N",
                    help="households per run (default: 3,000)")

    q = sub.add_parser("query", help="run SQL (DuckDB) over a results folder",
                       description="Run a DuckDB SQL query over a results folder's tables: "
                                   "`runs` (a row per run) and `series` (run_id, day, metric, "
                                   "value).")
    q.add_argument("dir", help="results folder")
    q.add_argument("sql", help='e.g. "SELECT strategy, avg(resilience_loss) FROM runs GROUP BY 1"')
    q.add_argument("--csv", action="store_true", help="print CSV instead of a table")

    va = sub.add_parser("validate", help="check the model against theory and observed patterns",
                        description="Run the validation suite (docs/validation.md): word of "
                                    "mouth against bond percolation, the network generators, "
                                    "the metrics' worked examples, departments against "
                                    "discrete-time queues, conservation of mutual aid and "
                                    "deliveries, and three patterns of the full model at its "
                                    "defaults. Prints PASS/FAIL and the numbers of each check. "
                                    "Exit status 1 if a verification check fails (or, with "
                                    "--strict, a pattern is not reproduced).")
    va.add_argument("--quick", action="store_true",
                    help="smaller networks, queues and cities (about half a minute)")
    va.add_argument("--json", default=None, metavar="FILE",
                    help="also write every check and its numbers to FILE as JSON")
    va.add_argument("--strict", action="store_true",
                    help="exit 1 also when a pattern is not reproduced")

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
                    help="serve the page's JavaScript and CSS from DIR (made by "
                         "--prepare-offline), never from a CDN")
    ui.add_argument("--prepare-offline", default=None, metavar="DIR",
                    help="fill DIR with the page's assets from the npm registry "
                         "(needs npm), then exit")
    ui.add_argument("--max-households", type=int, default=5_000, metavar="N",
                    help="largest city a session may build (default: 5,000)")
    ui.add_argument("--max-days", type=int, default=365, metavar="D",
                    help="longest horizon a session may run (default: 365)")
    return ap


def _fmt(v: float) -> str:
    if isinstance(v, float) and math.isnan(v):
        return "n/a"
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < 1e4 else f"{v:,.0f}"
    return str(v)


def write_run(model, out: Path) -> list[Path]:
    """Write a finished run's files into `out`; each file appears whole or not at all."""
    from sim import __version__
    from viz.figures import resilience_curve

    out.mkdir(parents=True, exist_ok=True)
    df = model.series()
    summary = model.summary().as_dict()
    manifest = {"package": "grassroots-resilience", "version": __version__,
                **model.manifest(), **environment()}
    files = {
        "daily.csv": lambda p: df.to_csv(p, index=False),
        "daily.parquet": lambda p: df.to_parquet(p, index=False),
        "summary.json": lambda p: Path(p).write_text(json.dumps(summary, indent=2) + "\n"),
        "manifest.json": lambda p: Path(p).write_text(json.dumps(manifest, indent=2) + "\n"),
        "resilience.png": lambda p: resilience_curve(
            {model.strategy.name: df}, onset=model.schedule.onset,
            title=f"{model.shock.name}: functionality Q(t)").savefig(p, format="png", dpi=120),
    }
    written = []
    for name, write in files.items():
        atomic_write(out / name, write)
        written.append(out / name)
    return written


def cmd_run(args) -> int:
    from scenarios import add_scenarios_dir
    from sim.model import ResilienceModel
    from sim.params import parse_override

    for d in args.scenarios_dir:
        add_scenarios_dir(d)
    overrides = dict(parse_override(s) for s in args.set)
    model = ResilienceModel(args.strategy, args.shock, n_households=args.households,
                            days=args.days, seed=args.seed, overrides=overrides,
                            engine=args.engine, threads=args.threads)
    summary = model.run()
    if not args.quiet:
        from sim.metrics import OUTCOMES

        p = model.params
        print(f"strategy {model.strategy.name} | shock {model.shock.name} | "
              f"{p.population.n_households:,} households | {p.run.days} days | "
              f"seed {p.run.seed} | engine {model.engine}")
        width = max(map(len, OUTCOMES))
        for k, v in summary.as_dict().items():
            print(f"  {k:<{width}}  {_fmt(v):>12}   {OUTCOMES[k]}")
    if args.out:
        files = write_run(model, Path(args.out))
        if not args.quiet:
            print("wrote " + ", ".join(str(f) for f in files))
    return 0


def cmd_params(args) -> int:
    from sim.params import SPECS

    for name, s in SPECS.items():
        if args.group and not name.startswith(args.group + "."):
            continue
        unit = f" [{s.unit}]" if s.unit else ""
        print(f"{name} = {s.default!r}{unit}\n    {s.help}; allowed: {s.allowed()}")
    return 0


def cmd_compare(args) -> int:
    from experiments.compare import run_compare

    report = run_compare(spec=args.spec, out=Path(args.out), replicates=args.replicates,
                         households=args.households, days=args.days, workers=args.workers,
                         resume=args.resume, progress=not args.no_progress)
    print(f"wrote {report} and {report.parent / 'figures'}/")
    return 0


def cmd_sweep(args) -> int:
    from experiments.runners import execute
    from experiments.spec import load_spec

    spec = load_spec(args.spec)
    if args.dask_address and args.executor != "dask":
        args.executor = "dask"
    out = Path(args.out or f"results/{spec.name}")
    store = execute(spec, out, executor=args.executor, workers=args.workers,
                    resume=args.resume, progress=not args.no_progress,
                    dask_address=args.dask_address)
    print(f"{len(store.done_ids())} runs in {store.root} (runs.parquet"
          + (", series.parquet" if spec.series else "") + ", manifest.json)")
    return 0


def cmd_sensitivity(args) -> int:
    from experiments.runners import execute
    from experiments.sensitivity import analyse, write_sensitivity
    from experiments.spec import load_spec

    spec = load_spec(args.spec)
    if spec.design not in ("sobol", "morris"):
        raise SpecError(f"{args.spec}: [design] kind is {spec.design!r}; sensitivity needs "
                        "'sobol' or 'morris'")
    store = execute(spec, Path(args.out or f"results/{spec.name}"), executor=args.executor,
                    workers=args.workers, resume=args.resume, progress=not args.no_progress)
    table = analyse(store, args.outcome or ["resilience_loss"])
    files = write_sensitivity(store, table)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"wrote {files[0]}, {files[1]} and {len(files) - 2} figure(s)")
    return 0


def cmd_discover(args) -> int:
    from experiments.discovery import discover, write_discovery
    from experiments.store import Store

    store = Store(args.dir)
    box = discover(store, args.outcome, args.threshold, below=args.below,
                   compare=tuple(args.compare) if args.compare else None, density=args.density)
    what = (f"{args.compare[0]} minus {args.compare[1]}: {args.outcome}" if args.compare
            else args.outcome)
    desc = f"Cases of interest: {what} {'<' if args.below else '>'} {args.threshold:g}."
    path = write_discovery(store, box, desc)
    print(desc)
    print(f"{box.n_cases} of {box.n_runs} runs are cases; box coverage {box.coverage:.3f}, "
          f"density {box.density:.3f}, mass {box.mass:.3f}")
    print(box.limits.to_string(index=False) if len(box.limits) else "no restriction helps")
    print(f"wrote {path}")
    return 0


def cmd_gallery(args) -> int:
    from viz.gallery import build

    if args.households < 100:
        raise SpecError(f"--households {args.households}: the gallery needs at least 100")
    files = build(Path(args.out), n=args.households)
    print(f"wrote {len(files) - 1} figures and {files[-1]}")
    return 0


def cmd_query(args) -> int:
    import pandas as pd

    from experiments.store import Store

    df = Store(args.dir).query(args.sql)
    if args.csv:
        df.to_csv(sys.stdout, index=False)
    else:
        with pd.option_context("display.max_rows", 200, "display.width", 200):
            print(df.to_string(index=False))
    return 0


def cmd_scenarios(args) -> int:
    from scenarios import load as sl
    from scenarios import write as sw
    from sim.errors import ScenarioError

    for d in args.scenarios_dir:
        sl.add_scenarios_dir(d)
    if args.action == "list":
        for kind in ("strategy", "shock"):
            for name, path in sl.available(kind).items():
                try:
                    desc = (sl.load_shock(path) if kind == "shock"
                            else sl.load_strategy(path)).description
                except ScenarioError as e:
                    desc = f"INVALID: {e}"
                print(f"{name:<24} {kind:<9} {desc}")
        return 0
    if args.action == "show":
        kinds = [args.kind] if args.kind else [
            k for k in ("strategy", "shock")
            if args.name in sl.available(k) or (args.name.endswith(".toml")
                                                 and sl.kind_of(Path(args.name)) == k)]
        if not kinds:
            raise ScenarioError(f"no shock or strategy called {args.name!r}; "
                                "see `grassroots scenarios list`")
        obj, chain, sources = sl.provenance(kinds[0], args.name)
        print(sw.to_toml(obj, chain if len(chain) > 1 else None), end="")
        print("\n# where each value comes from:")
        for k, src in sorted(sources.items()):
            print(f"#   {k}: {src}")
        if kinds[0] == "strategy":
            from sim.params import SPECS

            set_names = {n for n, _ in obj.values}
            defaults = [k.split(".", 1)[1] for k in SPECS
                        if k.startswith("governance.") and k not in set_names]
            if defaults:
                print("#   from the defaults (sim.params): " + ", ".join(defaults))
        return 0
    if args.action == "validate":
        bad = 0
        for f in args.files:
            try:
                obj = sl.validate_file(f, args.days)
                print(f"ok       {f} ({type(obj).__name__.lower()} {obj.name!r})")
            except ScenarioError as e:
                bad += 1
                print(f"INVALID  {e}")
        return 1 if bad else 0
    if args.action == "new":
        out = Path(args.out or f"{args.name}.toml")
        if out.exists():
            raise ScenarioError(f"{out} exists; choose another --out (nothing was written)")
        text = sw.template(args.kind, args.name)
        atomic_write(out, lambda p: Path(p).write_text(text))
        print(f"wrote {out}; edit it, then `grassroots scenarios validate {out}`")
        return 0
    print(json.dumps(sw.json_schema(args.kind), indent=2))
    return 0


def cmd_validate(args) -> int:
    import time

    from experiments import validation as v

    title = "Grassroots Resilience Simulator: validation" + (" (--quick)" if args.quick else "")
    print(f"{title}\n{'=' * len(title)}", flush=True)
    section = None

    def show(c):
        nonlocal section
        if c.section != section:
            section = c.section
            print(f"\n{section}\n{'-' * len(section)}")
        print(v.format_check(c), flush=True)

    t0 = time.perf_counter()
    checks = v.run_validation(quick=args.quick, on_check=show)
    seconds = time.perf_counter() - t0
    print(f"\n{v.summary_line(checks, seconds)}")
    if args.json:
        doc = {"quick": args.quick, "seconds": seconds, "checks": [c.as_dict() for c in checks]}
        atomic_write(Path(args.json), lambda p: Path(p).write_text(
            json.dumps(doc, indent=2, default=float) + "\n"))
        print(f"wrote {args.json}")
    bad = [c for c in checks if not c.passed
           and (c.kind == v.VERIFICATION or (args.strict and c.kind == v.PATTERN))]
    return 1 if bad else 0


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
    if args.offline_assets:
        from viz.offline import OfflineAssetsError, is_prepared

        assets = Path(args.offline_assets).resolve()
        if not is_prepared(assets):
            raise OfflineAssetsError(f"{assets} lacks the page's assets; run "
                                     f"`grassroots ui --prepare-offline {args.offline_assets}` "
                                     "first (needs the npm registry once)")
        env["SOLARA_ASSETS_PROXY_CACHE_DIR"] = str(assets)
        env["SOLARA_ASSETS_PROXY"] = "True"
        # a file missing from DIR fails at once instead of being fetched from a CDN
        env["SOLARA_ASSETS_CDN"] = "http://127.0.0.1:9/"
    os.environ.update(env)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"grassroots ui: warning: listening on {args.host}: anyone who can reach this "
              "machine on the network can open the app (each page runs its own model, "
              f"up to {args.max_households:,} households and {args.max_days} days)",
              file=sys.stderr)
    from sim.model import ResilienceModel

    print("grassroots ui: loading the model's kernels (the first time ever: about a minute)")
    ResilienceModel("status_quo", "flood", n_households=300, days=2).run()
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


COMMANDS = {
    "run": cmd_run, "compare": cmd_compare, "sweep": cmd_sweep, "sensitivity": cmd_sensitivity,
    "discover": cmd_discover, "query": cmd_query, "scenarios": cmd_scenarios,
    "params": cmd_params, "gallery": cmd_gallery, "validate": cmd_validate, "ui": cmd_ui,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 0
    try:
        return COMMANDS[args.command](args)
    except GrassrootsError as e:
        print(f"grassroots {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"grassroots {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `grassroots scenarios schema shock | head`
        sys.stderr.close()
        return 0


def entry() -> None:
    """The console command: run `main`, then leave without the interpreter's
    teardown. Native thread pools (Arrow's, OpenMP's) can race at teardown
    and abort a finished command ('terminate called without an active
    exception'); by now every file is written and closed."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
