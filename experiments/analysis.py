"""Summaries of a results store: paired counterfactual outcomes, cell summaries
with intervals that fit each quantity, recovery, and paired differences.

Outcomes are summarised per run first (the store's rows), then across
replicates. The counterfactual outcomes pair each shocked run with the
no-shock run of the same strategy, parameter point and replicate (same seed:
common random numbers) and call the definitions in `sim.metrics`. Paired
differences compare two strategies replicate by replicate; their p-values
are Holm-adjusted across the strategy x shock table of each outcome.
Intervals: experiments/intervals.py.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from experiments.intervals import holm, mean_interval, median_interval, paired_p, wilson
from sim import metrics

PAIR_KEY = ["strategy", "point", "replicate"]
ALPHA = 0.05


def mean_ci(x, low: float = -math.inf, high: float = math.inf) -> tuple[float, float, float]:
    """(mean, low, high): the bootstrap 95% interval of the mean (NaNs dropped),
    inside [low, high]; see intervals.mean_interval."""
    return mean_interval(x, low, high)[:3]


def _arrays(series: pd.DataFrame, metric: str) -> dict[int, np.ndarray]:
    s = series[series["metric"] == metric]
    wide = s.pivot(index="run_id", columns="day", values="value").sort_index(axis=1)
    return {int(r): row.to_numpy() for r, row in wide.iterrows()}


def add_counterfactual(runs: pd.DataFrame, series: pd.DataFrame | None,
                       window_days: int = metrics.DEFAULT_WINDOW_DAYS) -> pd.DataFrame:
    """`runs` with the paired outcomes (sim.metrics.PAIRED_OUTCOMES) added: each
    run against the no-shock run with the same strategy, point and replicate,
    over days onset .. onset + window_days - 1. A no-shock run is its own pair
    (loss 0); a run without a pair or series gets NaN."""
    out = runs.copy()
    for k in metrics.PAIRED_OUTCOMES:
        out[k] = math.nan
    if series is None or "onset" not in runs.columns or not (runs["shock"] == "none").any():
        return out
    q = _arrays(series, "functionality")
    crisis = _arrays(series, "in_crisis") if (series["metric"] == "in_crisis").any() else {}
    pairs = _pairs(runs)
    loss, excess, everyday = [], [], []
    for row in out.itertuples(index=False):
        pair = pairs.get(int(row.run_id))
        onset = 0 if row.shock == "none" else int(row.onset)
        if pair is None or row.run_id not in q or pair not in q:
            loss.append(math.nan)
            excess.append(math.nan)
            everyday.append(math.nan)
            continue
        loss.append(metrics.counterfactual_loss(q[row.run_id], q[pair], onset, window_days))
        excess.append(metrics.excess(crisis[row.run_id], crisis[pair], onset, window_days)
                      if row.run_id in crisis and pair in crisis else math.nan)
        everyday.append(metrics.excess(crisis[pair], 0.0 * crisis[pair], onset, window_days)
                        if pair in crisis else math.nan)
    out["counterfactual_loss"] = loss
    out["excess_crisis_household_days"] = excess
    out["everyday_crisis_household_days"] = everyday
    return out


def _pairs(runs: pd.DataFrame) -> dict[int, int]:
    """run_id of each run -> run_id of its no-shock pair (same strategy, point, replicate)."""
    none = runs[runs["shock"] == "none"].set_index(PAIR_KEY)["run_id"]
    none = none[~none.index.duplicated()]
    out = {}
    for row in runs.itertuples(index=False):
        key = (row.strategy, row.point, row.replicate)
        if key in none.index:
            out[int(row.run_id)] = int(none[key])
    return out


def paired_series(runs: pd.DataFrame, series: pd.DataFrame | None,
                  metric: str) -> pd.DataFrame | None:
    """Each shocked run's daily `metric` minus its no-shock pair's, in the
    store's long form (run_id, day, metric, value); None without pairs."""
    if series is None:
        return None
    pairs = _pairs(runs)
    s = series[series["metric"] == metric]
    wide = s.pivot(index="run_id", columns="day", values="value")
    shocked = [r for r in runs.loc[runs["shock"] != "none", "run_id"]
               if r in pairs and r in wide.index and pairs[r] in wide.index]
    if not shocked:
        return None
    diff = wide.loc[shocked].to_numpy() - wide.loc[[pairs[r] for r in shocked]].to_numpy()
    out = pd.DataFrame(diff, index=shocked, columns=wide.columns).stack().reset_index()
    out.columns = ["run_id", "day", "value"]
    out["metric"] = metric
    return out


