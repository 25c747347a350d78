"""report.md of a comparison: a results section generated from a results store.

In the viz layer because it draws: the experiments layer runs and analyses,
this module draws the figures and writes the report. `compare` runs the
comparison (experiments.compare) and writes its report.

`write_report(store)` pairs each shocked run with its no-shock run (when the
spec has `counterfactual = true`), summarises every strategy x shock cell
(experiments/analysis.py), draws the figures (viz/figures.py) and writes
report.md: how to read it, a summary, per shock a paragraph and a table,
paired differences from the first strategy with Holm-adjusted tests, notes on
the measures, and the provenance. Wording: experiments/report_text.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from experiments import report_text as rt
from experiments.analysis import (
    add_counterfactual,
    cell_summary,
    paired_differences,
    recovery_summary,
)
from experiments.compare import run_compare
from experiments.store import Store
from sim.io import atomic_write
from sim.metrics import DEFAULT_WINDOW_DAYS
from sim.params import Params
from viz.figures import heatmap, illusion_gap_over_time, paired_gap_bands, resilience_bands
from viz.i18n import N_, gettext
from viz.robustness_report import compare_section

DIFF_OUTCOMES = ("counterfactual_loss", "resilience_loss", "excess_crisis_household_days",
                 "crisis_household_days", "equity_gap", "missed_need_share",
                 "false_alarm_share")


def analyse(store: Store) -> dict:
    """Everything the report states, as tables: runs (with paired outcomes),
    cells, recovery, differences per outcome, and the spec."""
    runs, series = store.load()
    man = store.manifest()
    spec = man["spec"]
    window = int(spec.get("window_days", DEFAULT_WINDOW_DAYS))
    if spec.get("counterfactual"):
        runs = add_counterfactual(runs, series, window)
    outcomes = [o for o, *_ in rt.ROWS if o in runs.columns and runs[o].notna().any()]
    shocked = runs[runs["shock"].isin(spec["shocks"])]
    base = spec["strategies"][0]
    diffs = {}
    if len(spec["strategies"]) > 1:
        for o in DIFF_OUTCOMES:
            if o in outcomes:
                diffs[o] = paired_differences(shocked, o, base)
    return {"runs": runs, "series": series, "manifest": man, "spec": spec, "window": window,
            "outcomes": outcomes, "cells": cell_summary(runs, outcomes),
            "recovery": recovery_summary(runs) if "recovery_status" in runs.columns else None,
            "diffs": diffs, "base": base}


def _figures(store: Store, a: dict, lang: str = "en") -> list[tuple[str, str]]:
    """Draw the figures (words in `lang`, with a CJK font for Chinese); return (file,
    caption) pairs."""
    from viz.fonts import language

    with language(lang):
        return _draw(store, a, lang)


def _draw(store: Store, a: dict, lang: str) -> list[tuple[str, str]]:
    figs = store.root / "figures"
    figs.mkdir(exist_ok=True)
    runs, series, spec = a["runs"], a["series"], a["spec"]
    shocks, strategies = spec["shocks"], spec["strategies"]
    out = []

    def save(name, fig, caption):
        if fig is not None:
            atomic_write(figs / name, lambda p: fig.savefig(p, format="png", dpi=110))
            out.append((name, caption))

    def _(message):
        return gettext(message, lang)

    if series is not None and len(series):
        save("resilience_curves.png", resilience_bands(series, runs, shocks, strategies, lang),
             _(rt.CAPTIONS["curves"]))
        if spec.get("counterfactual"):
            save("paired_gap.png", paired_gap_bands(series, runs, shocks, strategies, lang),
                 _(rt.CAPTIONS["paired"]))
        save("illusion_gap.png", illusion_gap_over_time(series, runs, shocks, strategies,
                                                        lang),
             _(rt.CAPTIONS["gap"]))
    key = "counterfactual_loss" if "counterfactual_loss" in a["outcomes"] else "resilience_loss"
    if key in a["outcomes"]:
        label = (N_("Days of functioning lost to the shock") if key == "counterfactual_loss"
                 else N_("Days of functioning lost (against before the shock)"))
        save(f"heatmap_{key}.png", heatmap(a["cells"], f"{key}_mean", shocks, strategies,
                                           label, lang=lang),
             _(rt.CAPTIONS["heatmap"]).format(what=_(label).lower() if lang == "en"
                                               else _(label)))
    if spec.get("fixed", {}).get("population.district"):
        from viz.district_figures import district_maps

        out += district_maps(spec, figs, lang)
    return out


def compare(lang: str = "en", decompose: tuple[str, str] | None = None,
            decompose_shocks: list[str] | None = None, **kwargs) -> Path:
    """Run the comparison (`experiments.compare.run_compare`'s arguments) and
    write its report in `lang`; returns the report's path.

    `decompose = (A, B)` also attributes B minus A to their lever groups under each
    shock of the comparison (or `decompose_shocks`), as `grassroots decompose` does (3
    seeds, 24 sampled orders) on the comparison's city size, days and fixed
    parameters, into the folder's decompose/SHOCK/, and the report says what carries
    each gap. Every decomposition is checked before the first run."""
    import time

    from experiments.decompose import DecomposeSpec, check
    from experiments.decompose import run as run_decomposition
    from experiments.spec import load_spec
    from viz.decompose_figures import write_decomposition
    from viz.i18n import check_lang

    check_lang(lang)  # before hours of runs
    specs = []
    if decompose:  # on the comparison's city, horizon and fixed parameters
        from sim.params import LEVERS

        cs = load_spec(kwargs.get("spec"))
        fixed = {**cs.fixed, **(kwargs.get("params") or {})}
        households = int(kwargs.get("households") or fixed.get("population.n_households",
                                                               10_000))
        held = tuple(sorted((k, v) for k, v in fixed.items()
                            if k != "population.n_households"
                            and k.removeprefix("governance.") not in LEVERS))
        shocks = decompose_shocks or [s for s in cs.shocks if s != "none"]
        specs = [DecomposeSpec(decompose[0], decompose[1], shock, households=households,
                               days=int(kwargs.get("days") or cs.days), overrides=held)
                 for shock in shocks]
        for spec in specs:
            check(spec)
    store, elapsed = run_compare(**kwargs)
    for spec in specs:
        out = store.root / "decompose" / spec.shock
        t0 = time.time()
        result = run_decomposition(spec, out, resume=(out / "decompose.json").is_file(),
                                   progress=kwargs.get("progress", True),
                                   workers=kwargs.get("workers"))
        write_decomposition(result, out, time.time() - t0, lang)
    return write_report(store, elapsed=elapsed, lang=lang)


def decompositions(root: Path) -> list[tuple[str, dict, pd.DataFrame, str]]:
    """The decompositions inside a comparison folder (`compare --decompose`): (shock,
    its decompose.json, decomposition.csv, decomposition.md), by shock name."""
    found = []
    for d in sorted((Path(root) / "decompose").glob("*/decomposition.md")):
        d = d.parent
        try:
            record = json.loads((d / "decompose.json").read_text())
            table = pd.read_csv(d / "decomposition.csv")
        except (OSError, ValueError):
            continue  # an interrupted decomposition: left to its --resume
        found.append((d.name, record, table, (d / "decomposition.md").read_text()))
    return found


def carried_by(root: Path, lang: str = "en") -> list[str]:
    """report.md's section on what carries each gap (`compare --decompose`): per shock the
    total with its interval and the three lever groups with the largest Shapley values,
    each with its share of the gap; the full tables are in the appendix."""
    from experiments.formats import number
    from viz.i18n import display_name, player_name, translator

    _ = translator(lang)
    found = decompositions(root)
    if not found:
        return []
    a, b = found[0][1]["spec"]["a"], found[0][1]["spec"]["b"]
    out = ["## " + _("What carries each gap"), "",
           _("{b} minus {a}, in household-days in crisis that the shock added (the "
             "shocked run minus its no-shock run): which differences between the two "
             "strategies' levers carry the gap (Shapley values over lever groups, "
             "`grassroots decompose`, 3 seeds). Positive: more harm under "
             "{b}.").format(a=display_name(a, lang), b=display_name(b, lang)), ""]
    for shock, _record, t, _md in found:
        total = t[t["player"].str.startswith("total")].iloc[0]
        inter = t[t["player"].str.startswith("interactions")]
        groups = t[~t["player"].str.startswith(("total", "interactions"))]
        top = groups.reindex(groups["shapley"].abs().sort_values(ascending=False).index)[:3]
        parts = [f"{player_name(r.player, lang)} {number(r.shapley)} "
                 f"({100 * r.share_of_gap:.0f}%)"
                 for r in top.itertuples()]
        line = _("{shock}: gap {total} [{lo}, {hi}]; largest: {parts}").format(
            shock=display_name(shock, lang), total=number(total.shapley),
            lo=number(total.low), hi=number(total.high), parts="; ".join(parts))
        if len(inter) and not pd.isna(inter.iloc[0]["share_of_gap"]):
            line += "; " + _("interactions {share}% of the gap").format(
                share=f"{100 * inter.iloc[0]['share_of_gap']:.0f}")
        out += [f"- {line}.", ""]
        out += [f"![{shock}](decompose/{shock}/waterfall.png)", ""]
    return out


def _decomposition_appendix(root: Path, lang: str = "en") -> list[str]:
    """The decompositions' full sections for appendix.md (figure paths from the folder;
    each section in the language its decomposition was written in)."""
    from viz.i18n import gettext

    lines = []
    for shock, _r, _t, md in decompositions(root):
        md = md.replace("](waterfall.png)", f"](decompose/{shock}/waterfall.png)")
        lines += [md, ""]
    return (["## " + gettext("Which levers carry the gaps (grassroots decompose)", lang), "",
             *lines] if lines else [])


def write_report(store: Store, elapsed: float | None = None, lang: str = "en") -> Path:
    """report.md, appendix.md and figures/ from a finished store; returns the
    report's path.

    Two layers: report.md is what a newcomer reads aloud (the finding in one
    line, a plain summary per shock, one small rounded table per shock, the
    figures); appendix.md holds everything behind it (the reading box, the
    full tables with intervals, paired differences with their tests, notes,
    a matching robustness result, provenance). `lang` ("en" or "zh") is the
    language of report.md, appendix.md and the figures."""
    from viz.i18n import check_lang, display_name, translator

    _ = translator(check_lang(lang))
    w = rt.Words(_, lambda n: display_name(n, lang), lang == "zh")
    a = analyse(store)
    spec = a["spec"]
    figures = _figures(store, a, lang)
    size = _("{n} households, {d} days, {r} paired replicates per cell").format(
        n=f"{int(spec.get('fixed', {}).get('population.n_households', 10_000)):,}",
        d=f"{int(spec['days']):,}", r=f"{int(spec['replicates']):,}")
    lines = [f"# {spec['name']}: " + _("strategy comparison"), ""]
    if spec.get("description") and lang == "en":
        lines += [spec["description"], ""]
    lines += ["**" + _("In one line.") + f"** {finding(a['cells'], spec, lang)}", "",
              "*" + _("{size}. The full tables, intervals, tests and provenance are in "
                      "[appendix.md](appendix.md).").format(size=size) + "*", ""]
    lines += plain_summary(a, lang)
    lines += carried_by(store.root, lang)
    if figures:
        lines += ["## " + _("Figures"), ""]
        for name, caption in figures:
            lines += [f"![{caption}](figures/{name})", "", f"*{caption}*", ""]
    appendix = [f"# {spec['name']}: " + _("appendix"), "",
                _("The full numbers behind [report.md](report.md)."), ""]
    appendix += rt.how_to_read(a, w) + rt.summary(a, w)
    for shock in spec["shocks"]:
        appendix += rt.shock_section(a, shock, w)
    if a["diffs"]:
        appendix += rt.differences_section(a, w)
    appendix += rt.notes(a, w)
    appendix += _decomposition_appendix(store.root, lang)
    appendix += compare_section(store.root, spec["strategies"], spec["shocks"],
                                int(spec.get("fixed", {}).get("population.n_households",
                                                              10_000)),
                                int(spec["days"]), lang)
    appendix += provenance(store, a, elapsed, lang)
    report = store.root / "report.md"
    atomic_write(store.root / "appendix.md", lambda p: Path(p).write_text("\n".join(appendix)))
    atomic_write(report, lambda p: Path(p).write_text("\n".join(lines)))
    cells = a["cells"]
    atomic_write(store.root / "cells.csv", lambda p: cells.to_csv(p, index=False))
    if a["diffs"]:
        d = pd.concat([df.assign(outcome=o) for o, df in a["diffs"].items()], ignore_index=True)
        atomic_write(store.root / "differences.csv", lambda p: d.to_csv(p, index=False))
    return report


def _days(v: float) -> str:
    """Days rounded as in the small tables (two decimals)."""
    return f"{v:,.2f}"


# The small table per shock: (outcome, column head with its unit, scale, decimals).
PLAIN_COLUMNS = (
    ("counterfactual_loss", N_("Days of functioning lost to the shock"), 1, 2),
    ("excess_crisis_household_days", N_("Extra household-days in crisis"), 1, 0),
    ("robustness", N_("Lowest share with needs met (%)"), 100, 1),
    ("missed_need_share", N_("Need the dashboard missed (% of households)"), 100, 1),
)


def plain_summary(a: dict, lang: str = "en") -> list[str]:
    """Per shock: who loses the fewest days to it and by how much, in plain words
    and plain names, then a small table with rounded numbers (lower is better in
    every column but the lowest share with needs met)."""
    from viz.i18n import display_name, translator

    _ = translator(lang)
    spec, base = a["spec"], a["base"]
    key = ("counterfactual_loss" if "counterfactual_loss" in a["outcomes"]
           else "resilience_loss")
    cols = [c for c in PLAIN_COLUMNS if c[0] in a["outcomes"]]
    if key == "resilience_loss":
        cols.insert(0, ("resilience_loss", N_("Days of functioning lost (against before the "
                                              "shock)"), 1, 2))
    out = ["## " + _("What the comparison says"), ""]
    runs = a["runs"]
    for shock in spec["shocks"]:
        if shock == "none":
            continue
        c = a["cells"][a["cells"]["shock"] == shock].set_index("strategy")
        c = c.loc[[s for s in spec["strategies"] if s in c.index]]
        if c.empty:
            continue
        name = display_name(shock, lang)
        on = runs.loc[runs["shock"] == shock, "onset"] if "onset" in runs.columns else None
        head = (_("{shock} (starts on day {day})").format(shock=name, day=int(on.iloc[0]))
                if on is not None and len(on) else name)
        out += [f"### {head}", ""]
        v = c[f"{key}_mean"]
        best, worst = v.idxmin(), v.idxmax()
        words = {"best": display_name(best, lang), "shock": name, "v": _days(v[best]),
                 "base": display_name(base, lang),
                 "b": _days(v[base]) if base in v.index else "",
                 "worst": display_name(worst, lang), "w": _days(v[worst])}
        if abs(v.max() - v.min()) < 0.01:
            text = _("{shock} costs every strategy about the same, under 0.01 days of "
                     "functioning: the strategies do not differ here.").format(**words)
        else:
            text = _("{best} loses the fewest days of functioning to it: {v}.").format(**words)
            if base in v.index and base != best:
                text += " " + _("Under {base}: {b}.").format(**words)
            if worst not in (best, base):
                text += " " + _("{worst} loses the most: {w}.").format(**words)
            text += " " + _("One day lost is one day on which nobody's needs were met.")
        out += [text, ""]
        heads = [_("strategy"), *[_(h) for _o, h, _s, _d in cols]]
        out += ["| " + " | ".join(heads) + " |", "|---|" + "---:|" * len(cols)]
        for st, row in c.iterrows():
            vals = []
            for o, _h, scale, dec in cols:
                x = row.get(f"{o}_mean")
                vals.append("n/a" if x is None or pd.isna(x) else f"{scale * x:,.{dec}f}")
            out.append(f"| {display_name(st, lang)} | " + " | ".join(vals) + " |")
        out.append("")
    out += [_("Higher is better only for the lowest share with needs met; lower is better in "
              "every other column. Means over the paired replicates; intervals and tests are "
              "in the appendix."), ""]
    return out


def finding(cells: pd.DataFrame, spec: dict, lang: str = "en") -> str:
    """The comparison in one plain line: per shock, the strategy that loses the
    fewest days to it and the one that loses the most (the report's primary
    measure, its mean over replicates), with plain names, in `lang`."""
    from viz.i18n import display_name, translator

    _ = translator(lang)
    key = ("counterfactual_loss" if "counterfactual_loss_mean" in cells.columns
           else "resilience_loss")
    col = f"{key}_mean"
    parts = []
    for shock in spec["shocks"]:
        if shock == "none":
            continue
        c = cells[(cells["shock"] == shock) & cells[col].notna()]
        if c.empty:
            continue
        best, worst = c.loc[c[col].idxmin()], c.loc[c[col].idxmax()]
        names = {"shock": display_name(shock, lang),
                 "best": display_name(best["strategy"], lang), "v": _days(best[col]),
                 "worst": display_name(worst["strategy"], lang), "w": _days(worst[col])}
        if len(c) > 1 and worst["strategy"] != best["strategy"]:
            parts.append(_("{shock}: {best} {v} (most: {worst} {w})").format(**names))
        else:
            parts.append(_("{shock}: {best} {v}").format(**names))
    if not parts:
        return _("No shocked runs to compare.")
    head = (_("Fewest days of functioning lost to the shock (against the same city without "
              "it): {parts}.") if key == "counterfactual_loss" else
            _("Fewest days of functioning lost (against before the shock): {parts}."))
    return head.format(parts=_("; ").join(parts))


def finding_of(folder: Path, lang: str = "en") -> str:
    """`finding` of a written comparison folder (its cells.csv and manifest)."""
    store = Store(folder)
    return finding(pd.read_csv(Path(folder) / "cells.csv"), store.manifest()["spec"], lang)


def parameters_line(fixed: dict, _) -> str:
    """Which parameter values the comparison held: the calibrated preset (the default of
    `grassroots compare`), the stylised defaults, or a preset of the user's."""
    from experiments.calibration.posterior import DEFAULT_PRESET, load_preset

    own = {k: v for k, v in fixed.items()
           if k not in ("population.n_households", "run.tenure_days", "population.district")}
    calibrated = load_preset(DEFAULT_PRESET)
    if not own:
        return _("parameters: the stylised defaults (`--params defaults`; docs/ODD.md)")
    if all(own.get(k) == v for k, v in calibrated.items()):
        rest = {k: v for k, v in own.items() if k not in calibrated}
        return (_("parameters: the calibrated preset (experiments/calibration/presets/"
                  "calibrated.toml, docs/calibration.md; `--params defaults` gives the "
                  "stylised model)")
                + (_("; also held: {held}").format(held=", ".join(
                    f"`{k}` = {v}" for k, v in rest.items())) if rest else ""))
    return _("parameters held in every run: {held}").format(
        held=", ".join(f"`{k}` = {v}" for k, v in own.items()))


