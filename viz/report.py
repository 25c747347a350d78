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


def _figures(store: Store, a: dict) -> list[tuple[str, str]]:
    """Draw the figures; return (file, caption) pairs."""
    figs = store.root / "figures"
    figs.mkdir(exist_ok=True)
    runs, series, spec = a["runs"], a["series"], a["spec"]
    shocks, strategies = spec["shocks"], spec["strategies"]
    out = []

    def save(name, fig, caption):
        if fig is not None:
            atomic_write(figs / name, lambda p: fig.savefig(p, format="png", dpi=110))
            out.append((name, caption))

    if series is not None and len(series):
        save("resilience_curves.png", resilience_bands(series, runs, shocks, strategies),
             rt.CAPTIONS["curves"])
        if spec.get("counterfactual"):
            save("paired_gap.png", paired_gap_bands(series, runs, shocks, strategies),
                 rt.CAPTIONS["paired"])
        save("illusion_gap.png", illusion_gap_over_time(series, runs, shocks, strategies),
             rt.CAPTIONS["gap"])
    key = "counterfactual_loss" if "counterfactual_loss" in a["outcomes"] else "resilience_loss"
    if key in a["outcomes"]:
        label = rt.label(key)
        save(f"heatmap_{key}.png", heatmap(a["cells"], f"{key}_mean", shocks, strategies,
                                           f"{label}, mean over replicates"),
             rt.CAPTIONS["heatmap"].format(what=label.lower()))
    if spec.get("fixed", {}).get("population.district"):
        from viz.district_figures import district_maps

        out += district_maps(spec, figs)
    return out


def compare(**kwargs) -> Path:
    """Run the comparison (`experiments.compare.run_compare`'s arguments) and
    write its report; returns the report's path."""
    store, elapsed = run_compare(**kwargs)
    return write_report(store, elapsed=elapsed)


def write_report(store: Store, elapsed: float | None = None) -> Path:
    """report.md and figures/ from a finished store; returns the report's path."""
    a = analyse(store)
    spec = a["spec"]
    figures = _figures(store, a)
    lines = [f"# {spec['name']}: strategy comparison", ""]
    if spec.get("description"):
        lines += [spec["description"], ""]
    lines += rt.how_to_read(a) + rt.summary(a)
    for shock in spec["shocks"]:
        lines += rt.shock_section(a, shock)
    if a["diffs"]:
        lines += rt.differences_section(a)
    if figures:
        lines += ["## Figures", ""]
        for name, caption in figures:
            lines += [f"![{caption}](figures/{name})", "", f"*{caption}*", ""]
    lines += rt.notes(a)
    lines += compare_section(store.root, spec["strategies"], spec["shocks"])
    lines += provenance(store, a, elapsed)
    report = store.root / "report.md"
    atomic_write(report, lambda p: Path(p).write_text("\n".join(lines)))
    cells = a["cells"]
    atomic_write(store.root / "cells.csv", lambda p: cells.to_csv(p, index=False))
    if a["diffs"]:
        d = pd.concat([df.assign(outcome=o) for o, df in a["diffs"].items()], ignore_index=True)
        atomic_write(store.root / "differences.csv", lambda p: d.to_csv(p, index=False))
    return report


def provenance(store: Store, a: dict, elapsed: float | None) -> list[str]:
    """Where the numbers come from: spec, seeds, sizes, versions, commit."""
    spec, man, runs = a["spec"], a["manifest"], a["runs"]
    fixed = spec.get("fixed", {})
    tenure = int(fixed.get("run.tenure_days", Params().run.tenure_days))
    versions = ", ".join(f"{k} {v}" for k, v in man.get("versions", {}).items() if v)
    n_none = int((runs["shock"] == "none").sum()) if "none" not in spec["shocks"] else 0
    lines = ["## Provenance", "",
             f"- spec: `{spec['name']}` (in full below and in manifest.json)",
             f"- strategies: {', '.join(spec['strategies'])}; shocks: "
             f"{', '.join(spec['shocks'])}",
             f"- replicates: {spec['replicates']:,} per cell, paired: replicate k uses seed "
             f"{spec['seed']:,} + k under every strategy and shock (common random numbers)",
             f"- households: {fixed.get('population.n_households', 10_000):,}; days: "
             f"{spec['days']:,}",
             f"- tenure: every strategy starts from the status quo's city and has been in "
             f"place for {tenure:,} days before day 0 (`run.tenure_days`; 365 = in place "
             "for years, so social capital and trust have reached each strategy's routine; "
             "0 = adopted on day 0; docs/ODD.md, section 5)",
             f"- runs: {len(runs):,}" + (f", of which {n_none:,} no-shock runs for pairing"
                                         if n_none else "")
             + (f"; wall time {elapsed:,.0f} s" if elapsed else ""),
             f"- git commit: {man.get('git_commit') or 'unknown'}",
             f"- Python {man.get('python', '?')}; {versions}",
             "- tables: cells.csv (every cell's numbers), differences.csv, runs.parquet, "
             "series.parquet; `grassroots query " + str(store.root)
             + ' "SELECT * FROM runs LIMIT 5"` reads them', "",
             "<details><summary>The spec as run</summary>", "", "```json",
             json.dumps(spec, indent=2), "```", "", "</details>", ""]
    return lines
