"""A read-only view of a finished robustness result, for the workshop app.

Shows what `grassroots robustness` found (viz/robustness_report.py):
for one outcome, the share of plausible worlds in which each strategy is
best under each shock (with its interval), and the PRIM boxes in words.
It reads the folder's wins.csv, prim.csv and robustness.json and never runs
anything. The app shows it when `grassroots ui --robustness DIR` (or the
environment variable GRASSROOTS_UI_ROBUSTNESS) names a folder; the folder is
fixed by whoever starts the server, never typed on the page.
"""

from __future__ import annotations

import html

import pandas as pd
import solara

from viz.i18n import display_name, gettext
from viz.robustness_data import ENV, RobustnessResult, load_result, result_from_env

__all__ = ["ENV", "RobustnessResult", "RobustnessView", "load_result", "result_from_env",
           "summary_sentences", "wins_html"]


def summary_sentences(wins: pd.DataFrame, lang: str = "en") -> list[str]:
    """One sentence per shock: the strategy best in most plausible worlds, with its
    interval, and the runner-up (never the mirrored 'B beats A' of each pair)."""
    out = []
    for shock in dict.fromkeys(wins["shock"]):
        if shock == "none":  # everyday hardship is shown beside the ranking, not ranked
            continue
        w = wins[wins["shock"] == shock].sort_values("share", ascending=False)
        if w.empty:
            continue
        top = w.iloc[0]
        text = gettext("Under {shock}, {best} does best in {share} of the plausible worlds "
                       "(95% interval {low} to {high}).", lang).format(
            shock=display_name(shock, lang), best=display_name(top["strategy"], lang),
            share=f"{top['share']:.0%}", low=f"{top['low']:.0%}", high=f"{top['high']:.0%}")
        if len(w) > 1 and w.iloc[1]["share"] > 0:
            text += gettext(" Next: {second} ({share2}).", lang).format(
                second=display_name(w.iloc[1]["strategy"], lang),
                share2=f"{w.iloc[1]['share']:.0%}")
        out.append(text)
    return out


def one_side(prim: pd.DataFrame) -> pd.DataFrame:
    """PRIM rows without the mirror of each pair: per shock and pair, the side that
    wins in at least half the worlds."""
    if prim.empty or "winner" not in prim.columns:
        return prim
    return prim[prim["share"] >= 0.5].drop_duplicates(["shock", "winner", "loser"])


def wins_html(wins: pd.DataFrame) -> str:
    """A shock x strategy table of win shares, each cell 'share [low, high]' over a
    bar as wide as the share; the best strategy of each shock in bold."""
    shocks = list(dict.fromkeys(wins["shock"]))
    strategies = list(dict.fromkeys(wins["strategy"]))
    cell = wins.set_index(["shock", "strategy"])
    head = "".join(f"<th>{html.escape(display_name(s))}</th>" for s in strategies)
    rows = []
    for sh in shocks:
        best = cell.loc[sh, "share"].max()
        tds = []
        for st in strategies:
            r = cell.loc[(sh, st)]
            weight = "600" if r["share"] == best and best > 0 else "400"
            bar = (f"<div style='background:#4c72b0;height:4px;width:{100 * r['share']:.0f}%'>"
                   "</div>")
            tds.append(f"<td style='font-weight:{weight}'>{r['share']:.0%} "
                       f"<span style='color:#777'>[{r['low']:.0%}, {r['high']:.0%}]</span>"
                       f"{bar}</td>")
        rows.append(f"<tr><td>{html.escape(display_name(sh))}</td>{''.join(tds)}</tr>")
    return ("<table class='gr-robustness-table' style='border-collapse:collapse;"
            "font-size:13px;width:100%'><tr><th>shock</th>" + head + "</tr>"
            + "".join(rows) + "</table>")


@solara.component
def RobustnessView(result: RobustnessResult, lang: str = "en"):
    """A robustness result in a few sentences (outcome chosen on the page); the full
    win-share table and the PRIM boxes one click away."""
    outcome = solara.use_reactive(result.outcomes[0])
    with solara.Column(classes=["gr-robustness"], style={"padding": "6px 10px"}) as main:
        solara.Text(gettext("Robustness: {name}, {worlds} plausible worlds", lang).format(
            name=result.name, worlds=f"{result.worlds:,}"),
            style={"font-size": "15px", "font-weight": "600"})
        solara.ToggleButtonsSingle(value=outcome, values=list(result.outcomes),
                                   classes=["gr-robustness-outcome"])
        w = result.wins[result.wins["outcome"] == outcome.value]
        items = "".join(f"<li>{html.escape(s)}</li>" for s in summary_sentences(w, lang))
        solara.HTML(tag="ul", unsafe_innerHTML=items, classes=["gr-robustness-summary"],
                    style="font-size: 14px; margin: 4px 0")
        p = result.prim[result.prim["outcome"] == outcome.value] if len(result.prim) else \
            result.prim
        with solara.Details(gettext("Show the full table", lang)):
            solara.Text("Share of plausible worlds in which each strategy is best "
                        "(95% interval). Under each shock, on the harm the shock adds (the "
                        "shocked run minus the same world's run without it); 'none "
                        "(everyday)': hardship without any shock, shown beside it, not part "
                        "of the ranking:", style={"font-size": "12px"})
            solara.HTML(tag="div", unsafe_innerHTML=wins_html(w),
                        classes=["gr-robustness-wins"])
            p = one_side(p)
            if len(p):
                items = "".join(f"<li>{html.escape(s)}</li>" for s in p["sentence"])
                solara.HTML(tag="ul", unsafe_innerHTML=items, classes=["gr-robustness-prim"],
                            style="font-size: 12px; margin: 4px 0")
    return main
