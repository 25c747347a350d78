"""The tutorials run (on a small city) and their notebooks match their scripts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TUTORIALS = Path(__file__).resolve().parents[1] / "docs" / "tutorials"
SCRIPTS = sorted(TUTORIALS.glob("[0-9][0-9]_*.py"))


def test_there_are_five_tutorials_each_with_a_notebook():
    assert len(SCRIPTS) == 5
    for s in SCRIPTS:
        assert s.with_suffix(".ipynb").is_file(), s.name
        text = s.read_text()
        assert "## Exercises" in text and "## Questions for discussion" in text


def test_notebooks_are_built_from_the_scripts():
    r = subprocess.run([sys.executable, str(TUTORIALS / "build_notebooks.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


# Tutorial 3 runs a sweep and a sensitivity analysis (about 15 s), tutorial 5 a comparison
# on a district and its maps: with the slow tests (tests/test_district.py covers the
# district comparison and its maps by default).
@pytest.mark.parametrize("script", [pytest.param(s, marks=pytest.mark.slow)
                                    if s.stem.startswith(("03_", "05_")) else s
                                    for s in SCRIPTS],
                         ids=lambda p: p.stem)
def test_tutorial_runs(script):
    env = {**os.environ, "GRASSROOTS_TUTORIAL_HOUSEHOLDS": "600",
           "GRASSROOTS_TUTORIAL_REPLICATES": "2", "MPLBACKEND": "Agg"}
    root = str(TUTORIALS.parents[1])  # this checkout's packages, not an installed copy
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env,
                       timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    assert len(r.stdout) > 200  # it printed its results
