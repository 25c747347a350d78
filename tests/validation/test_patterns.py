"""Patterns of the full model at its defaults (status_quo), at --quick sizes.

A pattern the defaults do not reproduce is marked xfail(strict=True) with
the reason, so the suite stays green while the finding stays visible, and a
model change that makes it appear turns the test red for review. The
parameters are never tuned to make a pattern appear (docs/validation.md).
"""

from __future__ import annotations

import pytest

from experiments import validation as v


@pytest.fixture(scope="module")
def flood():
    return v.check_flood_pattern(v.QUICK)


def test_flood_help_comes_mostly_from_households_and_neighbours(flood):
    main = flood[0]
    assert main.passed, v.format_check(main)


@pytest.mark.xfail(strict=True, reason=(
    "At the defaults departments deliver more essentials than neighbours and volunteers in "
    "the flooded grids (each served case gets 7 days at once; status_quo has no volunteer "
    "coordination); reported in docs/validation.md"))
def test_flood_help_from_others_is_mostly_neighbours(flood):
    strict = flood[1]
    assert strict.passed, v.format_check(strict)


def test_platform_outage_raises_the_illusion_gap():
    c = v.check_outage_pattern(v.QUICK)
    assert c.passed, v.format_check(c)


def test_lockdown_neighbour_aid_runs_dry_formal_does_not():
    c = v.check_lockdown_pattern(v.QUICK)
    assert c.passed, v.format_check(c)
