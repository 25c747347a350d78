"""Runners: execute an experiment's runs serially, on local processes, or on Dask.

Every run is a `Task` (strategy, shock, parameter point, replicate, seed); a
worker builds the model, runs it, and writes its row and series into the
store itself, atomically, so an interrupted sweep loses only runs in flight.
Replicate k uses seed `spec.seed + k` under every strategy, shock and point:
common random numbers, so paired differences are policy, not luck. With
`counterfactual = true` each (point, strategy, replicate) also gets one
no-shock run; a row records what pairs it (strategy, point, replicate, seed)
and the shock's onset, so the analysis can pair runs in the store.

Before the progress bar starts, the kernels are loaded once in this process
(compiled on the first run, which is said), so the bar's clock and its
estimate measure runs, not compilation.

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
    """All runs of the spec, numbered in a fixed order: point, shock, strategy,
    replicate; then, with `counterfactual`, the no-shock runs (point, strategy,
    replicate) unless the spec's shocks already include "none"."""
    tasks = []
    pts = points(spec)
    for p, pars in enumerate(pts):
        for shock in spec.shocks:
            for strategy in spec.strategies:
                for k in range(spec.replicates):
                    tasks.append(Task(len(tasks), strategy, shock, p, k, spec.seed + k, spec.days,
                                      pars, spec.outcomes, spec.series))
    if spec.counterfactual and "none" not in spec.shocks:
        for p, pars in enumerate(pts):
            for strategy in spec.strategies:
                for k in range(spec.replicates):
                    tasks.append(Task(len(tasks), strategy, "none", p, k, spec.seed + k,
                                      spec.days, pars, spec.outcomes, spec.series))
    return tasks


def _numba_threads(threads: int | None) -> None:
    if threads:
        import numba

        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))


def run_task(task: Task, root: str | None = None, threads: int | None = None) -> dict[str, Any]:
    """Run one task; write it into the store at `root` if given; return its row.

    `threads` sets this thread's Numba threads first: a worker that runs
    several models at once (one per core) wants 1. (Numba's setting is per
    thread, and Dask runs tasks in its own threads, so it is set here.)"""
    from scenarios import make_model

    _numba_threads(threads)
    model = make_model(task.strategy, task.shock, days=task.days, seed=task.seed,
                       overrides=task.params)
    model.run()
    return _record(task, model, root)


def fork_key(task: Task) -> tuple:
    """What keys a task's shared past: strategy, seed and every parameter
    (all act before day 0, but the run's length); never the shock."""
    import json

    return task.strategy, task.seed, json.dumps(task.params, sort_keys=True, default=str)


def fork_groups(tasks: list[Task]) -> list[list[Task]]:
    """Tasks grouped by `fork_key`, in the order of each group's first task."""
    groups: dict[tuple, list[Task]] = {}
    for t in tasks:
        groups.setdefault(fork_key(t), []).append(t)
    return list(groups.values())


def run_group(tasks: list[Task], root: str | None = None,
              threads: int | None = None) -> list[dict[str, Any]]:
    """Run tasks of one `fork_key` (e.g. one strategy and replicate under every
    shock and without one): their shared past (warm-up, tenure and the days
    before any of their shocks acts) is simulated once and each run continues
    from it (sim.fork.forked_runs), the same runs, byte for byte, as `run_task`'s.
    Each run is written into the store as it finishes; returns their rows."""
    from scenarios.models import resolve
    from sim.fork import forked_runs

    _numba_threads(threads)
    t0 = tasks[0]
    strategy, _ = resolve(t0.strategy, None)
    shocks = [resolve(t0.strategy, t.shock)[1] for t in tasks]
    rows = []
    for i, model in forked_runs(strategy, shocks, [t.days for t in tasks], seed=t0.seed,
                                overrides=t0.params):
        model.run()
        rows.append(_record(tasks[i], model, root))
    return rows


