"""The validation suite: checks of the model against theory and observed patterns.

`run_validation()` runs every check and returns a list of `Check`s;
`format_report()` prints them; `grassroots validate [--quick]` does both.
docs/validation.md explains each check, its source and its result; the tests
in tests/validation run the same checks (at the --quick sizes) and a few
independent ones.

Two kinds of check:

- verification: a process of the model, run alone through `sim.processes`
  (the model's own kernels), or a generator or metric, against a result
  known in closed form: bond percolation on configuration-model networks,
  generator statistics, worked examples, discrete-time queues, conservation.
  A failure here is a bug.
- pattern: the full model at its default parameters against a qualitative
  pattern seen in real events (pattern-oriented modelling, Grimm et al.
  2005). A failure here is a finding about the model, reported with why; the
  parameters are never tuned to make a pattern appear.

Every random draw has a fixed seed, so a run of the suite gives the same
numbers every time.

The package, in report order (each module holds its theory next to its checks):

- `report`: the `Check` record, the run sizes (`FULL`, `QUICK`) and the text and
  Markdown reports.
- `percolation`: word of mouth against bond percolation (section 1).
- `networks_metrics`: network generators and the metrics' worked examples
  (sections 2 and 3).
- `queues_conservation`: departments as a queue, and conservation (sections 4
  and 5).
- `patterns`: the full model against flood, outage and lockdown patterns
  (section 6).

This module lists the checks in report order (`all_checks`), runs them
(`run_validation`) and re-exports every public name, so callers import from
`experiments.validation` alone.
"""

from __future__ import annotations

from collections.abc import Callable

from .networks_metrics import (
    BA_KMIN,
    BA_M,
    WS_BETAS,
    WS_K,
    WS_TOLERANCE,
    ba_ccdf,
    ba_mle_expected,
    check_barabasi_albert,
    check_erdos_renyi,
    check_metrics,
    check_watts_strogatz,
    powerlaw_mle,
    ws_clustering,
)
from .patterns import (
    KOBE_OFFICIAL_SHARE,
    KOBE_SOURCE,
    PATTERN_DAYS,
    check_flood_pattern,
    check_lockdown_pattern,
    check_outage_pattern,
    flood_help,
    lockdown_help,
    outage_gap,
)
from .percolation import (
    PERCOLATION_TOLERANCE,
    SPREAD_PARAMS,
    check_percolation,
    check_tie_transmissibility,
    percolation_reach,
    percolation_runs,
    poisson_reach,
    transmissibility_if_stop_first,
)
from .queues_conservation import (
    QUEUE_BURN_IN,
    QUEUE_SE,
    batch_queue_mean,
    check_department_conservation,
    check_mutual_aid_conservation,
    check_queue_batch,
    check_queue_periodic,
)
from .report import (
    FULL,
    PATTERN,
    QUICK,
    VERIFICATION,
    Check,
    Sizes,
    format_check,
    format_markdown,
    format_report,
    summary_line,
)

__all__ = [
    "BA_KMIN", "BA_M", "FULL", "KOBE_OFFICIAL_SHARE", "KOBE_SOURCE", "PATTERN", "PATTERN_DAYS",
    "PERCOLATION_TOLERANCE", "QUEUE_BURN_IN", "QUEUE_SE", "QUICK", "SPREAD_PARAMS",
    "VERIFICATION", "WS_BETAS", "WS_K", "WS_TOLERANCE", "Check", "Sizes", "all_checks",
    "ba_ccdf", "ba_mle_expected", "batch_queue_mean", "check_barabasi_albert",
    "check_department_conservation", "check_erdos_renyi", "check_flood_pattern",
    "check_lockdown_pattern", "check_metrics", "check_mutual_aid_conservation",
    "check_outage_pattern", "check_percolation", "check_queue_batch", "check_queue_periodic",
    "check_tie_transmissibility", "check_watts_strogatz", "flood_help", "format_check",
    "format_markdown", "format_report", "lockdown_help", "outage_gap", "percolation_reach",
    "percolation_runs", "poisson_reach", "powerlaw_mle", "run_validation", "summary_line",
    "transmissibility_if_stop_first", "ws_clustering",
]


def all_checks(sizes: Sizes) -> list[tuple[str, Callable[[], Check | list[Check]]]]:
    """(label, thunk) for every check, in report order."""
    items: list[tuple[str, Callable]] = []
    for p, s in SPREAD_PARAMS:
        items.append((f"tie transmissibility {p}/{s}",
                      lambda p=p, s=s: check_tie_transmissibility(sizes, p, s)))
    for kind in ("erdos_renyi", "random_regular"):
        for p, s in SPREAD_PARAMS:
            items.append((f"percolation {kind} {p}/{s}",
                          lambda k=kind, p=p, s=s: check_percolation(k, p, s, sizes)))
    items += [
        ("Watts-Strogatz", lambda: check_watts_strogatz(sizes)),
        ("Erdos-Renyi", lambda: check_erdos_renyi(sizes)),
        ("Barabasi-Albert", lambda: check_barabasi_albert(sizes)),
        ("metrics", check_metrics),
        ("queue batch", lambda: check_queue_batch(sizes)),
        ("queue periodic", lambda: check_queue_periodic(sizes)),
        ("mutual aid conservation", check_mutual_aid_conservation),
        ("department conservation", check_department_conservation),
        ("flood pattern", lambda: check_flood_pattern(sizes)),
        ("outage pattern", lambda: check_outage_pattern(sizes)),
        ("lockdown pattern", lambda: check_lockdown_pattern(sizes)),
    ]
    return items


def run_validation(quick: bool = False,
                   on_check: Callable[[Check], None] | None = None) -> list[Check]:
    """Run every check (at QUICK or FULL sizes); call `on_check` as each finishes."""
    sizes = QUICK if quick else FULL
    out: list[Check] = []
    for _, thunk in all_checks(sizes):
        got = thunk()
        for c in got if isinstance(got, list) else [got]:
            out.append(c)
            if on_check is not None:
                on_check(c)
    return out
