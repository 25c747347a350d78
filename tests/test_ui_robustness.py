"""The workshop app's read-only robustness view (viz/components/robustness.py),
rendered in Python (solara.render), on a result folder written from a small
synthetic table so no simulation runs."""

from __future__ import annotations

import json
import os
import types

import pandas as pd
import pytest
import solara

import viz.app
from experiments.robustness_analysis import prim_boxes, win_shares
from sim.errors import SpecError
from tests.test_ui_components import UI_ENV, classes, walk
from viz.components.robustness import ENV, RobustnessView, load_result, wins_html


@pytest.fixture
def result_dir(tmp_path):
    """A robustness folder: 'A' is best in 3 of 4 worlds, and beats 'B' where x < 0.5."""
    x = [0.1, 0.2, 0.3, 0.9]
    rows = [{"world": w, "strategy": st, "shock": "flood", "y": v, "p.x": x[w]}
            for st, vs in (("A", [1, 2, 3, 9]), ("B", [2, 5, 4, 6])) for w, v in enumerate(vs)]
    df = pd.DataFrame(rows)
    win_shares(df, "y").assign(outcome="y").to_csv(tmp_path / "wins.csv", index=False)
    p = prim_boxes(df, "y", "A", "B", ["p.x"]).assign(outcome="y")
    p.assign(conditions=p["conditions"].map("; ".join)).to_csv(tmp_path / "prim.csv",
                                                               index=False)
    (tmp_path / "robustness.json").write_text(json.dumps(
        {"spec": {"name": "synthetic", "worlds": 4, "outcomes": ["y"]}}))
    return tmp_path


def test_view_shows_win_shares_and_prim_sentences(result_dir):
    res = load_result(result_dir)
    assert res.worlds == 4 and res.outcomes == ("y",)
    table = wins_html(res.wins)
    assert "75% <span" in table and "25% <span" in table and "font-weight:600'>75%" in table
    box, rc = solara.render(RobustnessView(res), handle_error=False)
    widgets = list(walk(box))
    html_text = " ".join(str(getattr(w, "unsafe_innerHTML", "") or "") for w in widgets)
    assert "75%" in html_text
    assert "Under flood, A beats B on y in 75% of plausible worlds" in html_text
    assert any("gr-robustness-wins" in classes(w) for w in widgets)
    rc.close()


def test_not_a_result_folder_is_a_clear_error(tmp_path):
    with pytest.raises(SpecError, match="not a finished robustness folder"):
        load_result(tmp_path)


def test_page_shows_the_view_only_when_asked(result_dir, monkeypatch):
    monkeypatch.setenv("GRASSROOTS_UI_MAX_HOUSEHOLDS", "600")
    monkeypatch.setenv("GRASSROOTS_UI_MAX_DAYS", "30")
    monkeypatch.delenv(ENV, raising=False)
    for asked in (False, True):
        if asked:
            monkeypatch.setenv(ENV, str(result_dir))
        box, rc = solara.render(solara.AppLayout(children=[viz.app.Page()]),
                                handle_error=False)
        found = [w for w in walk(box) if "gr-robustness" in classes(w)]
        assert bool(found) is asked
        rc.close()


def test_ui_command_checks_the_folder_before_serving(result_dir, tmp_path, monkeypatch):
    import solara.__main__ as solara_main

    import scenarios
    from grassroots.cli import main

    seen = []
    monkeypatch.setattr(solara_main.cli, "main",
                        lambda args, **k: seen.append(os.environ.get(ENV)))
    monkeypatch.setattr(scenarios, "make_model",
                        lambda *a, **k: types.SimpleNamespace(run=lambda: None))
    for name in (*UI_ENV, ENV):  # `ui` sets these; monkeypatch puts them back afterwards
        monkeypatch.setenv(name, "-")
        monkeypatch.delenv(name)
    assert main(["ui", "--robustness", str(tmp_path / "missing")]) == 2
    assert main(["ui", "--robustness", str(result_dir)]) == 0
    assert seen == [str(result_dir.resolve())]
