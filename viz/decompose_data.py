"""A finished `grassroots decompose` result as the workshop app reads it (no Solara here).

`grassroots ui --decomposition DIR` checks DIR with `load_decomposition` before the
server starts; the view (viz/components/decomposition.py) shows it in explain mode.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from sim.errors import SpecError

ENV = "GRASSROOTS_UI_DECOMPOSITION"


@dataclass(frozen=True)
class Decomposition:
    """What the view shows of one decomposition folder."""

    root: Path
    a: str
    b: str
    shock: str
    table: pd.DataFrame  # player, shapley, low, high, share_of_gap, alone, levers, ...
    worlds: int = 0  # 0: at the stated values; W: the mean gap over W plausible worlds


def load_decomposition(root: str | Path) -> Decomposition:
    """Read a finished decomposition folder; a clear error if it is not one."""
    root = Path(root)
    rec, csv = root / "decompose.json", root / "decomposition.csv"
    if not rec.is_file() or not csv.is_file():
        raise SpecError(f"{root} is not a finished decomposition folder (needs decompose.json "
                        "and decomposition.csv: run `grassroots decompose A B --shock S --out "
                        "DIR` first)")
    spec = json.loads(rec.read_text())["spec"]
    return Decomposition(root, spec["a"], spec["b"], spec["shock"], pd.read_csv(csv),
                         int(spec.get("worlds", 0)))


def decomposition_from_env() -> Decomposition | None:
    """The result named by GRASSROOTS_UI_DECOMPOSITION, or None when it is unset."""
    path = os.environ.get(ENV)
    return load_decomposition(path) if path else None
