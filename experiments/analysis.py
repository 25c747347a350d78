"""Summaries of a results store: means with confidence intervals, paired differences.

Outcomes are summarised per run first (the store's rows), then across
replicates. Paired differences compare two strategies replicate by replicate
(same seed, same shock, same parameter point), which is what common random
numbers make meaningful.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats


def mean_ci(x, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): Student-t interval of the mean; NaNs dropped."""
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return math.nan, math.nan, math.nan
    m = float(x.mean())
    if len(x) == 1:
        return m, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    return m, m - half, m + half


def cell_summary(runs: pd.DataFrame, outcomes: list[str],
                 by: tuple[str, ...] = ("shock", "strategy")) -> pd.DataFrame:
    """One row per cell, with <outcome>_mean/_low/_high and n."""
    rows = []
    for keys, g in runs.groupby(list(by), sort=False):
        row = dict(zip(by, keys if isinstance(keys, tuple) else (keys,)))
        row["n"] = len(g)
        for o in outcomes:
            row[f"{o}_mean"], row[f"{o}_low"], row[f"{o}_high"] = mean_ci(g[o])
        rows.append(row)
    return pd.DataFrame(rows)


def paired_differences(runs: pd.DataFrame, outcome: str, baseline: str) -> pd.DataFrame:
    """Per shock and strategy: mean difference from `baseline` (same replicate,
    shock and point) with its 95% interval, and how many pairs."""
    key = ["shock", "point", "replicate"]
    base = runs[runs["strategy"] == baseline].set_index(key)[outcome]
    rows = []
    for (shock, strategy), g in runs.groupby(["shock", "strategy"], sort=False):
        if strategy == baseline:
            continue
        d = g.set_index(key)[outcome] - base.reindex(g.set_index(key).index)
        m, lo, hi = mean_ci(d.to_numpy())
        rows.append({"shock": shock, "strategy": strategy, "diff_mean": m, "diff_low": lo,
                     "diff_high": hi, "pairs": int(d.notna().sum())})
    return pd.DataFrame(rows)


def markdown_table(df: pd.DataFrame, digits: int = 3) -> str:
    """A DataFrame as a Markdown table, numbers to `digits` significant figures."""
    def cell(v):
        if isinstance(v, float):
            return "n/a" if math.isnan(v) else f"{v:.{digits}g}"
        return str(v)

    head = "| " + " | ".join(map(str, df.columns)) + " |"
    rule = "|" + "---|" * len(df.columns)
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, rule, *rows])
