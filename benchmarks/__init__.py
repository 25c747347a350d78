"""The performance suite of the Grassroots Resilience Simulator.

Run it with `python -m benchmarks` (`--help` for the options). `benchmarks.suite`
runs a selection and re-exports the public names of the other modules (its
docstring lists them); the SIR anchor kernel is in `benchmarks.anchors`, and
the latest full run is in benchmarks/RESULTS.md.
"""

from benchmarks.suite import (
    BENCHMARKS,
    FULL,
    QUICK,
    TARGETS,
    check_targets,
    render_markdown,
    run_suite,
    write_results,
)

__all__ = ["BENCHMARKS", "FULL", "QUICK", "TARGETS", "check_targets", "render_markdown",
           "run_suite", "write_results"]
