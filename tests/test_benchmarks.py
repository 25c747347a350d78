"""The benchmark suite's plumbing (benchmarks/): selection, the recorded results
rendering, the busy loop of `threads_under_load`, and its environments. No
model runs here: the measurements themselves are what `python -m benchmarks`
is for.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

import benchmarks
from benchmarks import suite
from benchmarks.__main__ import parser
from benchmarks.runner import CpuMeter
from benchmarks.tasks import WORKER_TASKS
from benchmarks.threads_under_load import (
    OPTIONS,
    BusyLoop,
    _option_env,
    render_threads_under_load,
)

RESULTS = Path(benchmarks.__file__).parent / "results.json"


def test_every_benchmark_can_be_selected_alone():
    names = list(suite.BENCHMARKS)
    assert "threads_under_load" in names
    for name in names:
        assert parser().parse_args(["--only", name]).only == [name]
    with pytest.raises(SystemExit):
        parser().parse_args(["--only", "no_such_benchmark"])


def test_worker_tasks_are_the_measurements():
    assert set(WORKER_TASKS) == {"engine", "reference", "phases", "memory", "memory_baseline",
                                 "sir", "starsim", "ui", "threading", "fork", "district"}
    assert WORKER_TASKS["engine"] is suite.measure_engine


def test_recorded_results_render():
    results = json.loads(RESULTS.read_text())
    text = suite.render_markdown(results)
    for name in results["benchmarks"]:
        if name != "ui_step":  # shown in the targets table only
            assert f"### {name}" in text
    assert "| throughput at 1,000,000 households |" in text


def _run(option, condition, step_median, threads=2):
    return {"option": option, "condition": condition, "threading_layer": "omp",
            "threads": threads, "warmup_s": 0.3, "build_s_median": 0.05, "step_s": step_median,
            "step_s_median": step_median, "busy_loop_cores": 1.0 if condition == "loaded"
            else None, "other_load_cores": 0.0, "waited_for_quiet_s": 0.0,
            "load_average_before": [1.0, 1.0, 1.0]}


def test_threads_under_load_table_ratios():
    medians = {"quiet": [0.3, 0.31, 0.35, 0.5], "loaded": [6.0, 0.62, 0.7, 0.6]}
    runs = [_run(label, cond, medians[cond][i], threads)
            for cond in ("quiet", "loaded") for i, (label, threads, _) in enumerate(OPTIONS)]
    t = {"strategy": "status_quo", "shock": "flood", "n_households": 100_000, "days": 100,
         "repeats": 3, "runs": runs, "identical_state": True, "load_average_end": [2.0],
         "layers": {"tbb": "not available", "omp": "available", "workqueue": "available"},
         "machine": {"cpu": "X", "cores": 2, "versions": {"numba": "0.68.1"},
                     "load_average": [1.5, 1.0, 1.0]}}
    lines = render_threads_under_load(t)
    row = next(x for x in lines if x.startswith("| default (omp) | loaded |"))
    assert "| 20.0x | 10.00x |" in row  # 6.0 / 0.3 quiet, 6.0 / 0.6 one thread loaded
    assert any("load average at the start / end of the benchmark: 1.50 / 2.00 (" in x
               for x in lines)


def test_option_env_clears_inherited_threading_variables(monkeypatch):
    monkeypatch.setenv("OMP_WAIT_POLICY", "ACTIVE")
    monkeypatch.setenv("NUMBA_THREADING_LAYER", "tbb")
    default = _option_env(2, {})
    assert "OMP_WAIT_POLICY" not in default and "NUMBA_THREADING_LAYER" not in default
    assert default["NUMBA_NUM_THREADS"] == "2"
    passive = _option_env(2, {"OMP_WAIT_POLICY": "PASSIVE"})
    assert passive["OMP_WAIT_POLICY"] == "PASSIVE"


def test_busy_loop_is_ours_and_is_killed():
    busy = BusyLoop(max_s=60)
    try:
        busy.start()
        plain, ours = CpuMeter(), CpuMeter(ours_cpu=busy.cpu_s)
        c0 = busy.cpu_s()
        time.sleep(1.0)
        spent = busy.cpu_s() - c0
        other_plain, other_ours = plain.other_cores(), ours.other_cores()
    finally:
        busy.stop()
    assert spent > 0.2, "the busy loop did not run"
    assert other_plain - other_ours == pytest.approx(spent, abs=0.15)
    assert busy.proc.returncode is not None
    with pytest.raises(ProcessLookupError):
        os.kill(busy.proc.pid, 0)
