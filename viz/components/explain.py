"""Explain mode: what each panel shows and what moves it, in plain words.

Written for a workshop audience (officials, grid workers, volunteers) and
kept to a few lines, so a panel still fits its tile: no phase numbers or
symbols to decode. The mechanisms are the model's (docs/ODD.md, section 7,
and `sim/kernels/<phase>.py` for a teacher who wants the rule). Each text is
a msgid of the message catalogue (viz/i18n.py): the page shows its Chinese
when the language switch says 中文.
"""

from __future__ import annotations

EXPLAIN: dict[str, str] = {
    "map": (
        "One square per household, inside its grid's cell. Colour: who helped it today, else "
        "whether it is fine, short of essentials or in crisis. A blue cell is under today's "
        "hazard; a grey one has its power cut. Households fall short when the shock damages "
        "homes or cuts them off from shops once their reserves run out; help comes from "
        "neighbours, volunteers and departments; a household in need for long enough falls into"
        " crisis."
    ),
    "functionality": (
        "The share of households with all their needs met, day by day. The shaded area between "
        "the level before the shock (dashed) and the curve is what the shock took away; its "
        "size, in days, is the loss the tables report. It falls as reserves run out while "
        "supply is cut, and recovers through purchases, neighbours, volunteers and departments."
    ),
    "crisis": (
        "Households whose wellbeing has fallen below the crisis line. Unmet need, heat without "
        "power and damage wear wellbeing down, twice as fast for vulnerable households "
        "(elderly, chronically ill, or poor and alone); it recovers only on days without need. "
        "The gap between the two lines is the equity story."
    ),
    "help": (
        "Essentials delivered per day, by channel: own purchases (limited by supply and "
        "income), neighbours sharing their surplus, volunteers answering requests they can see "
        "(in chat groups or passed on by grid workers), and departments serving dispatched "
        "cases, most vulnerable first, after a delay. The scale is logarithmic: purchases dwarf"
        " the rest in normal times."
    ),
    "dashboard": (
        "What the city's dashboard shows against the truth. The dashboard sees only what "
        "sensing, requests and grid workers' visits detect: not households without smartphones,"
        " fewer visits when reporting takes grid workers' time, cases closed on paper under "
        "indicator pressure; it freezes while the platform is down. The gap between the lines "
        "is the illusion of governance safety."
    ),
    "social": (
        "Averages over households, from 0 to 1. Trust rises when a department's help arrives "
        "and falls while a request waits. Social capital grows with mutual aid, chat groups and"
        " community building. Volunteer motivation grows when volunteers are used and falls "
        "with burnout or when departments take over their work."
    ),
    "compare": (
        "Two strategies under the same shock, with the same luck for every household in both "
        "runs, so the differences are the policy, not chance. Under a shock the first rows "
        "count only what the shock added: each strategy is also run without the shock, and "
        "its everyday hardship is shown on its own row, because a strategy that leaves "
        "people short on ordinary days would otherwise seem to do worse in the shock. Each "
        "row of the table says whether lower or higher is better. Comparing a strategy with "
        "itself after moving a lever shows what that lever changes."
    ),
}
