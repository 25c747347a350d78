"""Matplotlib figures of runs: resilience curves and their triangle, the
comparison's panels (curves, paired gaps, illusion gap) and heatmaps.

Legends sit outside the data; the onset is a dotted line labelled above the
axes (never over the data); panels of one figure share their y-axis, in the
units the report's tables use (% of households, percentage points), so a
shock that barely moves the curve looks small; heatmaps use one colour scale
for every cell, with zero as its neutral middle when losses can be negative,
so a negligible loss is never painted "worst". Uses the non-interactive Agg
backend, so figures render with no display.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from viz.i18n import display_name, gettext  # noqa: E402


def resilience_curve(series: dict[str, pd.DataFrame], onset: int | None = None,
                     title: str = "Functionality Q(t)", q0: float | None = None,
                     lang: str = "en"):
    """Functionality over time, one line per label; the first run's resilience
    triangle (between Q0 and Q after onset) is shaded; axis words in `lang` (the
    title and labels as given). Returns the Figure."""
    fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    for k, (label, df) in enumerate(series.items()):
        ax.plot(df["day"], df["functionality"], label=label, lw=1.8)
        if k == 0 and onset is not None and onset < len(df):
            base = q0 if q0 is not None else (df["functionality"][:onset].mean()
                                              if onset > 0 else 1.0)
            after = df[df["day"] >= onset]
            ax.fill_between(after["day"], after["functionality"], base,
                            where=after["functionality"] < base, alpha=0.2,
                            label=gettext("absolute loss of {run} (vs pre-onset Q0)", lang)
                            .format(run=next(iter(series))))
            _onset(ax, onset, lang)
    ax.set_xlabel(gettext("day", lang))
    ax.set_ylabel(gettext("Q: share of households with needs met", lang))
    ax.set_title(title)
    ax.set_ylim(top=1.01)
    ax.grid(alpha=0.3)
    fig.legend(loc="outside right upper", fontsize="small")
    return fig


def _onset(ax, day: int, lang: str = "en") -> None:
    """A dotted vertical line at the onset, labelled just above the axes (outside the
    data area, so the label never hides a line)."""
    ax.axvline(day, color="grey", ls=":", lw=1)
    ax.annotate(gettext("shock starts", lang), (day, 1.0), xycoords=("data", "axes fraction"),
                xytext=(0, 2), textcoords="offset points", va="bottom", ha="center",
                fontsize=7, color="dimgrey", annotation_clip=False)


def _panels(n: int, width: float = 4.2, height: float = 3.0, sharey: bool = True):
    cols = min(3, n)
    rows = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(width * cols, height * rows),
                             layout="constrained", squeeze=False, sharey=sharey)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, axes.flat


def _bands(series: pd.DataFrame, runs: pd.DataFrame, metric: str, shocks, strategies,
           ylabel: str, title: str, scale: float = 1.0, lang: str = "en"):
    """Mean and 95% band (2.5-97.5 percentiles over replicates) of `metric` x `scale`
    (series in long form: run_id, day, metric, value), one panel per shock on a
    shared y-axis."""
    s = series[series["metric"] == metric]
    if s.empty:
        return None
    s = s.assign(value=scale * s["value"])
    cols = ["run_id", "shock", "strategy"] + (["onset"] if "onset" in runs.columns else [])
    s = s.merge(runs[cols], on="run_id")
    fig, axes = _panels(len(shocks))
    for ax, shock in zip(axes, shocks):
        for st in strategies:
            g = s[(s["shock"] == shock) & (s["strategy"] == st)].groupby("day")["value"]
            if g.ngroups == 0:
                continue
            mean, lo, hi = g.mean(), g.quantile(0.025), g.quantile(0.975)
            (line,) = ax.plot(mean.index, mean.to_numpy(), lw=1.5,
                              label=display_name(st, lang))
            ax.fill_between(mean.index, lo.to_numpy(), hi.to_numpy(), alpha=0.15,
                            color=line.get_color())
        if "onset" in s.columns:
            on = s.loc[s["shock"] == shock, "onset"]
            if len(on) and int(on.iloc[0]) < int(s["day"].max()):
                _onset(ax, int(on.iloc[0]), lang)
        ax.set_title(display_name(shock, lang), pad=12)
        ax.set_xlabel(gettext("day", lang))
        ax.grid(alpha=0.3)
    for ax in list(axes)[::3]:
        ax.set_ylabel(gettext(ylabel, lang))
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=max(1, len(labels)),
               fontsize="small")
    fig.suptitle(gettext(title, lang) + gettext(" (all panels on one y-axis)", lang))
    return fig


def resilience_bands(series: pd.DataFrame, runs: pd.DataFrame, shocks, strategies,
                     lang: str = "en"):
    """Q(t) per shock, one line per strategy, with the 95% band over replicates."""
    return _bands(series, runs, "functionality", shocks, strategies,
                  "% of households with needs met",
                  "Households with needs met: mean and 95% band of runs", scale=100.0,
                  lang=lang)


def paired_gap_bands(series: pd.DataFrame, runs: pd.DataFrame, shocks, strategies,
                     lang: str = "en"):
    """Q(t) of each shocked run minus Q(t) of its paired no-shock run (same
    strategy, point and replicate), per shock, with the 95% band."""
    from experiments.analysis import paired_series

    diff = paired_series(runs, series, "functionality")
    if diff is None or diff.empty:
        return None
    return _bands(diff, runs, "functionality", shocks, strategies,
                  "percentage points vs the no-shock run",
                  "Households with needs met, against the same city without the shock",
                  scale=100.0, lang=lang)


def illusion_gap_over_time(series: pd.DataFrame, runs: pd.DataFrame, shocks, strategies,
                           lang: str = "en"):
    """True minus dashboard need share per shock, one line per strategy."""
    return _bands(series, runs, "illusion_gap", shocks, strategies,
                  "percentage points (true minus dashboard)",
                  "Need the dashboard does not show: mean and 95% band of runs", scale=100.0,
                  lang=lang)


def heatmap(cells: pd.DataFrame, column: str, shocks, strategies, title: str,
            higher_is_worse: bool = True, unit: str = "days", lang: str = "en"):
    """A strategy x shock grid of one summary column, annotated with its values.

    One colour scale for every cell: the darker, the worse, measured in the
    column's own units, so a shock whose losses are all negligible stays pale
    instead of having its largest negligible loss painted "worst". When values
    of both signs occur, zero is the scale's neutral middle."""
    import numpy as np

    grid = np.full((len(strategies), len(shocks)), np.nan)
    for i, st in enumerate(strategies):
        for j, sh in enumerate(shocks):
            c = cells[(cells["strategy"] == st) & (cells["shock"] == sh)]
            if not c.empty:
                grid[i, j] = c.iloc[0][column]
    bad = grid if higher_is_worse else -grid  # larger = worse
    lo, hi = (np.nanmin(bad), np.nanmax(bad)) if np.isfinite(bad).any() else (0.0, 1.0)
    if lo < 0 < hi:  # symmetric around zero: a small value of either sign stays pale
        m = max(-lo, hi)
        norm, cmap = plt.Normalize(-m, m), "RdBu_r"
    else:
        norm, cmap = plt.Normalize(min(lo, 0.0), max(hi, 0.0) or 1.0), "Reds"
    fig, ax = plt.subplots(figsize=(1.6 * len(shocks) + 3, 0.7 * len(strategies) + 2.0),
                           layout="constrained")
    im = ax.imshow(bad, cmap=cmap, norm=norm, aspect="auto")
    ax.set_xticks(range(len(shocks)), [display_name(s, lang) for s in shocks], rotation=30,
                  ha="right")
    ax.set_yticks(range(len(strategies)), [display_name(s, lang) for s in strategies])
    from experiments.formats import number

    for i in range(len(strategies)):
        for j in range(len(shocks)):
            if not np.isnan(grid[i, j]):
                dark = abs(float(norm(bad[i, j])) - (0.5 if lo < 0 < hi else 0.0)) > 0.35
                ax.text(j, i, number(grid[i, j]), ha="center", va="center", fontsize=8,
                        color="white" if dark else "black")
    bar = fig.colorbar(im, ax=ax)
    bar.set_label(gettext(unit, lang) + gettext("; darker is worse", lang), fontsize=8)
    ax.set_title(gettext(title, lang))
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
