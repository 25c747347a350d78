"""Verification 4 and 5: departments as a discrete-time queue, and conservation.

The queue theory (the discrete-time Pollaczek-Khinchine mean, Little's law,
batch-means standard errors) and the checks that run the model's department
rule through `sim.processes.department_queue`; then the conservation checks:
mutual aid and department deliveries neither make nor lose essentials. Part
of `experiments.validation` (docs/validation.md, sections 4 and 5).
"""

from __future__ import annotations

import math
import time

import numpy as np

from sim.network import erdos_renyi, from_edges
from sim.processes import department_queue, mutual_aid

from .report import FULL, VERIFICATION, Check, Sizes

# ==========================================================================
# Theory


def batch_queue_mean(mean_a: float, second_moment_a: float) -> float:
    """Mean number left waiting after each service slot in the discrete-time
    single-server queue Q' = max(Q + A - 1, 0) (A i.i.d. arrivals per slot, one
    service per slot): E[Q] = (E[A^2] - E[A]) / (2 (1 - E[A])).

    From Q' = Q + A - 1 + 1{Q + A = 0}: taking means gives P(Q + A = 0) =
    1 - E[A]; squaring and taking means gives the formula (the discrete-time
    Pollaczek-Khinchine mean, e.g. Bruneel & Kim 1993, Discrete-Time Models
    for Communication Systems including ATM, ch. 3). For Poisson A it is
    lambda^2 / (2 (1 - lambda)), the M/D/1 queue length.
    """
    if not mean_a < 1.0:
        return math.inf
    return (second_moment_a - mean_a) / (2.0 * (1.0 - mean_a))


def _batch_means_se(x: np.ndarray, batches: int = 20) -> float:
    """Standard error of a time average by batch means."""
    b = len(x) // batches
    means = x[:b * batches].reshape(batches, b).mean(axis=1)
    return float(means.std(ddof=1) / math.sqrt(batches))



# ==========================================================================
# 4. Departments as a queue

QUEUE_BURN_IN = 200
QUEUE_SE = 4.0  # allowed distance from theory, in standard errors (batch means)


def _queue_numbers(res, eq: float, w: float) -> tuple[bool, dict]:
    """Compare a simulated queue with theory: mean queue at the end of each day and
    mean wait, after the burn-in, each within QUEUE_SE batch-means standard errors."""
    q = res.queue[QUEUE_BURN_IN:]
    waits = _waits_after(res, QUEUE_BURN_IN)
    se_q, se_w = _batch_means_se(q), _batch_means_se(waits)
    ok = abs(q.mean() - eq) <= QUEUE_SE * se_q and abs(waits.mean() - w) <= QUEUE_SE * se_w
    return ok, {"E[Q] theory": eq, "E[Q] simulated": float(q.mean()), "E[Q] SE": se_q,
                "mean wait theory (days)": w, "mean wait simulated": float(waits.mean()),
                "mean wait SE": se_w}


def check_queue_batch(sizes: Sizes = FULL, batch: int = 4, p: float = 0.2) -> Check:
    """Binomial(batch, p) new cases a day, one served a day: Q' = max(Q + A - 1, 0)."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(21)
    arrivals = rng.binomial(batch, p, sizes.queue_days)
    res = department_queue(arrivals, capacity=1.0)
    lam = batch * p
    ea2 = batch * p * (1 - p) + lam ** 2
    eq = batch_queue_mean(lam, ea2)
    w = eq / lam  # Little's law: a case waits one day per end-of-day in the queue
    ok, numbers = _queue_numbers(res, eq, w)
    # A rule that could not serve a case on the day it arrives would shift every
    # wait by one day; shown to make clear the check tells the two apart.
    numbers["mean wait if not served on arrival day"] = w + 1.0
    idle = float(np.mean(res.served[QUEUE_BURN_IN:] == 0))
    ok = ok and abs(idle - (1 - lam)) <= 0.02
    return Check(
        "Departments as a queue",
        f"Binomial({batch}, {p}) cases a day, capacity 1 a day", VERIFICATION, ok,
        f"mean queue and mean wait within {QUEUE_SE:g} standard errors of theory; share of "
        "days with nobody to serve within 0.02 of 1 - lambda",
        "discrete-time queue Q' = max(Q + A - 1, 0): E[Q] = (E[A^2] - E[A])/(2(1 - E[A])) "
        "(Bruneel & Kim 1993); Little's law for the wait",
        {"lambda (cases/day)": lam, **numbers, "idle days theory": 1 - lam,
         "idle days simulated": idle, "days": sizes.queue_days},
        seconds=time.perf_counter() - t0)


def check_queue_periodic(sizes: Sizes = FULL, p: float = 0.25, period: int = 3) -> Check:
    """Bernoulli(p) new cases a day, capacity 1/period a day: one case is served on
    each day d with (d + 1) divisible by `period`. At those service epochs the
    queue is the batch queue with A ~ Binomial(period, p); between them it
    only fills, adding p (period - 1)/2 to the time-average queue."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(22)
    arrivals = rng.binomial(1, p, sizes.queue_days)
    res = department_queue(arrivals, capacity=1.0 / period)
    lam = period * p
    ea2 = period * p * (1 - p) + lam ** 2
    eq_epoch = batch_queue_mean(lam, ea2)
    eq = eq_epoch + p * (period - 1) / 2.0
    w = eq / p
    ok, numbers = _queue_numbers(res, eq, w)
    return Check(
        "Departments as a queue",
        f"Bernoulli({p}) cases a day, capacity 1/{period} a day", VERIFICATION, ok,
        f"mean queue and mean wait within {QUEUE_SE:g} standard errors of theory",
        "embedded batch queue at the service epochs (Binomial(period, p) arrivals) plus the "
        "fill between epochs; Little's law for the wait",
        {"p (cases/day)": p, "load per service epoch": lam, "E[Q] at epochs": eq_epoch,
         **numbers, "days": sizes.queue_days},
        seconds=time.perf_counter() - t0)


