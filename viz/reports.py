"""Reports with figures: results written as Markdown with the figures they show.

The experiments layer computes (tables, indices, boxes); this layer draws and
writes, so experiments never import viz. The command line calls both.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from experiments.analysis import markdown_table
from experiments.store import Store
from sim.io import atomic_write
from viz.figures import sensitivity_bars


def write_sensitivity(store: Store, table: pd.DataFrame) -> list[Path]:
    """sensitivity.csv, sensitivity.md and a bar chart per cell and outcome."""
    figs = store.root / "figures"
    figs.mkdir(exist_ok=True)
    out = [store.root / "sensitivity.csv", store.root / "sensitivity.md"]
    atomic_write(out[0], lambda p: table.to_csv(p, index=False))
    lines = ["# Sensitivity analysis", ""]
    value = "ST" if "ST" in table.columns else "mu_star"
    for (st, sh, o), g in table.groupby(["strategy", "shock", "outcome"], sort=False):
        name = f"sensitivity_{st}_{sh}_{o}.png"
        fig = sensitivity_bars(g, f"{o} ({st}, {sh})")
        atomic_write(figs / name, lambda p, f=fig: f.savefig(p, format="png", dpi=110))
        out.append(figs / name)
        shown = g.drop(columns=["strategy", "shock", "outcome"]).sort_values(value,
                                                                            ascending=False)
        lines += [f"## {o}: {st} under {sh}", "", markdown_table(shown), "",
                  f"![{name}](figures/{name})", ""]
    atomic_write(out[1], lambda p: Path(p).write_text("\n".join(lines)))
    return out
