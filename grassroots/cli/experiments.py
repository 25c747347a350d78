"""Experiment commands: `compare`, `sweep`, `sensitivity`, `discover`, `query`."""

from __future__ import annotations

import sys
from pathlib import Path

from sim.errors import SpecError


def add_parsers(sub) -> None:
    """Register this group's commands on the `grassroots` subparsers."""
    cmp = sub.add_parser("compare", help="the headline comparison: 4 strategies x 6 shocks",
                         description="Run the headline strategy comparison (experiments/"
                                     "headline.toml): every built-in strategy under every "
                                     "built-in shock, at the calibrated parameter values "
                                     "(docs/calibration.md), with paired replicates (common "
                                     "random numbers) and one no-shock run per strategy and "
                                     "replicate that each loss is measured against, and "
                                     "write a results folder: report.md (a results section "
                                     "with intervals and Holm-adjusted paired differences), "
                                     "cells.csv, differences.csv and figures.")
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
    cmp.add_argument("--district", default=None, metavar="FILE",
                     help="run every strategy on a district map (a GeoJSON, GeoPackage or "
                          "Shapefile of grid polygons with household counts, or a TOML mapping "
                          "naming one); the report adds maps of unmet need per strategy")
    cmp.add_argument("--workers", type=int, default=None, metavar="W",
                     help="worker processes (default: one per core)")
    cmp.add_argument("--resume", action="store_true",
                     help="finish an interrupted comparison in --out")
    cmp.add_argument("--params", default=None, metavar="PRESET",
                     help="the parameter values held in every run: by default the "
                          "calibrated preset (experiments/calibration/presets/calibrated.toml, "
                          "docs/calibration.md; a spec's own [fixed] values take precedence); "
                          "'defaults' for the stylised model (every parameter at its "
                          "default); or a preset TOML with a [params] table")
    cmp.add_argument("--lang", choices=("en", "zh"), default="en",
                     help="language of report.md, its figures and the closing line: en "
                          "(default) or zh (Chinese); appendix.md stays in English")
    cmp.add_argument("--preset-levers", action="store_true",
                     help="allow a --params preset that sets strategy levers (governance.*): "
                          "it then sets them for every strategy (refused without this)")
    cmp.add_argument("--decompose", default=None, metavar="A,B",
                     help="also attribute B minus A to their lever groups under each shock, "
                          "as grassroots decompose does, on the comparison's city size and "
                          "days (at 10,000 households about 3 minutes per shock here), and "
                          "say in the report what carries each gap; e.g. "
                          "top_down_digital,community_resilience")
    cmp.add_argument("--decompose-shocks", default=None, metavar="S,...",
                     help="the shocks to decompose (default: every shock of the comparison)")
    cmp.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    cmp.set_defaults(func=cmd_compare)

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
    sw.set_defaults(func=cmd_sweep)

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
    se.set_defaults(func=cmd_sensitivity)

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
    di.set_defaults(func=cmd_discover)

    q = sub.add_parser("query", help="run SQL (DuckDB) over a results folder",
                       description="Run a DuckDB SQL query over a results folder's tables: "
                                   "`runs` (a row per run) and `series` (run_id, day, metric, "
                                   "value).")
    q.add_argument("dir", help="results folder")
    q.add_argument("sql", help='e.g. "SELECT strategy, avg(resilience_loss) FROM runs GROUP BY 1"')
    q.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    q.set_defaults(func=cmd_query)


def cmd_compare(args) -> int:
    from experiments.calibration.posterior import STYLISED, chosen_preset
    from viz.report import compare, finding_of

    if args.preset_levers and args.params in (None, STYLISED):
        raise SpecError("--preset-levers: needs --params PRESET (a preset that sets levers)")
    params = chosen_preset(args.params, allow_levers=args.preset_levers)
    if args.params is None and params:  # the default preset yields to the spec's own values
        from experiments.spec import load_spec

        spec = load_spec(args.spec)
        own = {*spec.fixed, *spec.sweep, *spec.ranges}  # held, swept or sampled by the spec
        params = {k: v for k, v in params.items() if k not in own}
    pair = shocks = None
    if args.decompose is not None:
        pair = tuple(x.strip() for x in args.decompose.split(","))
        if len(pair) != 2 or not all(pair):
            raise SpecError(f"--decompose {args.decompose!r}: give two strategies, A,B "
                            "(e.g. top_down_digital,community_resilience)")
        if args.district:
            raise SpecError("--decompose: not with --district (decompositions run on the "
                            "synthetic city); run grassroots decompose separately")
    if args.decompose_shocks is not None:
        if pair is None:
            raise SpecError("--decompose-shocks: needs --decompose A,B")
        shocks = [x.strip() for x in args.decompose_shocks.split(",") if x.strip()]
        if not shocks:
            raise SpecError(f"--decompose-shocks {args.decompose_shocks!r}: name one shock "
                            "or more, comma-separated")
    report = compare(spec=args.spec, out=Path(args.out), replicates=args.replicates,
                     households=args.households, days=args.days, workers=args.workers,
                     resume=args.resume, progress=not args.no_progress, params=params,
                     lang=args.lang, district=args.district, decompose=pair,
                     decompose_shocks=shocks)
    print(f"wrote {report} and {report.parent / 'figures'}/")
    print(finding_of(report.parent, args.lang))
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
    from experiments.sensitivity import analyse
    from experiments.spec import load_spec
    from viz.reports import write_sensitivity

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