def _waits_after(res, burn_in: int) -> np.ndarray:
    """Waits of cases that arrived on or after day `burn_in` (arrival = service - wait)."""
    served_day = np.repeat(np.arange(len(res.served)), res.served)
    return res.waits[served_day - res.waits >= burn_in]


# ==========================================================================
# 5. Conservation


def check_mutual_aid_conservation(n: int = 20_000) -> Check:
    t0 = time.perf_counter()
    rng = np.random.default_rng(31)
    net = _weighted(erdos_renyi(n, 6.0, seed=31), rng)
    reserves = rng.gamma(2.0, 3.0, n)
    need = np.where(rng.random(n) < 0.2, rng.gamma(1.5, 2.0, n), 0.0)
    asked = rng.random(n) < 0.8
    sc = rng.random(n)
    keep, share = 3.0, 0.5
    r = mutual_aid(net, reserves, need, asked, sc, keep, share)
    total_in, total_out = float(r.aid_in.sum()), float(r.aid_out.sum())
    asking = asked & (need > 0)
    surplus = np.maximum(reserves - keep, 0.0)
    checks = {
        "sum aid_out == sum aid_in": abs(total_out - total_in) <= 1e-9 * max(1.0, total_in),
        "reserves fall by aid_out": np.allclose(reserves - r.reserves_after, r.aid_out,
                                                atol=1e-12),
        "need falls by aid_in": np.allclose(need - r.need_after, r.aid_in, atol=1e-12),
        "nobody receives beyond need": bool(np.all(r.aid_in <= need + 1e-12)),
        "nobody gives beyond its offer": bool(np.all(r.aid_out <= share * sc * surplus + 1e-9)),
        "nobody gives below keep_days": bool(np.all(r.reserves_after >= np.minimum(
            reserves, keep) - 1e-9)),
        "only askers receive, only non-askers give": bool(
            np.all(r.aid_in[~asking] == 0.0) and np.all(r.aid_out[asking] == 0.0)),
    }
    ok = all(checks.values())
    numbers = {"households": n, "aid given (days)": total_out, "aid received (days)": total_in,
               "difference": total_out - total_in, "receivers": int((r.aid_in > 0).sum()),
               "givers": int((r.aid_out > 0).sum())}
    numbers.update({k: "yes" if v else "NO" for k, v in checks.items()})
    return Check(
        "Conservation", "mutual aid moves essentials without making or losing any",
        VERIFICATION, ok, "all of the listed identities hold (to 1e-9 relative)",
        "the two-phase offer/accept design of sim/kernels/mutual_aid.py", numbers,
        seconds=time.perf_counter() - t0)


def _weighted(net, rng):
    """The same ties with random symmetric strengths in (0, 1]."""
    rows = np.repeat(np.arange(net.n), net.degree())
    upper = rows < net.indices
    s, d = rows[upper], net.indices[upper].astype(np.int64)
    return from_edges(net.n, s, d, rng.uniform(0.05, 1.0, len(s)))


