"""Measured numbers in the docs stamped before the model last changed: a list.

A measured number in the README or docs/ says the commit it was measured on
("... (commit `c9e1437`)"), or the command that regenerates it. This lists
every stamp whose commit is older than the last deliberate change of the
model's numbers, the newest commit that changed the behaviour fingerprint
(tests/data/fingerprint.json) other than the commits in COVERAGE_CHANGES,
which changed what the fingerprint covers, not the model:

    python -m tests.stale_numbers            # file:line, stamp, its age

A stale number is not wrong by being listed: it was measured on an older
model, so it says so, or is remeasured and restamped. tests/test_stale_numbers.py
checks that the listing works; it does not fail on stale numbers.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ("README.md", "docs/*.md", "benchmarks/*.md")
FINGERPRINT = "tests/data/fingerprint.json"
# Commits that changed the fingerprint's coverage only (issue 20 extended it to every
# column, state array and shock on unchanged main c9e1437; 3f6882f added the grids'
# shop_share and depot_share arrays, 1 everywhere, every other array identical; 8d3240d the
# households' has_group_lead, True everywhere at the default).
COVERAGE_CHANGES = ("ae83ad6", "3f6882f", "8d3240d")
STAMP = re.compile(r"commit `?([0-9a-f]{7,40})\b`?")


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)


def last_model_change() -> str | None:
    """The newest commit that changed the fingerprint other than by coverage."""
    out = git("log", "--format=%H", "--", FINGERPRINT).stdout.split()
    skip = tuple(COVERAGE_CHANGES)
    return next((c for c in out if not c.startswith(skip)), None)


def stamps(files: list[Path] | None = None) -> list[tuple[Path, int, str]]:
    """(file, line, commit) of every stamp in the docs."""
    if files is None:
        files = sorted(p for pattern in DOCS for p in ROOT.glob(pattern))
    return [(f, i, m.group(1)) for f in files
            for i, line in enumerate(f.read_text().splitlines(), 1)
            for m in STAMP.finditer(line)]


def stale(files: list[Path] | None = None, model: str | None = None) -> list[str]:
    """Lines 'file:line: commit X is older than the model change Y' (or unknown to git)."""
    model = last_model_change() if model is None else model
    out = []
    for f, line, c in stamps(files):
        where = f"{f.relative_to(ROOT) if f.is_relative_to(ROOT) else f}:{line}"
        if git("cat-file", "-e", f"{c}^{{commit}}").returncode != 0:
            out.append(f"{where}: commit {c} is unknown to this repository")
        elif model and c != model[:len(c)] and \
                git("merge-base", "--is-ancestor", c, model).returncode == 0:
            out.append(f"{where}: commit {c} is older than the last model change "
                       f"{model[:7]}")
    return out


def main() -> None:
    model = last_model_change()
    lines = stale(model=model)
    print(f"last model change (fingerprint): {model[:7] if model else 'none'}; "
          f"{len(lines)} stale stamp(s)")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
