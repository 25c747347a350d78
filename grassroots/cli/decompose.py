"""`grassroots decompose A B --shock S`: which levers carry the gap between two strategies."""

from __future__ import annotations

import time
from pathlib import Path


def add_parsers(sub) -> None:
    """Register this group's commands on the `grassroots` subparsers."""
    from argparse import SUPPRESS

    d = sub.add_parser(
        "decompose", help="which levers carry the gap between two strategies (Shapley values)",
        description="Attribute the paired gap in shock-attributable harm (the shocked run "
                    "minus its no-shock run, same seed) between strategies A and B to the "
                    "lever groups in which they differ: Shapley values by permutation "
                    "sampling with common random numbers, 95% intervals, the share left "
                    "to interactions, a table (decomposition.md, .csv) and a waterfall "
                    "figure. See docs/robustness.md, 'Which levers carry a ranking'.")
    d.add_argument("a", metavar="A", help="the strategy the gap is measured from")
    d.add_argument("b", metavar="B", help="the strategy whose levers are switched in")
    d.add_argument("--shock", default=None, metavar="S", help="the shock (required)")
    d.add_argument("--households", type=int, default=5_000, metavar="N",
                   help="households per run (default 5,000)")
    d.add_argument("--days", type=int, default=180, metavar="D", help="days (default 180)")
    d.add_argument("--seeds", type=int, default=None, metavar="R",
                   help="paired seeds per coalition (default 3)")
    d.add_argument("--seed", type=int, default=1, metavar="X",
                   help="first seed (default 1; seeds X .. X+R-1)")
    d.add_argument("--permutations", type=int, default=None, metavar="P",
                   help="orders sampled when there are more than 6 lever groups "
                        "(default 24; more: narrower intervals, more runs)")
    d.add_argument("--worlds", type=int, default=0, metavar="W",
                   help="decompose the mean gap over W plausible worlds (drawn as "
                        "`grassroots robustness` draws them; one seed and a pair of orders "
                        "per world) instead of the gap at the stated values; about "
                        "3 x groups x 2 runs a world")
    d.add_argument("--by", choices=("group", "lever"), default="group",
                   help="players: lever groups (default) or single levers")
    d.add_argument("--outcome", default="crisis_household_days",
                   help="the run outcome scored as shocked minus no-shock "
                        "(default crisis_household_days)")
    d.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a parameter held at a value in every run (not a lever)")
    d.add_argument("--params", default=None, metavar="PRESET",
                   help="by default the calibrated preset (experiments/calibration/presets/"
                        "calibrated.toml, docs/calibration.md): its values are held in every "
                        "run, and with --worlds its parameters range over their 5-95%% "
                        "posterior intervals; 'defaults' for the stylised model; or a preset "
                        "TOML. --set values take precedence")
    d.add_argument("--lang", choices=("en", "zh"), default="en",
                   help="language of decomposition.md and the waterfall figure (default en)")
    d.add_argument("--out", default=None, metavar="DIR",
                   help="results folder (default results/decompose_A_B_S)")
    d.add_argument("--resume", action="store_true", help="finish an interrupted run in DIR")
    d.add_argument("--executor", choices=("serial", "process", "dask"), default="process",
                   help="where runs execute (default: process, one per core)")
    d.add_argument("--workers", type=int, default=None, metavar="N", help=SUPPRESS)
    d.add_argument("--dask-address", default=None, metavar="tcp://HOST:PORT",
                   help="an existing Dask scheduler (also: DASK_SCHEDULER_ADDRESS)")
    d.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    d.set_defaults(func=cmd_decompose)


def cmd_decompose(args) -> int:
    from experiments.decompose import (
        DEFAULT_PERMUTATIONS,
        DEFAULT_SEEDS,
        DecomposeSpec,
        check,
        run,
    )
    from sim.errors import SpecError
    from sim.params import LEVERS, parse_override

    overrides = []
    for text in args.set:
        name, value = parse_override(text)
        if name.startswith("governance.") and name.split(".", 1)[1] in LEVERS:
            raise SpecError(f"--set {text}: {name} is a lever the strategies set; it is "
                            "what is decomposed, not held")
        overrides.append((name, value))
    overrides, ranges = _with_preset(args.params, overrides, args.worlds)
    if args.worlds and (args.seeds is not None or args.permutations is not None):
        raise SpecError(f"--worlds {args.worlds} with --seeds or --permutations: each world "
                        "has its own seed and its own pair of orders; more worlds narrow the "
                        "intervals")
    spec = DecomposeSpec(args.a, args.b, args.shock or "", households=args.households,
                         days=args.days, seeds=args.seeds or DEFAULT_SEEDS, seed=args.seed,
                         permutations=args.permutations or DEFAULT_PERMUTATIONS, by=args.by,
                         outcome=args.outcome, overrides=tuple(overrides),
                         worlds=args.worlds, ranges=ranges)
    check(spec)  # refuse bad input before anything is written
    out = Path(args.out or f"results/decompose_{args.a}_{args.b}_{args.shock}"
                           f"{f'_worlds{args.worlds}' if args.worlds else ''}")
    if args.dask_address and args.executor != "dask":
        args.executor = "dask"
    t0 = time.time()
    result = run(spec, out, executor=args.executor, workers=args.workers, resume=args.resume,
                 progress=not args.no_progress, dask_address=args.dask_address)
    from viz.decompose_figures import write_decomposition

    print(write_decomposition(result, out, time.time() - t0, args.lang))
    print(f"wrote decomposition.md, decomposition.csv and waterfall.png in {out}")
    return 0


def _with_preset(params, overrides: list, worlds: int):
    """(held values, ranges) of a decomposition under `--params`: the preset's values
    held beside --set's (which take precedence); with --worlds its parameters range over
    their posterior intervals instead (experiments.calibration.posterior.with_preset)."""
    from experiments.calibration.posterior import preset_ranges, with_preset
    from sim.params import UNCERTAIN

    values, ranges = preset_ranges(params)
    held = dict(overrides)
    if not worlds:
        return sorted({**values, **held}.items()), ()
    plausible = {k: [lo, hi] for k, (lo, hi, _) in UNCERTAIN.items() if k not in held}
    unc, held = with_preset(plausible, held, values, ranges)
    changed = tuple((k, *v) for k, v in sorted(unc.items()) if v != plausible.get(k))
    return sorted(held.items()), changed