def _record(task: Task, model, root: str | None) -> dict[str, Any]:
    """The run's row (and series), written into the store at `root` if given."""

    summary = model.summary().as_dict()
    row = {"run_id": task.run_id, "strategy": model.strategy.name, "shock": model.shock.name,
           "point": task.point, "replicate": task.replicate, "seed": task.seed,
           "onset": int(model.schedule.onset)}
    row.update({k: v for k, v in task.params.items()})
    row.update({k: summary[k] for k in task.outcomes})
    series = None
    if task.series:
        cols = [model.columns.index(m) for m in task.series]
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


def check_tasks(tasks: list[Task]) -> None:
    """Open and check every input the runs will use, before anything is written:
    each strategy and shock (files included), each parameter point, each
    network file (read for its city size) and each shock against its run's
    horizon and city (`sim.inputs.check_shock`). A bad input is one SpecError
    naming the run it belongs to and what is wrong; a sweep never starts
    (and never writes a manifest) only to fail at its first run."""
    from scenarios import load_shock, load_strategy
    from sim.district import read_district
    from sim.errors import GrassrootsError
    from sim.inputs import check_shock
    from sim.network import read_network
    from sim.params import Params
    from sim.population import grid_communities

    loaded: dict[tuple[str, str], Any] = {}
    points: dict[str, Params] = {}
    checked: set = set()
    for t in tasks:
        what = f"run {t.run_id} ({t.strategy} under {t.shock}, point {t.point})"
        try:
            for kind, name in (("strategy", t.strategy), ("shock", t.shock)):
                if (kind, name) not in loaded and not (kind == "shock" and name == "none"):
                    loaded[kind, name] = (load_strategy if kind == "strategy"
                                          else load_shock)(name)
            key = repr(sorted(t.params.items()))
            if key not in points:
                points[key] = Params().with_overrides(t.params)
            p = points[key]
            net, pop = p.network, p.population
            if net.kind == "edge_list" and (net, pop.n_households) not in checked:
                if not net.edge_list:
                    raise SpecError("network.edge_list must be set when network.kind = "
                                    "'edge_list'")
                read_network(net.edge_list, pop.n_households, net.format, net.node_ids,
                             net.weight_scale)
                checked.add((net, pop.n_households))
            if t.shock != "none" and (t.shock, t.days, pop) not in checked:
                if pop.district:  # a district's grids, size and map attributes
                    d = read_district(pop.district)
                    check_shock(loaded["shock", t.shock], t.days, d.community,
                                d.n_households, d)
                else:
                    check_shock(loaded["shock", t.shock], t.days, grid_communities(pop),
                                pop.n_households)
                checked.add((t.shock, t.days, pop))
        except GrassrootsError as e:
            raise SpecError(f"{what}: {e}") from None


def warm_up(threads: int | None = 1) -> None:
    """Load (or compile) every kernel once, with `threads` Numba threads."""
    import numba

    from scenarios import make_model

    if threads:
        numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
    # every kernel runs (the warm-up's and tenure's days too): a day of each is enough
    make_model("status_quo", "none", n_households=60, days=2, seed=0,
               overrides={"run.warm_up_days": 1, "run.tenure_days": 1}).run()


def kernels_cached(root: Path | None = None) -> bool:
    """Whether every module under sim/ with cached Numba functions has a cache
    index (*.nbi) in its __pycache__: False means this run compiles them."""
    if os.environ.get("NUMBA_CACHE_DIR") or os.environ.get("NUMBA_DISABLE_JIT"):
        return True  # cache elsewhere (or no compiling): do not guess
    root = root or Path(__file__).resolve().parents[1] / "sim"
    for f in root.rglob("*.py"):
        if "cache=True" in f.read_text(errors="ignore"):
            if not any((f.parent / "__pycache__").glob(f"{f.stem}.*.nbi")):
                return False
    return True


