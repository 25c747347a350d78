"""The live charts: which daily metrics each panel draws, and how.

Each function takes a run's daily array (days so far x metrics, columns
`sim.kernels.record.COLUMNS`) and returns an SVG string (`svgchart`). The x
axis spans the whole horizon, so curves grow from left to right instead of
rescaling every day. PNG exports are drawn with matplotlib (`export.py`)
from the same series definitions.
"""

from __future__ import annotations

import numpy as np

from sim.kernels.record import COLUMNS
from sim.metrics import baseline
from viz.components.svgchart import Band, Chart, Line, Rule, render

COL = {k: i for i, k in enumerate(COLUMNS)}

# label: (daily metric, colour); channel colours match the map (city_map.STATES)
CHANNELS: dict[str, tuple[str, str]] = {
    "self (purchases)": ("help_self_days", "#7f7f7f"),
    "neighbours": ("help_neighbours_days", "#3d85c6"),
    "volunteers": ("help_volunteers_days", "#8e44ad"),
    "departments": ("help_departments_days", "#0b3d4a"),
}
CRISIS = {"vulnerable": ("in_crisis_vulnerable", "#d62728"),
          "others": ("in_crisis_other", "#ff9896")}
DASHBOARD = {"true need share": ("true_need_share", "#d62728"),
             "dashboard need share": ("dashboard_need_share", "#1f77b4"),
             "illusion gap": ("illusion_gap", "#9467bd")}
SOCIAL = {"trust in government": ("trust_mean", "#1f77b4"),
          "social capital": ("social_capital_mean", "#2ca02c"),
          "volunteer motivation": ("volunteer_motivation_mean", "#8e44ad")}
RUN_COLOURS = ("#1f77b4", "#e8710a")  # run A, run B


def triangle(q: np.ndarray, onset: int) -> tuple[float, np.ndarray]:
    """Q0 and the lower edge of the resilience triangle: min(Q, Q0) from the onset
    (Q0 before it, so the band has no height there). Q0 is the mean Q before the
    onset (`sim.metrics.baseline`), over the days simulated so far."""
    if not len(q):
        return 1.0, np.zeros(0)
    q0 = baseline(q, min(onset, len(q)))
    days = np.arange(len(q))
    return q0, np.where(days >= onset, np.minimum(q, q0), q0)


def functionality(runs: list[tuple[str, np.ndarray, int]], days: int,
                  height: int = 240) -> str:
    """Q(t) of one or two runs [(label, daily, onset)], each with its resilience
    triangle shaded between Q0 (dashed) and Q from the onset (dotted line)."""
    title = "Q: share with needs met" if height >= 200 else "Q"  # fits the axis
    chart = Chart(days - 1, title, y_zero=False, css_class="gr-chart-q")
    for k, (label, daily, onset) in enumerate(runs):
        colour = RUN_COLOURS[k]
        q = daily[:, COL["functionality"]]
        x = np.arange(len(q))
        q0, lo = triangle(q, onset)
        chart.bands.append(Band(colour, x, lo, np.full(len(q), q0), 0.22, "gr-triangle"))
        chart.lines.append(Line(label, colour, x, q))
        if len(q):
            chart.rules.append(Rule(colour, y=q0))
    onset = min(r[2] for r in runs)
    if onset < days:
        chart.rules.append(Rule("#888", x=onset, dash="2,2"))
    if not any(len(r[1]) for r in runs):
        chart.y_domain = (0.0, 1.0)
    return render(chart, height=height)


def _lines(daily: np.ndarray, series: dict[str, tuple[str, str]], days: int, height: int,
           y_title: str, css_class: str, **chart) -> str:
    x = np.arange(len(daily))
    c = Chart(days - 1, y_title, css_class=css_class, **chart)
    c.lines = [Line(label, colour, x, daily[:, COL[metric]])
               for label, (metric, colour) in series.items()]
    return render(c, height=height)


def crisis(daily: np.ndarray, days: int, height: int = 240) -> str:
    """Households in crisis, vulnerable and others."""
    return _lines(daily, CRISIS, days, height, "households in crisis", "gr-chart-crisis")


def help_by_channel(daily: np.ndarray, days: int, height: int = 240) -> str:
    """Essentials delivered per day by channel, on a symlog axis (purchases dwarf
    the rest in normal times)."""
    return _lines(daily, CHANNELS, days, height, "days of essentials (symlog)",
                  "gr-chart-help", y_scale="symlog")


def dashboard(daily: np.ndarray, days: int, height: int = 240) -> str:
    """Dashboard need share vs the true need share, and the gap between them."""
    return _lines(daily, DASHBOARD, days, height, "share of households", "gr-chart-dashboard")


def social(daily: np.ndarray, days: int, height: int = 240) -> str:
    """Mean trust, social capital and volunteer motivation."""
    return _lines(daily, SOCIAL, days, height, "mean, 0-1", "gr-chart-social",
                  y_domain=(0.0, 1.0))
