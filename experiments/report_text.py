"""The words of report.md: rows shown, the reading box, generated paragraphs.

Called by viz/report.py with the analysis (a dict of tables). Rows
name outcomes of `sim.metrics` (its OUTCOME_INFO gives the better direction);
shares are shown as percentages. Each paragraph states, per strategy, the
difference from the first strategy with its interval and whether it is
distinguishable from zero after the Holm adjustment, and explains outcomes
that disagree.
"""

from __future__ import annotations

import math

import pandas as pd

from experiments.formats import interval, number
from experiments.intervals import min_p
from sim.metrics import OUTCOME_INFO

# (outcome, label with unit, scale): the per-shock table's rows, in order.
ROWS = [
    ("counterfactual_loss", "Loss vs no-shock run (days)", 1),
    ("resilience_loss", "Absolute loss vs pre-onset Q0 (days)", 1),
    ("excess_crisis_household_days", "Excess crisis household-days vs no-shock run", 1),
    ("everyday_crisis_household_days", "Everyday crisis household-days (same window, "
                                       "paired no-shock run; not ranked)", 1),
    ("crisis_household_days", "Crisis household-days", 1),
    ("robustness", "Lowest Q (%)", 100),
    ("recovery_status", "", 1),  # two rows: share that dipped, median recovery
    ("equity_gap", "Equity gap: vulnerable minus other crisis rate (percentage points)", 100),
    ("crisis_rate_vulnerable", "Crisis rate, vulnerable (% of household-days)", 100),
    ("crisis_rate_other", "Crisis rate, others (% of household-days)", 100),
    ("missed_need_share", "Missed need (% of households, daily mean from onset)", 100),
    ("false_alarm_share", "False alarms (% of households, daily mean from onset)", 100),
    ("vulnerable_coverage", "Vulnerable households in need who were detected (%)", 100),
    ("mean_detection_latency", "Detection latency (days)", 1),
]
_ROW = {o: (lab, sc) for o, lab, sc in ROWS}
BETTER = {"lower": "lower is better", "higher": "higher is better", "": ""}

CAPTIONS = {
    "curves": "Households with needs met (%) per shock: mean over replicates (line) and the "
              "2.5-97.5 percentiles of runs (band); the dotted line marks the shock's start. "
              "All panels share one y-axis; pre-shock levels differ between strategies.",
    "paired": "Households with needs met in each shocked run minus its paired no-shock run "
              "(same seed and strategy), in percentage points: below 0 is what the shock took "
              "away. Mean and 2.5-97.5 percentiles; all panels share one y-axis.",
    "gap": "Illusion gap (true minus dashboard need share, percentage points) per shock: "
           "above 0 the dashboard under-reports need. Mean and 2.5-97.5 percentiles; all "
           "panels share one y-axis.",
    "heatmap": "Mean {what} per strategy and shock, on one colour scale for every cell "
               "(darker is worse; where losses of both signs occur, white is zero), so a "
               "negligible loss stays pale.",
}


def label(outcome: str) -> str:
    return _ROW.get(outcome, (OUTCOME_INFO[outcome].label, 1))[0]


def short(outcome: str) -> str:
    """The label for running text: lower case, without its unit in brackets."""
    text = label(outcome)
    if text.endswith(")") and " (" in text:
        text = text[:text.rindex(" (")]
    return text[0].lower() + text[1:]


def _primary(a: dict) -> str:
    return "counterfactual_loss" if "counterfactual_loss" in a["outcomes"] else "resilience_loss"


def _crisis(a: dict) -> str:
    return ("excess_crisis_household_days" if "excess_crisis_household_days" in a["outcomes"]
            else "crisis_household_days")


def _cell(a: dict, shock: str, strategy: str) -> pd.Series | None:
    c = a["cells"]
    c = c[(c["shock"] == shock) & (c["strategy"] == strategy)]
    return None if c.empty else c.iloc[0]


def _diff(a: dict, outcome: str, shock: str, strategy: str) -> pd.Series | None:
    d = a["diffs"].get(outcome)
    if d is None:
        return None
    d = d[(d["shock"] == shock) & (d["strategy"] == strategy)]
    return None if d.empty else d.iloc[0]


