"""The model's numbers are what they were: every strategy x shock against the
stored fingerprint (tests/fingerprint.py explains it and how to regenerate it
after a deliberate change of the model)."""

import json

import pytest

from tests.fingerprint import PATH, SHOCKS, STRATEGIES, fingerprint

STORED = json.loads(PATH.read_text())


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("shock", SHOCKS)
def test_daily_series_match_the_stored_fingerprint(strategy, shock):
    assert fingerprint(strategy, shock) == STORED[f"{strategy}|{shock}"], (
        f"{strategy} x {shock}: the daily series or final state changed; if the model was "
        "changed on purpose, run `python -m tests.fingerprint --write`")