def load_kernels(say=print) -> float:
    """Load the model's kernels in this process, compiling them if the cache is
    cold (which is said first); returns the seconds it took."""
    say("compiling the model's kernels (first run only, 1-4 minutes)..."
        if not kernels_cached() else "loading the model's kernels...")
    t0 = time.time()
    warm_up(threads=None)
    took = time.time() - t0
    say(f"kernels ready in {took:.0f} s")
    return took


def _ready() -> int:
    """A no-op a worker runs once its initializer (warm_up) has finished."""
    return os.getpid()


def manifest(spec: ExperimentSpec, tasks: list[Task]) -> dict[str, Any]:
    """What a results folder needs to be rerun: the spec and every task."""
    return {"spec": spec.to_dict(),
            "tasks": [{k: v for k, v in asdict(t).items() if k not in ("outcomes", "series")}
                      for t in tasks],
            **environment()}


def _progress(total: int, initial: int, enabled: bool):
    import threading

    from tqdm import tqdm

    # A thread lock: tqdm's default also makes a multiprocessing semaphore, which
    # the command's fast exit leaves behind ("leaked semaphore" warning).
    tqdm.set_lock(threading.RLock())
    return tqdm(total=total, initial=initial, unit="run", disable=not enabled,
                file=sys.stderr, dynamic_ncols=True, smoothing=0.1, leave=True)


def _advance(bar) -> None:
    """One run done. The last one only counts, so the final bar is drawn once,
    by close(), not by update() and again by close()."""
    if bar.total is not None and bar.n + 1 >= bar.total:
        bar.n += 1
    else:
        bar.update()


def execute(spec: ExperimentSpec, out: str | Path, executor: str = "process",
            workers: int | None = None, resume: bool = False, progress: bool = True,
            dask_address: str | None = None, tasks: list[Task] | None = None,
            fork: bool = True) -> Store:
    """Run every missing run of `spec` into the store at `out`, then compact it.

    `tasks` replaces the spec's own runs (`make_tasks(spec)`) for designs a
    spec cannot express, such as `grassroots robustness`'s worlds. With
    `fork` (default), the runs that share a past (`fork_key`: strategy, seed,
    parameters) are one unit of work, their past simulated once (`run_group`);
    `fork=False` runs each straight through (the same results, slower)."""
    if executor not in EXECUTORS:
        raise SpecError(f"executor {executor!r} is unknown; allowed: {', '.join(EXECUTORS)}")
    if workers is not None and workers < 1:
        raise SpecError(f"workers = {workers}: must be at least 1")
    tasks = make_tasks(spec) if tasks is None else tasks
    check_tasks(tasks)  # every input opened and checked before anything is written
    store = Store(out)
    fresh = not store.manifest_path.is_file()
    done = store.open(manifest(spec, tasks), resume)
    try:
        _execute(store, tasks, done, executor, workers, progress, dask_address, fork)
    except BaseException:
        if fresh:
            store.discard_if_empty()  # a failed first start leaves nothing behind
        raise
    return store


def _execute(store: Store, tasks: list[Task], done: set[int], executor: str,
             workers: int | None, progress: bool, dask_address: str | None,
             fork: bool) -> None:
    todo = [t for t in tasks if t.run_id not in done]
    work = fork_groups(todo) if fork else [[t] for t in todo]
    root = str(store.root)
    say = (lambda m: print(m, file=sys.stderr, flush=True)) if progress else (lambda m: None)
    bar = None

    def begin():  # the bar (and its clock) start once the kernels are loaded
        nonlocal bar
        bar = _progress(len(tasks), len(tasks) - len(todo), progress)
        return bar

    start = time.time()
    try:
        if not todo:
            begin()
        elif executor == "serial":
            load_kernels(say)
            for group in work:
                for _ in _run_work(group, root):
                    _advance(bar or begin())
        elif executor == "process":
            n = min(workers or os.cpu_count() or 1, len(work))
            if not kernels_cached():
                load_kernels(say)  # compile once here; the workers then load the cache
            say(f"loading the model's kernels in {n} worker process{'es' * (n > 1)}...")
            t0 = time.time()

            def ready():
                say(f"workers ready in {time.time() - t0:.0f} s")
                return begin()

            def advance(bar, done):
                for _ in done:
                    _advance(bar)

            run_in_processes(work, root, n, ready, advance)
        else:
            _execute_dask(work, root, workers, dask_address, begin, say)
    except KeyboardInterrupt:
        if bar is not None:
            bar.close()
        n_done = len(store.done_ids())
        raise SpecError(f"interrupted after {time.time() - start:.0f} s: {n_done} of "
                        f"{len(tasks)} runs are saved in {store.root}; rerun with --resume "
                        "to finish") from None
    (bar or begin()).close()
    store.compact()


