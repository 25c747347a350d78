"""Explain mode: what each panel shows and which mechanism drives it.

Written for a workshop audience; each text names the phase of the day
(`ResilienceModel`'s docstring, `sim/kernels/<phase>.py`) whose mechanism
moves the panel, so a teacher can open the kernel and show the rule.
"""

from __future__ import annotations

EXPLAIN: dict[str, str] = {
    "map": (
        "Each square is a household, drawn inside its grid (网格) cell; dark lines are grid "
        "boundaries. Colour shows who helped the household today, otherwise its state: in "
        "crisis (wellbeing below the crisis threshold), in need (unmet essentials) or fine. "
        "A blue cell is hit by the hazard today, a grey one has lost power. Driven by "
        "phase 1 (shock: damage destroys reserves and adds need), 3 (a shortfall becomes "
        "need when shops are cut off), 6 (neighbours, volunteers and departments respond) "
        "and 7 (wellbeing falls with unmet need)."
    ),
    "functionality": (
        "Functionality Q(t): the share of households with no unmet need. The shaded area "
        "between the pre-shock level Q0 (dashed) and Q from the onset (dotted line) is the "
        "resilience triangle; its area is the resilience loss, in days. Q falls when reserves "
        "run out while supply is cut (phase 3) and recovers through self-rescue purchases, "
        "neighbours' mutual aid, volunteers and departments (phase 6)."
    ),
    "crisis": (
        "Households whose wellbeing is below the crisis threshold: vulnerable ones (elderly, "
        "chronically ill, or low income and living alone) and the others. Wellbeing falls "
        "with unmet need, heat without power and damage, twice as fast for the vulnerable "
        "(vulnerability factor), and recovers only on days with no need (phase 7). The gap "
        "between the lines is the equity story."
    ),
    "help": (
        "Essentials delivered per day, by channel (days of essentials; symlog axis). Self: "
        "purchases, limited by supply access and income (phase 3). Neighbours: surplus "
        "above what a household keeps, shared along ties in proportion to social capital "
        "(phase 6a). Volunteers: requests they can see, own ties, chat groups, cases passed "
        "on by grid workers under volunteer coordination (6b). Departments: dispatched cases, "
        "most vulnerable first, after central or direct dispatch latency (6c)."
    ),
    "dashboard": (
        "What the city's dashboard shows (share of households it counts in need) against "
        "the true share; the gap is the illusion of governance safety (治理幻觉). The "
        "dashboard sees only what sensing, requests and grid visits detect (phase 5): "
        "households without smartphones are invisible to sensing, reporting burden cuts "
        "visits, and under indicator pressure workers report cases closed at the visit. It "
        "freezes while the platform is down and keeps counting households helped by others "
        "until they are sensed or served (phase 9), so the gap can also be negative."
    ),
    "social": (
        "The social fabric, means over households (0-1). Trust in government rises when a "
        "department's help arrives and falls while a platform request waits past patience. "
        "Social capital grows on days of mutual aid or volunteer help, in active chat "
        "groups and with community building (social capital investment), and relaxes back "
        "to its baseline. Volunteer motivation grows with use, falls when departments take "
        "over the work an idle volunteer had been doing (crowding out) and with burnout "
        "(phase 8)."
    ),
    "compare": (
        "Two strategies under the same shock and seed: every household meets the same luck "
        "in both runs (counter-based random numbers), so the differences are policy, not "
        "noise. The table gives resilience loss so far, crisis household-days and the illusion "
        "gap (mean from the onset) of both runs and B - A; lower is better for all three. "
        "Choose 'Compare "
        "with' and press Reset to start; comparing a strategy with itself after moving the "
        "levers shows what the levers change."
    ),
}
