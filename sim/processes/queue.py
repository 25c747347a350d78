"""The departments' service rule as a queue fed with new cases each day."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.binding import bind
from sim.errors import ParameterError
from sim.flags import CIVIL_AFFAIRS
from sim.params import Params
from sim.phases import kernels_of
from sim.processes.common import (
    namespace,
    nonneg,
)
from sim.state import N_DEPARTMENTS

# Departments as a queue


@dataclass(frozen=True, eq=False)
class QueueResult:
    """What `department_queue` returns.

    Attributes:
        waits: int64 (served,): days each served case waited, from the day
            it reached the department to the day it was served (0: same
            day), in order of service.
        queue: int64 (days,): cases still waiting at the end of each day.
        served: int64 (days,): cases served each day.
        arrivals: int64 (days,): the new cases of each day (as given).
        delivered: Essentials delivered in all, days.
        need_paid: Need paid off by the deliveries, days.
        reserves_gained: Reserves added by the deliveries, days.
    """

    waits: np.ndarray
    queue: np.ndarray
    served: np.ndarray
    arrivals: np.ndarray
    delivered: float
    need_paid: float
    reserves_gained: float


def department_queue(arrivals, capacity: float, delivery_days: float = 7.0,
                     need: float = 1.0) -> QueueResult:
    """Feed the departments' service rule with cases and record the queue.

    Each day `arrivals[d]` new cases reach one department (civil affairs:
    no hazard, power on, no chronic illness) and the model's phase 6c
    (`queue_cases`, `share_trips`, `serve_departments`, `receive_deliveries`,
    `sim.kernels.departments`) runs for that day: the department serves
    floor((d+1) c) - floor(d c) cases (c = `capacity` per day, so 1.0 is
    one case a day and 1/3 one case every third day), in the kernel's
    order, which for cases of equal vulnerability is first come, first
    served (dispatch day, then row). A case can be served on the day it
    arrives. Each case is a household row holding `need` days of unmet need
    and no reserves; a row is reused once its case is served. (The kernel
    closes the case of a household whose need has gone without delivering
    anything, so with need = 0 the queue is the same but nothing is
    delivered.) The warehouse holds unlimited goods, the dashboard steers nothing
    (no cases shown) and a trip costs one (no hazard, power on).

    Args:
        arrivals: int (days,) >= 0, new cases per day.
        capacity: Cases served per day (>= 0; the model's capacity per
            department).
        delivery_days: Essentials delivered per served case, days (>= 0).
        need: Unmet need each case holds when it arrives, days (>= 0; default 1).

    Returns:
        A `QueueResult`.

    Raises:
        ParameterError: On negative or non-integer arrivals or a bad number.
    """
    arr = np.asarray(arrivals)
    if arr.ndim != 1:
        raise ParameterError(f"arrivals must be a 1-D array of counts per day, got shape "
                             f"{arr.shape}")
    if len(arr) and not np.issubdtype(arr.dtype, np.integer):
        raise ParameterError(f"arrivals must be whole numbers of cases, got dtype {arr.dtype}")
    if len(arr) and arr.min() < 0:
        i = int(np.argmin(arr))
        raise ParameterError(f"arrivals[{i}] = {int(arr[i])}: must be >= 0")
    arr = arr.astype(np.int64)
    cap = nonneg(capacity, "capacity")
    delivery = nonneg(delivery_days, "delivery_days")
    need0 = nonneg(need, "need")

    days = len(arr)
    size = max(16, 2 * int(arr.max(initial=0)))
    hh = _QueueRows(size)
    capacity_k = np.zeros(N_DEPARTMENTS)
    capacity_k[CIVIL_AFFAIRS] = cap
    live = {"day": 0}
    fixed = {"hazard": np.zeros(1), "power": np.ones(1), "department_capacity": capacity_k,
             "formal_today": np.zeros(1),
             "department_served_today": np.zeros(N_DEPARTMENTS, np.int64),
             "dept_delivery_days": delivery, "dashboard_cases": np.zeros(1),
             "depot": np.zeros(1), "grid_trips": np.zeros(1),
             "department_trips_left": np.zeros(N_DEPARTMENTS),
             "n_queued": np.zeros(1, np.int64),
             "warehouse": np.full(1, np.inf)}  # goods never run out here
    queue = np.zeros(days, np.int64)
    served = np.zeros(days, np.int64)
    waits: list[np.ndarray] = []
    delivered = need_paid = gained = 0.0
    for day in range(days):
        a = int(arr[day])
        free = np.flatnonzero(hh.t_dispatch < 0)
        if len(free) < a:
            hh.grow(max(2 * hh.n, hh.n + a))
            free = np.flatnonzero(hh.t_dispatch < 0)
        rows = free[:a]
        hh.t_dispatch[rows] = day
        hh.t_case[rows] = day
        hh.need[rows] = need0
        hh.reserves[rows] = 0.0
        before_need = hh.need.copy()
        before_res = hh.reserves.copy()
        t_before = hh.t_dispatch.copy()
        live["day"] = day
        ns = namespace(Params(), {**fixed, **hh.arrays()}, live)
        for kernel in kernels_of("serve_departments"):
            bind(kernel, ns).call()
        done = np.flatnonzero((t_before >= 0) & (hh.t_dispatch < 0))
        # Order of service: the kernel's (dispatch day, row) for equal vulnerability.
        done = done[np.lexsort((done, t_before[done]))]
        waits.append(day - t_before[done].astype(np.int64))
        served[day] = len(done)
        queue[day] = np.count_nonzero(hh.t_dispatch >= 0)
        delivered += float(hh.department_in_today.sum())
        need_paid += float((before_need - hh.need).sum())
        gained += float((hh.reserves - before_res).sum())
    return QueueResult(waits=np.concatenate(waits) if waits else np.zeros(0, np.int64),
                       queue=queue, served=served, arrivals=arr, delivered=delivered,
                       need_paid=need_paid, reserves_gained=gained)


class _QueueRows:
    """Household rows for `department_queue`, in the model's dtypes; can grow."""

    _FIELDS = {"grid": (np.int32, 0), "has_chronic_illness": (np.bool_, False),
               "vulnerability": (np.int8, 0), "t_dispatch": (np.int32, -1),
               "t_case": (np.int32, -1), "t_request": (np.int32, -1),
               "is_on_dashboard": (np.bool_, False), "need": (np.float64, 0.0),
               "reserves": (np.float64, 0.0), "department_in_today": (np.float64, 0.0),
               "consumed_today": (np.float64, 0.0),
               "keys": (np.int64, 0)}

    def __init__(self, n: int):
        self.n = n
        for name, (dtype, fill) in self._FIELDS.items():
            setattr(self, name, np.full(n, fill, dtype=dtype))

    def arrays(self) -> dict[str, np.ndarray]:
        """The rows' arrays by name (kernel argument names)."""
        return {name: getattr(self, name) for name in self._FIELDS}

    def grow(self, n: int) -> None:
        for name, (dtype, fill) in self._FIELDS.items():
            old = getattr(self, name)
            new = np.full(n, fill, dtype=dtype)
            new[:self.n] = old
            setattr(self, name, new)
        self.n = n
