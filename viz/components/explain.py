"""Explain mode: what each panel shows and which mechanism drives it.

Written for a workshop audience and kept to a few lines, so a panel still
fits its tile; each text names the phase of the day (`ResilienceModel`'s
docstring, `sim/kernels/<phase>.py`, docs/ODD.md section 7) whose mechanism
moves the panel, so a teacher can open the kernel and show the rule.
"""

from __future__ import annotations

EXPLAIN: dict[str, str] = {
    "map": (
        "A square per household, inside its grid's cell. Colour: who helped it today, else "
        "its state. Need comes from damage (phase 1) and from shops cut off once reserves "
        "run out (3); help from neighbours, volunteers and departments (6); crisis when "
        "unmet need wears wellbeing down (7). Blue cell: hazard today; grey: power cut."
    ),
    "functionality": (
        "Q(t), the share of households with no unmet need. Shaded: the resilience triangle "
        "between the pre-shock level Q0 (dashed) and Q after the onset (dotted); its area is "
        "the resilience loss, in days. Q falls as reserves run out while supply is cut "
        "(phase 3) and recovers through purchases, neighbours, volunteers, departments (6)."
    ),
    "crisis": (
        "Households with wellbeing below the crisis threshold. Unmet need, heat without "
        "power and damage wear wellbeing down, twice as fast for the vulnerable (elderly, "
        "chronically ill, or poor and alone); it recovers only on days with no need "
        "(phase 7). The gap between the lines is the equity story."
    ),
    "help": (
        "Essentials delivered per day, by channel. Self: purchases, limited by supply and "
        "income (phase 3). Neighbours: surplus shared along ties, with social capital (6a). "
        "Volunteers: requests they can see, in chat groups or passed on by grid workers "
        "(6b). Departments: dispatched cases, most vulnerable first, after a latency (6c)."
    ),
    "dashboard": (
        "The dashboard's need share against the true one; the gap is the illusion of "
        "governance safety. The dashboard sees only what sensing, requests and visits detect "
        "(phase 5): not households without smartphones, fewer visits under reporting burden, "
        "cases closed on paper under indicator pressure. It freezes while the platform is "
        "down (phase 9)."
    ),
    "social": (
        "Means over households, 0-1 (phase 8). Trust rises when a department's help arrives "
        "and falls while a platform request waits. Social capital grows with mutual aid, "
        "chat groups and community building. Volunteer motivation grows with use and falls "
        "with burnout or when departments take over their work (crowding out)."
    ),
    "compare": (
        "Two strategies, same shock and seed: each household meets the same luck in both "
        "runs (common random numbers), so differences are policy, not noise. Lower is better "
        "for all three measures. Comparing a strategy with itself after moving the levers "
        "shows what the levers change."
    ),
}
