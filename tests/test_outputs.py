"""Every output declared once (sim.outputs): the record's constants, channel
columns and documentation, and the outcomes' directions, all read from it."""

from __future__ import annotations

import pytest

from sim import flags, metrics, outputs
from sim.errors import OutcomeError


def test_each_column_constant_is_its_index_in_the_declaration():
    assert flags.COLUMNS == tuple(c.name for c in outputs.RECORD)
    assert flags.N_COLUMNS == len(outputs.RECORD)
    for i, c in enumerate(outputs.RECORD):
        assert getattr(flags, c.name.upper()) == i, c.name


def test_each_detection_channel_has_its_column():
    for ch, name in enumerate(flags.CHANNELS):
        if ch == 0:
            assert flags.CHANNEL_COLUMN[0] == -1
            continue
        col = outputs.RECORD[flags.CHANNEL_COLUMN[ch]]
        assert (col.name, col.channel) == (f"detected_{name}", name)
    assert [flags.VISIT, flags.SENSING, flags.REQUEST, flags.CHAT, flags.OUTREACH] == [
        flags.CHANNELS.index(c) for c in ("visit", "sensing", "request", "chat", "outreach")]


def test_the_documentation_is_read_from_the_declarations():
    assert metrics.DAILY == {c.name: c.meaning for c in outputs.RECORD}
    assert set(metrics.OUTCOME_INFO) == set(metrics.OUTCOMES) | set(metrics.PAIRED_OUTCOMES)
    assert all(c.unit and c.meaning and c.kind in outputs.KINDS for c in outputs.RECORD)


def test_only_directed_outcomes_can_be_ranked():
    assert metrics.lower_is_better("crisis_household_days") is True
    assert metrics.lower_is_better("vulnerable_coverage") is False
    for name in ("illusion_gap_mean", "volunteer_hours", "recovery_status"):
        with pytest.raises(OutcomeError, match="no better direction"):
            metrics.lower_is_better(name)
    with pytest.raises(OutcomeError, match="unknown outcome"):
        metrics.lower_is_better("crisis_days")
