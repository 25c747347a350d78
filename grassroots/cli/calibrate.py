"""`grassroots calibrate`: fit uncertain parameters to published patterns (ABC-SMC, pyabc)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

QUICK = {"population": 20, "generations": 2, "households": 1_000}
DEFAULTS = {"population": 200, "generations": 8, "households": 2_000}


def add_parsers(sub) -> None:
    """Register this group's commands on the `grassroots` subparsers."""
    c = sub.add_parser(
        "calibrate", help="fit uncertain parameters to published patterns (ABC-SMC)",
        description="Approximate Bayesian computation (pyabc's ABC-SMC) of the model's "
                    "uncertain parameters against published targets: each target file names a "
                    "shock, a model output, the observed value with its uncertainty and its "
                    "source (experiments/calibration/targets/*.toml). Priors are uniform over "
                    "the plausible ranges of the uncertainty table (docs/ODD.md); the distance "
                    "is the root mean square of the targets' standardised errors. Writes into "
                    "--out: calibration.json (manifest), abc.db (resumable history: rerun the "
                    "same command to continue, or with more --generations to extend), "
                    "posterior.parquet, report.md with figures, and calibrated.toml (a "
                    "parameter preset: posterior medians). See docs/calibration.md.",
        epilog="example: grassroots calibrate --out results/calibration "
               "--preset experiments/calibration/presets/calibrated.toml")
    c.add_argument("targets", nargs="*", metavar="TARGETS",
                   help="target files or folders (default: every built-in target file)")
    c.add_argument("--out", default="results/calibration", metavar="DIR",
                   help="output folder (default: results/calibration); an existing "
                        "calibration there is continued")
    c.add_argument("--params", default=None, metavar="A,B,...",
                   help="parameters to calibrate, comma-separated names of the uncertainty "
                        "table, or 'all' (default: ten in five groups, each seen by two or "
                        "more targets, experiments.calibration.abc.DEFAULT_PARAMS)")
    c.add_argument("--population", type=int, default=None, metavar="N",
                   help="particles per generation (default: 200)")
    c.add_argument("--generations", type=int, default=None, metavar="G",
                   help="generations at most (default: 8)")
    c.add_argument("--min-epsilon", type=float, default=0.0, metavar="E",
                   help="stop once the acceptance threshold is at or below E (default: 0, "
                        "run all generations)")
    c.add_argument("--households", type=int, default=None, metavar="N",
                   help="households per model run (default: 2,000; at least 600)")
    c.add_argument("--tenure-days", type=int, default=30, metavar="D",
                   help="days of each strategy's routine before day 0 (default: 30, "
                        "the model's own default is 365: five times slower)")
    c.add_argument("--seed", type=int, default=0,
                   help="seed: the same seed and options give the same posterior (default 0)")
    c.add_argument("--executor", choices=("process", "serial", "dask"), default="process",
                   help="where model runs execute (default: process, one per core)")
    c.add_argument("--workers", type=int, default=None, metavar="N",
                   help="worker processes (default: one per core)")
    c.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="an existing Dask scheduler, tcp://HOST:PORT (implies --executor dask)")
    c.add_argument("--draws", type=int, default=30, metavar="K",
                   help="posterior draws for the predictive checks (default: 30)")
    c.add_argument("--preset", default=None, metavar="TOML",
                   help="also write the calibrated preset here (e.g. "
                        "experiments/calibration/presets/calibrated.toml)")
    c.add_argument("--quick", action="store_true",
                   help="a small smoke run: population 20, 2 generations, 1,000 households "
                        "(refused together with --population, --generations or --households)")
    c.add_argument("--report-only", action="store_true",
                   help="run nothing: rewrite the report of the calibration in --out")
    c.set_defaults(func=cmd_calibrate)


def cmd_calibrate(args) -> int:
    from experiments.calibration.abc import check_settings, run
    from experiments.calibration.targets import load_targets
    from sim.errors import SpecError, shown

    # Everything is checked before anything runs or is written.
    from sim.io import check_out_dir, check_out_file

    targets = load_targets(args.targets)
    given = {"population": args.population, "generations": args.generations,
             "households": args.households}
    if args.quick:
        clash = [f"--{k} {v}" for k, v in given.items() if v is not None]
        if clash:
            raise SpecError(f"--quick sets population {QUICK['population']}, generations "
                            f"{QUICK['generations']} and households {QUICK['households']:,}; "
                            f"it would override {', '.join(clash)}: give --quick or the "
                            "values, not both")
        opts = dict(QUICK)
    else:
        opts = {k: DEFAULTS[k] if v is None else v for k, v in given.items()}
    params = None if args.params is None else [p.strip() for p in args.params.split(",")
                                                if p.strip()]
    if args.draws < 1:
        raise SpecError(f"--draws: must be at least 1, got {args.draws}")
    settings = check_settings(params=params, min_epsilon=args.min_epsilon, seed=args.seed,
                              overrides={"run.tenure_days": args.tenure_days}, **opts)
    out = check_out_dir(args.out)  # an existing file or unwritable folder: before any run
    if args.preset:
        check_out_file(args.preset, "--preset")  # not a folder, its folder writable
        if Path(args.preset).suffix != ".toml":
            raise SpecError(f"--preset: {shown(args.preset, 200)} must be a .toml file")
    executor = "dask" if args.scheduler else args.executor

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    from experiments.calibration.posterior import write_outputs
    from experiments.calibration.report_text import write_report
    from viz.calibration_figures import write_figures

    t0 = time.time()
    results = {}

    def predict(pool) -> None:  # the predictive draws on the calibration's workers
        results.update(write_outputs(out, draws=args.draws, preset=args.preset, say=say,
                                     executor=pool))

    if args.workers is not None and args.workers < 1:
        raise SpecError(f"--workers: must be at least 1, got {args.workers}")
    if args.report_only:
        if not (out / "calibration.json").is_file():
            raise SpecError(f"--report-only: {out} holds no calibration (calibration.json)")
        from experiments.calibration.abc import make_executor
        from experiments.calibration.posterior import last_generation, read_manifest

        read_manifest(out)  # both readable (or one message) before any worker starts
        last_generation(out / "posterior.parquet")
        pool, _, close = make_executor(executor, args.workers, args.scheduler)
        try:
            predict(pool)
        finally:
            close()
    else:
        say(f"calibrating {len(settings.params)} parameters against "
            f"{sum(t.use == 'calibration' for t in targets)} targets "
            f"({sum(t.use == 'held_out' for t in targets)} held out) into {out}")
        run(targets, settings, out, executor=executor, workers=args.workers,
            scheduler=args.scheduler, argv=sys.argv[2:] if len(sys.argv) > 2 else [], say=say,
            after=predict)
    figures = write_figures(out, results)
    report = write_report(results, figures, out)
    table = results["checks"]
    for _, r in table.iterrows():
        print(f"{r['target']:<38} {r['use']:<11} observed {r['observed']:<7.3g} "
              f"model {r['posterior_median']:<8.3g} {r['result']}")
    print(f"calibration finished in {time.time() - t0:.0f} s; wrote {report}, "
          f"{', '.join(str(p) for p in results['presets'])} and figures/ in {out}")
    return 0
