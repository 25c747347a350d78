"""The words of report.md: rows shown, the reading box, generated paragraphs.

Called by viz/report.py with the analysis (a dict of tables). Rows
name outcomes of `sim.metrics` (its OUTCOME_INFO gives the better direction);
shares are shown as percentages. Each paragraph states, per strategy, the
difference from the first strategy with its interval and whether it is
distinguishable from zero after the Holm adjustment, and explains outcomes
that disagree.

Every function takes `w`, the words: `w.t` translates an English sentence
(a msgid of viz/i18n.py's catalogue) and `w.name` gives a strategy's or
shock's name; viz/report.py passes the page's language, the default is the
English text with the library's names (this layer does not import viz).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from experiments.formats import interval, number
from experiments.intervals import min_p
from sim.metrics import OUTCOME_INFO, lower_is_better


def N_(message: str) -> str:
    """Mark a sentence for the message catalogue (viz/i18n.py) without translating it."""
    return message


# (outcome, label with unit, scale): the per-shock table's rows, in order.
ROWS = [
    ("counterfactual_loss", N_("Loss vs no-shock run (days)"), 1),
    ("resilience_loss", N_("Absolute loss vs pre-onset Q0 (days)"), 1),
    ("excess_crisis_household_days", N_("Excess crisis household-days vs no-shock run"), 1),
    ("everyday_crisis_household_days", N_("Everyday crisis household-days (same window, "
                                          "paired no-shock run; not ranked)"), 1),
    ("crisis_household_days", N_("Crisis household-days"), 1),
    ("robustness", N_("Lowest Q (%)"), 100),
    ("recovery_status", "", 1),  # two rows: share that dipped, median recovery
    ("equity_gap",
     N_("Equity gap: vulnerable minus other crisis rate (percentage points)"), 100),
    ("crisis_rate_vulnerable", N_("Crisis rate, vulnerable (% of household-days)"), 100),
    ("crisis_rate_other", N_("Crisis rate, others (% of household-days)"), 100),
    ("missed_need_share", N_("Missed need (% of households, daily mean from onset)"), 100),
    ("false_alarm_share", N_("False alarms (% of households, daily mean from onset)"), 100),
    ("vulnerable_coverage", N_("Vulnerable households in need who were detected (%)"), 100),
    ("mean_detection_latency", N_("Detection latency (days)"), 1),
]
_ROW = {o: (lab, sc) for o, lab, sc in ROWS}
BETTER = {"lower": N_("lower is better"), "higher": N_("higher is better"),
          "none": N_("not ranked")}

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


def _same(x: str) -> str:
    return x


@dataclass(frozen=True)
class Words:
    """How the text is worded: `t` translates a sentence, `name` names a strategy or a
    shock, `zh` says whether the text is Chinese (no upper/lower case there)."""

    t: Callable[[str], str] = _same
    name: Callable[[str], str] = _same
    zh: bool = False


EN = Words()


def label(outcome: str, w: Words = EN) -> str:
    return w.t(_ROW.get(outcome, (OUTCOME_INFO[outcome].label, 1))[0])


def short(outcome: str, w: Words = EN) -> str:
    """The label for running text: lower case, without its unit in brackets."""
    text = label(outcome, w)
    for opening in (" (", "（"):
        if text.endswith((")", "）")) and opening in text:
            text = text[:text.rindex(opening)]
    return text if w.zh else text[0].lower() + text[1:]


def _names(w: Words, names) -> str:
    return ("、" if w.zh else ", ").join(w.name(n) for n in names)


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


def how_to_read(a: dict, w: Words = EN) -> list[str]:
    t = w.t
    window, base = a["window"], a["base"]
    cf = "counterfactual_loss" in a["outcomes"]
    box = [
        "**" + t("How to read this.") + "** " + t(
            "Q (functionality) is the share of households whose essential needs are met on "
            "a day: 100% means nobody is short. A shock pulls Q down; the smaller and shorter "
            "the dip, the more resilient the neighbourhood."),
    ]
    if cf:
        box.append(t(
            "*Loss vs no-shock run* adds up, day by day over the {w} days from the shock's "
            "onset, how far Q falls below Q in the same city with the same luck but no shock "
            "(the paired no-shock run), relative to that Q: 1 day of loss is one day with "
            "nobody's needs met. It is 0 for a run without a shock, by construction."
        ).format(w=window))
        box.append(t(
            "*Excess crisis household-days* count what the shock adds to households' crisis "
            "days against the paired no-shock run; *everyday crisis household-days* are that "
            "no-shock run's own, over the same window: the hardship a strategy carries with or "
            "without a shock. Strategies are compared on the first (the harm the shock does); "
            "the second is shown beside it and never mixed into it."))
    box.append(t("*Absolute loss* measures the area between Q and the mean Q of the days "
                 "before onset (the resilience triangle); it also counts how Q would have "
                 "moved without the shock, so it can be negative or differ from the loss vs "
                 "the no-shock run.") if cf else
               t("*Absolute loss* measures the area between Q and the mean Q of the days "
                 "before onset (the resilience triangle); it also counts how Q would have "
                 "moved without the shock, so it can be negative: with mild shocks, read it "
                 "with care."))
    box.append(t("Each value is the mean over paired replicates; in brackets, its 95% "
                 "bootstrap interval, which never leaves the quantity's range (shares stay "
                 "within 0-100%). n is the number of replicates; where an outcome is undefined "
                 "in some, the cell says how many it rests on. The *better* column says which "
                 "direction is better."))
    if a["diffs"]:
        box.append(t("Paired differences compare each strategy with {base} replicate by "
                     "replicate (same seed, so the same city and the same luck). A difference "
                     "is called *distinguishable from zero* when the Wilcoxon signed-rank "
                     "test's p-value, adjusted with Holm's method across all strategy x shock "
                     "comparisons of that outcome, is below 0.05.").format(base=w.name(base)))
    return ["> " + "\n>\n> ".join(box), ""]


def _best(a: dict, shock: str, outcome: str) -> tuple[str, float] | None:
    vals = [(st, _cell(a, shock, st)) for st in a["spec"]["strategies"]]
    vals = [(st, c[f"{outcome}_mean"]) for st, c in vals
            if c is not None and not math.isnan(c[f"{outcome}_mean"])]
    if not vals:
        return None
    return (min if lower_is_better(outcome) else max)(vals, key=lambda v: v[1])


def summary(a: dict, w: Words = EN) -> list[str]:
    t = w.t
    p, base = _primary(a), a["base"]
    lines = ["## " + t("Summary"), ""]
    for shock in a["spec"]["shocks"]:
        best = _best(a, shock, p)
        if best is None:
            continue
        st, v = best
        means = [c[f"{p}_mean"] for c in (_cell(a, shock, s) for s in a["spec"]["strategies"])
                 if c is not None]
        words = {"shock": w.name(shock), "what": short(p, w), "v": number(v),
                 "strategy": w.name(st), "base": w.name(base)}
        if max(means) == min(means):
            text = "- " + t("**{shock}**: the same {what} under every strategy ({v} days)"
                            ).format(**words)
        else:
            text = "- " + t("**{shock}**: smallest {what} under {strategy} ({v} days)"
                            ).format(**words)
        d = a["diffs"].get(p)
        if d is not None:
            d = d[d["shock"] == shock]
            better = [r.strategy for r in d.itertuples() if r.distinguishable and r.diff_mean < 0]
            worse = [r.strategy for r in d.itertuples() if r.distinguishable and r.diff_mean > 0]
            text += t("; distinguishably lower than {base}: {better}; higher: {worse}").format(
                base=w.name(base), better=_names(w, better) or t("none"),
                worse=_names(w, worse) or t("none"))
        lines.append(text + t("."))
    return lines + [""]


def _diff_phrase(d: pd.Series | None, unit: str, w: Words = EN, scale: float = 1.0) -> str:
    t = w.t
    if d is None or math.isnan(d["diff_mean"]):
        return t("no pairs to compare")
    verdict = (t("distinguishable from zero") if d["distinguishable"] else
               t("not distinguishable from zero"))
    p = d["p_holm"]
    extra = (t("Holm-adjusted p = {p}").format(p=number(p, 2)) if not math.isnan(p)
             else t("no test"))
    return t("difference {d}{unit}, {verdict} ({extra}, {pairs} pairs)").format(
        d=interval(d["diff_mean"], d["diff_low"], d["diff_high"], scale=scale, to=t(" to ")),
        unit=unit,
        verdict=verdict, extra=extra, pairs=int(d["pairs"]))


def paragraph(a: dict, shock: str, w: Words = EN) -> list[str]:
    """What differs under this shock, by how much, and where outcomes disagree."""
    t = w.t
    p, cr, base = _primary(a), _crisis(a), a["base"]
    cb = _cell(a, shock, base)
    if cb is None:
        return []
    loss = interval(cb[p + "_mean"], cb[p + "_low"], cb[p + "_high"], to=t(" to "))
    others = len(a["spec"]["strategies"]) > 1
    words = {"shock": w.name(shock), "base": w.name(base), "loss": loss, "what": short(p, w),
             "crisis": short(cr, w)}
    days = t(" days")
    lines = [t("Under {shock}, {base} loses {loss} days of functionality ({what}).").format(
        **words) + (t(" Against {base}:").format(**words) if others else ""), ""]
    disagree = []
    for st in a["spec"]["strategies"][1:]:
        c = _cell(a, shock, st)
        if c is None:
            continue
        d, dc = _diff(a, p, shock, st), _diff(a, cr, shock, st)
        lines.append("- " + t("{strategy} loses {v} days: {diff}; {crisis}: {cdiff}.").format(
            strategy=w.name(st), v=number(c[p + "_mean"]), diff=_diff_phrase(d, days, w),
            crisis=short(cr, w), cdiff=_diff_phrase(dc, "", w)))
        if d is not None and dc is not None and (d["distinguishable"] or dc["distinguishable"]) \
                and d["diff_mean"] * dc["diff_mean"] < 0:
            disagree.append((st, d["diff_mean"] > 0))
    lines.append("")
    notes = []
    for worse_loss in (True, False):
        sts = [st for st, x in disagree if x == worse_loss]
        if sts:
            msg = (t("The two measures disagree for {strategies}: their loss is higher than "
                     "{base}'s but their crisis household-days lower.") if worse_loss else
                   t("The two measures disagree for {strategies}: their crisis household-days "
                     "are higher than {base}'s but their loss lower."))
            notes.append(msg.format(strategies=_names(w, sts), base=w.name(base)))
    if notes:
        notes.append(t("Loss counts every household short of essentials on a day, however "
                       "briefly and however slightly; crisis counts households whose wellbeing "
                       "has fallen below the crisis threshold. A strategy can leave more "
                       "households briefly short while keeping fewer of them short long "
                       "enough to reach crisis, or the reverse."))
    if cb[p + "_high"] < 0:
        notes.append(t("A negative loss means Q was higher with the shock than in the paired "
                       "run without it over the window: something the shock sets off (for "
                       "instance warnings that lead households to stock up, or extra help) "
                       "more than offsets the needs it leaves unmet, as Q counts them; read it "
                       "with the {crisis}.").format(**words))
    if p == "counterfactual_loss" and "resilience_loss" in a["outcomes"]:
        ab = cb["resilience_loss_mean"]
        if not math.isnan(ab) and abs(ab - cb[p + "_mean"]) > 0.1 * max(abs(ab), 1e-9):
            notes.append(t("The absolute loss of {base} ({ab} days) differs from its loss vs "
                           "the no-shock run ({cf} days) because Q also moves without the "
                           "shock; quote the loss vs the no-shock run.").format(
                base=w.name(base), ab=number(ab), cf=number(cb[p + "_mean"])))
    return lines + [("" if w.zh else " ").join(notes), ""] if notes else lines


def _table(a: dict, shock: str, w: Words = EN) -> list[str]:
    t = w.t
    sts = [s for s in a["spec"]["strategies"] if _cell(a, shock, s) is not None]
    cells = {s: _cell(a, shock, s) for s in sts}
    rows = [(t("replicates (n)"), "", [f"{int(cells[s]['n']):,}" for s in sts])]
    rec = a["recovery"]
    for o, lab, scale in ROWS:
        if o == "recovery_status":
            if rec is None:
                continue
            r = {s: rec[(rec["shock"] == shock) & (rec["strategy"] == s)].iloc[0] for s in sts}
            rows.append((t("Runs where Q dipped below 95% of Q0 (share, 95% interval)"), "",
                         [_dipped(r[s], w) for s in sts]))
            rows.append((t("Recovery time among those that dipped: median (days)"),
                         t(BETTER["lower"]),
                         [_median(r[s], w) for s in sts]))
            continue
        if o not in a["outcomes"]:
            continue
        vals = []
        for s in sts:
            c = cells[s]
            text = interval(c[f"{o}_mean"], c[f"{o}_low"], c[f"{o}_high"], scale=scale,
                            to=t(" to "))
            if c[f"{o}_n"] < c["n"]:
                text += " " + t("[defined in {k} of {n}]").format(k=int(c[f"{o}_n"]),
                                                                  n=int(c["n"]))
            vals.append(text)
        rows.append((t(lab), t(BETTER[OUTCOME_INFO[o].better]), vals))
    head = ("| " + " | ".join([t("measure"), t("better"), *(w.name(s) for s in sts)])
            + " |")
    return [head, "|---|---|" + "---:|" * len(sts),
            *(f"| {m} | {b} | " + " | ".join(v) + " |" for m, b, v in rows), ""]


def _dipped(r: pd.Series, w: Words = EN) -> str:
    pct = [number(100 * r[k], dec=0) for k in ("dipped_share", "dipped_low", "dipped_high")]
    return w.t("{k} of {n} ({share}%; {low}-{high}%)").format(
        k=int(r["dipped"]), n=int(r["n"]), share=pct[0], low=pct[1], high=pct[2])


def _median(r: pd.Series, w: Words = EN) -> str:
    if r["dipped"] == 0:
        return w.t("none dipped")
    whole = all(float(r[k]).is_integer() or math.isinf(r[k])
                for k in ("median", "median_low", "median_high"))
    text = interval(r["median"], r["median_low"], r["median_high"], dec=0 if whole else None,
                    to=w.t(" to "))
    if r["not_recovered"]:
        text += w.t("; {k} not recovered by the end").format(k=int(r["not_recovered"]))
    return text


def shock_section(a: dict, shock: str, w: Words = EN) -> list[str]:
    t = w.t
    runs = a["runs"]
    onset = runs.loc[runs["shock"] == shock, "onset"] if "onset" in runs.columns else None
    head, sep = f"## {w.name(shock)}", "" if w.zh else " "
    if onset is not None and len(onset):
        o = int(onset.iloc[0])
        if "counterfactual_loss" in a["outcomes"]:
            end = min(o + a["window"], int(a["spec"]["days"])) - 1
            head += sep + t("(onset day {o}; loss window days {o}-{end})").format(o=o, end=end)
        else:
            head += sep + t("(onset day {o})").format(o=o)
    return [head, "", *paragraph(a, shock, w), *_table(a, shock, w)]


def differences_section(a: dict, w: Words = EN) -> list[str]:
    t = w.t
    base = w.name(a["base"])
    n = int(a["spec"]["replicates"])
    lines = ["## " + t("Paired differences from {base}").format(base=base), "",
             t("Each strategy minus {base}, replicate by replicate; mean and 95% bootstrap "
               "interval. *Distinguishable* means the Holm-adjusted Wilcoxon p-value across "
               "this outcome's strategy x shock table is below 0.05. Intervals are not "
               "adjusted for multiplicity.").format(base=base)]
    if min_p(n) >= 0.05:
        lines.append(t("With {n} replicates the test cannot reach p < 0.05 (its smallest "
                       "p-value is {p}): run at least 6 replicates to tell differences from "
                       "noise.").format(n=n, p=number(min_p(n), 2)))
    lines.append("")
    yes, no, to = t("yes"), t("no"), t(" to ")
    for o, d in a["diffs"].items():
        scale = _ROW.get(o, ("", 1))[1]
        lines += [f"### {label(o, w)} ({t(BETTER[OUTCOME_INFO[o].better])})", "",
                  "| " + " | ".join(t(h) for h in (
                      N_("shock"), N_("strategy"), N_("difference (95% interval)"),
                      N_("pairs"), N_("Holm p"), N_("distinguishable"))) + " |",
                  "|---|---|---:|---:|---:|---|"]
        for r in d.itertuples():
            lines.append(f"| {w.name(r.shock)} | {w.name(r.strategy)} | "
                         f"{interval(r.diff_mean, r.diff_low, r.diff_high, scale=scale, to=to)} | "
                         f"{r.pairs} | {number(r.p_holm, 2)} | "
                         f"{yes if r.distinguishable else no} |")
        lines.append("")
    return lines


NOTES = (
    N_("Recovery is censored: a run either never dipped below 95% of its pre-onset Q, recovered "
       "(stayed above for 7 days) on a given day, or had not recovered by the end. The median "
       "among runs that dipped counts those not recovered as longer than any; an interval "
       "reaching ∞ means the data cannot bound it."),
    N_("Equity is a difference of crisis rates (vulnerable minus other households), each the "
       "group's crisis household-days over its households x days, so it is defined whenever "
       "both groups have households."),
    N_("Missed need and false alarms are counted household by household each day (in need and "
       "not on the dashboard; on the dashboard and not in need), as shares of households "
       "averaged from onset: they never cancel."),
    N_("Vulnerable coverage does not count a case closed on paper at the visit (under indicator "
       "pressure) as detected; it counts a case detected and later lost on its way to a "
       "department (information loss), which was seen but not served."),
    N_("Definitions: docs/ODD.md, 'Outputs'; the code: sim/metrics.py."),
)


def notes(a: dict, w: Words = EN) -> list[str]:
    return ["## " + w.t("Notes on the measures"), "", *(f"- {w.t(n)}" for n in NOTES), ""]
