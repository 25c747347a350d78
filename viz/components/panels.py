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

from viz import map_tiles
from viz.components import charts, city_map
from viz.components.explain import EXPLAIN
from viz.components.session import Snapshot, WorkshopModel
from viz.i18n import N_, display_name, gettext

# Per browser session: Solara keeps a separate value of a reactive variable for
# every page (virtual kernel), so one facilitator's toggle never flips another's.
explain = solara.reactive(False)
lang = solara.reactive("en")  # the page's language (viz/i18n.py): "en" or "zh"
# What a district's map is coloured by (city_map.DISTRICT_MODES), per session.
map_mode = solara.reactive("need")

_TITLE = {"font-size": "15px", "font-weight": "600"}
_STATUS = {"font-size": "12px", "color": "rgba(0,0,0,.65)"}
_EXPLAIN = {"font-size": "12px", "line-height": "1.35", "color": "#333", "margin": "2px 0 4px 0",
            "background": "#f3f6fa", "padding": "4px 6px", "border-radius": "4px"}


def _(message: str) -> str:
    """`message` in the page's language."""
    return gettext(message, lang.value)


def _name(name: str) -> str:
    """A strategy's or shock's plain name in the page's language ("(edited)" kept)."""
    if name.endswith(" (edited)"):
        return display_name(name[:-9], lang.value) + " (edited)"
    if name[:3] in ("A: ", "B: "):
        return name[:3] + _name(name[3:])
    return display_name(name, lang.value)


