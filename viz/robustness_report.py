"""The robustness report: analyse a finished robustness folder, write report.md.

Writes into the folder: report.md (summary, win shares, regret, satisficing,
PRIM boxes in words, sensitivity), summary.md (the summary alone, which
`grassroots compare` quotes), results.parquet and results.csv (the tidy
table), one CSV per analysis, figures/ and robustness.json (the spec, which
reruns it). `compare_section` is what the compare report calls to link a
matching robustness result.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from experiments.analysis import markdown_table
from experiments.robustness import EVERYDAY, HIGHER_IS_BETTER, RobustnessSpec, results, scored
from experiments.robustness import inputs as inputs_of
from experiments.robustness_analysis import (
    DUMMY,
    paired,
    paired_sensitivity,
    prim_boxes,
    regret,
    regrets,
    satisficing,
    win_shares,
)
from experiments.store import Store
from sim.errors import SpecError
from sim.io import atomic_write


def analyse(spec: RobustnessSpec, df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every analysis of the spec's outcomes, as tables with an `outcome` column, on the
    shock-attributable outcomes (experiments.robustness.scored) over every input a
    world draws (uncertain parameters and lever magnitudes)."""
    ranges = inputs_of(spec)
    inputs, full = list(ranges), scored(spec, df)
    out: dict[str, list[pd.DataFrame]] = {k: [] for k in
                                          ("wins", "regret", "satisficing", "prim",
                                           "sensitivity")}
    for o in spec.outcomes:
        lower = o not in HIGHER_IS_BETTER
        # a shock under which the outcome never varies (resilience loss without a
        # shock) says nothing about strategies: every world would be a tie
        informative = [s for s, g in full.groupby("shock", sort=False) if g[o].nunique() > 1]
        df = full[full["shock"].isin(informative)]
        for key, table in (("wins", win_shares(df, o, lower)), ("regret", regret(df, o, lower))):
            out[key].append(table.assign(outcome=o))
        if o in spec.satisficing:
            out["satisficing"].append(satisficing(df, o, spec.satisficing[o], lower)
                                      .assign(outcome=o))
        if spec.pair:
            a, b = spec.pair
            out["prim"].append(prim_boxes(df, o, a, b, inputs, lower, spec.density)
                               .assign(outcome=o))
            if spec.worlds >= 20:
                for shock in df["shock"].unique():
                    X, d = paired(df, o, a, b, shock, inputs)
                    if len(d) >= 20 and d.std() > 0:
                        s = paired_sensitivity(X, d, ranges, seed=spec.seed)
                        out["sensitivity"].append(s.assign(shock=shock, outcome=o))
    return {k: pd.concat(v, ignore_index=True) if v else pd.DataFrame() for k, v in out.items()}


def summary_lines(spec: RobustnessSpec, tables: dict[str, pd.DataFrame]) -> list[str]:
    """The headline: per outcome and shock, who wins how often; the PRIM sentences."""
    lines = []
    for o in spec.outcomes:
        w = tables["wins"][tables["wins"]["outcome"] == o]
        attributable = "none" in spec.all_shocks
        lines.append(f"**{o}**{' attributable to the shock' if attributable else ''} "
                     f"({'higher' if o in HIGHER_IS_BETTER else 'lower'} is better), "
                     f"share of {spec.worlds} plausible worlds in which each strategy is best"
                     + (f" (under each shock: the shocked run minus the same world's no-shock "
                        f"run, which ranks the harm the shock does; '{EVERYDAY}': the "
                        "no-shock runs themselves, everyday hardship, shown beside it and not "
                        "part of any shock's ranking):" if attributable else ":"))
        lines.append("")
        for shock, g in w.groupby("shock", sort=False):
            g = g.sort_values("share", ascending=False)
            parts = [f"{r.strategy} {r.share:.0%} [{r.low:.0%}, {r.high:.0%}]"
                     for r in g.itertuples() if r.share > 0]
            lines.append(f"- {shock}: " + "; ".join(parts))
        lines.append("")
        p = tables["prim"]
        if len(p):
            for r in p[(p["outcome"] == o) & (p["winner"] == spec.pair[1])].itertuples():
                lines.append(f"- {r.sentence}")
            lines.append("")
    return lines


def _fig(figs: Path, name: str, fig) -> str:
    import matplotlib.pyplot as plt

    atomic_write(figs / name, lambda p: fig.savefig(p, format="png", dpi=110))
    plt.close(fig)
    return name


