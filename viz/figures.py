"""Matplotlib figures of runs: resilience curves and their triangle.

Uses the non-interactive Agg backend, so figures render with no display.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def resilience_curve(series: dict[str, pd.DataFrame], onset: int | None = None,
                     title: str = "Functionality Q(t)", q0: float | None = None):
    """Functionality over time, one line per label; the first run's resilience
    triangle (between Q0 and Q after onset) is shaded. Returns the Figure."""
    fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    for k, (label, df) in enumerate(series.items()):
        ax.plot(df["day"], df["functionality"], label=label, lw=1.8)
        if k == 0 and onset is not None and onset < len(df):
            base = q0 if q0 is not None else (df["functionality"][:onset].mean()
                                              if onset > 0 else 1.0)
            after = df[df["day"] >= onset]
            ax.fill_between(after["day"], after["functionality"], base,
                            where=after["functionality"] < base, alpha=0.2,
                            label="resilience loss")
            ax.axvline(onset, color="grey", ls=":", lw=1)
    ax.set_xlabel("day")
    ax.set_ylabel("Q: share of households with needs met")
    ax.set_title(title)
    ax.set_ylim(top=1.01)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize="small")
    return fig


def _panels(n: int, width: float = 4.2, height: float = 3.0):
    cols = min(3, n)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows),
                             layout="constrained", squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


def _bands(series: pd.DataFrame, runs: pd.DataFrame, metric: str, shocks, strategies,
           ylabel: str, title: str):
    """Mean and 95% band (2.5-97.5 percentiles over replicates) of `metric`."""
    s = series[series["metric"] == metric]
    if s.empty:
        return None
    s = s.merge(runs[["run_id", "shock", "strategy"]], on="run_id")
    fig, axes = _panels(len(shocks))
    for ax, shock in zip(axes, shocks):
        for st in strategies:
            g = s[(s["shock"] == shock) & (s["strategy"] == st)].groupby("day")["value"]
            if g.ngroups == 0:
                continue
            mean, lo, hi = g.mean(), g.quantile(0.025), g.quantile(0.975)
            (line,) = ax.plot(mean.index, mean.to_numpy(), lw=1.5, label=st)
            ax.fill_between(mean.index, lo.to_numpy(), hi.to_numpy(), alpha=0.15,
                            color=line.get_color())
        ax.set_title(shock)
        ax.set_xlabel("day")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel(ylabel)
    axes[0].legend(fontsize="x-small", loc="lower left")
    fig.suptitle(title)
    return fig


def resilience_bands(series: pd.DataFrame, runs: pd.DataFrame, shocks, strategies):
    """Q(t) per shock, one line per strategy, with the 95% band over replicates."""
    return _bands(series, runs, "functionality", shocks, strategies,
                  "Q: share with needs met", "Resilience curves (mean, 95% band)")


def illusion_gap_over_time(series: pd.DataFrame, runs: pd.DataFrame, shocks, strategies):
    """True minus dashboard need share per shock, one line per strategy."""
    return _bands(series, runs, "illusion_gap", shocks, strategies,
                  "true - dashboard need share", "Illusion gap over time (mean, 95% band)")


def heatmap(cells: pd.DataFrame, column: str, shocks, strategies, title: str):
    """A strategy x shock grid of one summary column, annotated."""
    import numpy as np

    grid = np.full((len(strategies), len(shocks)), np.nan)
    for i, st in enumerate(strategies):
        for j, sh in enumerate(shocks):
            c = cells[(cells["strategy"] == st) & (cells["shock"] == sh)]
            if not c.empty:
                grid[i, j] = c.iloc[0][column]
    fig, ax = plt.subplots(figsize=(1.6 * len(shocks) + 3, 0.7 * len(strategies) + 1.8),
                           layout="constrained")
    im = ax.imshow(grid, cmap="viridis_r", aspect="auto")
    ax.set_xticks(range(len(shocks)), shocks, rotation=30, ha="right")
    ax.set_yticks(range(len(strategies)), strategies)
    for i in range(len(strategies)):
        for j in range(len(shocks)):
            if not np.isnan(grid[i, j]):
                v = grid[i, j]
                ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=8,
                        color="white" if v > np.nanmean(grid) else "black")
    fig.colorbar(im, ax=ax)
    ax.set_title(title)
    return fig


def sensitivity_bars(table: pd.DataFrame, title: str):
    """Bars of Sobol indices (S1 and ST with 95% intervals) or Morris mu* and sigma."""
    import numpy as np

    fig, ax = plt.subplots(figsize=(7, 0.45 * len(table) + 1.8), layout="constrained")
    y = np.arange(len(table))
    if "ST" in table.columns:
        ax.barh(y - 0.2, table["S1"], 0.4, xerr=table["S1_conf"], label="first order S1")
        ax.barh(y + 0.2, table["ST"], 0.4, xerr=table["ST_conf"], label="total order ST")
        ax.set_xlabel("Sobol index")
    else:
        ax.barh(y - 0.2, table["mu_star"], 0.4, xerr=table["mu_star_conf"], label="mu*")
        ax.barh(y + 0.2, table["sigma"], 0.4, label="sigma")
        ax.set_xlabel("Morris elementary effects")
    ax.set_yticks(y, table["parameter"])
    ax.invert_yaxis()
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3, axis="x")
    ax.set_title(title)
    return fig