def _chart_height() -> int:
    return 185 if explain.value else 250


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
            solara.v.Html(tag="div", children=[_(EXPLAIN[key])], style_=";".join(
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


def _count(snap_run, metric: str) -> int:
    v = _latest(snap_run, metric)
    return 0 if math.isnan(v) else int(round(v))


def _day_status(snap: Snapshot) -> str:
    return (_("Day {day} of {days}").format(day=snap.day, days=snap.days) + " · "
            + _name(snap.shock) + " · "
            + _("{n} households").format(n=f"{snap.n_households:,}")
            + " · " + _("seed {seed}").format(seed=snap.seed))


def today_numbers(snap: Snapshot) -> dict[str, int]:
    """Run A's numbers for today: households short of essentials, in crisis, helped
    (and by whom). Zero before day 1."""
    a = snap.a
    by = {"neighbours": _count(a, "helped_by_neighbours"),
          "volunteers": _count(a, "helped_by_volunteers"),
          "departments": _count(a, "served_department")}
    return {"short": _count(a, "in_need"), "crisis": _count(a, "in_crisis"),
            "helped": sum(by.values()), **by}


def today_sentence(snap: Snapshot) -> str:
    """One plain sentence for the day (run A), in the page's language."""
    if snap.day == 0:
        return _("Day 0: press Next day or ▶ (play) to start.")
    n = today_numbers(snap)
    d = snap.day - 1  # the day just simulated, 0-based, as the schedule counts
    w = snap.shock_window
    if w is None:
        return _("Day {day}, no shock: {short} of {n} households are short of essentials."
                 ).format(day=snap.day, short=f"{n['short']:,}", n=f"{snap.n_households:,}")
    if d < w[0]:
        return _("Day {day}, before the shock: {short} of {n} households are short of "
                 "essentials.").format(day=snap.day, short=f"{n['short']:,}",
                                       n=f"{snap.n_households:,}")
    if d >= w[1]:
        return _("Day {day}, the shock is over: {short} households are still short of "
                 "essentials and {crisis} in crisis.").format(
                     day=snap.day, short=f"{n['short']:,}", crisis=f"{n['crisis']:,}")
    if n["helped"] == 0:
        return _("Day {day}, {shock} under way: {short} households are short of essentials "
                 "and {crisis} are in crisis; nobody got help today.").format(
                     day=snap.day, shock=_name(snap.shock), short=f"{n['short']:,}",
                     crisis=f"{n['crisis']:,}")
    channel = max(("neighbours", "volunteers", "departments"), key=lambda k: n[k])
    return _("Day {day}, {shock} under way: {short} households are short of essentials and "
             "{crisis} are in crisis; {helped} got help today, most of it from {channel}."
             ).format(day=snap.day, shock=_name(snap.shock), short=f"{n['short']:,}",
                      crisis=f"{n['crisis']:,}", helped=f"{n['helped']:,}",
                      channel=_(channel))


def _big(value: int, label: str, colour: str, detail: str = "") -> str:
    small = (f'<div style="font-size:11px;color:#555">{html.escape(detail)}</div>'
             if detail else "")
    return (f'<div class="gr-big" style="flex:1 1 0;min-width:0">'
            f'<div style="font-size:34px;font-weight:700;line-height:1.05;color:{colour}">'
            f'{value:,}</div><div style="font-size:13px;color:#333">{html.escape(label)}</div>'
            f'{small}</div>')


def today_html(snap: Snapshot) -> str:
    """Big numbers for today and the day's sentence (run A)."""
    n = today_numbers(snap)
    by = _("neighbours {n}, volunteers {v}, departments {d}").format(
        n=f"{n['neighbours']:,}", v=f"{n['volunteers']:,}", d=f"{n['departments']:,}")
    row = (_big(n["short"], _("short of essentials"), "#c26a00")
           + _big(n["crisis"], _("in crisis"), "#d62728")
           + _big(n["helped"], _("helped today"), "#3d85c6", by))
    return (f'<div class="gr-today"><div style="display:flex;gap:12px;margin:2px 0 4px 0">'
            f'{row}</div><div class="gr-sentence" style="font-size:15px;line-height:1.35;'
            f'margin-bottom:4px">{html.escape(today_sentence(snap))}</div></div>')


def _chip(colour: str, name: str, n: str = "", border: bool = False) -> str:
    edge = "border:1px solid #999;" if border else ""
    return (f'<span style="white-space:nowrap;margin-right:10px;display:inline-block">'
            f'<span style="display:inline-block;width:11px;height:11px;background:{colour};'
            f'{edge}margin-right:3px;vertical-align:middle"></span>{html.escape(name)}{n}'
            '</span>')


def _legend_html(counts: dict[str, int] | None, column: bool = False) -> str:
    chips = [_chip(colour, _(name), f" {counts[name]:,}" if counts is not None else "")
             for name, colour in city_map.STATES]
    chips += [_chip(city_map.BACKGROUND[key], _(name), border=True)
              for name, key in (("hazard today", "hazard"), ("power cut", "power cut"))]
    flow = "flex-direction:column" if column else "flex-wrap:wrap"
    return (f'<div class="gr-legend" style="font-size:12.5px;line-height:1.8;display:flex;'
            f'{flow}">{"".join(chips)}</div>')


def _map_image(png: bytes, max_height: int):
    return rw.Image(value=png, format="png",
                    layout={"max_width": "100%", "max_height": f"{max_height}px",
                            "object_fit": "contain", "height": "auto"})


def _district_legend_html(entries) -> str:
    chips = [f'<span style="white-space:nowrap;margin-right:10px">'
             f'<span style="display:inline-block;width:10px;height:10px;background:{colour};'
             f'margin-right:3px;border:1px solid #999;vertical-align:middle"></span>'
             f'{html.escape(_(name))}</span>' for name, colour in entries]
    return f'<div style="font-size:11.5px;line-height:1.6">{"".join(chips)}</div>'


@solara.component
def DistrictMap(model: WorkshopModel, snap: Snapshot, runs):
    """A district's grid polygons (vector, offline), coloured by need, help channel or
    hazard, with a legend; A and B side by side in compare mode."""
    with solara.ToggleButtonsSingle(value=map_mode, dense=True, classes=["gr-map-mode"]):
        for mode in city_map.DISTRICT_MODES:  # the mode sent, its name shown in the language
            solara.Button(_(mode), value=mode)
    legend = []
    tiles, attribution = map_tiles.from_env()  # `grassroots ui --map-tiles URL`
    with solara.Row(gap="8px", style={"align-items": "flex-start"}):
        for run, m in zip(runs, (model.a, model.b)):
            colours, legend = city_map.grid_colours(m, map_mode.value, run.state, snap.hazard,
                                                    snap.power)
            with solara.Column(gap="0px", style={"flex": "1 1 0", "min-width": "0"}):
                if len(runs) > 1:
                    solara.Text(run.label, style=_STATUS)
                solara.HTML(tag="div", unsafe_innerHTML=city_map.svg(
                    m.district, colours, title=f"{run.label}: {_(map_mode.value)}",
                    tiles=tiles), classes=["gr-district-map"], style="width: 100%")
    if tiles:
        solara.Text(_("Map tiles: {source}").format(source=attribution),
                    classes=["gr-map-attribution"],
                    style={"font-size": "10px", "color": "rgba(0,0,0,.6)"})
    legend = legend + city_map.point_legend(model.a.district)
    solara.HTML(tag="div", unsafe_innerHTML=_district_legend_html(legend))


@solara.component
def MapPanel(model: WorkshopModel):
    """Today at a glance: big numbers, the day's sentence, and households by state on
    the map of grids (A and B side by side in compare mode)."""
    update_counter.get()
    snap = model.snapshot()
    if getattr(model.a, "district", None) is not None:  # the district's own polygons
        runs = [snap.a] + ([snap.b] if snap.b is not None else [])
        with Panel(_("Grids today"), "map", _day_status(snap)):
            solara.HTML(tag="div", unsafe_innerHTML=today_html(snap))
            DistrictMap(model, snap, runs)
        return
    lay = city_map.layout(model.a.state.grids, target=640)
    runs = [snap.a] + ([snap.b] if snap.b is not None else [])
    today = ""
    if snap.hazard is not None:
        g = len(snap.hazard)
        today = " · " + _("Today: hazard in {h} of {g} grids, power cut in {p}, platform "
                          "{state}.").format(h=int((snap.hazard > 0.05).sum()), g=g,
                                             p=int((snap.power < 0.5).sum()),
                                             state=_("up") if snap.platform_up else _("DOWN"))
    with Panel(_("Households today"), "map", _day_status(snap) + today):
        solara.HTML(tag="div", unsafe_innerHTML=today_html(snap))
        max_h = 170 if explain.value else 330
        legend = _legend_html(city_map.counts(snap.a.state) if len(runs) == 1 else None,
                              column=len(runs) == 1)
        with solara.Row(gap="10px", style={"align-items": "flex-start"}):
            for run in runs:
                png = city_map.png(city_map.render(lay, run.state, snap.hazard, snap.power))
                with solara.Column(gap="0px", style={"flex": "1 1 0", "min-width": "0"}):
                    if len(runs) > 1:
                        solara.Text(_name(run.label), style=_STATUS)
                    _map_image(png, max_h)
            if len(runs) == 1:  # the legend beside the map, counts per colour
                solara.HTML(tag="div", unsafe_innerHTML=legend,
                            style="flex: 0 0 auto; max-width: 45%")
        if len(runs) > 1:
            solara.HTML(tag="div", unsafe_innerHTML=legend)


def _only_a(snap: Snapshot, status: str) -> str:
    """In compare mode a panel drawing run A only says so."""
    if snap.b is None:
        return status
    note = _("Run A only: {a}. The map and the compare panel show both runs.").format(
        a=_name(snap.a.label))
    return f"{note} {status}" if status else note


@solara.component
def FunctionalityPanel(model: WorkshopModel):
    """The share of households with needs met, with the shock's loss shaded (A and B
    in compare mode)."""
    update_counter.get()
    snap = model.snapshot()
    runs = [snap.a] + ([snap.b] if snap.b is not None else [])
    status = ""
    if snap.a.summary is not None:
        status = " · ".join(
            f"{_name(r.label)}: {100 * _latest(r, 'functionality'):.1f}%" for r in runs)
    with Panel(_("Share of households with needs met"), "functionality", status):
        Chart(charts.functionality([(_name(r.label), r.daily, r.onset) for r in runs],
                                   snap.days, _chart_height(), snap.shock_window, lang.value))


@solara.component
def CrisisPanel(model: WorkshopModel):
    """Households in crisis: vulnerable and others (run A)."""
    update_counter.get()
    snap = model.snapshot()
    a = snap.a
    status = ""
    if a.summary is not None:
        status = (f"{_('vulnerable')} {_count(a, 'in_crisis_vulnerable'):,} · "
                  f"{_('others')} {_count(a, 'in_crisis_other'):,}")
    with Panel(_("Households in crisis"), "crisis", _only_a(snap, status)):
        Chart(charts.crisis(a.daily, model.days, _chart_height(), snap.shock_window,
                            lang.value))


@solara.component
def HelpPanel(model: WorkshopModel):
    """Essentials delivered per day by channel (run A)."""
    update_counter.get()
    snap = model.snapshot()
    a = snap.a
    with Panel(_("Help by channel"), "help", _only_a(snap, "")):
        Chart(charts.help_by_channel(a.daily, model.days, _chart_height(), snap.shock_window,
                                     lang.value))


@solara.component
def DashboardPanel(model: WorkshopModel):
    """Dashboard versus ground truth (run A)."""
    update_counter.get()
    snap = model.snapshot()
    a = snap.a
    status = ""
    if a.summary is not None:
        status = (f"{_('true need')} {100 * _latest(a, 'true_need_share'):.1f}% · "
                  f"{_('dashboard shows')} {100 * _latest(a, 'dashboard_need_share'):.1f}%")
    with Panel(_("Dashboard versus ground truth"), "dashboard", _only_a(snap, status)):
        Chart(charts.dashboard(a.daily, model.days, _chart_height(), snap.shock_window,
                               lang.value))


@solara.component
def SocialPanel(model: WorkshopModel):
    """Trust, social capital and volunteer motivation (run A)."""
    update_counter.get()
    snap = model.snapshot()
    a = snap.a
    with Panel(_("Trust and the social fabric"), "social", _only_a(snap, "")):
        Chart(charts.social(a.daily, model.days, _chart_height(), snap.shock_window,
                            lang.value))


COMPARED = (  # (summary key, plain label with unit, scale, format); sim.metrics defines them
    ("resilience_loss", N_("Days of functioning lost so far (against before the shock)"), 1,
     "{:,.2f}"),
    ("crisis_household_days", N_("Household-days in crisis"), 1, "{:,.0f}"),
    ("unmet_household_days", N_("Household-days short of essentials"), 1, "{:,.0f}"),
    ("equity_gap", N_("Extra crisis rate of the vulnerable (percentage points)"), 100,
     "{:+.2f}"),
    ("missed_need_share", N_("Need the dashboard missed (% of households, daily average)"),
     100, "{:.2f}"),
    ("false_alarm_share", N_("False alarms on the dashboard (% of households, daily average)"),
     100, "{:.2f}"),
    ("robustness", N_("Lowest share with needs met (%)"), 100, "{:.1f}"),
)


SCORED = (  # the harm the shock added: each run minus its strategy's run without the shock
    ("crisis_household_days", N_("Household-days in crisis the shock added"), "{:,.0f}"),
    ("unmet_household_days", N_("Household-days short of essentials the shock added"),
     "{:,.0f}"),
)
EVERYDAY = ("crisis_household_days",
            N_("Everyday: household-days in crisis without the shock (not scored)"), "{:,.0f}")


def compare_table(snap: Snapshot) -> list[tuple[str, str, str, str]]:
    """Rows (measure, A, B, B - A) of the compare table, each measure saying which
    direction is better; empty before day 1 or outside compare mode.

    Under a shock the first rows score the shock, as `grassroots compare` does: the
    household-days in crisis and short of essentials each run has so far minus those of
    its strategy's run without the shock (same city, same luck); the everyday row shows
    that run's own crisis household-days beside them, not mixed in. Without a shock
    everything is everyday, and the table shows the runs as they are."""
    if snap.b is None or snap.a.summary is None or snap.b.summary is None:
        return []
    from sim.metrics import OUTCOME_INFO

    def row(label, fmt, va, vb, better):
        diff = vb - va
        dfmt = fmt if "+" in fmt else fmt.replace("{:", "{:+")
        text = _(label) + (f" · {_(better + ' is better')}" if better != "none" else "")
        return (text, fmt.format(va), fmt.format(vb), dfmt.format(diff))

    rows = []
    a, b = snap.a, snap.b
    scored = a.everyday is not None and b.everyday is not None
    if scored:
        for key, label, fmt in SCORED:
            rows.append(row(label, fmt, a.summary[key] - a.everyday[key],
                            b.summary[key] - b.everyday[key], OUTCOME_INFO[key].better))
        key, label, fmt = EVERYDAY
        rows.append(row(label, fmt, a.everyday[key], b.everyday[key], "none"))
    for key, label, scale, fmt in COMPARED:
        if scored and key in ("crisis_household_days", "unmet_household_days"):
            continue  # split above into what the shock added and the everyday
        rows.append(row(label, fmt, scale * a.summary[key], scale * b.summary[key],
                        OUTCOME_INFO[key].better))
    return rows


@solara.component
def ComparePanel(model: WorkshopModel):
    """Two strategies, same shock and seed: the table of A, B and B - A."""
    update_counter.get()
    snap = model.snapshot()
    if snap.b is None:
        with Panel(_("Compare two strategies"), "compare",
                   _("Compare mode is off: choose a strategy under 'Compare with (B)' in the "
                     "sidebar and press Reset.")):
            pass
        return
    a, b = snap.a, snap.b
    with Panel(_("Compare: A = {a}, B = {b}").format(a=_name(a.label), b=_name(b.label)),
               "compare", _compare_status(snap)):
        rows = compare_table(snap)
        if rows:
            solara.HTML(tag="div", unsafe_innerHTML=_table_html(rows))


def _compare_status(snap: Snapshot) -> str:
    """The compare panel's line: what is compared, and what is scored."""
    same = _("Same shock ({shock}) and same luck in both runs: the differences are the "
             "policy.").format(shock=_name(snap.shock))
    if snap.a.everyday is None:
        return same
    return same + " " + _("The first rows score the shock: each run minus its strategy's "
                          "run without the shock; everyday hardship is shown beside them.")


def _table_html(rows: list[tuple[str, str, str, str]]) -> str:
    """The compare table as HTML (solara.Markdown would fetch mermaid from a CDN)."""
    cell = "padding:1px 8px;text-align:right;white-space:nowrap"
    head = "".join(f'<th style="{cell}">{h}</th>' for h in ("A", "B", "B - A"))
    body = "".join(
        f'<tr><td style="padding:1px 8px 1px 0;white-space:normal">{html.escape(m)}</td>'
        f'<td style="{cell}">{va}</td><td style="{cell}">{vb}</td>'
        f'<td style="{cell};font-weight:600">{d}</td></tr>' for m, va, vb, d in rows)
    return (f'<table class="gr-compare-table" style="font-size:12px;border-collapse:collapse;'
            f'margin-top:2px;width:100%"><tr><th style="text-align:left;padding:1px 8px 1px 0">'
            f'{html.escape(_("measure"))}</th>{head}</tr>{body}</table>')


# SolaraViz components: (component, page). All on one page, two per row.
PANELS = [(MapPanel, 0), (FunctionalityPanel, 0), (CrisisPanel, 0), (HelpPanel, 0),
          (DashboardPanel, 0), (ComparePanel, 0), (SocialPanel, 0)]