def write_report(root: str | Path, elapsed: float | None = None) -> Path:
    """Analyse the robustness folder `root` and write its report; returns report.md."""
    from viz.robustness_figures import pawn_bars, regret_boxes, win_share_bars

    root = Path(root)
    spec, df = results(root)
    tables = analyse(spec, df)
    atomic_write(root / "results.parquet", lambda p: df.to_parquet(p, index=False))
    atomic_write(root / "results.csv", lambda p: df.to_csv(p, index=False))
    for key, t in tables.items():
        if len(t):
            t = t.assign(conditions=t["conditions"].map("; ".join)) if key == "prim" else t
            atomic_write(root / f"{key}.csv", lambda p, t=t: t.to_csv(p, index=False))
    figs = root / "figures"
    figs.mkdir(exist_ok=True)
    summary = summary_lines(spec, tables)
    atomic_write(root / "summary.md", lambda p: Path(p).write_text("\n".join(summary)))
    man = Store(root).manifest()
    lines = [f"# {spec.name}: robustness under deep uncertainty", "", spec.description, "",
             f"- worlds: {spec.worlds} (Latin hypercube over {len(spec.uncertain)} uncertain "
             f"parameters and {len(inputs_of(spec)) - len(spec.uncertain)} strategy lever "
             f"magnitudes, seed {spec.seed}; world w uses seed {spec.seed} + w under every "
             "strategy and shock)",
             f"- strategies: {', '.join(spec.strategies)}",
             f"- shocks: {', '.join(spec.all_shocks)}" + (" ('none': the paired no-shock run)"
                                                         if "none" in spec.all_shocks else ""),
             f"- households: {spec.households:,}; days: {spec.days}; runs: {len(df)}"
             + (f"; wall time {elapsed:.0f} s" if elapsed else ""),
             f"- git commit: {man.get('git_commit') or 'unknown'}",
             "- rerun: `grassroots robustness " + str(root / "robustness.json")
             + " --out NEW_DIR` (robustness.json holds the spec; manifest.json every run's "
               "parameters and seed)", "",
             "The uncertain parameters and their plausible ranges are docs/ODD.md's "
             "'Uncertainty table'; each strategy's lever magnitudes come from the "
             "[plausible] table of its file (docs/robustness.md), drawn for each strategy "
             "on its own. Under a shock, strategies are ranked on the harm the shock does: "
             "the shocked run minus the same world's no-shock run of the same strategy; the "
             f"no-shock runs ('{EVERYDAY}') show everyday hardship beside it. "
             "Intervals are Wilson 95% intervals; a tie between k "
             "strategies gives each 1/k of the world. How to read this report: "
             "docs/robustness.md.", "", "## Summary", "", *summary]
    for o in spec.outcomes:
        unit = "days" if o == "resilience_loss" else ""
        w = tables["wins"][tables["wins"]["outcome"] == o]
        name = _fig(figs, f"win_shares_{o}.png",
                    win_share_bars(w, f"Where each strategy is best: {o}"))
        lines += [f"## {o}", "", "### Win shares", "", f"![win shares](figures/{name})", "",
                  markdown_table(w.drop(columns=["outcome"])), ""]
        r = tables["regret"][tables["regret"]["outcome"] == o]
        lower = o not in HIGHER_IS_BETTER
        ranked = scored(spec, df)
        shown = ranked[ranked["shock"].isin(set(w["shock"]))]
        name = _fig(figs, f"regret_{o}.png",
                    regret_boxes(regrets(shown, o, lower), f"Regret: shortfall from the best "
                                 f"strategy of the world, {o}", unit))
        lines += ["### Regret", "", "Each strategy's shortfall from the best strategy of the "
                  "same world and shock (0 where it is best).", "",
                  f"![regret](figures/{name})", "", markdown_table(r.drop(columns=["outcome"])),
                  ""]
        s = tables["satisficing"]
        if len(s) and o in set(s["outcome"]):
            s = s[s["outcome"] == o]
            lines += ["### Satisficing", "", f"Share of worlds in which each strategy keeps "
                      f"{o} {'<=' if lower else '>='} {spec.satisficing[o]:g}.", "",
                      markdown_table(s.drop(columns=["outcome", "threshold"])), ""]
        p = tables["prim"]
        if len(p):
            p = p[p["outcome"] == o]
            lines += [f"### Where {spec.pair[0]} beats {spec.pair[1]}, and the converse (PRIM)",
                      "", "Coverage: share of the winner's worlds inside the box; density: "
                      "share of worlds in the box where it wins.", ""]
            lines += [f"- {r.sentence}" for r in p.itertuples()] + [""]
        sens = tables["sensitivity"]
        if len(sens) and o in set(sens["outcome"]):
            lines += [f"### What decides {spec.pair[0]} minus {spec.pair[1]} (PAWN)", "",
                      "PAWN indices (SALib) of the paired difference, world by world: the "
                      "Kolmogorov-Smirnov distance between its distribution conditional on a "
                      "slice of one parameter and its distribution over all worlds. Parameters "
                      "at or below the noise reference (the largest index of five columns of "
                      "random numbers) cannot be told from noise.", ""]
            for shock, g in sens[sens["outcome"] == o].groupby("shock", sort=False):
                name = _fig(figs, f"sensitivity_{o}_{shock}.png",
                            pawn_bars(g, f"{spec.pair[0]} minus {spec.pair[1]}\n{o}, {shock}"))
                noise = float(g.loc[g["parameter"] == DUMMY, "median"].iloc[0])
                top = g[(g["parameter"] != DUMMY) & (g["median"] > noise)].head(3)
                found = (", ".join(f"{t.parameter.split('.')[-1]} {t.median:.2f}"
                                   for t in top.itertuples())
                         or "nothing stands out from the noise")
                lines.append(f"- {shock}: {found} (noise reference {noise:.2f}; "
                             f"[figure](figures/{name}))")
            lines.append("")
    lines += ["## Files", "", "results.parquet / results.csv (one row per run: world, strategy, "
              "shock, the uncertain parameters, every outcome, and `<outcome>_vs_none`), "
              "wins.csv, regret.csv, satisficing.csv, prim.csv, sensitivity.csv, figures/.", ""]
    report = root / "report.md"
    atomic_write(report, lambda p: Path(p).write_text("\n".join(lines)))
    return report