def how_to_read(a: dict) -> list[str]:
    w, base = a["window"], a["base"]
    cf = "counterfactual_loss" in a["outcomes"]
    box = [
        "**How to read this.** Q (functionality) is the share of households whose essential "
        "needs are met on a day: 100% means nobody is short. A shock pulls Q down; the "
        "smaller and shorter the dip, the more resilient the neighbourhood.",
    ]
    if cf:
        box.append(
            f"*Loss vs no-shock run* adds up, day by day over the {w} days from the shock's "
            "onset, how far Q falls below Q in the same city with the same luck but no shock "
            "(the paired no-shock run), relative to that Q: 1 day of loss is one day with "
            "nobody's needs met. It is 0 for a run without a shock, by construction.")
    if cf:
        box.append(
            "*Excess crisis household-days* count what the shock adds to households' crisis "
            "days against the paired no-shock run; *everyday crisis household-days* are that "
            "no-shock run's own, over the same window: the hardship a strategy carries with or "
            "without a shock. Strategies are compared on the first (the harm the shock does); "
            "the second is shown beside it and never mixed into it.")
    box.append("*Absolute loss* measures the area between Q and the mean Q of the days before "
               "onset (the resilience triangle); it also counts how Q would have moved without "
               "the shock, so it can be negative"
               + (" or differ from the loss vs the no-shock run." if cf else
                  ": with mild shocks, read it with care."))
    box.append("Each value is the mean over paired replicates; in brackets, its 95% bootstrap "
               "interval, which never leaves the quantity's range (shares stay within "
               "0-100%). n is the number of replicates; where an outcome is undefined in some, "
               "the cell says how many it rests on. The *better* column says which direction "
               "is better.")
    if a["diffs"]:
        box.append(f"Paired differences compare each strategy with {base} replicate by "
                   "replicate (same seed, so the same city and the same luck). A difference is "
                   "called *distinguishable from zero* when the Wilcoxon signed-rank test's "
                   "p-value, adjusted with Holm's method across all strategy x shock "
                   "comparisons of that outcome, is below 0.05.")
    return ["> " + "\n>\n> ".join(box), ""]


def _best(a: dict, shock: str, outcome: str) -> tuple[str, float] | None:
    vals = [(st, _cell(a, shock, st)) for st in a["spec"]["strategies"]]
    vals = [(st, c[f"{outcome}_mean"]) for st, c in vals
            if c is not None and not math.isnan(c[f"{outcome}_mean"])]
    return min(vals, key=lambda v: v[1]) if vals else None


def summary(a: dict) -> list[str]:
    p, base = _primary(a), a["base"]
    lines = ["## Summary", ""]
    for shock in a["spec"]["shocks"]:
        best = _best(a, shock, p)
        if best is None:
            continue
        st, v = best
        means = [c[f"{p}_mean"] for c in (_cell(a, shock, s) for s in a["spec"]["strategies"])
                 if c is not None]
        if max(means) == min(means):
            text = f"- **{shock}**: the same {short(p)} under every strategy ({number(v)} days)"
        else:
            text = f"- **{shock}**: smallest {short(p)} under {st} ({number(v)} days)"
        d = a["diffs"].get(p)
        if d is not None:
            d = d[d["shock"] == shock]
            better = [r.strategy for r in d.itertuples() if r.distinguishable and r.diff_mean < 0]
            worse = [r.strategy for r in d.itertuples() if r.distinguishable and r.diff_mean > 0]
            text += (f"; distinguishably lower than {base}: {', '.join(better) or 'none'}; "
                     f"higher: {', '.join(worse) or 'none'}")
        lines.append(text + ".")
    return lines + [""]


def _diff_phrase(d: pd.Series | None, unit: str, scale: float = 1.0) -> str:
    if d is None or math.isnan(d["diff_mean"]):
        return "no pairs to compare"
    verdict = ("distinguishable from zero" if d["distinguishable"] else
               "not distinguishable from zero")
    p = d["p_holm"]
    extra = f"Holm-adjusted p = {number(p, 2)}" if not math.isnan(p) else "no test"
    return (f"difference {interval(d['diff_mean'], d['diff_low'], d['diff_high'], scale=scale)}"
            f"{unit}, {verdict} ({extra}, {int(d['pairs'])} pairs)")


