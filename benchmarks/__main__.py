"""Command line: `python -m benchmarks [--quick] [--only NAME ...] [--json PATH] ...`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from benchmarks.suite import (
    BENCHMARKS,
    FULL,
    HERE,
    QUICK,
    render_markdown,
    run_suite,
    write_results,
)


def _first_line(fn) -> str:
    return (fn.__doc__ or "").strip().splitlines()[0]


def parser() -> argparse.ArgumentParser:
    listing = "\n".join(f"  {name:<21} {_first_line(fn)}" for name, fn in BENCHMARKS.items())
    p = argparse.ArgumentParser(
        prog="python -m benchmarks",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Benchmark the Grassroots Resilience Simulator. Each measurement runs in "
                    "a fresh Python process (NUMBA_NUM_THREADS set per thread count) after a "
                    "small warm-up run, so compile time is kept apart from run time. "
                    "Progress goes to stderr; the Markdown summary to stdout.",
        epilog=f"benchmarks:\n{listing}\n\n"
               "The full suite takes several minutes on 2 cores; --quick takes under a "
               "minute.\nExamples:\n"
               "  python -m benchmarks --quick\n"
               "  python -m benchmarks --only engine_throughput sir_anchor\n"
               "  python -m benchmarks --json benchmarks/results.json --write-results")
    p.add_argument("--quick", action="store_true",
                   help="small sizes (seconds, not minutes): checks that the suite runs; "
                        "its numbers do not test the targets")
    p.add_argument("--only", nargs="+", metavar="NAME", choices=list(BENCHMARKS),
                   help="run only these benchmarks (any of: " + ", ".join(BENCHMARKS) + ")")
    p.add_argument("--json", metavar="PATH", type=Path,
                   help="write all results, with machine info, to this JSON file")
    p.add_argument("--update", action="store_true",
                   help="start from the results already in --json PATH and replace only the "
                        "benchmarks run now (with --only: retake a noisy measurement "
                        "without rerunning the rest); each benchmark keeps its own date")
    p.add_argument("--render-only", action="store_true",
                   help="run nothing: render the results in --json PATH (to stdout, and to "
                        "RESULTS.md with --write-results)")
    p.add_argument("--write-results", action="store_true",
                   help=f"rewrite {HERE / 'RESULTS.md'} with the tables of this run")
    p.add_argument("--wait-quiet", type=float, metavar="SECONDS", default=None,
                   help="before each measurement, wait up to this long for other work on "
                        "the machine to stop (default: 120 for the full suite, 0 with --quick)")
    p.add_argument("--attempts", type=int, metavar="N", default=None,
                   help="retake a timing disturbed by other work up to N attempts in all, "
                        "keeping the quietest (default: 3 for the full suite, 1 with --quick)")
    p.add_argument("--note", action="append", default=[], metavar="TEXT",
                   help="a line to add to RESULTS.md's header (repeatable)")
    return p


def main(argv: list[str] | None = None) -> int:
    p = parser()
    args = p.parse_args(argv)
    if args.render_only:
        if not args.json or not args.json.exists():
            p.error("--render-only needs --json PATH naming the results of an earlier run")
        results = json.loads(args.json.read_text())
        if args.write_results:
            path = write_results(results, notes=args.note)
            print(f"results written to {path}", file=sys.stderr)
        sys.stdout.write(render_markdown(results))
        return 0
    previous = None
    if args.update:
        if not args.json or not args.json.exists():
            p.error("--update needs --json PATH naming the results of an earlier run")
        previous = json.loads(args.json.read_text())
    wait = args.wait_quiet if args.wait_quiet is not None else 0.0 if args.quick else 120.0
    attempts = args.attempts if args.attempts is not None else 1 if args.quick else 3
    try:
        results = run_suite(args.only, QUICK if args.quick else FULL, wait_quiet_s=wait,
                            attempts=attempts, previous=previous)
    except ValueError as exc:
        p.error(str(exc))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")
        print(f"results written to {args.json}", file=sys.stderr)
    if args.write_results:
        path = write_results(results, notes=args.note)
        print(f"results written to {path}", file=sys.stderr)
    sys.stdout.write(render_markdown(results))
    failed = [k for k, v in results["benchmarks"].items() if "error" in v]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