def find_matching(compare_root: str | Path, strategies, shocks, households: int | None = None,
                  days: int | None = None) -> Path | None:
    """A finished robustness folder beside `compare_root` (a sibling folder, or
    `compare_root/robustness`) whose strategies and shocks include the given
    ones and, when given, of the same city size and horizon (a result for
    another size is not quoted as if it were this one's); the newest if
    several, None if there is none."""
    compare_root = Path(compare_root)
    candidates = [compare_root / "robustness", *sorted(compare_root.parent.glob("*"))]
    found = []
    for d in candidates:
        rj = d / "robustness.json"
        if not (rj.is_file() and (d / "summary.md").is_file()):
            continue
        try:
            s = json.loads(rj.read_text())["spec"]
        except (OSError, ValueError, KeyError):
            continue
        all_shocks = set(s["shocks"]) | ({"none"} if s.get("baseline") else set())
        if households is not None and int(s.get("households", -1)) != int(households):
            continue
        if days is not None and int(s.get("days", -1)) != int(days):
            continue
        if set(strategies) <= set(s["strategies"]) and set(shocks) - {"none"} <= all_shocks:
            found.append(d)
    return max(found, key=lambda d: (d / "summary.md").stat().st_mtime) if found else None


def compare_section(compare_root: str | Path, strategies, shocks,
                    households: int | None = None, days: int | None = None) -> list[str]:
    """Markdown lines for the compare report: a link to a matching robustness
    report (same strategies, shocks and, when given, size) and its summary
    quoted with its size, or [] when there is none."""
    d = find_matching(compare_root, strategies, shocks, households, days)
    if d is None:
        return []
    s = json.loads((d / "robustness.json").read_text())["spec"]
    size = (f"{int(s.get('worlds', 0)):,} plausible worlds of {int(s.get('households', 0)):,} "
            f"households x {int(s.get('days', 0)):,} days")
    try:
        summary = (d / "summary.md").read_text().strip()
    except OSError as e:
        raise SpecError(f"{d}: cannot read summary.md: {e}") from None
    link = os.path.relpath(d / "report.md", Path(compare_root))
    quoted = [("> " + s) if s else ">" for s in summary.splitlines()]
    return ["## Robustness across plausible worlds", "",
            f"The same strategies and shocks, at the same city size, across the plausible "
            f"worlds of the uncertainty table ({size}): [robustness report]({link}). "
            "Its summary:", "", *quoted, ""]
