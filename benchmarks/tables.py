"""Small formatters for the Markdown tables of benchmarks/RESULTS.md: SI and MiB
numbers, a table from rows, and the cells that show other load.
"""

from __future__ import annotations

from typing import Any

from benchmarks.runner import disturbed


def si(x: float | None) -> str:
    """`x` with an SI prefix and two decimals (22.34 M); "n/a" for None."""
    if x is None:
        return "n/a"
    for div, p in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= div:
            return f"{x / div:.2f} {p}"
    return f"{x:.2f}"


def mib(b: float | None) -> str:
    """Bytes as whole MiB; "n/a" for None."""
    return "n/a" if b is None else f"{b / 2**20:,.0f} MiB"


def table(header: list[str], rows: list[list[Any]]) -> list[str]:
    """A Markdown table, one line per list item."""
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def load_cell(r: dict[str, Any]) -> str:
    """The "other load" cell of a worker's measurement `r`: cores, noisy or not, attempts."""
    load = r.get("other_load_cores")
    cell = "n/a" if load is None else f"{load:.2f}"
    if disturbed(load, r.get("threads")):
        cell += " **noisy**"
    if r.get("attempts", 1) > 1:
        cell += f" (best of {r['attempts']} attempts)"
    return cell


def load1(x: float | None) -> str:
    """One load figure (cores) to two decimals; "n/a" for None."""
    return "n/a" if x is None else f"{x:.2f}"


def load_averages(x: list[float] | None) -> str:
    """Load averages (1, 5, 15 minutes) separated by spaces; "n/a" for none."""
    return "n/a" if not x else " ".join(f"{v:.2f}" for v in x)
