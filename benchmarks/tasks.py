"""The measurements a worker process can run, by name.

`python -m benchmarks._worker TASK ARGS` looks TASK up here; the parent
names it in `runner.run_worker`. The functions live in
`benchmarks.measure_model`, `benchmarks.measure_context` and
`benchmarks.threads_under_load`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.district_build import measure_district
from benchmarks.measure_context import measure_sir, measure_starsim, measure_ui
from benchmarks.measure_model import (
    measure_engine,
    measure_fork,
    measure_memory,
    measure_memory_baseline,
    measure_phases,
    measure_reference,
)
from benchmarks.threads_under_load import measure_threading

WORKER_TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "engine": measure_engine, "reference": measure_reference, "phases": measure_phases,
    "memory": measure_memory, "memory_baseline": measure_memory_baseline,
    "fork": measure_fork,
    "sir": measure_sir, "starsim": measure_starsim, "ui": measure_ui,
    "threading": measure_threading, "district": measure_district,
}
