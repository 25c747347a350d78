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
from viz.i18n import N_, gettext

COL = {k: i for i, k in enumerate(COLUMNS)}

# label (English msgid, see viz/i18n.py): (daily metric, colour); channel colours
# match the map (city_map.STATES)
CHANNELS: dict[str, tuple[str, str]] = {
    N_("own purchases"): ("help_self_days", "#7f7f7f"),
    N_("neighbours"): ("help_neighbours_days", "#3d85c6"),
    N_("volunteers"): ("help_volunteers_days", "#8e44ad"),
    N_("departments"): ("help_departments_days", "#0b3d4a"),
}
CRISIS = {N_("vulnerable"): ("in_crisis_vulnerable", "#d62728"),
          N_("others"): ("in_crisis_other", "#ff9896")}
DASHBOARD = {N_("true need"): ("true_need_share", "#d62728"),
             N_("dashboard shows"): ("dashboard_need_share", "#1f77b4"),
             N_("gap (true minus dashboard)"): ("illusion_gap", "#9467bd")}
SOCIAL = {N_("trust in government"): ("trust_mean", "#1f77b4"),
          N_("social capital"): ("social_capital_mean", "#2ca02c"),
          N_("volunteer motivation"): ("volunteer_motivation_mean", "#8e44ad")}
RUN_COLOURS = ("#1f77b4", "#e8710a")  # run A, run B
SHOCK_COLOUR = "#b03a2e"


def shock_rules(shock: tuple[int, int] | None, days: int, lang: str = "en") -> list[Rule]:
    """Dotted lines where the shock starts and where it is over (the first day
    with every input back to normal), labelled above the plot."""
    if shock is None:
        return []
    start, end = shock
    rules = []
    if 0 <= start < days:
        rules.append(Rule(SHOCK_COLOUR, x=start, dash="2,2",
                          label=gettext("shock starts", lang), side="left"))
    if start < end < days:
        rules.append(Rule(SHOCK_COLOUR, x=end, dash="2,2",
                          label=gettext("shock ends", lang), side="right"))
    return rules


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
                  height: int = 240, shock: tuple[int, int] | None = None,
                  lang: str = "en") -> str:
    """The share of households with needs met (%) of one or two runs [(label,
    daily, onset)], each with its resilience triangle shaded between the level
    before the shock (dashed) and the curve from the onset."""
    chart = Chart(days - 1, gettext("% of households with needs met", lang), y_zero=False,
                  css_class="gr-chart-q", x_title=gettext("day", lang))
    for k, (label, daily, onset) in enumerate(runs):
        colour = RUN_COLOURS[k]
        q = 100.0 * daily[:, COL["functionality"]]
        x = np.arange(len(q))
        q0, lo = triangle(q, onset)
        chart.bands.append(Band(colour, x, lo, np.full(len(q), q0), 0.22, "gr-triangle"))
        chart.lines.append(Line(label, colour, x, q))
        if len(q):
            chart.rules.append(Rule(colour, y=q0))
    chart.rules += shock_rules(shock, days, lang)
    if not any(len(r[1]) for r in runs):
        chart.y_domain = (0.0, 100.0)
    return render(chart, height=height)


def _lines(daily: np.ndarray, series: dict[str, tuple[str, str]], days: int, height: int,
           y_title: str, css_class: str, shock=None, lang: str = "en", scale: float = 1.0,
           **chart) -> str:
    x = np.arange(len(daily))
    c = Chart(days - 1, gettext(y_title, lang), css_class=css_class,
              x_title=gettext("day", lang), **chart)
    c.lines = [Line(gettext(label, lang), colour, x, scale * daily[:, COL[metric]])
               for label, (metric, colour) in series.items()]
    c.rules = shock_rules(shock, days, lang)
    return render(c, height=height)


def crisis(daily: np.ndarray, days: int, height: int = 240, shock=None, lang="en") -> str:
    """Households in crisis, vulnerable and others."""
    return _lines(daily, CRISIS, days, height, N_("households"), "gr-chart-crisis", shock,
                  lang)


def help_by_channel(daily: np.ndarray, days: int, height: int = 240, shock=None,
                    lang="en") -> str:
    """Essentials delivered per day by channel, on a log scale (symlog: purchases
    dwarf the rest in normal times, and a channel may deliver nothing)."""
    return _lines(daily, CHANNELS, days, height, N_("days of essentials delivered (log scale)"),
                  "gr-chart-help", shock, lang, y_scale="symlog")


def dashboard(daily: np.ndarray, days: int, height: int = 240, shock=None, lang="en") -> str:
    """Dashboard need share vs the true need share, and the gap between them (%)."""
    return _lines(daily, DASHBOARD, days, height, N_("% of households"), "gr-chart-dashboard",
                  shock, lang, scale=100.0)


def social(daily: np.ndarray, days: int, height: int = 240, shock=None, lang="en") -> str:
    """Mean trust, social capital and volunteer motivation."""
    return _lines(daily, SOCIAL, days, height, N_("average, 0 to 1"), "gr-chart-social",
                  shock, lang, y_domain=(0.0, 1.0))
