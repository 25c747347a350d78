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


def test_the_fingerprint_covers_every_built_in_strategy_and_shock():
    """A shock or strategy added to the library is fingerprinted too."""
    from scenarios.load import BUILTIN, KINDS

    def names(kind):
        return {f.stem for f in (BUILTIN / KINDS[kind]).glob("*.toml")}

    assert set(SHOCKS) - {"none"} == names("shock")
    assert set(STRATEGIES) == names("strategy")
    assert set(STORED) == {f"{s}|{k}" for s in STRATEGIES for k in SHOCKS}
