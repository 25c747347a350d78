"""Every output of the model, declared once: the daily record's columns and the run's outcomes.

The bottom layer (plain Python, imports nothing): the kernels, the reference
agents, `sim.metrics`, the reports and the UI all read these two tables.

- `RECORD`: one `Column` per column of the daily record (`model.daily`), in
  column order: its name, unit, kind (how it aggregates over days) and
  meaning. `sim.flags` generates one constant per column from it
  (`IN_NEED` is the column of "in_need"); a column that counts one detection
  channel names it, and `sim.flags.CHANNEL_COLUMN[channel]` is its column. Add a column
  at the end: one entry here, then the kernel line that fills it
  (`sim.kernels.record`), the reference line (`agents.model.record_day`) and
  a regenerated fingerprint.
- `ALL_OUTCOMES`: one `Outcome` per per-run outcome (`sim.metrics.RunSummary`,
  in field order) and per paired outcome (a shocked run against its
  no-shock run): name, better direction, label with unit, meaning, range.
  An outcome whose direction is "none" is reported but never ranked: the
  robustness analysis and the comparison refuse it (`sim.metrics.direction`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

INF = math.inf
KINDS = {
    "count": "agents counted today (summed over days: agent-days)",
    "flow": "a quantity moved or spent today (summed over days: the run's total)",
    "level": "a state or share at the end of the day (averaged over days, never summed)",
}
BETTER = ("lower", "higher", "none")


@dataclass(frozen=True)
class Column:
    """One column of the daily record.

    Attributes:
        name: the column's name (its constant in `sim.flags` is NAME.upper()).
        unit: households, volunteers, days (of essentials, or of delay), hours,
            share (of households) or 0-1.
        kind: how it aggregates over days, a key of `KINDS`.
        meaning: what it measures, in a line.
        channel: the detection channel it counts (a name of `sim.flags.CHANNELS`), or "".
    """

    name: str
    unit: str
    kind: str
    meaning: str
    channel: str = ""


RECORD: tuple[Column, ...] = (
    Column("functionality", "share", "level",
           "Q: share of households with no unmet need"),
    Column("wellbeing_mean", "0-1", "level",
           "mean wellbeing, 0-1"),
    Column("in_need", "households", "count",
           "households with unmet need"),
    Column("in_crisis", "households", "count",
           "households in crisis (wellbeing below the threshold)"),
    Column("in_crisis_vulnerable", "households", "count",
           "vulnerable households in crisis"),
    Column("in_crisis_other", "households", "count",
           "other households in crisis"),
    Column("unmet_need", "days", "level",
           "sum of unmet need, days of essentials"),
    Column("detected_visit", "households", "count",
           "detections today by grid worker visits", channel="visit"),
    Column("detected_sensing", "households", "count",
           "detections today by platform sensing", channel="sensing"),
    Column("detected_request", "households", "count",
           "detections today by platform requests", channel="request"),
    Column("detected_chat", "households", "count",
           "detections today by chat groups linked to the platform", channel="chat"),
    Column("new_detections", "households", "count",
           "need episodes detected for the first time today"),
    Column("detection_latency_sum", "days", "flow",
           "sum over today's first detections of days since need began"),
    Column("served_department", "households", "count",
           "households departments delivered to today (visits to homes no longer in need close"
           " the case without a delivery)"),
    Column("help_self_days", "days", "flow",
           "essentials households bought themselves today, days"),
    Column("help_neighbours_days", "days", "flow",
           "essentials given by ties today, days"),
    Column("help_volunteers_days", "days", "flow",
           "essentials delivered by volunteers today, days"),
    Column("help_departments_days", "days", "flow",
           "essentials delivered by departments today, days"),
    Column("helped_by_neighbours", "households", "count",
           "households helped by ties today"),
    Column("helped_by_volunteers", "households", "count",
           "households helped by volunteers today"),
    Column("dashboard_need_share", "share", "level",
           "share of households the dashboard shows in need"),
    Column("true_need_share", "share", "level",
           "share of households actually in need"),
    Column("illusion_gap", "share", "level",
           "true minus dashboard need share"),
    Column("trust_mean", "0-1", "level",
           "mean trust in government"),
    Column("social_capital_mean", "0-1", "level",
           "mean social capital"),
    Column("volunteer_motivation_mean", "0-1", "level",
           "mean volunteer motivation"),
    Column("active_volunteers", "volunteers", "count",
           "volunteers who delivered today"),
    Column("volunteer_days", "days", "flow",
           "essentials volunteers delivered today, days"),
    Column("volunteer_hours", "hours", "flow",
           "volunteer hours today"),
    Column("reporting_hours", "hours", "flow",
           "grid worker hours spent on top-down reports today"),
    Column("visits", "households", "count",
           "grid worker visits today"),
    Column("informed", "households", "count",
           "households informed of a current warning"),
    Column("open_cases", "households", "count",
           "open cases"),
    Column("supply_in", "days", "flow",
           "goods that came into the city's stocks today: deliveries to shops plus the "
           "warehouse's resupply, days"),
    Column("consumed", "days", "flow",
           "goods used up today: the day's use drawn from reserves plus need paid off by any "
           "channel (purchases, ties, volunteers, departments), days"),
    Column("destroyed", "days", "flow",
           "household reserves and shop stock destroyed by hazards today, days"),
    Column("stock_shops", "days", "level",
           "goods on shop shelves at the end of the day, days"),
    Column("stock_warehouse", "days", "level",
           "goods in the city warehouse at the end of the day, days"),
    Column("stock_depots", "days", "level",
           "goods in grid depots at the end of the day, days"),
    Column("stock_in_transit", "days", "level",
           "goods on the way from the warehouse to grid depots, days"),
    Column("stock_households", "days", "level",
           "household reserves at the end of the day, days"),
    Column("donated", "days", "flow",
           "goods households gave volunteers today, days"),
    Column("detected_outreach", "households", "count",
           "detections today by departments calling households in their own registries "
           "(registry outreach)", channel="outreach"),
    Column("missed_need", "share", "level",
           "share of households in need that the dashboard does not show (its view frozen "
           "while the platform is down)"),
    Column("false_alarms", "share", "level",
           "share of households the dashboard shows in need that are not in need"),)

COLUMNS: tuple[str, ...] = tuple(c.name for c in RECORD)
N_COLUMNS = len(RECORD)


@dataclass(frozen=True)
class Outcome:
    """One outcome of a run: how to read it and whether lower or higher is better.

    Attributes:
        name: its name (a field of `sim.metrics.RunSummary`, or a paired outcome).
        better: "lower", "higher" or "none" (reported, never ranked).
        label: a label with its unit, for tables and figures.
        meaning: its definition, in a line or two (docs/ODD.md, 'Outputs').
        low, high: the range of a run's value (intervals are clipped to it).
        paired: computed from a shocked run and its paired no-shock run.
        digits: significant digits in reports.
    """

    name: str
    better: str
    label: str
    meaning: str
    low: float = -INF
    high: float = INF
    paired: bool = False
    digits: int = 3


ALL_OUTCOMES: tuple[Outcome, ...] = (
    Outcome("baseline_functionality", "higher", "Q0 (share)",
            "Q0: mean Q before the first event (1 if it starts on day 0)", low=0.0, high=1.0),
    Outcome("resilience_loss", "lower", "Absolute loss vs pre-onset Q0 (days)",
            "absolute loss: signed area between Q0 and Q after onset, in days (resilience "
            "triangle against the pre-onset baseline)"),
    Outcome("robustness", "higher", "Lowest Q (share)",
            "lowest Q", low=0.0, high=1.0),
    Outcome("recovery_status", "none", "Recovery status (code)",
            "0 never dipped below 0.95 Q0, 1 recovered, 2 dipped and not recovered by the end "
            "(censored)", low=0.0, high=2.0),
    Outcome("recovery_time", "lower", "Recovery time (days)",
            "days from onset until Q stays >= 0.95 Q0 for 7 days (status 1); 0 if it never "
            "dipped, NaN if not recovered: summarise with recovery_status", low=0.0),
    Outcome("unmet_household_days", "lower", "Unmet household-days",
            "household-days with unmet need", low=0.0),
    Outcome("crisis_household_days", "lower", "Crisis household-days",
            "household-days in crisis", low=0.0),
    Outcome("crisis_rate_vulnerable", "lower", "Crisis rate, vulnerable (share of days)",
            "crisis household-days of vulnerable households / (vulnerable households x days)",
            low=0.0, high=1.0),
    Outcome("crisis_rate_other", "lower", "Crisis rate, others (share of days)",
            "crisis household-days of other households / (other households x days)",
            low=0.0, high=1.0),
    Outcome("equity_gap", "lower", "Equity gap: vulnerable minus other crisis rate",
            "crisis rate of vulnerable minus crisis rate of other households (0: equal; NaN "
            "only if a group has no households)", low=-1.0, high=1.0),
    Outcome("n_vulnerable", "none", "Vulnerable households",
            "vulnerable households (the vulnerable rate's denominator per day)", low=0.0),
    Outcome("n_other", "none", "Other households",
            "other households (the other rate's denominator per day)", low=0.0),
    Outcome("gini_unmet_need", "lower", "Gini of unmet need",
            "Gini coefficient of households' total unmet need", low=0.0, high=1.0),
    Outcome("mean_detection_latency", "lower", "Detection latency (days)",
            "mean days from need to first detection", low=0.0),
    Outcome("vulnerable_coverage", "higher", "Vulnerable coverage (share)",
            "share of vulnerable households in need that were detected (cases closed on paper "
            "at the visit do not count)", low=0.0, high=1.0),
    Outcome("missed_need_share", "lower", "Missed need (share of households)",
            "mean over days from onset of the share of households in need that the dashboard "
            "does not show (counted household by household)", low=0.0, high=1.0),
    Outcome("false_alarm_share", "lower", "False alarms (share of households)",
            "mean over days from onset of the share of households the dashboard shows in need "
            "that are not in need (counted household by household)", low=0.0, high=1.0),
    Outcome("illusion_gap_mean", "none", "Illusion gap, signed (share)",
            "mean of true minus dashboard need share, from onset (all days if none); signed, "
            "so missed need and false alarms cancel", low=-1.0, high=1.0),
    Outcome("illusion_gap_max", "lower", "Largest illusion gap (share)",
            "largest true minus dashboard need share, from onset (all days if none)",
            low=-1.0, high=1.0),
    Outcome("end_trust", "higher", "Trust at the end (0-1)",
            "mean trust on the last day", low=0.0, high=1.0),
    Outcome("end_social_capital", "higher", "Social capital at the end (0-1)",
            "mean social capital on the last day", low=0.0, high=1.0),
    Outcome("volunteer_hours", "none", "Volunteer hours",
            "volunteer hours over the run", low=0.0),
    Outcome("reporting_hours", "lower", "Reporting hours",
            "grid worker hours on reports over the run", low=0.0),
    Outcome("counterfactual_loss", "lower", "Loss vs no-shock run (days)",
            "sum over the window of (Q_none - Q) / Q_none, in days: functionality lost against"
            " the paired no-shock run", paired=True),
    Outcome("excess_crisis_household_days", "lower",
            "Excess crisis household-days vs no-shock run",
            "crisis household-days in the window minus those of the paired no-shock run",
            paired=True),
    Outcome("everyday_crisis_household_days", "lower",
            "Everyday crisis household-days (paired no-shock run)",
            "crisis household-days of the paired no-shock run in the same window: everyday "
            "hardship, reported beside the shock's excess, not ranked with it",
            low=0.0, paired=True),
)


def _check() -> None:
    for c in RECORD:
        assert c.kind in KINDS, f"column {c.name}: kind {c.kind!r} not in {sorted(KINDS)}"
    for o in ALL_OUTCOMES:
        assert o.better in BETTER, f"outcome {o.name}: better {o.better!r} not in {BETTER}"
        assert o.low < o.high, f"outcome {o.name}: low {o.low} >= high {o.high}"
    for seq, what in ((COLUMNS, "column"), (tuple(o.name for o in ALL_OUTCOMES), "outcome")):
        twice = sorted({k for k in seq if seq.count(k) > 1})
        assert not twice, f"{what}s declared twice: {twice}"


_check()
