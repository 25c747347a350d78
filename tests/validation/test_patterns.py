"""Patterns of the full model at its defaults (status_quo), at --quick sizes.

The parameters are never tuned to make a pattern appear (docs/validation.md).
(a), (b) and (c) are the patterns of the brief and are asserted here; (c) is
not reproduced on the lockdown as it ran and is held as a strict expected failure. The
stricter reading (a') of the flood pattern (neighbours and volunteers give
more than departments) sits near its 50% line at the defaults, with seeds on
either side, so asserting it either way would be asserting noise: it is
reported by `grassroots validate` with its numbers and not asserted here.
"""

from __future__ import annotations

import math

import pytest

from experiments import validation as v


def test_flood_help_comes_mostly_from_households_and_neighbours():
    main, strict = v.check_flood_pattern(v.QUICK)
    assert main.passed, v.format_check(main)
    # (a') is computed and documented, whatever its verdict
    share = strict.numbers["neighbours + volunteers share"]
    assert 0.0 < share < 1.0 and not math.isnan(share)
    assert strict.note


def test_platform_outage_raises_the_illusion_gap():
    c = v.check_outage_pattern(v.QUICK)
    assert c.passed, v.format_check(c)


@pytest.mark.xfail(strict=True, reason=(
    "a finding, not reproduced on the lockdown as it ran (issue 23): the city warehouse "
    "empties in about ten days and department deliveries fall from 55 days/day in the first "
    "week to 0 in the last (5,000 households, 3 seeds, commit after afd7dda); "
    "docs/validation.md (c). Strict: the test fails when the pattern comes back, so the "
    "docs are updated"))
def test_lockdown_neighbour_aid_runs_dry_formal_does_not():
    c = v.check_lockdown_pattern(v.QUICK)
    assert c.passed, v.format_check(c)