def provenance(store: Store, a: dict, elapsed: float | None, lang: str = "en"
               ) -> list[str]:
    """Where the numbers come from: spec, seeds, sizes, versions, commit (in `lang`)."""
    from viz.i18n import translator

    _ = translator(lang)
    spec, man, runs = a["spec"], a["manifest"], a["runs"]
    fixed = spec.get("fixed", {})
    tenure = int(fixed.get("run.tenure_days", Params().run.tenure_days))
    versions = ", ".join(f"{k} {v}" for k, v in man.get("versions", {}).items() if v)
    n_none = int((runs["shock"] == "none").sum()) if "none" not in spec["shocks"] else 0
    sep = "；" if lang == "zh" else "; "
    lines = ["## " + _("Provenance"), "",
             "- " + _("spec: `{name}` (in full below and in manifest.json)").format(
                 name=spec["name"]),
             "- " + _("strategies: {strategies}; shocks: {shocks}").format(
                 strategies=", ".join(spec["strategies"]), shocks=", ".join(spec["shocks"])),
             "- " + _("replicates: {r} per cell, paired: replicate k uses seed {seed} + k under "
                      "every strategy and shock (common random numbers)").format(
                 r=f"{spec['replicates']:,}", seed=f"{spec['seed']:,}"),
             "- " + _("households: {n}; days: {d}").format(
                 n=f"{fixed.get('population.n_households', 10_000):,}", d=f"{spec['days']:,}"),
             "- " + _("tenure: every strategy starts from the status quo's city and has been "
                      "in place for {t} days before day 0 (`run.tenure_days`; 365 = in place "
                      "for years, so social capital and trust have reached each strategy's "
                      "routine; 0 = adopted on day 0; docs/ODD.md, section 5)").format(
                 t=f"{tenure:,}"),
             "- " + parameters_line(fixed, _),
             "- " + _("runs: {n}").format(n=f"{len(runs):,}")
             + (_(", of which {k} no-shock runs for pairing").format(k=f"{n_none:,}")
                if n_none else "")
             + (sep + _("wall time {s} s").format(s=f"{elapsed:,.0f}") if elapsed else ""),
             "- " + _("git commit: {c}").format(c=man.get("git_commit") or "unknown"),
             f"- Python {man.get('python', '?')}; {versions}",
             "- " + _("tables: cells.csv (every cell's numbers), differences.csv, runs.parquet, "
                      "series.parquet; {query} reads them").format(
                 query="`grassroots query " + str(store.root)
                       + ' "SELECT * FROM runs LIMIT 5"`'), "",
             "<details><summary>" + _("The spec as run") + "</summary>", "", "```json",
             json.dumps(spec, indent=2), "```", "", "</details>", ""]
    return lines
