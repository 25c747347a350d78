"""Runners: execute an experiment's runs serially, on local processes, or on Dask.

Every run is a `Task` (strategy, shock, parameter point, replicate, seed); a
worker builds the model, runs it, and writes its row and series into the
store itself, atomically, so an interrupted sweep loses only runs in flight.
Replicate k uses seed `spec.seed + k` under every strategy, shock and point:
common random numbers, so paired differences are policy, not luck.

Executors: "serial" (this process), "process" (default: one worker process
per core, each with one Numba thread), "dask" (an existing cluster at
`dask_address` / DASK_SCHEDULER_ADDRESS, or a LocalCluster). Workers warm the
compiled kernels once when they start.
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.designs import points
from experiments.spec import ExperimentSpec
from experiments.store import Store
from sim.errors import SpecError
from sim.io import environment

EXECUTORS = ("serial", "process", "dask")


@dataclass(frozen=True)
class Task:
    """One run of an experiment."""

    run_id: int
    strategy: str
    shock: str
    point: int
    replicate: int
    seed: int
    days: int
    params: dict[str, Any] = field(default_factory=dict)
    outcomes: tuple[str, ...] = ()
    series: tuple[str, ...] = ()


def make_tasks(spec: ExperimentSpec) -> list[Task]:
    """All runs of the spec, numbered in a fixed order: point, shock, strategy, replicate."""
    tasks = []
    for p, pars in enumerate(points(spec)):
        for shock in spec.shocks:
            for strategy in spec.strategies:
                for k in range(spec.replicates):
                    tasks.append(Task(len(tasks), strategy, shock, p, k, spec.seed + k, spec.days,
                                      pars, spec.outcomes, spec.series))
    return tasks


def run_task(task: Task, root: str | None = None, threads: int | None = None) -> dict[str, Any]:
    """Run one task; write it into the store at `root` if given; return its row.

    `threads` sets this thread's Numba threads first: a worker that runs
    several models at once (one per core) wants 1. (Numba's setting is per
    thread, and Dask runs tasks in its own threads, so it is set here.)"""
    from scenarios import make_model
    from sim.kernels.record import COLUMNS

    if threads:
        import numba

        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))

    model = make_model(task.strategy, task.shock, days=task.days, seed=task.seed,
                            overrides=task.params)
    summary = model.run().as_dict()
    row = {"run_id": task.run_id, "strategy": model.strategy.name, "shock": model.shock.name,
           "point": task.point, "replicate": task.replicate, "seed": task.seed}
    row.update({k: v for k, v in task.params.items()})
    row.update({k: summary[k] for k in task.outcomes})
    series = None
    if task.series:
        cols = [COLUMNS.index(m) for m in task.series]
        days = model.daily.shape[0]
        values = model.daily[:, cols]
        series = pd.DataFrame({
            "run_id": task.run_id,
            "day": pd.Series(range(days)).repeat(len(cols)).to_numpy(),
            "metric": list(task.series) * days,
            "value": values.reshape(-1)})
    if root is not None:
        Store(root).write_run(task.run_id, row, series)
    return row


def warm_up(threads: int | None = 1) -> None:
    """Load (or compile) every kernel once, with `threads` Numba threads."""
    import numba

    from scenarios import make_model

    if threads:
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    make_model("status_quo", "compound", n_households=60, days=30).run()


def manifest(spec: ExperimentSpec, tasks: list[Task]) -> dict[str, Any]:
    """What a results folder needs to be rerun: the spec and every task."""
    return {"spec": spec.to_dict(),
            "tasks": [{k: v for k, v in asdict(t).items() if k not in ("outcomes", "series")}
                      for t in tasks],
            **environment()}


def _progress(total: int, initial: int, enabled: bool):
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="run", disable=not enabled,
                file=sys.stderr, dynamic_ncols=True, smoothing=0.1)


def execute(spec: ExperimentSpec, out: str | Path, executor: str = "process",
            workers: int | None = None, resume: bool = False, progress: bool = True,
            dask_address: str | None = None, tasks: list[Task] | None = None) -> Store:
    """Run every missing run of `spec` into the store at `out`, then compact it.

    `tasks` replaces the spec's own runs (`make_tasks(spec)`) for designs a
    spec cannot express, such as `grassroots robustness`'s worlds."""
    if executor not in EXECUTORS:
        raise SpecError(f"executor {executor!r} is unknown; allowed: {', '.join(EXECUTORS)}")
    if workers is not None and workers < 1:
        raise SpecError(f"workers = {workers}: must be at least 1")
    tasks = make_tasks(spec) if tasks is None else tasks
    store = Store(out)
    done = store.open(manifest(spec, tasks), resume)
    todo = [t for t in tasks if t.run_id not in done]
    root = str(store.root)
    bar = _progress(len(tasks), len(tasks) - len(todo), progress)
    start = time.time()
    try:
        if not todo:
            pass
        elif executor == "serial":
            warm_up(threads=None)
            for t in todo:
                run_task(t, root)
                bar.update()
        elif executor == "process":
            n = workers or os.cpu_count() or 1
            with ProcessPoolExecutor(max_workers=min(n, len(todo)), mp_context=get_context("spawn"),
                                     initializer=warm_up) as pool:
                futures = [pool.submit(run_task, t, root, 1) for t in todo]
                try:
                    for f in as_completed(futures):
                        f.result()
                        bar.update()
                except BaseException:
                    pool.shutdown(wait=False, cancel_futures=True)
                    raise
        else:
            _execute_dask(todo, root, workers, dask_address, bar)
    except KeyboardInterrupt:
        bar.close()
        n_done = len(store.done_ids())
        raise SpecError(f"interrupted after {time.time() - start:.0f} s: {n_done} of "
                        f"{len(tasks)} runs are saved in {store.root}; rerun with --resume "
                        "to finish") from None
    bar.close()
    store.compact()
    return store


def _execute_dask(todo: list[Task], root: str, workers: int | None, address: str | None,
                  bar) -> None:
    from dask.distributed import Client, LocalCluster
    from dask.distributed import as_completed as dask_completed

    address = address or os.environ.get("DASK_SCHEDULER_ADDRESS")
    cluster = None
    if address:
        client = Client(address)
    else:
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        client.run(warm_up)
        futures = client.map(run_task, todo, root=root, threads=1, pure=False)
        for f in dask_completed(futures):
            f.result()
            bar.update()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
