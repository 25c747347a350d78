"""A deterministic parallel sampler for pyabc: the same seed gives the same posterior.

pyabc's parallel samplers seed each evaluation from the clock, and which
particles a generation keeps depends on which finish first. Here evaluation
j of generation t draws from a generator seeded by (seed, t, j), and the
generation keeps the first n accepted particles in evaluation order (those
after the n-th accepted one are discarded even when they finished first),
so the result depends on neither timing nor the number of workers. Any
executor with `submit(fn, *args)` returning a future with `done()`,
`result()` and `cancel()` works: a process pool, a Dask client, or
`InlineExecutor` (this process, one evaluation at a time).
"""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager

import cloudpickle
import numpy as np
from pyabc.sampler import Sampler


def job_seed(seed: int, t: int, j: int) -> int:
    """The NumPy seed of evaluation j of generation t."""
    return int(np.random.SeedSequence([seed, t + 1, j]).generate_state(1)[0])


@contextmanager
def global_draws(seed: int, python: bool = True) -> Iterator[None]:
    """NumPy's (and Python's) global generators seeded for the block, the caller's
    state given back after it. pyabc draws from the global generators and takes
    no generator of its own, so this is the one place they are seeded; nothing
    outside the block sees it (InlineExecutor runs in the caller's process)."""
    np_state, py_state = np.random.get_state(), random.getstate()
    np.random.seed(seed)
    if python:
        random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(np_state)
        random.setstate(py_state)


# the generation's evaluation function, unpickled once per process (by its digest): it
# took about 8 ms to unpickle, a tenth of a batch's time
_LOADED: dict[bytes, object] = {}


def run_jobs(simulate_one_pickle: bytes, seeds: list[tuple[int, int]],
             threads: int | None = None) -> list:
    """Evaluate one particle per (job id, seed): [(job id, particle)] (runs in a
    worker), with `threads` Numba threads (None: as they are). Numba's thread count
    belongs to the calling thread, and a Dask worker runs tasks on threads of its
    own, so it is set here, for the batch, and given back after it."""
    from sim.model import numba_threads

    digest = hashlib.blake2b(simulate_one_pickle, digest_size=16).digest()
    simulate_one = _LOADED.get(digest)
    if simulate_one is None:
        _LOADED.clear()  # another generation's
        simulate_one = _LOADED[digest] = cloudpickle.loads(simulate_one_pickle)
    out = []
    with numba_threads(threads):
        for j, s in seeds:
            with global_draws(s):
                out.append((j, simulate_one()))
    return out


class InlineExecutor:
    """An executor that runs each submitted call at once, in this process."""

    def submit(self, fn, *args, **kwargs) -> Future:
        f: Future = Future()
        f.set_result(fn(*args, **kwargs))
        return f

    def shutdown(self, wait: bool = True) -> None:
        """Nothing to stop."""


class OrderedSampler(Sampler):
    """Evaluate particles in batches on `executor`; keep them in evaluation order.

    Args:
        executor: where evaluations run (see the module docstring).
        seed: the calibration's seed.
        in_flight: batches submitted at a time (about twice the workers).
        batch: evaluations per submitted batch.
        threads: Numba threads per evaluation (None: the executor's as they are);
            the numbers do not depend on it.
    """

    def __init__(self, executor, seed: int, in_flight: int = 4, batch: int = 2,
                 threads: int | None = None):
        super().__init__()
        self.executor = executor
        self.seed = seed
        self.in_flight = max(1, in_flight)
        self.batch = max(1, batch)
        self.threads = threads

    def __getstate__(self):
        d = dict(self.__dict__)
        d.pop("executor", None)
        return d

    def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf,
                                all_accepted=False, ana_vars=None):
        payload = cloudpickle.dumps(simulate_one)
        results: dict[int, object] = {}
        running: list = []
        next_id = 0
        n_accepted = 0
        scanned = accepted_in_scanned = 0  # the contiguous done ids looked at so far

        def prefix():
            """(accepted count, id of the n-th accepted) over the contiguous done ids,
            scanning on from where the last call stopped."""
            nonlocal scanned, accepted_in_scanned
            while scanned in results:
                if results[scanned].accepted:
                    accepted_in_scanned += 1
                    if accepted_in_scanned == n:
                        return accepted_in_scanned, scanned
                scanned += 1
            return accepted_in_scanned, None

        while True:
            for job in [r for r in running if r.done()]:
                running.remove(job)
                for j, particle in job.result():
                    results[j] = particle
                    n_accepted += bool(particle.accepted)
            count, nth = prefix()
            if nth is not None:
                for job in running:
                    job.cancel()
                break
            if n_accepted < n and next_id < max_eval:
                while len(running) < self.in_flight and next_id < max_eval:
                    ids = range(next_id, int(min(next_id + self.batch, max_eval)))
                    seeds = [(j, job_seed(self.seed, t, j)) for j in ids]
                    running.append(self.executor.submit(run_jobs, payload, seeds,
                                                        self.threads))
                    next_id = ids[-1] + 1
            elif not running:
                break  # max_eval reached (or every id done) without n acceptances
            if all(isinstance(r, Future) for r in running):  # processes, this process
                wait(running, timeout=0.5, return_when=FIRST_COMPLETED)
            else:  # Dask's futures: look again shortly
                time.sleep(0.002)
        sample = self._create_empty_sample()
        last = nth if nth is not None else max(results, default=-1)
        for j in range(last + 1):
            if j in results:
                sample.append(results[j])
        self.nr_evaluations_ = last + 1
        if nth is None:
            sample.ok = False
        return sample