def paragraph(a: dict, shock: str) -> list[str]:
    """What differs under this shock, by how much, and where outcomes disagree."""
    p, cr, base = _primary(a), _crisis(a), a["base"]
    cb = _cell(a, shock, base)
    if cb is None:
        return []
    loss = interval(cb[p + "_mean"], cb[p + "_low"], cb[p + "_high"])
    others = len(a["spec"]["strategies"]) > 1
    lines = [f"Under {shock}, {base} loses {loss} days of functionality ({short(p)})."
             + (f" Against {base}:" if others else ""), ""]
    disagree = []
    for st in a["spec"]["strategies"][1:]:
        c = _cell(a, shock, st)
        if c is None:
            continue
        d, dc = _diff(a, p, shock, st), _diff(a, cr, shock, st)
        lines.append(f"- {st} loses {number(c[p + '_mean'])} days: "
                     f"{_diff_phrase(d, ' days')}; {short(cr)}: {_diff_phrase(dc, '')}.")
        if d is not None and dc is not None and (d["distinguishable"] or dc["distinguishable"]) \
                and d["diff_mean"] * dc["diff_mean"] < 0:
            disagree.append((st, d["diff_mean"] > 0))
    lines.append("")
    notes = []
    for worse_loss in (True, False):
        sts = [st for st, w in disagree if w == worse_loss]
        if sts:
            worse, better = (("loss", "crisis household-days") if worse_loss
                             else ("crisis household-days", "loss"))
            notes.append(f"The two measures disagree for {', '.join(sts)}: "
                         f"{'its' if len(sts) == 1 else 'their'} {worse} is higher than "
                         f"{base}'s but {'its' if len(sts) == 1 else 'their'} {better} lower.")
    if notes:
        notes.append("Loss counts every household short of essentials on a day, however "
                     "briefly and however slightly; crisis counts households whose wellbeing "
                     "has fallen below the crisis threshold. A strategy can leave more "
                     "households briefly short while keeping fewer of them short long "
                     "enough to reach crisis, or the reverse.")
    if cb[p + "_high"] < 0:
        notes.append(f"A negative loss means Q was higher with the shock than in the paired "
                     f"run without it over the window: something the shock sets off (for "
                     f"instance warnings that lead households to stock up, or extra help) "
                     f"more than offsets the needs it leaves unmet, as Q counts them; read it "
                     f"with the {short(cr)}.")
    if p == "counterfactual_loss" and "resilience_loss" in a["outcomes"]:
        ab = cb["resilience_loss_mean"]
        if not math.isnan(ab) and abs(ab - cb[p + "_mean"]) > 0.1 * max(abs(ab), 1e-9):
            notes.append(f"The absolute loss of {base} ({number(ab)} days) differs from its "
                         f"loss vs the no-shock run ({number(cb[p + '_mean'])} days) because Q "
                         "also moves without the shock; quote the loss vs the no-shock run.")
    return lines + ([" ".join(notes), ""] if notes else [])


def _table(a: dict, shock: str) -> list[str]:
    sts = [s for s in a["spec"]["strategies"] if _cell(a, shock, s) is not None]
    cells = {s: _cell(a, shock, s) for s in sts}
    rows = [("replicates (n)", "", [f"{int(cells[s]['n']):,}" for s in sts])]
    rec = a["recovery"]
    for o, lab, scale in ROWS:
        if o == "recovery_status":
            if rec is None:
                continue
            r = {s: rec[(rec["shock"] == shock) & (rec["strategy"] == s)].iloc[0] for s in sts}
            rows.append(("Runs where Q dipped below 95% of Q0 (share, 95% interval)", "",
                         [_dipped(r[s]) for s in sts]))
            rows.append(("Recovery time among those that dipped: median (days)",
                         BETTER["lower"],
                         [_median(r[s]) for s in sts]))
            continue
        if o not in a["outcomes"]:
            continue
        vals = []
        for s in sts:
            c = cells[s]
            text = interval(c[f"{o}_mean"], c[f"{o}_low"], c[f"{o}_high"], scale=scale)
            if c[f"{o}_n"] < c["n"]:
                text += f" [defined in {int(c[f'{o}_n'])} of {int(c['n'])}]"
            vals.append(text)
        rows.append((lab, BETTER[OUTCOME_INFO[o].better], vals))
    head = "| measure | better | " + " | ".join(sts) + " |"
    return [head, "|---|---|" + "---:|" * len(sts),
            *(f"| {m} | {b} | " + " | ".join(v) + " |" for m, b, v in rows), ""]


