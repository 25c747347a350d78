"""A finished robustness result as the workshop app reads it (no Solara here).

`grassroots ui --robustness DIR` checks DIR with `load_result` before the
server (and Solara, which reads its settings when first imported) starts;
the view is viz/components/robustness.py.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.errors import SpecError

ENV = "GRASSROOTS_UI_ROBUSTNESS"


@dataclass(frozen=True)
class RobustnessResult:
    """What the view shows of one robustness folder."""

    root: Path
    name: str
    worlds: int
    outcomes: tuple[str, ...]
    wins: pd.DataFrame  # shock, strategy, share, low, high, outcome
    prim: pd.DataFrame  # shock, winner, loser, share, sentence, outcome (may be empty)


def load_result(root: str | Path) -> RobustnessResult:
    """Read a finished robustness folder; a clear error if it is not one."""
    root = Path(root)
    rj, wins = root / "robustness.json", root / "wins.csv"
    if not rj.is_file() or not wins.is_file():
        raise SpecError(f"{root} is not a finished robustness folder (needs robustness.json "
                        "and wins.csv: run `grassroots robustness --out DIR` first)")
    spec = json.loads(rj.read_text())["spec"]
    prim = pd.read_csv(root / "prim.csv") if (root / "prim.csv").is_file() else pd.DataFrame(
        columns=["shock", "winner", "loser", "share", "sentence", "outcome"])
    return RobustnessResult(root, spec["name"], int(spec["worlds"]), tuple(spec["outcomes"]),
                            pd.read_csv(wins), prim)


def result_from_env() -> RobustnessResult | None:
    """The result named by GRASSROOTS_UI_ROBUSTNESS, or None when it is unset."""
    path = os.environ.get(ENV)
    return load_result(path) if path else None
