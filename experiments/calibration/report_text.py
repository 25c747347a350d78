"""The calibration report's text: report.md of a `grassroots calibrate` folder.

Plain Markdown from the tables experiments.calibration.posterior computes
(the figures are viz.calibration_figures'); no numbers are typed in here.
"""

from __future__ import annotations

from pathlib import Path

from experiments.analysis import markdown_table
from sim.io import atomic_write


def _fmt(x: float) -> str:
    return "n/a" if x != x else f"{x:.3g}"


def report(results: dict, figures: dict[str, Path], out: Path) -> str:
    """The report as Markdown."""
    rec, summary, table = results["record"], results["summary"], results["checks"]
    s = rec["settings"]
    gens = rec.get("generations_done", [])
    lines = ["# Calibration report", "",
             f"Command: `{rec['command'].strip()}`  ",
             f"Posterior: ABC-SMC (pyabc {rec.get('pyabc', '?')}), {len(gens)} generations of "
             f"{s['population']} particles, {s['households']:,} households per run, seed "
             f"{s['seed']}, fixed: {s['overrides']}. Distance: {rec['distance']}.", "",
             "## Generations", ""]
    gt = [{"generation": g["generation"], "epsilon": f"{g['epsilon']:.3f}",
           "runs": g["evaluations"], "acceptance": f"{g['acceptance']:.1%}",
           "seconds": g.get("seconds", "")} for g in gens]
    if gt:
        import pandas as pd

        lines += [markdown_table(pd.DataFrame(gt)), ""]
    total = sum(g.get("seconds", 0.0) for g in gens)
    lines += [f"Total: {sum(g['evaluations'] for g in gens):,} particles evaluated in "
              f"{total:.0f} s.", "", "## What the targets pin down", "",
              "Width ratio: the posterior's 5-95% width over the prior's (uniform on the "
              "plausible range). Below 0.5 the targets pin the parameter down (pinned), above "
              "0.8 they leave it open; a median near a prior bound means the targets pull "
              "past the plausible range.", ""]
    st = summary.copy()
    for c in ("default", "prior_low", "prior_high", "median", "q05", "q95", "width_ratio"):
        st[c] = st[c].map(_fmt)
    lines += [markdown_table(st), "", "![marginal posteriors](figures/marginals.png)", "",
              "## Posterior predictive checks", "",
              "Each target's observed value and 95% interval against the model at "
              f"{results['predictive']['draw'].nunique()} posterior draws, at the preset (the "
              "posterior medians, one parameter set) and at the defaults, the same seeds. "
              "pass: the median lies inside the observed interval. A set of marginal medians "
              "is not the median model: where parameters trade off, the preset can miss what "
              "the posterior draws hit. Held-out targets were not used in the fit "
              "(docs/validation.md).", ""]
    ct = table[["target", "use", "observed", "low", "high", "posterior_median", "posterior_q05",
                "posterior_q95", "result", "preset_median", "preset_result",
                "default_median"]].copy()
    for c in ("observed", "low", "high", "posterior_median", "posterior_q05", "posterior_q95",
              "preset_median", "default_median"):
        ct[c] = ct[c].map(_fmt)
    lines += [markdown_table(ct), "", "![predictive checks](figures/predictive.png)", "",
              "## Targets", ""]
    for t in results["targets"]:
        c = t.citation
        shock = Path(t.shock).stem if t.shock.endswith(".toml") else t.shock
        lines += [f"- **{t.name}** ({t.use}; {shock} under {t.strategy}; output "
                  f"`{t.output}`): {t.observed:g}, 95% interval {t.interval[0]:g}-"
                  f"{t.interval[1]:g}. {c['authors']} ({c['year']}), *{c['title']}*, "
                  f"{c['journal']}; {c['locator']}."]
    lines += ["", "What the posterior cannot say: the targets come from different cities, "
              "shocks and decades, and the model is a stylised city; see docs/calibration.md.",
              ""]
    return "\n".join(lines)


def write_report(results: dict, figures: dict[str, Path], out: Path) -> Path:
    """report.md into `out`."""
    path = Path(out) / "report.md"
    text = report(results, figures, out)
    atomic_write(path, lambda p: Path(p).write_text(text))
    return path
