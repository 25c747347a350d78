"""The page's panels: map, functionality, crisis, help, dashboard, compare.

Each panel is a Solara component taking the session's `WorkshopModel`, as
SolaraViz's `components` expects. It subscribes to Mesa's update counter
(bumped after every step), reads one `Snapshot` of the model and draws it:
the map as a PNG, the curves as SVG (both built on the server). In
explain mode each panel also says what it shows and which mechanism moves it
(`explain.EXPLAIN`).
"""

from __future__ import annotations

import html
import math

import reacton.ipywidgets as rw
import solara
from mesa.visualization.utils import update_counter

from viz.components import charts, city_map
from viz.components.explain import EXPLAIN
from viz.components.session import Snapshot, WorkshopModel

# Per browser session: Solara keeps a separate value of a reactive variable for
# every page (virtual kernel), so one facilitator's toggle never flips another's.
explain = solara.reactive(False)
# What a district's map is coloured by (city_map.DISTRICT_MODES), per session.
map_mode = solara.reactive("need")

_TITLE = {"font-size": "15px", "font-weight": "600"}
_STATUS = {"font-size": "12px", "color": "rgba(0,0,0,.65)"}
_EXPLAIN = {"font-size": "12px", "line-height": "1.35", "color": "#333", "margin": "2px 0 4px 0",
            "background": "#f3f6fa", "padding": "4px 6px", "border-radius": "4px"}


def _chart_height() -> int:
    return 185 if explain.value else 270


@solara.component
def Panel(title: str, key: str, status: str = "", children=[]):  # noqa: B006 (Solara idiom)
    """A panel: title, today's status line, the explain text (in explain mode), content."""
    with solara.Column(gap="2px", classes=["gr-panel", f"gr-panel-{key}"],
                       style={"padding": "6px 10px", "height": "100%", "overflow-y": "auto",
                              "overflow-x": "hidden"}) as main:
        solara.Text(title, style=_TITLE)
        if status:
            solara.Text(status, style=_STATUS, classes=[f"gr-status-{key}"])
        if explain.value:
            solara.v.Html(tag="div", children=[EXPLAIN[key]], style_=";".join(
                f"{k}: {v}" for k, v in _EXPLAIN.items()), class_="gr-explain")
        solara.Column(children=children, gap="0px", style={"width": "100%"})
    return main


def Chart(svg: str):
    """A chart drawn on the server as SVG (see svgchart.py)."""
    return solara.HTML(tag="div", unsafe_innerHTML=svg, classes=["gr-chart-box"],
                       style="width: 100%")


