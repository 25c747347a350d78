"""The validation suite's record and report: what a check returns and how it is shown.

`Check` is one check's outcome; `Sizes` says how big the checks run (`FULL` for
the report, `QUICK` for `grassroots validate --quick` and the tests).
`format_check`, `format_report` and `summary_line` give the text that
`grassroots validate` prints; `format_markdown` gives the results section of
docs/validation.md. Part of `experiments.validation`; imports only numpy.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

VERIFICATION = "verification"
PATTERN = "pattern"


@dataclass
class Check:
    """One check's outcome.

    Attributes:
        section: The group it belongs to (for the report).
        name: What is checked, in a few words.
        kind: VERIFICATION or PATTERN.
        passed: Whether the criterion holds.
        criterion: The pass criterion, stated before the numbers.
        source: Where the expected result comes from.
        numbers: The measured and expected values, by name.
        note: Anything needed to read the result (e.g. why a pattern fails).
        seconds: Wall time of the check.
    """

    section: str
    name: str
    kind: str
    passed: bool
    criterion: str
    source: str
    numbers: dict[str, float | int | str] = field(default_factory=dict)
    note: str = ""
    seconds: float = 0.0

    def __post_init__(self):
        self.passed = bool(self.passed)  # numpy comparisons give numpy booleans

    @property
    def status(self) -> str:
        return "PASS" if self.passed else "FAIL"

    def as_dict(self) -> dict:
        d = asdict(self)
        d["status"] = self.status
        return d


@dataclass(frozen=True)
class Sizes:
    """How big each check runs: `FULL` for the report, `QUICK` for --quick and the tests."""

    percolation_n: int
    percolation_runs: int
    chains: int
    ws_n: int
    er_n: int
    ba_n: int
    queue_days: int
    households: int
    seeds: int


FULL = Sizes(percolation_n=50_000, percolation_runs=5, chains=100_000, ws_n=10_000,
             er_n=50_000, ba_n=50_000, queue_days=100_000, households=10_000, seeds=5)
QUICK = Sizes(percolation_n=20_000, percolation_runs=4, chains=40_000, ws_n=4_000,
              er_n=20_000, ba_n=20_000, queue_days=40_000, households=5_000, seeds=3)


# ==========================================================================
# Formatting


def _fmt(v) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if math.isnan(v):
            return "n/a"
        return f"{v:,.0f}" if abs(v) >= 1e4 else f"{v:.4g}"
    return str(v)


def format_check(c: Check) -> str:
    """One check as indented text: status, name, numbers, criterion, source, note."""
    lines = [f"{c.status}  {c.name}"]
    width = max((len(k) for k in c.numbers), default=0)
    for k, v in c.numbers.items():
        lines.append(f"        {k:<{width}}  {_fmt(v)}")
    lines.append(f"        criterion: {c.criterion}")
    lines.append(f"        source: {c.source}")
    if c.note:
        lines.append(f"        note: {c.note}")
    return "\n".join(lines)


def format_report(checks: list[Check], quick: bool = False, seconds: float | None = None) -> str:
    """The whole report as text, grouped by section, with a tally at the end."""
    head = ("Grassroots Resilience Simulator: validation"
            + (" (--quick sizes)" if quick else ""))
    lines = [head, "=" * len(head)]
    section = None
    for c in checks:
        if c.section != section:
            section = c.section
            lines += ["", section, "-" * len(section)]
        lines.append(format_check(c))
    lines.append("")
    lines.append(summary_line(checks, seconds))
    return "\n".join(lines)


def summary_line(checks: list[Check], seconds: float | None = None) -> str:
    ver = [c for c in checks if c.kind == VERIFICATION]
    pat = [c for c in checks if c.kind == PATTERN]
    s = (f"verification: {sum(c.passed for c in ver)}/{len(ver)} pass; "
         f"patterns: {sum(c.passed for c in pat)}/{len(pat)} reproduced")
    failed = [c.name for c in pat if not c.passed]
    if failed:
        s += " (not reproduced: " + "; ".join(failed) + ")"
    if seconds is not None:
        s += f"; {seconds:.0f} s"
    return s


def _md(text) -> str:
    """Text safe inside a Markdown table cell: no pipes, no tags."""
    return str(text).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def format_markdown(checks: list[Check]) -> str:
    """The checks as Markdown (docs/validation.md's results section): a summary
    table, then each check's numbers, criterion, source and note."""
    out = ["| | check | kind |", "|---|---|---|"]
    for c in checks:
        out.append(f"| **{c.status}** | {_md(c.section)}: {_md(c.name)} | {c.kind} |")
    section = None
    for c in checks:
        if c.section != section:
            section = c.section
            out += ["", f"### {section}"]
        out += ["", f"**{c.status}** {_md(c.name)}", "", "| quantity | value |", "|---|---|"]
        out += [f"| {_md(k)} | {_md(_fmt(v))} |" for k, v in c.numbers.items()]
        out += ["", f"Criterion: {_md(c.criterion)}.", "", f"Source: {_md(c.source)}."]
        if c.note:
            out += ["", f"Note: {_md(c.note)}"]
    return "\n".join(out) + "\n"
