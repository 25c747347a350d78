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
from experiments.report_text import BETTER
from experiments.robustness import EVERYDAY, RobustnessSpec, results, scored
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
from sim.metrics import OUTCOME_INFO, lower_is_better
from viz.i18n import N_


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
        lower = lower_is_better(o)
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


# the analysis tables' columns as a reader reads them
COLUMNS = {"shock": N_("shock"), "strategy": N_("strategy"), "wins": N_("wins"),
           "worlds": N_("worlds"), "share": N_("share"), "low": N_("low"), "high": N_("high"),
           "median": N_("median"), "p90": N_("90th percentile"), "max": N_("max"),
           "kept": N_("kept")}


class _Words:
    """The report's words in one language: sentences (`t`), strategy and shock names
    (`name`, EVERYDAY included) and outcomes (`outcome`)."""

    def __init__(self, lang: str = "en"):
        from viz.i18n import check_lang, display_name, translator

        self.lang = check_lang(lang)
        self.t = translator(lang)
        self._display = display_name

    def name(self, n: str) -> str:
        return self._display(n, self.lang)

    def outcome(self, o: str) -> str:
        info = OUTCOME_INFO.get(o)
        return self.t(info.label) if info else o

    def table(self, df: pd.DataFrame) -> str:
        """A Markdown table with plain names in its name columns and its heads worded."""
        df = df.copy()
        for c in ("shock", "strategy", "winner", "loser"):
            if c in df.columns:
                df[c] = df[c].map(self.name)
        return markdown_table(df.rename(columns={c: self.t(COLUMNS[c]) for c in df.columns
                                                 if c in COLUMNS}))

    def condition(self, phrase: str) -> str:
        """A PRIM restriction ('x < 3', 'x > 0.2', 'x between 1 and 2') in words."""
        import re

        _ = self.t
        m = re.fullmatch(r"(\S+) between (\S+) and (\S+)", phrase)
        if m:
            return _("{x} between {lo} and {hi}").format(x=m[1], lo=m[2], hi=m[3])
        return phrase

    def prim(self, row, outcome: str) -> str:
        """A PRIM box in words (experiments.robustness_analysis.sentence, worded here)."""
        _ = self.t
        words = {"shock": self.name(row.shock), "winner": self.name(row.winner),
                 "loser": self.name(row.loser), "outcome": self.outcome(outcome),
                 "share": f"{row.share:.0%}"}
        if self.lang == "en":  # in running text: lower case, but not 'Q0'
            words["outcome"] = words["outcome"][:1].lower() + words["outcome"][1:]
        head = (_("With no shock (everyday), {winner} beats {loser} on {outcome} in {share} of "
                  "plausible worlds") if row.shock == EVERYDAY else
                _("Under {shock}, {winner} beats {loser} on {outcome} in {share} of plausible "
                  "worlds")).format(**words)
        conditions = list(row.conditions) if isinstance(row.conditions, (list, tuple)) else []
        if row.share in (0, 1) or pd.isna(row.coverage):
            return head + _(".")
        if not conditions:
            return head + _("; no simple region of the uncertainties singles those worlds "
                            "out.")
        joined = _(" and ").join(self.condition(c) for c in conditions)
        return head + _(", mostly where {conditions} (this region holds {coverage} of those "
                        "worlds; in it, {winner} wins in {density}).").format(
            conditions=joined, coverage=f"{row.coverage:.0%}", winner=words["winner"],
            density=f"{row.density:.0%}")