def _num(v: float, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    return f"{v:,.{digits}g}" if abs(v) < 1000 else f"{v:,.0f}"


def _latest(snap_run, metric: str) -> float:
    d = snap_run.daily
    return float(d[-1, charts.COL[metric]]) if len(d) else math.nan


def _day_status(snap: Snapshot) -> str:
    return (f"Day {snap.day} of {snap.days} · shock {snap.shock} · seed {snap.seed} · "
            f"{snap.n_households:,} households")


def _legend_html(counts: dict[str, int] | None) -> str:
    chips = []
    for name, colour in city_map.STATES:
        n = f" {counts[name]:,}" if counts is not None else ""
        chips.append(f'<span style="white-space:nowrap;margin-right:10px">'
                     f'<span style="display:inline-block;width:10px;height:10px;'
                     f'background:{colour};margin-right:3px;vertical-align:middle"></span>'
                     f'{name}{n}</span>')
    for name, key in (("hazard today", "hazard"), ("power cut", "power cut")):
        chips.append(f'<span style="white-space:nowrap;margin-right:10px">'
                     f'<span style="display:inline-block;width:10px;height:10px;'
                     f'background:{city_map.BACKGROUND[key]};margin-right:3px;'
                     f'border:1px solid #999;vertical-align:middle"></span>{name}</span>')
    return f'<div style="font-size:11.5px;line-height:1.6">{"".join(chips)}</div>'


def _map_image(png: bytes, max_height: int):
    return rw.Image(value=png, format="png",
                    layout={"max_width": "100%", "max_height": f"{max_height}px",
                            "object_fit": "contain", "height": "auto"})


def _district_legend_html(entries) -> str:
    chips = [f'<span style="white-space:nowrap;margin-right:10px">'
             f'<span style="display:inline-block;width:10px;height:10px;background:{colour};'
             f'margin-right:3px;border:1px solid #999;vertical-align:middle"></span>'
             f'{html.escape(name)}</span>' for name, colour in entries]
    return f'<div style="font-size:11.5px;line-height:1.6">{"".join(chips)}</div>'


@solara.component
def DistrictMap(model: WorkshopModel, snap: Snapshot, runs):
    """A district's grid polygons (vector, offline), coloured by need, help channel or
    hazard, with a legend; A and B side by side in compare mode."""
    solara.ToggleButtonsSingle(value=map_mode, values=list(city_map.DISTRICT_MODES),
                               dense=True, classes=["gr-map-mode"])
    legend = []
    with solara.Row(gap="8px", style={"align-items": "flex-start"}):
        for run, m in zip(runs, (model.a, model.b)):
            colours, legend = city_map.grid_colours(m, map_mode.value, run.state, snap.hazard,
                                                    snap.power)
            with solara.Column(gap="0px", style={"flex": "1 1 0", "min-width": "0"}):
                if len(runs) > 1:
                    solara.Text(run.label, style=_STATUS)
                solara.HTML(tag="div", unsafe_innerHTML=city_map.svg(
                    m.district, colours, title=f"{run.label}: {map_mode.value}"),
                    classes=["gr-district-map"], style="width: 100%")
    solara.HTML(tag="div", unsafe_innerHTML=_district_legend_html(legend))


@solara.component
def MapPanel(model: WorkshopModel):
    """Households by state on the map of grids; A and B side by side in compare mode."""
    update_counter.get()
    snap = model.snapshot()
    if getattr(model.a, "district", None) is not None:
        runs = [snap.a] + ([snap.b] if snap.b is not None else [])
        with Panel("Grids today", "map", _day_status(snap)):
            DistrictMap(model, snap, runs)
        return
    lay = city_map.layout(model.a.state.grids)
    runs = [snap.a] + ([snap.b] if snap.b is not None else [])
    today = ""
    if snap.hazard is not None:
        g = len(snap.hazard)
        today = (f" · today: hazard in {int((snap.hazard > 0.05).sum())} of {g} grids, power "
                 f"cut in {int((snap.power < 0.5).sum())}, platform "
                 f"{'up' if snap.platform_up else 'DOWN'}")
    with Panel("Households today", "map", _day_status(snap) + today):
        max_h = 160 if explain.value else 295
        with solara.Row(gap="8px", style={"align-items": "flex-start"}):
            for run in runs:
                png = city_map.png(city_map.render(lay, run.state, snap.hazard, snap.power))
                with solara.Column(gap="0px", style={"flex": "1 1 0", "min-width": "0"}):
                    if len(runs) > 1:
                        solara.Text(run.label, style=_STATUS)
                    _map_image(png, max_h)
        solara.HTML(tag="div", unsafe_innerHTML=_legend_html(
            city_map.counts(snap.a.state) if len(runs) == 1 else None))


@solara.component
def FunctionalityPanel(model: WorkshopModel):
    """Q(t) of run A with its resilience triangle shaded."""
    update_counter.get()
    snap = model.snapshot()
    a = snap.a
    status = "Press Step or Play to start."
    if a.summary is not None:
        status = (f"Q today {_latest(a, 'functionality'):.3f} · Q0 "
                  f"{a.summary['baseline_functionality']:.3f} · resilience loss so far "
                  f"{_num(a.summary['resilience_loss'])} days · lowest Q "
                  f"{a.summary['robustness']:.3f}")
    with Panel(f"Functionality Q(t) and the resilience triangle: {a.label}", "functionality",
               status):
        Chart(charts.functionality([(a.label, a.daily, a.onset)], snap.days, _chart_height()))


@solara.component
def CrisisPanel(model: WorkshopModel):
    """Households in crisis: vulnerable and others (run A)."""
    update_counter.get()
    a = model.snapshot().a
    status = ""
    if a.summary is not None:
        status = (f"today: {_latest(a, 'in_crisis_vulnerable'):,.0f} vulnerable, "
                  f"{_latest(a, 'in_crisis_other'):,.0f} others · crisis household-days so far "
                  f"{a.summary['crisis_household_days']:,.0f}")
    with Panel("Households in crisis", "crisis", status):
        Chart(charts.crisis(a.daily, model.days, _chart_height()))


@solara.component
def HelpPanel(model: WorkshopModel):
    """Essentials delivered per day by channel (run A)."""
    update_counter.get()
    a = model.snapshot().a
    status = ""
    if len(a.daily):
        status = "today: " + ", ".join(f"{label.split(' ')[0]} {_latest(a, m):,.0f}"
                                       for label, (m, _) in charts.CHANNELS.items()) + " days"
    with Panel("Help by channel", "help", status):
        Chart(charts.help_by_channel(a.daily, model.days, _chart_height()))


@solara.component
def DashboardPanel(model: WorkshopModel):
    """Dashboard versus ground truth (run A)."""
    update_counter.get()
    a = model.snapshot().a
    status = ""
    if a.summary is not None:
        status = (f"today: true {100 * _latest(a, 'true_need_share'):.1f}%, dashboard "
                  f"{100 * _latest(a, 'dashboard_need_share'):.1f}%, gap "
                  f"{100 * _latest(a, 'illusion_gap'):+.1f} points · from onset, a day's "
                  f"missed need {100 * a.summary['missed_need_share']:.1f}% and false alarms "
                  f"{100 * a.summary['false_alarm_share']:.1f}% of households on average")
    with Panel("Dashboard versus ground truth", "dashboard", status):
        Chart(charts.dashboard(a.daily, model.days, _chart_height()))


@solara.component
def SocialPanel(model: WorkshopModel):
    """Trust, social capital and volunteer motivation (run A)."""
    update_counter.get()
    a = model.snapshot().a
    status = ""
    if len(a.daily):
        status = (f"today: trust {_latest(a, 'trust_mean'):.3f}, social capital "
                  f"{_latest(a, 'social_capital_mean'):.3f}, volunteer motivation "
                  f"{_latest(a, 'volunteer_motivation_mean'):.3f}, active volunteers "
                  f"{_latest(a, 'active_volunteers'):,.0f}")
    with Panel("Trust and the social fabric", "social", status):
        Chart(charts.social(a.daily, model.days, _chart_height()))


COMPARED = (  # (summary key, label, format); definitions and directions: sim.metrics
    ("resilience_loss", "resilience loss so far (days, vs pre-onset Q0)", "{:,.2f}"),
    ("crisis_household_days", "crisis household-days", "{:,.0f}"),
    ("equity_gap", "equity gap: vulnerable minus other crisis rate (points)", "{:+.2f}"),
    ("missed_need_share", "missed need, daily mean from onset (% of households)", "{:.2f}"),
    ("false_alarm_share", "false alarms, daily mean from onset (% of households)", "{:.2f}"),
    ("robustness", "lowest Q", "{:.3f}"),
    ("unmet_household_days", "unmet household-days", "{:,.0f}"),
)
_PERCENT = {"equity_gap", "missed_need_share", "false_alarm_share"}  # shown x 100


def compare_table(snap: Snapshot) -> list[tuple[str, str, str, str]]:
    """Rows (measure, A, B, B - A) of the compare table; empty before day 1 or
    outside compare mode."""
    if snap.b is None or snap.a.summary is None or snap.b.summary is None:
        return []
    from sim.metrics import OUTCOME_INFO

    rows = []
    for key, label, fmt in COMPARED:
        scale = 100.0 if key in _PERCENT else 1.0
        va, vb = scale * snap.a.summary[key], scale * snap.b.summary[key]
        diff = vb - va
        dfmt = fmt if "+" in fmt else fmt.replace("{:", "{:+")
        better = OUTCOME_INFO[key].better
        rows.append((f"{label}; {better} is better" if better else label, fmt.format(va),
                     fmt.format(vb), dfmt.format(diff)))
    return rows


@solara.component
def ComparePanel(model: WorkshopModel):
    """Two strategies, same shock and seed: curves on one chart and B - A."""
    update_counter.get()
    snap = model.snapshot()
    if snap.b is None:
        with Panel("Compare two strategies", "compare",
                   "Compare mode is off: choose a strategy under 'Compare with (B)' in the "
                   "sidebar and press Reset."):
            pass
        return
    a, b = snap.a, snap.b
    with Panel(f"Compare: A = {a.label}, B = {b.label}", "compare",
               f"same shock ({snap.shock}) and seed ({snap.seed}): common random numbers"):
        Chart(charts.functionality([(a.label, a.daily, a.onset), (b.label, b.daily, b.onset)],
                                   snap.days, 115 if explain.value else 180))
        rows = compare_table(snap)
        if rows:
            solara.HTML(tag="div", unsafe_innerHTML=_table_html(rows))


def _table_html(rows: list[tuple[str, str, str, str]]) -> str:
    """The compare table as HTML (solara.Markdown would fetch mermaid from a CDN)."""
    cell = "padding:1px 8px;text-align:right;white-space:nowrap"
    head = "".join(f'<th style="{cell}">{h}</th>' for h in ("A", "B", "B - A"))
    body = "".join(
        f'<tr><td style="padding:1px 8px 1px 0">{html.escape(m)}</td>'
        f'<td style="{cell}">{va}</td><td style="{cell}">{vb}</td>'
        f'<td style="{cell};font-weight:600">{d}</td></tr>' for m, va, vb, d in rows)
    return (f'<table class="gr-compare-table" style="font-size:12px;border-collapse:collapse;'
            f'margin-top:2px"><tr><th style="text-align:left;padding:1px 8px 1px 0">measure'
            f'</th>{head}</tr>{body}</table>')


# SolaraViz components: (component, page). All on one page, two per row.
PANELS = [(MapPanel, 0), (FunctionalityPanel, 0), (CrisisPanel, 0), (HelpPanel, 0),
          (DashboardPanel, 0), (ComparePanel, 0), (SocialPanel, 0)]
