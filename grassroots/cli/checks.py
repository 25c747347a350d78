"""`grassroots validate` and `grassroots gallery`: the validation suite and the figure gallery."""

from __future__ import annotations

from pathlib import Path

from sim.errors import SpecError
from sim.io import atomic_write, check_out_dir, check_out_file, json_text


def add_parsers(sub) -> None:
    """Register this group's commands on the `grassroots` subparsers."""
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
    va.set_defaults(func=cmd_validate)

    ga = sub.add_parser("gallery", help="make the figure gallery from real runs",
                        description="Run a few seeded simulations and write the gallery's "
                                    "figures (PNG) and gallery.md explaining each.")
    ga.add_argument("--out", default="docs", metavar="DIR",
                    help="writes DIR/gallery.md and DIR/gallery/*.png (default: docs)")
    ga.add_argument("--households", type=int, default=3000, metavar="N",
                    help="households per run (default: 3,000)")
    ga.set_defaults(func=cmd_gallery)


def cmd_validate(args) -> int:
    import time

    from experiments import validation as v

    if args.json is not None:
        check_out_file(args.json, "--json")  # before the suite runs, not after
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
    if args.json is not None:
        doc = {"quick": args.quick, "seconds": seconds, "checks": [c.as_dict() for c in checks]}
        atomic_write(Path(args.json), lambda p: Path(p).write_text(json_text(doc)))
        print(f"wrote {args.json}")
    bad = [c for c in checks if not c.passed
           and (c.kind == v.VERIFICATION or (args.strict and c.kind == v.PATTERN))]
    return 1 if bad else 0


def cmd_gallery(args) -> int:
    from viz.gallery import build

    if args.households < 600:  # the flood covers a quarter of the grids: at least one
        raise SpecError(f"--households {args.households}: the gallery needs at least 600 "
                        "(its flood must reach a grid)")
    files = build(check_out_dir(args.out), n=args.households)
    print(f"wrote {len(files) - 1} figures and {files[-1]}")
    return 0
