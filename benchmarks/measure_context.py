"""Measurements that put the engine in context, each run inside a fresh worker
process: the bare SIR anchor, Starsim's SIR, and the workshop page.

Like `benchmarks.measure_model`, these are called by
`python -m benchmarks._worker TASK ARGS` (registry: `benchmarks.tasks`), and
import the model and the UI inside the functions only.
"""

from __future__ import annotations

import os
import time
from typing import Any

from benchmarks.config import SEED, STRATEGY


def measure_sir(n: int, steps: int) -> dict[str, Any]:
    """The bare SIR anchor (benchmarks/anchors.py) on the model's layered network."""
    import numba

    from benchmarks.anchors import run_sir
    from scenarios import make_model
    from sim.params import Params

    # The network does not depend on the burn-in or the tenure: skip them where the model
    # has them.
    skip = {k: 0 for k in ("run.warm_up_days", "run.tenure_days") if k in Params.specs()}
    kw = {"overrides": skip} if skip else {}

    def network(size):
        return make_model(STRATEGY, "none", n_households=size, days=1, seed=SEED,
                          **kw).network  # no shock: a one-day run cannot reach its onset

    t0 = time.perf_counter()
    small = network(1_000)
    run_sir(small.indptr, small.indices, small.weight, 3)
    compile_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    net = network(n)
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    s, i, r = run_sir(net.indptr, net.indices, net.weight, steps)
    step = time.perf_counter() - t0
    return {"n_nodes": n, "steps": steps, "threads": numba.get_num_threads(),
            "compile_s": compile_s, "build_s": build, "step_s": step,
            "node_steps_per_s": n * steps / step, "mean_degree": len(net.indices) / n,
            "final_sir": [s, i, r]}


def measure_starsim(n: int, mean_degree: float, steps: int) -> dict[str, Any]:
    """Starsim's SIR on a random network of n agents and the given mean degree.

    Best effort across Starsim versions: any failure is reported, not raised.
    """
    try:
        import starsim as ss
    except ImportError:
        return {"status": "not installed"}
    version = getattr(ss, "__version__", "?")
    pars = {"n_agents": n, "networks": {"type": "random", "n_contacts": round(mean_degree)},
            "diseases": {"type": "sir", "init_prev": 0.001, "beta": 0.3},
            "start": 0, "stop": steps, "dt": 1}
    try:
        t0 = time.perf_counter()
        sim = ss.Sim(pars)
        sim.init()
        build = time.perf_counter() - t0
        t0 = time.perf_counter()
        sim.run()
        step = time.perf_counter() - t0
        npts = None
        for attr in ("npts", "t.npts"):
            obj = sim
            try:
                for part in attr.split("."):
                    obj = getattr(obj, part)
                npts = int(obj)
                break
            except (AttributeError, TypeError, ValueError):
                continue
        npts = npts or steps
        return {"status": "ok", "version": version, "n_agents": n, "steps": npts,
                "network": "random (Starsim RandomNet)", "build_s": build, "step_s": step,
                "agent_steps_per_s": n * npts / step}
    except Exception as exc:  # noqa: BLE001 - report whatever this Starsim version says
        return {"status": f"failed: {type(exc).__name__}: {exc}", "version": version}


def measure_ui(n_households: int, clicks: int) -> dict[str, Any]:
    """The workshop page rendered in Python (solara.render, as the component
    tests do): time to the first render, then Step clicks, each a model step
    plus the redraw of every panel on the server."""
    os.environ["GRASSROOTS_UI_MAX_HOUSEHOLDS"] = str(n_households)
    os.environ.setdefault("REACTON_FAST", "1")  # as `grassroots ui` sets it
    import ipyvuetify as v
    import solara

    import viz.app

    t0 = time.perf_counter()
    box, rc = solara.render(solara.AppLayout(children=[viz.app.Page()]), handle_error=False)
    first = time.perf_counter() - t0
    step = rc.find(v.Btn, children=["Next day"]).widget
    step.click()  # the first day compiles nothing new, but warms the caches
    times = []
    for _ in range(clicks):
        t0 = time.perf_counter()
        step.click()
        times.append(time.perf_counter() - t0)
    rc.close()
    times.sort()
    return {"n_households": n_households, "clicks": clicks, "first_render_s": first,
            "step_redraw_ms_median": 1e3 * times[len(times) // 2],
            "step_redraw_ms_max": 1e3 * times[-1]}
