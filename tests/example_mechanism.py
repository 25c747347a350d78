"""A mechanism in one file: daily calls to elderly people who live alone.

The worked example of docs/ODD.md ("Adding a mechanism"), which shows this file
whole (tests/test_mechanisms.py holds the two equal): one household field, one
parameter, one record column, one kernel and its agent step. Volunteers phone
every elderly household living alone each day; a call lifts its wellbeing by
`calls.call_lift`. At the default lift, 0, nobody is called and nothing changes.
"""

from dataclasses import dataclass

import numpy as np
from numba import njit, prange

from sim.mechanisms import Measure, Mechanism
from sim.parspec import par


@dataclass(frozen=True)
class CallPars:
    call_lift: float = par(0.0, 0.0, 0.2, "1/day", "Lift of a call",
                           "Wellbeing a daily call adds to an elderly household living alone")


@njit(cache=True, parallel=True)
def make_calls(is_elderly, lives_alone, wellbeing, call_lift, called_today):
    """Call every elderly household living alone; lift its wellbeing.
    Writes called_today, wellbeing."""
    for i in prange(wellbeing.shape[0]):
        called = is_elderly[i] and lives_alone[i] and call_lift > 0.0
        called_today[i] = called
        if called:
            wellbeing[i] = min(1.0, wellbeing[i] + call_lift)


def make_call(household):
    """The reference engine's step: what make_calls does for one household."""
    lift = household.model.params.group("calls").call_lift
    called = bool(household.is_elderly and household.lives_alone and lift > 0.0)
    household.called_today = called
    if called:
        household.wellbeing = min(1.0, household.wellbeing + lift)


CALLS = Mechanism(
    name="calls",
    summary="volunteers phone elderly people who live alone; a call lifts wellbeing",
    after="update_wellbeing",
    kernels=(make_calls,),
    steps=(("households", make_call),),
    fields={"households": {"called_today": (np.bool_, False, "called today")}},
    parameters=CallPars,
    measures=(Measure("called", "households", "count", "households called today",
                      of="households.called_today", how="count"),),
)
