"""Matplotlib figures of a robustness experiment (viz/robustness_report.py).

Win shares per shock with their intervals, regret distributions, and PAWN
sensitivity bars of a paired difference. Agg backend: no display needed.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def _short(name: str, lang: str = "en") -> str:
    """A strategy's or shock's plain name (the no-shock runs' label included)."""
    from viz.i18n import display_name

    return display_name(name, lang)


def win_share_bars(wins: pd.DataFrame, title: str, lang: str = "en"):
    """Grouped bars: per shock, each strategy's share of worlds where it is best,
    with the Wilson 95% interval as error bars; words in `lang`. Returns the Figure."""
    from viz.i18n import gettext

    shocks = list(dict.fromkeys(wins["shock"]))
    strategies = list(dict.fromkeys(wins["strategy"]))
    fig, ax = plt.subplots(figsize=(max(6.0, 1.3 * len(shocks) + 2), 4.2), layout="constrained")
    width = 0.8 / max(1, len(strategies))
    x = np.arange(len(shocks))
    for i, st in enumerate(strategies):
        w = wins[wins["strategy"] == st].set_index("shock").reindex(shocks)
        err = np.clip(np.vstack([w["share"] - w["low"], w["high"] - w["share"]]), 0, None)
        ax.bar(x + (i - (len(strategies) - 1) / 2) * width, w["share"], width,
               yerr=err, capsize=2, label=_short(st, lang))
    ax.set_xticks(x, [_short(s, lang) for s in shocks], rotation=20, ha="right")
    ax.set_ylabel(gettext("share of plausible worlds where best", lang))
    ax.set_ylim(0, 1.05)
    ax.set_title(title)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize="small", ncols=2)
    return fig


def regret_boxes(regrets: pd.DataFrame, title: str, unit: str = "", lang: str = "en"):
    """One panel per shock: box plots of each strategy's regret over worlds."""
    from viz.i18n import gettext

    shocks = list(dict.fromkeys(regrets["shock"]))
    strategies = list(dict.fromkeys(regrets["strategy"]))
    cols = min(4, len(shocks))
    rows = -(-len(shocks) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 3.0 * rows), squeeze=False,
                             layout="constrained")
    for ax, shock in zip(axes.flat, shocks):
        cell = regrets[regrets["shock"] == shock]
        data = [cell.loc[cell["strategy"] == st, "regret"].to_numpy() for st in strategies]
        ax.boxplot(data, whis=(0, 90), showfliers=False)
        ax.set_xticks(range(1, len(strategies) + 1),
                      [_short(s, lang).replace(" ", "\n", 1) for s in strategies],
                      fontsize="x-small")
        ax.set_title(_short(shock, lang), fontsize="medium")
        ax.grid(axis="y", alpha=0.3)
    for ax in list(axes.flat)[len(shocks):]:
        ax.set_visible(False)
    fig.suptitle(title + (f" ({unit})" if unit else "")
                 + gettext("; whiskers: 0 to 90th percentile", lang))
    return fig


def pawn_bars(table: pd.DataFrame, title: str, top: int = 12, lang: str = "en"):
    """Horizontal bars of PAWN's median index (max as a tick), the most
    influential first; the dummy's value is a dashed noise line."""
    from experiments.robustness_analysis import DUMMY
    from viz.i18n import gettext

    noise = table.loc[table["parameter"] == DUMMY, "median"]
    shown = table[table["parameter"] != DUMMY].head(top).iloc[::-1]
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(shown) + 1.4), layout="constrained")
    y = np.arange(len(shown))
    ax.barh(y, shown["median"], color="#4c72b0", label=gettext("median over slices", lang))
    ax.plot(shown["max"], y, "|", color="black", ms=10, label=gettext("max over slices", lang))
    if len(noise):
        ax.axvline(float(noise.iloc[0]), color="grey", ls="--", lw=1,
                   label=gettext("noise reference (largest of 5 random columns)", lang))
    ax.set_yticks(y, [p.split(".")[-1] for p in shown["parameter"]], fontsize="small")
    ax.set_xlabel(gettext("PAWN index (Kolmogorov-Smirnov distance)", lang))
    ax.set_title(title, fontsize="medium")
    ax.grid(axis="x", alpha=0.3)
    ax.legend(fontsize="x-small", loc="lower right")
    return fig