def run_in_processes(work: list, root: str | None, n: int, ready, advance,
                     fn=None, initializer=warm_up) -> None:
    """Run `fn(unit, root, 1)` (default `_run_work`: a task, or a group forked
    from its past) for every unit of `work` on `n` spawned worker processes;
    `ready()` is called once every worker has started and returns the progress
    bar that `advance(bar, result)` moves on.

    On any error or interrupt the queued tasks are cancelled and every worker
    is terminated and joined before the error goes on: a failed sweep leaves
    no process behind (tests/test_bad_files.py)."""
    fn = fn or _run_work
    pool = process_pool(n, initializer)
    try:
        for f in [pool.submit(_ready) for _ in range(n)]:
            f.result()
        bar = ready()
        futures = [pool.submit(fn, unit, root, 1) for unit in work]
        for f in as_completed(futures):
            advance(bar, f.result())
    except BaseException:
        stop_pool(pool)
        raise
    pool.shutdown(wait=True)


def process_pool(n: int, initializer=None) -> ProcessPoolExecutor:
    """A pool of `n` spawned worker processes (stop it with `stop_pool` on failure)."""
    return ProcessPoolExecutor(max_workers=n, mp_context=get_context("spawn"),
                               initializer=initializer)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Cancel what is queued, terminate every worker (a run in flight is lost; its
    files are written atomically, so nothing partial remains), then join the
    pool's manager thread and the workers.

    The pool's worker table and manager thread are private and dropped by its
    first `shutdown`, so both are taken before it; the manager thread is joined
    before the workers, since it reaps them too and two threads reaping one
    process can leave it listed as running (CI saw a worker outlive a failed
    run that way)."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for p in procs:
        if p.is_alive():
            p.terminate()
    if manager is not None:
        manager.join()
    for p in procs:
        p.join(timeout=10)
        if p.is_alive():
            p.kill()
            p.join()


def _run_work(group: list[Task], root: str | None, threads: int | None = None) -> list:
    """A unit of work: one task straight through, or a group forked from its past."""
    if len(group) == 1:
        return [run_task(group[0], root, threads)]
    return run_group(group, root, threads)


def _execute_dask(work: list[list[Task]], root: str, workers: int | None, address: str | None,
                  begin, say) -> None:
    from dask.distributed import Client, LocalCluster
    from dask.distributed import as_completed as dask_completed

    address = address or os.environ.get("DASK_SCHEDULER_ADDRESS")
    cluster = client = None
    try:
        if address:
            client = Client(address)
        else:
            cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1,
                                   threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
        if not kernels_cached():
            load_kernels(say)  # compile once here; the workers then load the cache
        say("loading the model's kernels in the Dask workers...")
        t0 = time.time()
        client.run(warm_up)
        say(f"workers ready in {time.time() - t0:.0f} s")
        bar = begin()
        futures = client.map(_run_work, work, root=root, threads=1, pure=False)
        for f in dask_completed(futures):
            for _ in f.result():
                _advance(bar)
    finally:  # on every path: the client, then the cluster (its worker processes) closed
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
