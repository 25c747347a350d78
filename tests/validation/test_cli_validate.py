"""`grassroots validate`: the report's layout, --json and the exit status.

The checks themselves are tested in the other files; here run_validation is
replaced by a stub so the command's own logic runs in milliseconds.
"""

from __future__ import annotations

import json

import pytest

from experiments import validation as v
from grassroots.cli import main


def fake_checks(pattern_ok: bool = True, verification_ok: bool = True) -> list[v.Check]:
    return [
        v.Check("Metrics", "worked examples", v.VERIFICATION, verification_ok, "exact",
                "by hand", {"resilience loss": 9.0, "cases": 3}),
        v.Check("Patterns", "(z) a pattern", v.PATTERN, pattern_ok, "more than half",
                "somewhere", {"share": 0.4}, note="why it fails"),
    ]


@pytest.fixture
def stub(monkeypatch):
    calls = {}

    def install(checks):
        def run_validation(quick=False, on_check=None):
            calls["quick"] = quick
            for c in checks:
                on_check(c)
            return checks
        monkeypatch.setattr(v, "run_validation", run_validation)
        return calls
    return install


def test_report_and_json(stub, tmp_path, capsys):
    calls = stub(fake_checks())
    out = tmp_path / "validation.json"
    assert main(["validate", "--quick", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert calls["quick"] is True
    assert "PASS  worked examples" in text and "resilience loss" in text and "9" in text
    assert "criterion: exact" in text and "source: by hand" in text
    assert "verification: 1/1 pass; patterns: 1/1 reproduced" in text
    doc = json.loads(out.read_text())
    assert doc["quick"] is True
    assert [c["status"] for c in doc["checks"]] == ["PASS", "PASS"]
    assert doc["checks"][0]["numbers"]["resilience loss"] == 9.0


def test_a_pattern_not_reproduced_fails_only_with_strict(stub, capsys):
    stub(fake_checks(pattern_ok=False))
    assert main(["validate"]) == 0
    text = capsys.readouterr().out
    assert "FAIL  (z) a pattern" in text and "note: why it fails" in text
    assert "not reproduced: (z) a pattern" in text
    assert main(["validate", "--strict"]) == 1


def test_a_failed_verification_check_fails_the_command(stub):
    stub(fake_checks(verification_ok=False))
    assert main(["validate"]) == 1


def test_markdown_report_escapes_table_cells():
    c = v.Check("S", "reach, <k> = 4", v.VERIFICATION, True, "a | b", "src",
                {"P(c | b)": 0.5, "n": 10})
    md = v.format_markdown([c])
    assert "| **PASS** | S: reach, &lt;k&gt; = 4 | verification |" in md
    assert "| P(c \\| b) | 0.5 |" in md and "| n | 10 |" in md
    assert "Criterion: a \\| b." in md