def _range(outcome: str) -> tuple[float, float]:
    info = metrics.OUTCOME_INFO.get(outcome)
    return (info.low, info.high) if info else (-math.inf, math.inf)


def cell_summary(runs: pd.DataFrame, outcomes: list[str],
                 by: tuple[str, ...] = ("shock", "strategy")) -> pd.DataFrame:
    """One row per cell: n (runs), and per outcome <o>_mean, _low, _high (a
    bootstrap 95% interval of the mean inside the outcome's range) and _n
    (replicates where the outcome is defined)."""
    rows = []
    for keys, g in runs.groupby(list(by), sort=False):
        row = dict(zip(by, keys if isinstance(keys, tuple) else (keys,)))
        row["n"] = len(g)
        for o in outcomes:
            lo, hi = _range(o)
            row[f"{o}_mean"], row[f"{o}_low"], row[f"{o}_high"], row[f"{o}_n"] = \
                mean_interval(g[o], lo, hi)
        rows.append(row)
    return pd.DataFrame(rows)


def recovery_summary(runs: pd.DataFrame, by: tuple[str, ...] = ("shock", "strategy")
                     ) -> pd.DataFrame:
    """Per cell: runs n; dipped (Q fell below 0.95 Q0) k, share and Wilson
    interval; not recovered by the end; median recovery time among runs that
    dipped (those not recovered count as longer than any: +inf) with a
    bootstrap interval."""
    rows = []
    for keys, g in runs.groupby(list(by), sort=False):
        row = dict(zip(by, keys if isinstance(keys, tuple) else (keys,)))
        status = g["recovery_status"].to_numpy()
        dipped = status != metrics.NEVER_DIPPED
        n, k = len(g), int(dipped.sum())
        row.update(n=n, dipped=k, not_recovered=int((status == metrics.NOT_RECOVERED).sum()))
        row["dipped_share"], row["dipped_low"], row["dipped_high"] = wilson(k, n)
        days = np.where(status == metrics.NOT_RECOVERED, math.inf,
                        g["recovery_time"].to_numpy(dtype=float))[dipped]
        row["median"], row["median_low"], row["median_high"], _ = median_interval(days)
        rows.append(row)
    return pd.DataFrame(rows)


def paired_differences(runs: pd.DataFrame, outcome: str, baseline: str) -> pd.DataFrame:
    """Per shock and strategy: mean difference from `baseline` (same replicate,
    shock and point) with a bootstrap 95% interval, pairs, the Wilcoxon p-value,
    its Holm adjustment across this table, and whether the difference is
    distinguishable from zero (adjusted p < 0.05)."""
    key = ["shock", "point", "replicate"]
    base = runs[runs["strategy"] == baseline].set_index(key)[outcome]
    lo, hi = _range(outcome)
    span = hi - lo
    rows = []
    for (shock, strategy), g in runs.groupby(["shock", "strategy"], sort=False):
        if strategy == baseline:
            continue
        d = (g.set_index(key)[outcome] - base.reindex(g.set_index(key).index)).to_numpy()
        m, dlo, dhi, n = mean_interval(d, -span, span)
        rows.append({"shock": shock, "strategy": strategy, "diff_mean": m, "diff_low": dlo,
                     "diff_high": dhi, "pairs": n, "p": paired_p(d)})
    df = pd.DataFrame(rows, columns=["shock", "strategy", "diff_mean", "diff_low",
                                     "diff_high", "pairs", "p"])
    df["p_holm"] = holm(df["p"].to_numpy()) if len(df) else []
    df["distinguishable"] = df["p_holm"] < ALPHA
    return df


def markdown_table(df: pd.DataFrame, digits: int = 3) -> str:
    """A DataFrame as a Markdown table, numbers to `digits` significant figures."""
    from experiments.formats import number

    def cell(v):
        if isinstance(v, float):
            return number(v, digits)
        return str(v)

    head = "| " + " | ".join(map(str, df.columns)) + " |"
    rule = "|" + "---|" * len(df.columns)
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join([head, rule, *rows])
