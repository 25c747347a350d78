"""Department trips left unused at the end of a day while a case waits (docs/ODD.md 7.8.3).

Rule 7 pairs a fraction of a trip with the rest from one department and rule
7a pools the grids' unused dashboard shares, so the dashboard's split of the
trips loses nothing while a case waits, up to what is left in pieces no
single holder can complete: a fraction in the pool and in each department,
each smaller than the next case's cost. This diagnostic measures that
residual: it runs the model with `serve_departments` (the kernel that spends the
day's trips, after `queue_cases` and `share_trips`) replaced by a Python
copy of the kernel's own source that records, at the end of each day, the
trips left (pool, grids, departments) and the cases still waiting that a
trip could serve (goods to deliver, a trip that gets through). The copy runs
the same code, so the run is the model's (its daily series are unchanged;
checked). Slow (the kernel in Python): a few minutes.

    python -m experiments.validation.trip_residual [--households N] [--seed S]
"""

from __future__ import annotations

import argparse
import inspect
import math
import textwrap

import numpy as np

import sim.kernels.departments as departments

# appended to the copy: the day's remainder, and the cases a trip could still serve
_TAIL = '''
    rest_of_day = spare + float(np.sum(left)) + float(np.sum(grid_trips))
    waiting = 0
    for c in range(n_cases):
        i = ks[c] & 0xFFFFFFFF
        if t_dispatch[i] >= 0:
            g = grid[i]
            h_g = 0.0 if depot[g] > 0.0 else hazard[g]
            through = trip_cost(h_g, power[g], hazard_mobility_loss, power_delivery_loss) > 0.0
            if through and (need[i] <= 0.0 or depot[g] + warehouse[0] > 0.0):
                waiting += 1
    LOG.append((CLOCK(), rest_of_day, waiting))
'''


def instrumented(clock=lambda: -1):
    """(a Python copy of serve_departments that logs each day, its log); `clock()`
    gives the day logged (the model's clock: the kernel itself does not take the day)."""
    src = textwrap.dedent(inspect.getsource(departments.serve_departments.py_func))
    src = src.replace("@njit(cache=True)\n", "")
    log: list[tuple[int, float, int]] = []
    ns = {"np": np, "math": math, "department_of": departments.department_of,
          "trip_cost": departments.trip_cost, "LOG": log, "CLOCK": clock}
    exec(src.rstrip() + "\n" + _TAIL, ns)  # the kernel's own code, with the tail above
    return ns["serve_departments"], log


def install(m, kernel) -> None:
    """Put `kernel` in place of model `m`'s `serve_departments` kernel (in both its
    routines; the phase's other kernels stay)."""
    for calls in m._call_sets.values():
        for call in calls["serve_departments"]:
            if call.name == "serve_departments":
                call.kernel = kernel


def residual(strategy: str, shock: str, households: int = 5_000, seed: int = 1,
             overrides: dict | None = None) -> dict[str, float]:
    """Trips left at the end of the recorded days on which a case still waited."""
    from scenarios import make_model

    m = make_model(strategy, shock, n_households=households, seed=seed,
                   overrides=overrides or {})
    kernel, log = instrumented(lambda: m.clock)
    install(m, kernel)
    m.run()
    a = np.array(log).reshape(-1, 3)  # days without a case return before logging
    rec = a[a[:, 0] >= m.burn_in]
    left = rec[rec[:, 2] > 0]
    per_day = float(np.sum(m.state.department_capacity))  # trips a day, all departments
    return {"days": m.days, "trips": per_day * m.days, "days_waiting": len(left),
            "left": float(left[:, 1].sum()) if len(left) else 0.0,
            "left_max": float(left[:, 1].max()) if len(left) else 0.0}


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--households", type=int, default=5_000)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args(argv)
    print("| strategy | shock | dashboard allocation | days a case waited at day end | "
          "trips left on those days (max on one) | of the trips |")
    print("|---|---|---|---|---|---|")
    for shock in ("flood", "lockdown"):
        for alloc in (None, 0.0):
            over = {} if alloc is None else {"governance.dashboard_allocation": alloc}
            r = residual("top_down_digital", shock, args.households, args.seed, over)
            print(f"| top_down_digital | {shock} | {'its own (0.5)' if alloc is None else '0'} "
                  f"| {r['days_waiting']} of {r['days']} | {r['left']:.1f} ({r['left_max']:.2f}) "
                  f"| {100 * r['left'] / r['trips']:.2f}% of {r['trips']:,.0f} |")


if __name__ == "__main__":
    main()
