"""Export: the current run's daily series (CSV) and its charts (PNG).

Both are built only when the user clicks a download button (solara's
`FileDownload` takes a callable), from a snapshot of the session's model:
the CSV is `WorkshopModel.series()` (tidy, one row per run and day, every
metric of `sim.metrics.DAILY`); the PNG is one matplotlib figure with the
page's panels (map, Q(t) with the resilience triangle, crisis, help by
channel, dashboard versus truth, social fabric, and the compare table or
the run summary), drawn with the object-oriented API so
concurrent sessions never share pyplot state.
"""

from __future__ import annotations

import io

import numpy as np
import solara

from viz.components import charts, city_map
from viz.components.panels import compare_table, explain, lang
from viz.components.session import Caps, WorkshopModel
from viz.i18n import N_, gettext

# The session plan of docs/workshop.md, one button per step: (short label, what it
# sets up, settings).
SESSION_STEPS: tuple[tuple[str, str, dict], ...] = (
    (N_("1 Flood"), N_("1 Flood, status quo"),
     {"shock": "flood", "strategy": "status_quo", "compare_with": "none"}),
    (N_("2 Top-down"), N_("2 Top-down vs status quo"),
     {"shock": "flood", "strategy": "status_quo", "compare_with": "top_down_digital"}),
    (N_("3 Outage"), N_("3 Platform outage"),
     {"shock": "platform_outage", "strategy": "status_quo",
      "compare_with": "top_down_digital"}),
    (N_("4 Hybrid"), N_("4 Community vs hybrid, lockdown"),
     {"shock": "lockdown", "strategy": "community_resilience",
      "compare_with": "grassroots_empowerment"}),
)

COL = charts.COL

def csv_text(model: WorkshopModel) -> str:
    """The daily series so far as CSV text."""
    return model.series().to_csv(index=False)


def _stem(model: WorkshopModel) -> str:
    runs = model.a.strategy.name + (f"_vs_{model.b.strategy.name}" if model.b is not None
                                    else "")
    return f"grassroots_{model.shock_name}_{runs}_seed{model.seed_value}"