def _dipped(r: pd.Series) -> str:
    pct = [number(100 * r[k], dec=0) for k in ("dipped_share", "dipped_low", "dipped_high")]
    return f"{int(r['dipped'])} of {int(r['n'])} ({pct[0]}%; {pct[1]}-{pct[2]}%)"


def _median(r: pd.Series) -> str:
    if r["dipped"] == 0:
        return "none dipped"
    whole = all(float(r[k]).is_integer() or math.isinf(r[k])
                for k in ("median", "median_low", "median_high"))
    text = interval(r["median"], r["median_low"], r["median_high"], dec=0 if whole else None)
    if r["not_recovered"]:
        text += f"; {int(r['not_recovered'])} not recovered by the end"
    return text


def shock_section(a: dict, shock: str) -> list[str]:
    runs = a["runs"]
    onset = runs.loc[runs["shock"] == shock, "onset"] if "onset" in runs.columns else None
    head = f"## {shock}"
    if onset is not None and len(onset):
        o = int(onset.iloc[0])
        head += f" (onset day {o}"
        if "counterfactual_loss" in a["outcomes"]:
            end = min(o + a["window"], int(a["spec"]["days"])) - 1
            head += f"; loss window days {o}-{end}"
        head += ")"
    return [head, "", *paragraph(a, shock), *_table(a, shock)]


def differences_section(a: dict) -> list[str]:
    base = a["base"]
    n = int(a["spec"]["replicates"])
    lines = [f"## Paired differences from {base}", "",
             f"Each strategy minus {base}, replicate by replicate; mean and 95% bootstrap "
             "interval. *Distinguishable* means the Holm-adjusted Wilcoxon p-value across "
             "this outcome's strategy x shock table is below 0.05. Intervals are not "
             "adjusted for multiplicity."]
    if min_p(n) >= 0.05:
        lines.append(f"With {n} replicates the test cannot reach p < 0.05 (its smallest "
                     f"p-value is {number(min_p(n), 2)}): run at least 6 replicates to tell "
                     "differences from noise.")
    lines.append("")
    for o, d in a["diffs"].items():
        scale = _ROW.get(o, ("", 1))[1]
        lines += [f"### {label(o)} ({BETTER[OUTCOME_INFO[o].better]})", "",
                  "| shock | strategy | difference (95% interval) | pairs | Holm p | "
                  "distinguishable |", "|---|---|---:|---:|---:|---|"]
        for r in d.itertuples():
            lines.append(f"| {r.shock} | {r.strategy} | "
                         f"{interval(r.diff_mean, r.diff_low, r.diff_high, scale=scale)} | "
                         f"{r.pairs} | {number(r.p_holm, 2)} | "
                         f"{'yes' if r.distinguishable else 'no'} |")
        lines.append("")
    return lines


def notes(a: dict) -> list[str]:
    return ["## Notes on the measures", "",
            "- Recovery is censored: a run either never dipped below 95% of its pre-onset Q, "
            "recovered (stayed above for 7 days) on a given day, or had not recovered by the "
            "end. The median among runs that dipped counts those not recovered as longer than "
            "any; an interval reaching ∞ means the data cannot bound it.",
            "- Equity is a difference of crisis rates (vulnerable minus other households), "
            "each the group's crisis household-days over its households x days, so it is "
            "defined whenever both groups have households.",
            "- Missed need and false alarms are counted household by household each day "
            "(in need and not on the dashboard; on the dashboard and not in need), as "
            "shares of households averaged from onset: they never cancel.",
            "- Vulnerable coverage does not count a case closed on paper at the visit (under "
            "indicator pressure) as detected; it counts a case detected and later lost on its "
            "way to a department (information loss), which was seen but not served.",
            "- Definitions: docs/ODD.md, 'Outputs'; the code: sim/metrics.py.", ""]