def summary_lines(spec: RobustnessSpec, tables: dict[str, pd.DataFrame],
                  lang: str = "en") -> list[str]:
    """The headline: per outcome and shock, who wins how often; the PRIM sentences."""
    w = _Words(lang)
    _ = w.t
    lines = []
    attributable = "none" in spec.all_shocks
    for o in spec.outcomes:
        wins = tables["wins"][tables["wins"]["outcome"] == o]
        words = {"outcome": w.outcome(o), "worlds": spec.worlds,
                 "better": _(BETTER[OUTCOME_INFO[o].better]),
                 "everyday": w.name(EVERYDAY)}
        lines.append(_("**{outcome}**, the harm the shock adds ({better}): share of {worlds} "
                       "plausible worlds in which each strategy is best (under each shock: the "
                       "shocked run minus the same world's no-shock run; '{everyday}': the "
                       "no-shock runs themselves, everyday hardship, shown beside it and not "
                       "part of any shock's ranking):").format(**words) if attributable else
                     _("**{outcome}** ({better}): share of {worlds} plausible worlds in which "
                       "each strategy is best:").format(**words))
        lines.append("")
        sep = "；" if w.lang == "zh" else "; "
        for shock, g in wins.groupby("shock", sort=False):
            g = g.sort_values("share", ascending=False)
            parts = [f"{w.name(r.strategy)} {r.share:.0%} [{r.low:.0%}, {r.high:.0%}]"
                     for r in g.itertuples() if r.share > 0]
            colon = "：" if w.lang == "zh" else ": "
            lines.append(f"- {w.name(shock)}{colon}" + sep.join(parts))
        lines.append("")
        p = tables["prim"]
        if len(p):
            for r in p[(p["outcome"] == o) & (p["winner"] == spec.pair[1])].itertuples():
                lines.append(f"- {w.prim(r, o)}")
            lines.append("")
    return lines


def _fig(figs: Path, name: str, fig) -> str:
    import matplotlib.pyplot as plt

    atomic_write(figs / name, lambda p: fig.savefig(p, format="png", dpi=110))
    plt.close(fig)
    return name


def write_report(root: str | Path, elapsed: float | None = None, lang: str = "en") -> Path:
    """Analyse the robustness folder `root` and write its report in `lang` ("en" or
    "zh": report.md, summary.md and the figures); returns report.md."""
    from viz.fonts import language
    from viz.robustness_figures import pawn_bars, regret_boxes, win_share_bars

    w = _Words(lang)
    _ = w.t
    root = Path(root)
    spec, df = results(root)
    tables = analyse(spec, df)
    atomic_write(root / "results.parquet", lambda p: df.to_parquet(p, index=False))
    atomic_write(root / "results.csv", lambda p: df.to_csv(p, index=False))
    for key, tb in tables.items():
        if len(tb):
            tb = tb.assign(conditions=tb["conditions"].map("; ".join)) if key == "prim" else tb
            atomic_write(root / f"{key}.csv", lambda p, tb=tb: tb.to_csv(p, index=False))
    figs = root / "figures"
    figs.mkdir(exist_ok=True)
    summary = summary_lines(spec, tables, lang)
    atomic_write(root / "summary.md", lambda p: Path(p).write_text("\n".join(summary)))
    man = Store(root).manifest()
    names = ", ".join(w.name(s) for s in spec.strategies)
    shocks = ", ".join(w.name(s) for s in spec.all_shocks if s != "none")
    a, b = (w.name(x) for x in spec.pair) if spec.pair else ("", "")
    lines = [f"# {spec.name}: " + _("robustness under deep uncertainty"), ""]
    if spec.description and w.lang == "en":
        lines += [spec.description, ""]
    lines += [
        "- " + _("worlds: {w} (Latin hypercube over {u} uncertain parameters and {l} strategy "
                 "lever magnitudes, seed {seed}; world w uses seed {seed} + w under every "
                 "strategy and shock)").format(w=spec.worlds, u=len(spec.uncertain),
                                               l=len(inputs_of(spec)) - len(spec.uncertain),
                                               seed=spec.seed),
        "- " + _("strategies: {names}").format(names=names),
        "- " + _("shocks: {shocks}").format(shocks=shocks)
        + (_("; each with its paired no-shock run") if "none" in spec.all_shocks else ""),
        "- " + _("households: {n}; days: {d}; runs: {r}").format(
            n=f"{spec.households:,}", d=spec.days, r=f"{len(df):,}")
        + (_("; wall time {s} s").format(s=f"{elapsed:.0f}") if elapsed else ""),
        "- " + _("git commit: {c}").format(c=man.get("git_commit") or "unknown"),
        "- " + _("rerun: {command} (robustness.json holds the spec; manifest.json every run's "
                 "parameters and seed)").format(
            command="`grassroots robustness " + str(root / "robustness.json")
                    + " --out NEW_DIR`"), "",
        _("The uncertain parameters and their plausible ranges are docs/ODD.md's 'Uncertainty "
          "table'; each strategy's lever magnitudes come from the [plausible] table of its "
          "file (docs/robustness.md), drawn for each strategy on its own. Under a shock, "
          "strategies are ranked on the harm the shock does: the shocked run minus the same "
          "world's no-shock run of the same strategy; the no-shock runs ('{everyday}') show "
          "everyday hardship beside it. Intervals are Wilson 95% intervals; a tie between k "
          "strategies gives each 1/k of the world. How to read this report: "
          "docs/robustness.md.").format(everyday=w.name(EVERYDAY)), "",
        *_not_plausible(spec, _),
        "## " + _("Summary"), "", *summary]
    with language(w.lang):
        for o in spec.outcomes:
            lines += _outcome_section(spec, df, tables, o, w, figs, a, b,
                                      win_share_bars, regret_boxes, pawn_bars)
    lines += ["## " + _("Files"), "",
              _("results.parquet / results.csv (one row per run: world, strategy, shock, the "
                "uncertain parameters, every outcome, and `<outcome>_vs_none`), wins.csv, "
                "regret.csv, satisficing.csv, prim.csv, sensitivity.csv, figures/."), ""]
    report = root / "report.md"
    atomic_write(report, lambda p: Path(p).write_text("\n".join(lines)))
    return report


