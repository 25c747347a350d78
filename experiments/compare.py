"""The headline comparison: run the spec, then write report.md and its figures.

`grassroots compare` runs experiments/headline.toml (4 strategies x 6 shocks x
20 paired replicates, 10,000 households, 180 days) on local processes and
writes, into the results folder: the store (manifest.json, runs.parquet,
series.parquet), report.md, and figures/ (resilience curves per shock with
95% bands, a strategy x shock heatmap of resilience loss, the illusion gap
over time).
"""

from __future__ import annotations

import math
import time
from pathlib import Path

from experiments.analysis import cell_summary, paired_differences
from experiments.runners import execute
from experiments.spec import load_spec
from experiments.store import Store
from sim.io import atomic_write

REPORT_OUTCOMES = {
    "resilience_loss": "Resilience loss (days)",
    "robustness": "Robustness (min Q)",
    "recovery_time": "Recovery time (days)",
    "crisis_household_days": "Crisis household-days",
    "equity_ratio": "Equity ratio (vulnerable / other crisis rate)",
    "illusion_gap_mean": "Illusion gap (mean)",
}


def run_compare(spec=None, out: Path = Path("results/headline"), replicates=None,
                households=None, days=None, workers=None, executor="process", resume=False,
                progress=True) -> Path:
    """Run the comparison and write its report; returns the report's path."""
    s = load_spec(spec)
    changes = {}
    if replicates is not None:
        changes["replicates"] = replicates
    if days is not None:
        changes["days"] = days
    if households is not None:
        changes["fixed"] = {**s.fixed, "population.n_households": households}
    if changes:
        from experiments.spec import check_spec

        doc = {**s.to_dict(), **{k: v for k, v in changes.items()}}
        doc.pop("design")
        s = check_spec(doc, f"{s.name} (with command-line changes)")
    t0 = time.time()
    store = execute(s, out, executor=executor, workers=workers, resume=resume,
                    progress=progress)
    return write_report(store, elapsed=time.time() - t0)


def _fmt(m, lo, hi, digits=3) -> str:
    if m is None or (isinstance(m, float) and math.isnan(m)):
        return "n/a"
    if isinstance(lo, float) and math.isnan(lo):
        return f"{m:.{digits}g}"
    return f"{m:.{digits}g} [{lo:.{digits}g}, {hi:.{digits}g}]"


def write_report(store: Store, elapsed: float | None = None) -> Path:
    """report.md and figures/ from a finished store."""
    from viz.figures import heatmap, illusion_gap_over_time, resilience_bands

    runs, series = store.load()
    man = store.manifest()
    spec = man["spec"]
    strategies, shocks = spec["strategies"], spec["shocks"]
    outcomes = [o for o in REPORT_OUTCOMES if o in runs.columns]
    cells = cell_summary(runs, outcomes)
    figs = store.root / "figures"
    figs.mkdir(exist_ok=True)
    figure_files = []
    if series is not None and len(series):
        for name, fig in (("resilience_curves.png", resilience_bands(series, runs, shocks,
                                                                     strategies)),
                          ("illusion_gap.png", illusion_gap_over_time(series, runs, shocks,
                                                                      strategies))):
            if fig is not None:
                atomic_write(figs / name, lambda p, f=fig: f.savefig(p, format="png", dpi=110))
                figure_files.append(name)
    if "resilience_loss" in outcomes:
        fig = heatmap(cells, "resilience_loss_mean", shocks, strategies,
                      "Resilience loss (days), mean over replicates")
        atomic_write(figs / "heatmap_resilience_loss.png",
                     lambda p: fig.savefig(p, format="png", dpi=110))
        figure_files.append("heatmap_resilience_loss.png")

    fixed = spec.get("fixed", {})
    lines = [f"# {spec['name']}: strategy comparison", "",
             spec.get("description", ""), "",
             f"- strategies: {', '.join(strategies)}",
             f"- shocks: {', '.join(shocks)}",
             f"- replicates: {spec['replicates']} per cell, paired (replicate k uses seed "
             f"{spec['seed']} + k under every strategy)",
             f"- households: {fixed.get('population.n_households', 10_000):,}; days: "
             f"{spec['days']}",
             f"- runs: {len(runs)}" + (f"; wall time {elapsed:.0f} s" if elapsed else ""),
             f"- git commit: {man.get('git_commit') or 'unknown'}; versions: "
             + ", ".join(f"{k} {v}" for k, v in man.get("versions", {}).items()),
             "", "Values are means over replicates with 95% confidence intervals of the mean "
             "(Student t). Definitions: docs/ODD.md, 'Outputs'.", ""]
    for shock in shocks:
        lines += [f"## {shock}", "", "| strategy | " + " | ".join(REPORT_OUTCOMES[o]
                                                              for o in outcomes) + " |",
                  "|---|" + "---|" * len(outcomes)]
        for st in strategies:
            c = cells[(cells["shock"] == shock) & (cells["strategy"] == st)]
            if c.empty:
                continue
            c = c.iloc[0]
            lines.append(f"| {st} | " + " | ".join(
                _fmt(c[f"{o}_mean"], c[f"{o}_low"], c[f"{o}_high"]) for o in outcomes) + " |")
        lines.append("")
    base = strategies[0]
    if len(strategies) > 1 and "resilience_loss" in outcomes:
        lines += [f"## Paired differences from {base}", "",
                  f"Resilience loss and crisis household-days of each strategy minus {base}, "
                  "replicate by replicate (negative is better).", "",
                  "| shock | strategy | resilience loss diff | crisis household-days diff |",
                  "|---|---|---|---|"]
        d1 = paired_differences(runs, "resilience_loss", base)
        d2 = paired_differences(runs, "crisis_household_days", base)
        for (_, a), (_, b) in zip(d1.iterrows(), d2.iterrows()):
            lines.append(f"| {a['shock']} | {a['strategy']} | "
                         f"{_fmt(a['diff_mean'], a['diff_low'], a['diff_high'])} | "
                         f"{_fmt(b['diff_mean'], b['diff_low'], b['diff_high'], 4)} |")
        lines.append("")
    if figure_files:
        lines += ["## Figures", ""] + [f"![{f}](figures/{f})" for f in figure_files] + [""]
    lines += ["## Reproduce", "", "Every run's parameters and seed are in manifest.json; "
              "`grassroots query " + str(store.root) + " \"SELECT * FROM runs LIMIT 5\"` "
              "reads the tables.", ""]
    report = store.root / "report.md"
    atomic_write(report, lambda p: Path(p).write_text("\n".join(lines)))
    return report

