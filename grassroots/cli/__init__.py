"""The `grassroots` command: parse, call a package function, print.

Each command group is a module here with `add_parsers(sub)`, which registers
its commands and binds each to its `cmd_*` function. Errors the user can fix
(`GrassrootsError`) print one line and exit 2.
"""

from __future__ import annotations

import argparse
import os
import sys

# Numba's OpenMP threads sleep while they wait for work instead of spinning:
# on a busy machine (a workshop server, a shared cluster node) a spinning
# 2-thread run took 4x (up to 30x) its quiet time; sleeping costs about a
# fifth of the quiet speed (benchmarks/RESULTS.md, "threads_under_load").
# Set before anything loads Numba; an OMP_WAIT_POLICY already set wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from grassroots.cli import (  # noqa: E402
    calibrate,
    checks,
    decompose,
    experiments,
    robustness,
    run,
    scenarios,
    ui,
)
from sim.errors import GrassrootsError  # noqa: E402

GROUPS = (run, experiments, robustness, decompose, calibrate, scenarios, checks, ui)

EPILOG = """examples:
  grassroots run --strategy community_resilience --shock lockdown
  grassroots run --shock flood --households 50000 --days 120 --out results/flood
  grassroots run --shock my_shock.toml --set governance.data_openness=0.8
  grassroots compare --replicates 5 --households 2000
  grassroots sweep experiments/headline.toml --out results/h --resume
  grassroots calibrate --out results/calibration
  grassroots decompose top_down_digital community_resilience --shock flood
  grassroots query results/h "SELECT strategy, avg(resilience_loss) FROM runs GROUP BY 1"
"""


def parser() -> argparse.ArgumentParser:
    """The whole command line: every group's commands under one `grassroots`."""
    ap = argparse.ArgumentParser(
        prog="grassroots",
        description="Grassroots Resilience Simulator: how a city's neighbourhoods come\n"
                    "through shocks under top-down digital control, community resilience,\n"
                    "or a hybrid that hands data and tools to the grassroots.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", metavar="COMMAND")
    for group in GROUPS:
        group.add_parsers(sub)
    return ap


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 1 a check failed, 2 bad input)."""
    ap = parser()
    args = ap.parse_args(argv)
    if args.command is None:
        ap.print_help()
        return 0
    try:
        return args.func(args)
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