def _not_plausible(spec, _) -> list[str]:
    """The ranges that are not the uncertainty table's and the values held (by default
    the calibrated preset's posterior intervals and values), as one paragraph."""
    from sim.params import UNCERTAIN

    def num(x: float) -> str:  # three figures, never in exponent form
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"

    narrowed = [f"`{k}` {num(lo)}-{num(hi)} ({num(UNCERTAIN[k][0])}-{num(UNCERTAIN[k][1])})"
                for k, (lo, hi) in spec.uncertain.items()
                if k in UNCERTAIN and (lo, hi) != tuple(UNCERTAIN[k][:2])]
    held = [f"`{k}` = {v:g}" if isinstance(v, (int, float)) else f"`{k}` = {v}"
            for k, v in spec.fixed.items()]
    if not narrowed and not held:
        return []
    return [_("Not the plausible ranges everywhere (by default `grassroots robustness` "
              "ranges the parameters a calibration fitted over their 5-95% posterior "
              "intervals, docs/calibration.md; `--params defaults` gives the plausible "
              "ranges). Ranged (plausible range in brackets): {ranged}. Held: "
              "{held}.").format(ranged="; ".join(narrowed) or _("none"),
                                held="; ".join(held) or _("none")), ""]


def _outcome_section(spec, df, tables, o, w, figs, a, b, win_share_bars, regret_boxes,
                     pawn_bars) -> list[str]:
    """One outcome's section of report.md: win shares, regret, satisficing, PRIM, PAWN."""
    _ = w.t
    label = w.outcome(o)
    unit = _("days") if o == "resilience_loss" else ""
    wins = tables["wins"][tables["wins"]["outcome"] == o]
    name = _fig(figs, f"win_shares_{o}.png", win_share_bars(
        wins, _("Where each strategy is best: {outcome}").format(outcome=label), w.lang))
    lines = [f"## {label}", "", "### " + _("Win shares"), "",
             "![" + _("win shares") + f"](figures/{name})", "",
             w.table(wins.drop(columns=["outcome"])), ""]
    r = tables["regret"][tables["regret"]["outcome"] == o]
    lower = lower_is_better(o)
    ranked = scored(spec, df)
    shown = ranked[ranked["shock"].isin(set(wins["shock"]))]
    name = _fig(figs, f"regret_{o}.png", regret_boxes(
        regrets(shown, o, lower), _("Regret: shortfall from the best strategy of the world, "
                                    "{outcome}").format(outcome=label), unit, w.lang))
    lines += ["### " + _("Regret"), "",
              _("Each strategy's shortfall from the best strategy of the same world and shock "
                "(0 where it is best)."), "", "![" + _("regret") + f"](figures/{name})", "",
              w.table(r.drop(columns=["outcome"])), ""]
    s = tables["satisficing"]
    if len(s) and o in set(s["outcome"]):
        s = s[s["outcome"] == o]
        lines += ["### " + _("Satisficing"), "",
                  _("Share of worlds in which each strategy keeps {outcome} {op} {v}.").format(
                      outcome=label, op="<=" if lower else ">=", v=f"{spec.satisficing[o]:g}"),
                  "", w.table(s.drop(columns=["outcome", "threshold"])), ""]
    p = tables["prim"]
    if len(p):
        p = p[p["outcome"] == o]
        lines += ["### " + _("Where {a} beats {b}, and the converse (PRIM)").format(a=a, b=b),
                  "", _("Coverage: share of the winner's worlds inside the box; density: share "
                        "of worlds in the box where it wins."), ""]
        lines += [f"- {w.prim(row, o)}" for row in p.itertuples()] + [""]
    sens = tables["sensitivity"]
    if len(sens) and o in set(sens["outcome"]):
        lines += ["### " + _("What decides {a} minus {b} (PAWN)").format(a=a, b=b), "",
                  _("PAWN indices (SALib) of the paired difference, world by world: the "
                    "Kolmogorov-Smirnov distance between its distribution conditional on a "
                    "slice of one parameter and its distribution over all worlds. Parameters "
                    "at or below the noise reference (the largest index of five columns of "
                    "random numbers) cannot be told from noise."), ""]
        for shock, g in sens[sens["outcome"] == o].groupby("shock", sort=False):
            name = _fig(figs, f"sensitivity_{o}_{shock}.png", pawn_bars(
                g, _("{a} minus {b}\n{outcome}, {shock}").format(
                    a=a, b=b, outcome=label, shock=w.name(shock)), lang=w.lang))
            noise = float(g.loc[g["parameter"] == DUMMY, "median"].iloc[0])
            top = g[(g["parameter"] != DUMMY) & (g["median"] > noise)].head(3)
            found = (", ".join(f"{x.parameter.split('.')[-1]} {x.median:.2f}"
                               for x in top.itertuples())
                     or _("nothing stands out from the noise"))
            lines.append("- " + _("{shock}: {found} (noise reference {noise}; [figure]({path}))"
                                  ).format(shock=w.name(shock), found=found,
                                           noise=f"{noise:.2f}", path=f"figures/{name}"))
        lines.append("")
    return lines


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
                    households: int | None = None, days: int | None = None,
                    lang: str = "en") -> list[str]:
    """Markdown lines for the compare report (in `lang`): a link to a matching
    robustness report (same strategies, shocks and, when given, size) and its
    summary quoted with its size (in the language it was written in), or []
    when there is none."""
    from viz.i18n import translator

    _ = translator(lang)
    d = find_matching(compare_root, strategies, shocks, households, days)
    if d is None:
        return []
    s = json.loads((d / "robustness.json").read_text())["spec"]
    size = _("{w} plausible worlds of {n} households x {d} days").format(
        w=f"{int(s.get('worlds', 0)):,}", n=f"{int(s.get('households', 0)):,}",
        d=f"{int(s.get('days', 0)):,}")
    try:
        summary = (d / "summary.md").read_text().strip()
    except OSError as e:
        raise SpecError(f"{d}: cannot read summary.md: {e}") from None
    link = os.path.relpath(d / "report.md", Path(compare_root))
    quoted = [("> " + s) if s else ">" for s in summary.splitlines()]
    return ["## " + _("Robustness across plausible worlds"), "",
            _("The same strategies and shocks, at the same city size, across the plausible "
              "worlds of the uncertainty table ({size}): [robustness report]({link}). Its "
              "summary:").format(size=size, link=link), "", *quoted, ""]
