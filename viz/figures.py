"""Matplotlib figures of runs: resilience curves and their triangle, the
comparison's panels (curves, paired gaps, illusion gap) and heatmaps.

Legends sit outside the data; the onset is a labelled dotted line; panels
have free y-axes (captions in the report say so); heatmaps scale colour
within each shock. Uses the non-interactive Agg backend, so figures render
with no display.
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
                            label=f"absolute loss of {next(iter(series))} (vs pre-onset Q0)")
            _onset(ax, onset)
    ax.set_xlabel("day")
    ax.set_ylabel("Q: share of households with needs met")
    ax.set_title(title)
    ax.set_ylim(top=1.01)
    ax.grid(alpha=0.3)
    fig.legend(loc="outside right upper", fontsize="small")
    return fig


def _onset(ax, day: int) -> None:
    """A dotted vertical line at the onset, labelled at the top of the axes."""
    ax.axvline(day, color="grey", ls=":", lw=1)
    ax.annotate("onset", (day, 0.5), xycoords=("data", "axes fraction"), rotation=90,
                va="center", ha="center", fontsize=7, color="dimgrey",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85})


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
    """Mean and 95% band (2.5-97.5 percentiles over replicates) of `metric`
    (series in long form: run_id, day, metric, value)."""
    s = series[series["metric"] == metric]
    if s.empty:
        return None
    cols = ["run_id", "shock", "strategy"] + (["onset"] if "onset" in runs.columns else [])
    s = s.merge(runs[cols], on="run_id")
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
        if "onset" in s.columns:
            on = s.loc[s["shock"] == shock, "onset"]
            if len(on) and int(on.iloc[0]) < int(s["day"].max()):
                _onset(ax, int(on.iloc[0]))
        ax.set_title(shock)
        ax.set_xlabel("day")
        ax.grid(alpha=0.3)
    for ax in list(axes)[::3]:
        ax.set_ylabel(ylabel)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=max(1, len(labels)),
               fontsize="small")
    fig.suptitle(title + " (each panel has its own y-axis)")
    return fig


def resilience_bands(series: pd.DataFrame, runs: pd.DataFrame, shocks, strategies):
    """Q(t) per shock, one line per strategy, with the 95% band over replicates."""
    return _bands(series, runs, "functionality", shocks, strategies,
                  "Q: share with needs met", "Resilience curves: mean and 95% band of runs")


def paired_gap_bands(series: pd.DataFrame, runs: pd.DataFrame, shocks, strategies):
    """Q(t) of each shocked run minus Q(t) of its paired no-shock run (same
    strategy, point and replicate), per shock, with the 95% band."""
    from experiments.analysis import paired_series

    diff = paired_series(runs, series, "functionality")
    if diff is None or diff.empty:
        return None
    return _bands(diff, runs, "functionality", shocks, strategies,
                  "Q minus Q of the no-shock run", "Q against the paired no-shock run")


def illusion_gap_over_time(series: pd.DataFrame, runs: pd.DataFrame, shocks, strategies):
    """True minus dashboard need share per shock, one line per strategy."""
    return _bands(series, runs, "illusion_gap", shocks, strategies,
                  "true - dashboard need share",
                  "Illusion gap over time: mean and 95% band of runs")


def heatmap(cells: pd.DataFrame, column: str, shocks, strategies, title: str,
            higher_is_worse: bool = True):
    """A strategy x shock grid of one summary column, annotated with its
    values. Colour is scaled within each shock (column) from its best to its
    worst strategy, so a shock with large values does not wash out the rest."""
    import numpy as np

    grid = np.full((len(strategies), len(shocks)), np.nan)
    for i, st in enumerate(strategies):
        for j, sh in enumerate(shocks):
            c = cells[(cells["strategy"] == st) & (cells["shock"] == sh)]
            if not c.empty:
                grid[i, j] = c.iloc[0][column]
    scaled = np.full_like(grid, np.nan)
    for j in range(grid.shape[1]):
        col = grid[:, j]
        if np.all(np.isnan(col)):
            continue
        lo, hi = np.nanmin(col), np.nanmax(col)
        scaled[:, j] = (col - lo) / (hi - lo) if hi > lo else 0.5
        if not higher_is_worse:
            scaled[:, j] = 1.0 - scaled[:, j]
    fig, ax = plt.subplots(figsize=(1.6 * len(shocks) + 3, 0.7 * len(strategies) + 2.0),
                           layout="constrained")
    im = ax.imshow(scaled, cmap="viridis_r", aspect="auto", vmin=0.0, vmax=1.0)
    ax.set_xticks(range(len(shocks)), shocks, rotation=30, ha="right")
    ax.set_yticks(range(len(strategies)), strategies)
    from experiments.formats import number

    for i in range(len(strategies)):
        for j in range(len(shocks)):
            if not np.isnan(grid[i, j]):
                ax.text(j, i, number(grid[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if scaled[i, j] > 0.5 else "black")
    bar = fig.colorbar(im, ax=ax, ticks=[0.0, 1.0])
    bar.ax.set_yticklabels(["best in\nits shock", "worst in\nits shock"], fontsize=7)
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