def check_department_conservation(n: int = 20_000, days: int = 30) -> Check:
    """Departments deliver exactly the need they pay off plus the reserves they add,
    and serve no more than capacity, on a random city state with all four departments."""
    from sim.binding import Namespace, bind
    from sim.phases import kernels_of  # the model's own rule: phase 6c's kernels
    from sim.state import N_DEPARTMENTS

    t0 = time.perf_counter()
    rng = np.random.default_rng(41)
    n_grids = 40
    grid = np.sort(rng.integers(0, n_grids, n)).astype(np.int32)
    chronic = rng.random(n) < 0.2
    vulnerability = rng.integers(0, 5, n).astype(np.int8)
    hazard = np.where(rng.random(n_grids) < 0.25, rng.random(n_grids), 0.0)
    power = np.where(rng.random(n_grids) < 0.2, 0.0, 1.0)
    capacity = np.array([40.5, 25.25, 60.0, 10.75])
    t_dispatch = np.where(rng.random(n) < 0.1, rng.integers(0, days, n), -1).astype(np.int32)
    t_case = np.where(t_dispatch >= 0, t_dispatch, -1).astype(np.int32)
    t_request = np.full(n, -1, np.int32)
    on_dash = t_dispatch >= 0
    need = np.where(rng.random(n) < 0.3, rng.gamma(1.5, 3.0, n), 0.0)
    reserves = rng.gamma(2.0, 2.0, n)
    dept_in = np.zeros(n)
    formal = np.zeros(n_grids)
    served = np.zeros(N_DEPARTMENTS, np.int64)
    keys = np.zeros(n, np.int64)
    consumed = np.zeros(n)
    # unlimited goods, no allocation by the dashboard, trips cost one (the capacity check
    # below counts cases): the service rule alone
    no_cases = np.zeros(n_grids)
    depot = np.zeros(n_grids)
    warehouse = np.full(1, np.inf)
    grid_trips = np.zeros(n_grids)
    delivery = 7.0
    live = {"day": 0}
    ns = Namespace(live).add("the check's city", dict(
        grid=grid, has_chronic_illness=chronic, vulnerability=vulnerability,
        hazard=hazard, power=power, department_capacity=capacity, t_dispatch=t_dispatch,
        t_case=t_case, t_request=t_request, is_on_dashboard=on_dash, need=need,
        reserves=reserves, consumed_today=consumed, department_in_today=dept_in,
        formal_today=formal, department_served_today=served, keys=keys,
        n_queued=np.zeros(1, np.int64), department_trips_left=np.zeros(N_DEPARTMENTS),
        dashboard_cases=no_cases, depot=depot, warehouse=warehouse, grid_trips=grid_trips,
        dept_delivery_days=delivery, hazard_mobility_loss=0.0, power_delivery_loss=0.0,
        dashboard_allocation=0.0))
    calls = [bind(k, ns) for k in kernels_of("serve_departments")]
    delivered = paid = gained = 0.0
    over_capacity = served_total = closed = closed_dry = 0
    grid_ok = deliveries_ok = True
    for day in range(days):
        n0, r0, open0 = need.copy(), reserves.copy(), t_dispatch.copy()
        live["day"] = day
        for call in calls:
            call.call()
        delivered += float(dept_in.sum())
        paid += float((n0 - need).sum())
        gained += float((reserves - r0).sum())
        allowed = np.floor((day + 1) * capacity) - np.floor(day * capacity)
        over_capacity += int(np.sum(served > allowed))
        served_total += int(served.sum())
        now_closed = (open0 >= 0) & (t_dispatch < 0)
        closed += int(now_closed.sum())
        got = dept_in > 0.0
        closed_dry += int((now_closed & ~got).sum())
        # every delivery is delivery_days, to a household that was in need, whose case closed
        deliveries_ok &= bool(np.all(dept_in[got] == delivery) and np.all(n0[got] > 0.0)
                              and np.all(now_closed[got]))
        grid_ok &= bool(np.allclose(np.bincount(grid, dept_in, n_grids), formal))
    diff = delivered - (paid + gained)
    ok = (abs(diff) <= 1e-9 * max(1.0, delivered) and over_capacity == 0
          and closed == served_total and deliveries_ok and grid_ok)
    return Check(
        "Conservation", "departments deliver exactly what households gain", VERIFICATION, ok,
        "delivered == need paid off + reserves added (to 1e-9 relative); each delivery is "
        "delivery_days to a household in need whose case closes; cases closed == cases "
        "served; no department serves beyond its capacity; per-grid totals add up",
        "sim/kernels/departments.py: queue_cases, share_trips, serve_departments, "
        "receive_deliveries (phase 6c)",
        {"households": n, "days": days, "cases served": served_total,
         "cases closed without delivery (need gone)": closed_dry,
         "delivered (days)": delivered, "need paid off": paid, "reserves added": gained,
         "difference": diff, "department-days over capacity": over_capacity,
         "each delivery as stated": "yes" if deliveries_ok else "NO",
         "per-grid totals add up": "yes" if grid_ok else "NO"},
        seconds=time.perf_counter() - t0)

