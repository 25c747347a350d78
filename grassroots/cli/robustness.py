"""`grassroots robustness`: every strategy in many plausible worlds, and the report."""

from __future__ import annotations

import time
from pathlib import Path


def add_parsers(sub) -> None:
    """Register this group's commands on the `grassroots` subparsers."""
    r = sub.add_parser(
        "robustness", help="which strategy wins in how much of the plausible world",
        description="Sample plausible worlds (a Latin hypercube over the uncertainty table in "
                    "docs/ODD.md), run every strategy under every shock in each (plus the "
                    "paired no-shock run) with common random numbers, and write report.md: "
                    "win shares, regret, satisficing, PRIM boxes on 'A beats B' and PAWN "
                    "sensitivity of the paired difference. See docs/robustness.md.")
    r.add_argument("spec", nargs="?", default=None,
                   help="robustness spec TOML, or a results folder's robustness.json "
                        "(default: the built-in experiments/robustness.toml)")
    r.add_argument("--out", default=None, metavar="DIR",
                   help="results folder (default: results/<spec name>)")
    r.add_argument("--resume", action="store_true",
                   help="finish an interrupted run in DIR: run only what is missing")
    r.add_argument("--executor", choices=("serial", "process", "dask"), default="process",
                   help="where runs execute (default: process, one per core)")
    r.add_argument("--workers", type=int, default=None, metavar="N",
                   help="worker processes (default: one per core)")
    r.add_argument("--dask-address", default=None, metavar="tcp://HOST:PORT",
                   help="an existing Dask scheduler (also: DASK_SCHEDULER_ADDRESS)")
    r.add_argument("--worlds", type=int, default=None, metavar="N",
                   help="plausible worlds (default: the spec's, 200)")
    r.add_argument("--households", type=int, default=None, metavar="N",
                   help="households per run (default: the spec's, 5,000)")
    r.add_argument("--days", type=int, default=None, metavar="D",
                   help="days per run (default: the spec's, 180)")
    r.add_argument("--params", default=None, metavar="PRESET",
                   help="by default the calibrated preset (experiments/calibration/presets/"
                        "calibrated.toml, docs/calibration.md): the parameters it calibrated "
                        "range over their 5-95%% posterior intervals instead of their "
                        "plausible ranges; 'defaults' for the stylised model's plausible "
                        "ranges; or a preset TOML (its [params] held, or ranged over its "
                        "[posterior] intervals). A spec's own [fixed] values take precedence")
    r.add_argument("--ranges", default=None, metavar="POSTERIOR.parquet",
                   help="a calibration's posterior (grassroots calibrate) instead of a preset: "
                        "its 5-95%% posterior quantiles replace the plausible ranges of the "
                        "parameters it calibrated (docs/calibration.md)")
    r.add_argument("--lang", choices=("en", "zh"), default="en",
                   help="language of report.md, summary.md and the figures (default en)")
    r.add_argument("--report-only", action="store_true",
                   help="do not run anything: rewrite the report of the finished DIR")
    r.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    r.set_defaults(func=cmd_robustness)


def cmd_robustness(args) -> int:
    from experiments.calibration.posterior import posterior_ranges, preset_ranges, with_preset
    from experiments.robustness import load_robustness, run, with_changes
    from sim.errors import SpecError
    from viz.robustness_report import write_report

    spec = load_robustness(args.spec)
    if args.ranges and args.params is not None:
        raise SpecError(f"--ranges {args.ranges} with --params {args.params}: give one source "
                        "of ranges, a calibration's posterior or a preset")
    if args.ranges:
        uncertain = {k: list(v) for k, v in {**spec.uncertain,
                                             **posterior_ranges(args.ranges)}.items()}
        fixed = None
    else:
        values, ranges = preset_ranges(args.params)
        uncertain, fixed = with_preset(spec.uncertain, spec.fixed, values, ranges)
    spec = with_changes(spec, worlds=args.worlds, households=args.households, days=args.days,
                        uncertain=uncertain, fixed=fixed)
    out = Path(args.out or f"results/{spec.name}")
    elapsed = None
    if not args.report_only:
        if args.dask_address and args.executor != "dask":
            args.executor = "dask"
        t0 = time.time()
        run(spec, out, executor=args.executor, workers=args.workers, resume=args.resume,
            progress=not args.no_progress, dask_address=args.dask_address)
        elapsed = time.time() - t0
    report = write_report(out, elapsed=elapsed, lang=args.lang)
    print((report.parent / "summary.md").read_text())
    print(f"wrote {report}, results.parquet and figures/ in {out}")
    return 0
