"""The benchmark suite's plumbing (benchmarks/): selection, the worker tasks and
the recorded results rendering. No model runs here: the measurements
themselves are what `python -m benchmarks` is for.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import benchmarks
from benchmarks import suite
from benchmarks.__main__ import parser
from benchmarks.tasks import WORKER_TASKS

RESULTS = Path(benchmarks.__file__).parent / "results.json"


def test_every_benchmark_can_be_selected_alone():
    names = list(suite.BENCHMARKS)
    for name in names:
        assert parser().parse_args(["--only", name]).only == [name]
    with pytest.raises(SystemExit):
        parser().parse_args(["--only", "no_such_benchmark"])


def test_worker_tasks_are_the_measurements():
    assert set(WORKER_TASKS) == {"engine", "reference", "phases", "memory", "memory_baseline",
                                 "sir", "starsim", "ui"}
    assert WORKER_TASKS["engine"] is suite.measure_engine


def test_recorded_results_render():
    results = json.loads(RESULTS.read_text())
    text = suite.render_markdown(results)
    for name in results["benchmarks"]:
        if name != "ui_step":  # shown in the targets table only
            assert f"### {name}" in text
    assert "| throughput at 1,000,000 households |" in text