def charts_png(model: WorkshopModel, dpi: int = 110) -> bytes:
    """The page's charts for the days so far, as one PNG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    snap = model.snapshot()
    fig = Figure(figsize=(20, 9), dpi=dpi, layout="constrained")
    axes = fig.subplot_mosaic([["map", "q", "crisis", "help"],
                               ["dashboard", "social", "table", "table"]])
    fig.suptitle(f"Grassroots Resilience Simulator: {snap.shock}, seed {snap.seed}, "
                 f"{snap.n_households:,} households, day {snap.day} of {snap.days}")
    days = np.arange(snap.day)
    runs = [snap.a] + ([snap.b] if snap.b is not None else [])

    ax = axes["map"]
    if getattr(model.a, "district", None) is not None:  # the district's own polygons
        from viz.district_figures import draw_colours

        colours, legend = city_map.grid_colours(model.a, "need", snap.a.state)
        draw_colours(ax, model.a.district, colours)
        ax.set_title(f"Grids on day {snap.day}: {snap.a.label}")
    else:
        lay = city_map.layout(model.a.state.grids)
        ax.imshow(city_map.RGB[city_map.render(lay, snap.a.state, snap.hazard, snap.power)],
                  interpolation="nearest")
        ax.set_xticks([]), ax.set_yticks([])
        ax.set_title(f"Households on day {snap.day}: {snap.a.label}")
        legend = [(n, c) for n, c in city_map.STATES]
    ax.legend(handles=[Patch(color=c, label=n) for n, c in legend],
              loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=2, fontsize="x-small",
              frameon=False)

    ax = axes["q"]
    for k, run in enumerate(runs):
        q = run.daily[:, COL["functionality"]]
        colour = charts.RUN_COLOURS[k]
        ax.plot(days, q, color=colour, lw=1.8, label=run.label)
        if len(q):
            q0, lo = charts.triangle(q, run.onset)
            ax.axhline(q0, color=colour, ls="--", lw=0.8)
            ax.fill_between(days, lo, q0, color=colour, alpha=0.2, lw=0)
    if runs[0].onset < snap.days:
        ax.axvline(runs[0].onset, color="grey", ls=":", lw=1)
    ax.set_title("Functionality Q(t), resilience triangle shaded")
    ax.set_ylabel("Q: share with needs met")

    def lines(ax, series, title, ylabel, scale=None):
        for label, (metric, colour) in series.items():
            ax.plot(days, snap.a.daily[:, COL[metric]], color=colour, lw=1.6, label=label)
        ax.set_title(title)
        ax.set_ylabel(ylabel)
        if scale:
            ax.set_yscale(scale, linthresh=1.0)

    lines(axes["crisis"], charts.CRISIS, f"Households in crisis: {snap.a.label}",
          "households")
    lines(axes["help"], charts.CHANNELS, f"Help by channel: {snap.a.label}",
          "essentials per day (days)", scale="symlog")
    lines(axes["dashboard"], charts.DASHBOARD, f"Dashboard versus ground truth: "
          f"{snap.a.label}", "share of households")
    lines(axes["social"], charts.SOCIAL, f"Trust and the social fabric: {snap.a.label}",
          "mean, 0-1")
    axes["social"].set_ylim(0, 1)
    for key in ("q", "crisis", "help", "dashboard", "social"):
        ax = axes[key]
        ax.set_xlim(0, max(snap.days - 1, 1))
        ax.set_xlabel("day")
        ax.grid(alpha=0.3)
        ax.legend(fontsize="x-small", loc="best")

    ax = axes["table"]
    ax.axis("off")
    rows = compare_table(snap)
    if rows:
        ax.set_title(f"Compare: A = {snap.a.label}, B = {snap.b.label} (same shock and seed)")
        table = ax.table(cellText=[list(r) for r in rows],
                         colLabels=["measure", "A", "B", "B - A"], loc="center",
                         colWidths=[0.46, 0.18, 0.18, 0.18])
        table.auto_set_font_size(False)
        table.set_fontsize(9)
        table.scale(1, 1.5)
    elif snap.a.summary is not None:
        from sim.metrics import OUTCOMES

        ax.set_title(f"Run summary so far: {snap.a.label}")
        text = "\n".join(f"{k.replace('_', ' '):<24} {v:>12,.4g}   {OUTCOMES[k][:60]}"
                         for k, v in snap.a.summary.items())
        ax.text(0.0, 1.0, text, va="top", family="monospace", fontsize=8,
                transform=ax.transAxes)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


@solara.component
def WorkshopBar(model: WorkshopModel, on_session_step=None):
    """Above the panels: language, explain mode, the session plan's steps, downloads,
    and this server's caps."""
    caps = Caps.from_env()
    stem = _stem(model)

    def _(message: str) -> str:
        return gettext(message, lang.value)

    # Stable callables: FileDownload resets a pending download when its data changes.
    get_csv = solara.use_memo(lambda: (lambda: csv_text(model)), [model])
    get_png = solara.use_memo(lambda: (lambda: charts_png(model)), [model])
    note = {"font-size": "12px", "color": "rgba(0,0,0,.6)"}
    caps_line = _("Up to {n} households and {d} days per session on this server.").format(
        n=f"{caps.max_households:,}", d=caps.max_days)
    with solara.Row(gap="4px", classes=["gr-workshop-bar"],
                    style={"align-items": "center", "flex-wrap": "wrap",
                           "padding": "0 10px 2px 10px"}):
        with solara.ToggleButtonsSingle(value=lang, classes=["gr-lang"], dense=True):
            solara.Button("English", value="en", classes=["gr-lang-en"])
            solara.Button("中文", value="zh", classes=["gr-lang-zh"])
        solara.Switch(label=_("Explain mode"), value=explain, classes=["gr-explain-switch"])
        if on_session_step is not None:
            with solara.Tooltip(_("A session step replaces the run; the sidebar keeps its "
                                  "own settings, and Reset returns to them.")):
                solara.Text(_("Session plan:"), style=note)
            for short, label, values in SESSION_STEPS:
                with solara.Tooltip(_(label)):
                    solara.Button(_(short), small=True, outlined=True,
                                  on_click=lambda values=values: on_session_step(values),
                                  classes=["gr-session-step"])
        with solara.Tooltip(caps_line):
            solara.FileDownload(get_csv, filename=f"{stem}.csv", mime_type="text/csv",
                                children=[solara.Button("CSV", icon_name="mdi-download",
                                                        small=True, text=True)])
        with solara.Tooltip(caps_line):
            solara.FileDownload(get_png, filename=f"{stem}.png", mime_type="image/png",
                                children=[solara.Button("PNG", icon_name="mdi-download",
                                                        small=True, text=True)])
