"""Explain mode's answer to "why does B differ from A?": a finished decomposition.

Shows the table of `grassroots decompose` (experiments/decompose.py): each
lever group's Shapley value of the gap in shock-attributable harm, with its
interval, its share of the gap and its effect alone, and the interactions.
Read-only; the folder is fixed by whoever starts the server
(`grassroots ui --decomposition DIR`), never typed on the page. Shown only
in explain mode.
"""

from __future__ import annotations

import html
import math

import pandas as pd
import solara

from viz.components.panels import explain, lang
from viz.decompose_data import Decomposition
from viz.i18n import display_name, gettext, player_name


def _n(v: float) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:,.0f}"


def table_html(t: pd.DataFrame, lang_: str = "en") -> str:
    """The decomposition table as HTML, a bar per row as wide as its share of the gap."""
    def _(m):
        return gettext(m, lang_)

    rows = []
    top = max((abs(x) for x in t["shapley"] if not math.isnan(x)), default=1.0) or 1.0
    for r in t.itertuples(index=False):
        val = "" if math.isnan(r.shapley) else (f"{r.shapley:+,.0f} <span style='color:#777'>"
                                                f"[{r.low:+,.0f}, {r.high:+,.0f}]</span>")
        share = "" if math.isnan(r.share_of_gap) else f"{100 * r.share_of_gap:.0f}%"
        colour = "#b2182b" if r.shapley > 0 else "#2166ac"
        bar = ("" if math.isnan(r.shapley) else
               f"<div style='background:{colour};height:4px;"
               f"width:{100 * abs(r.shapley) / top:.0f}%'></div>")
        rows.append(f"<tr><td>{html.escape(player_name(str(r.player), lang_))}</td>"
                    f"<td>{val}{bar}</td>"
                    f"<td>{share}</td><td>{_n(r.alone)}</td></tr>")
    return ("<table class='gr-decomposition-table' style='border-collapse:collapse;"
            f"font-size:12px;width:100%'><tr><th>{_('levers switched from A to B')}</th>"
            f"<th>{_('Shapley value [95%]')}</th><th>{_('share of gap')}</th>"
            f"<th>{_('alone')}</th></tr>"
            + "".join(rows) + "</table>")


@solara.component
def DecompositionView(result: Decomposition):
    """In explain mode: which lever groups carry the gap between two strategies."""
    if not explain.value:
        return solara.Column()
    with solara.Column(classes=["gr-decomposition"], style={"padding": "6px 10px"}) as main:
        lg = lang.value
        title = gettext("Why {b} differs from {a} under {shock}: the gap in crisis "
                        "household-days the shock adds, split over the levers (Shapley "
                        "values; red: more harm under B)", lg).format(
            b=display_name(result.b, lg), a=display_name(result.a, lg),
            shock=display_name(result.shock, lg))
        if result.worlds:
            title += gettext(", averaged over {worlds} plausible worlds", lg).format(
                worlds=result.worlds)
        solara.Text(title, style={"font-size": "13px", "font-weight": "600"})
        solara.HTML(tag="div", unsafe_innerHTML=table_html(result.table, lg))
    return main
