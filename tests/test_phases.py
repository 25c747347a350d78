"""The day said once: `sim.phases.PHASES` is the source, and the model's
docstring, docs/ODD.md section 3 and `grassroots params --phases` agree with it."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

from sim.model import ResilienceModel
from sim.phases import PHASES, describe

ODD = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"
AGENT_CLASS = {"households": "Household", "grid_units": "GridUnit", "volunteers": "Volunteer",
               "model": "ReferenceModel"}


def test_the_model_docstring_shows_the_table():
    doc = inspect.getdoc(ResilienceModel)
    assert describe() in doc


def odd_rows() -> list[list[str]]:
    text = ODD.read_text()
    section = text[text.index("## 3. Process overview"):text.index("## 4. Design concepts")]
    return [[c.strip() for c in line.strip("|").split("|")] for line in section.splitlines()
            if re.match(r"\| \d+[a-d]? \|", line)]


def test_odd_section_3_lists_the_phases_of_the_table():
    rows = odd_rows()
    assert [(r[0], r[1].strip("`")) for r in rows] == [(p.number, p.name) for p in PHASES]
    for row, p in zip(rows, PHASES):
        for k in p.kernels:
            assert f"`{k.__name__}`" in row[2], (p.number, k.__name__)
        for step in p.agents:
            who, method = step.split(".")
            assert f"{AGENT_CLASS[who]}.{method}" in row[3], (p.number, step)


def test_the_command_line_prints_the_table(capsys):
    from grassroots.cli import main

    assert main(["params", "--phases"]) == 0
    assert capsys.readouterr().out.rstrip("\n") == describe()


def test_odd_names_every_scratch_buffer_and_live_value():
    """ODD 9.1 lists what a kernel argument can be bound to: every scratch buffer and
    live value of the model, by name."""
    from sim.model import LIVE, TODAY
    from tests.engine_helpers import make

    m = make("status_quo", "none", n=200, days=1, seed=1,
             overrides={"run.warm_up_days": 0, "run.tenure_days": 0})
    text = ODD.read_text()
    section = text[text.index("### 9.1 How the code runs a day"):]
    missing = [k for k in (*vars(m.scratch), *LIVE, *TODAY) if f"`{k}`" not in section]
    assert not missing, f"docs/ODD.md 9.1 does not name {missing}"
