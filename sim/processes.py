"""Run one of the model's processes alone, on a network you give it.

These functions call the model's own kernels (`sim.kernels`), their arguments
bound by name as the model binds them (`sim.binding`), with everything else
switched off by a `Params` object, so a process can be checked against theory, or studied,
without the rest of the day. They are what the validation suite
(`tests/validation`, `grassroots validate`, docs/validation.md) checks.

- `word_of_mouth`: the warning phase's neighbour-to-neighbour spread
  (`sim.kernels.warning.warn_and_perceive`) with the platform and grid
  visits off.
- `mutual_aid`: one day of neighbour mutual aid, the three kernels of
  `sim.kernels.mutual_aid` (offers, receipts, settlement).
- `department_queue`: the departments' service rule
  (`sim.kernels.departments.serve_departments`) as a single-server queue fed
  with a given number of new cases each day.

Inputs are checked and a bad one raises `sim.errors.ParameterError` naming
it; the inputs are never modified.

    from sim.network import erdos_renyi
    from sim.processes import word_of_mouth

    net = erdos_renyi(20_000, 4.0, seed=1)
    res = word_of_mouth(net, seeds=[0, 1, 2], p_tell=0.3, p_stop=0.3, days=200, seed=1)
    res.reach, res.informed[:10]
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, fields
from typing import Any, NamedTuple

import numpy as np

from sim.binding import Namespace, bind
from sim.errors import ParameterError
from sim.flags import ASK_NEIGHBOURS, CIVIL_AFFAIRS
from sim.kernels.departments import serve_departments
from sim.kernels.mutual_aid import offer_mutual_aid, receive_mutual_aid, settle_mutual_aid
from sim.kernels.warning import warn_and_perceive
from sim.network import Network
from sim.params import Params
from sim.state import N_DEPARTMENTS

__all__ = ["WordOfMouthResult", "word_of_mouth", "MutualAidResult", "mutual_aid",
           "QueueResult", "department_queue", "telling_transmissibility"]

_NEVER = np.iinfo(np.int32).min  # a t_visited that is never "yesterday"

# Word of mouth alone: the platform reaches nobody, no chat groups, and
# perception is not followed (it does not feed back on telling).
WORD_OF_MOUTH_ONLY = {"behaviour.warning_reach": 0.0, "behaviour.chat_warning": 0.0,
                      "behaviour.perception_decay": 0.0, "governance.chat_groups": False}


def _namespace(params: Params, values: dict[str, Any],
               live: dict[str, Any] | None = None) -> Namespace:
    """Kernel arguments: the parameters of `params`, except those given in
    `values` (the process's own inputs and arrays), then `values`."""
    ns = Namespace(live)
    for group in ("behaviour", "governance"):
        obj = getattr(params, group)
        ns.add_fields(group, obj, [f.name for f in fields(obj) if f.name not in values])
    ns.add("inputs", values)
    if live:
        ns.declare_live(*live)
    return ns


# --------------------------------------------------------------------------
# Input checks


def _check_network(network) -> Network:
    if not isinstance(network, Network):
        raise ParameterError(f"network must be a sim.network.Network (see sim.network."
                             f"from_edges / from_networkx), got {type(network).__name__}")
    return network


def _probability(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(f"{name} must be a number in [0, 1], got {value!r}")
    v = float(value)
    if not 0.0 <= v <= 1.0:  # also rejects NaN
        raise ParameterError(f"{name} = {value!r}: must be a probability in [0, 1]")
    return v


def _whole(value, name: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ParameterError(f"{name} must be a whole number >= {low}, got {value!r}")
    if value < low:
        raise ParameterError(f"{name} = {value}: must be >= {low}")
    return int(value)


def _nonneg(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(f"{name} must be a number >= 0, got {value!r}")
    v = float(value)
    if not (v >= 0.0 and math.isfinite(v)):
        raise ParameterError(f"{name} = {value!r}: must be a finite number >= 0")
    return v


def _household_array(a, n: int, name: str, *, low: float = 0.0,
                     high: float = math.inf) -> np.ndarray:
    """A float64 copy of a per-household array, checked for shape and range."""
    try:
        arr = np.array(a, dtype=np.float64)  # a copy: kernels write in place
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be an array of {n} numbers") from None
    if arr.shape != (n,):
        raise ParameterError(f"{name} has shape {arr.shape}; expected ({n},), one value "
                             f"per household of the network")
    bad = np.flatnonzero(~((arr >= low) & (arr <= high) & np.isfinite(arr)))
    if len(bad):
        i = int(bad[0])
        allowed = f">= {low:g}" if high == math.inf else f"in [{low:g}, {high:g}]"
        raise ParameterError(f"{name}[{i}] = {float(arr[i])!r}: values must be finite and {allowed}"
                             f" ({len(bad)} bad value{'s' if len(bad) > 1 else ''})")
    return arr


def _bool_array(a, n: int, name: str) -> np.ndarray:
    arr = np.asarray(a)
    if arr.shape != (n,):
        raise ParameterError(f"{name} has shape {arr.shape}; expected ({n},), one value "
                             f"per household of the network")
    if arr.dtype != np.bool_:
        if not np.issubdtype(arr.dtype, np.integer) or not np.isin(arr, (0, 1)).all():
            raise ParameterError(f"{name} must be booleans (or 0/1), got dtype {arr.dtype}")
        arr = arr.astype(np.bool_)
    return arr


# --------------------------------------------------------------------------
# Word of mouth


@dataclass(frozen=True, eq=False)
class WordOfMouthResult:
    """What `word_of_mouth` returns.

    Attributes:
        reach: Final share of households informed (seeds included), 0-1.
        n_informed: Final number of households informed.
        informed: int64 (days + 1,): households informed at the end of each
            day, day 0 being the seeds alone.
        t_informed: int32 (n,): the day each household was informed (0 for
            the seeds), -1 if never.
        last_day: The last day on which anyone was still telling (the spread
            is over after it; `informed` stays flat from there on).
    """

    reach: float
    n_informed: int
    informed: np.ndarray
    t_informed: np.ndarray
    last_day: int


def telling_transmissibility(p_tell: float, p_stop: float) -> float:
    """The chance that an informed household ever tells a given tie (of strength 1).

    A household informed on day d tells on days d+1, d+2, ...: it tells on
    day d+1 for sure (its stop draw is first made on day d+1, after that
    day's telling, which reads the start-of-day state), and it goes on to
    each later day with probability 1 - p_stop. So it tells on K days with
    P(K = k) = p_stop (1 - p_stop)^(k-1), k >= 1, and each day it reaches a
    given uninformed tie with probability p_tell. Hence

        T = 1 - E[(1 - p_tell)^K]
          = sum_{k>=1} p_stop (1-p_stop)^(k-1) [1 - (1-p_tell)^k]
          = p_tell / (p_tell + p_stop - p_tell p_stop).

    (At p_stop = 0 a household tells forever and T = 1 for p_tell > 0.)
    """
    p = _probability(p_tell, "p_tell")
    s = _probability(p_stop, "p_stop")
    denom = p + s - p * s
    return p / denom if denom > 0.0 else 0.0


def word_of_mouth(network: Network, seeds, p_tell: float, p_stop: float, days: int,
                  seed: int = 0) -> WordOfMouthResult:
    """Spread a warning by word of mouth alone, with the model's warning kernel.

    The process (`sim.kernels.warning.warn_and_perceive`, unchanged): on each
    day, an uninformed household is informed with probability
    1 - prod_j (1 - p_tell * w_ij) over its ties j that were telling at the
    start of the day, which is the same as each telling tie j reaching it
    independently with probability p_tell * w_ij. A newly informed household
    starts telling the next day; a telling household stops with probability
    p_stop at the end of each day it tells (from the day after it was
    informed). Once told, a household stays informed.

    Everything else in the kernel is switched off: one grid, warning level 1
    everywhere, the platform reaches nobody (reach 0, platform down, no
    smartphones), no grid worker visits and no chat groups. The seeds are
    informed and telling at day 0; the kernel then runs for days 1..`days`,
    and stops early once nobody is telling (nothing can change after that).

    Args:
        network: The households and their ties (`sim.network.Network`); the
            daily chance along a tie is p_tell times its strength w_ij
            (1.0 for the textbook generators).
        seeds: Ids of the households informed at day 0 (distinct, at least
            one, each from 0 to n - 1).
        p_tell: Daily chance that a telling household tells a full-strength
            tie (the model's `behaviour.word_of_mouth`).
        p_stop: Daily chance that a telling household stops telling (the
            model's `behaviour.stop_telling`).
        days: Days to run, >= 0.
        seed: Seed of the counter-based draws (`sim.rng`); the same seed
            gives the same spread.

    Returns:
        A `WordOfMouthResult`: final reach and the daily informed counts.

    Raises:
        ParameterError: On a bad network, seed list, probability or count.
    """
    net = _check_network(network)
    n = net.n
    p = _probability(p_tell, "p_tell")
    s = _probability(p_stop, "p_stop")
    days = _whole(days, "days")
    seed = _whole(seed, "seed")
    sd = np.asarray(seeds)
    if sd.ndim == 0:
        sd = sd.reshape(1)
    if sd.ndim != 1 or len(sd) == 0:
        raise ParameterError("seeds must be a non-empty list of household ids")
    if not np.issubdtype(sd.dtype, np.integer):
        raise ParameterError(f"seeds must be integer household ids, got dtype {sd.dtype}")
    bad = np.flatnonzero((sd < 0) | (sd >= n))
    if len(bad):
        raise ParameterError(f"seeds[{int(bad[0])}] = {int(sd[bad[0]])} is not a household id: "
                             f"ids run from 0 to {n - 1}")
    if len(np.unique(sd)) != len(sd):
        raise ParameterError("seeds must be distinct household ids")

    # The model's dtypes, so the kernel's cached compilation is reused.
    t_informed = np.full(n, -1, np.int32)
    is_telling = np.zeros(n, np.bool_)
    telling_prev = np.zeros(n, np.bool_)
    live = {"day": 0}
    call = bind(warn_and_perceive, _namespace(Params().with_overrides(WORD_OF_MOUTH_ONLY), {
        "indptr": net.indptr, "indices": net.indices, "weight": net.weight,
        "grid": np.zeros(n, np.int32), "has_digital_access": np.zeros(n, np.bool_),
        "t_visited": np.full(n, _NEVER, np.int32), "warning": np.ones(1),
        "warning_prev": np.zeros(1),  # no visits inform: no forecast stood "yesterday"
        "telecom": np.ones(1), "platform": 0.0, "telling_prev": telling_prev,
        "grid_telling": np.zeros(1, np.int64), "t_informed": t_informed,
        "is_telling": is_telling, "perception": np.zeros(n), "word_of_mouth": p,
        "stop_telling": s, "seed": seed}, live))
    t_informed[sd] = 0
    is_telling[sd] = True

    informed = np.empty(days + 1, np.int64)
    informed[0] = len(sd)
    last_day = 0
    for day in range(1, days + 1):
        if not is_telling.any():
            informed[day:] = informed[day - 1]
            break
        last_day = day
        np.copyto(telling_prev, is_telling)
        live["day"] = day
        call.call()
        informed[day] = np.count_nonzero(t_informed >= 0)
    total = int(informed[-1])
    return WordOfMouthResult(reach=total / n if n else 0.0, n_informed=total,
                             informed=informed, t_informed=t_informed, last_day=last_day)


# --------------------------------------------------------------------------
# Mutual aid


class MutualAidResult(NamedTuple):
    """What `mutual_aid` returns (a tuple: aid_in, aid_out, reserves_after, need_after)."""

    aid_in: np.ndarray
    """float64 (n,): essentials each household received from its ties, days."""
    aid_out: np.ndarray
    """float64 (n,): essentials each household gave to its ties, days."""
    reserves_after: np.ndarray
    """float64 (n,): reserves after giving, days."""
    need_after: np.ndarray
    """float64 (n,): unmet need after receiving, days."""


def mutual_aid(network: Network, reserves, need, asked, social_capital, keep_days: float,
               share: float) -> MutualAidResult:
    """One day of neighbour mutual aid, with the model's three kernels.

    1. Offers (`offer_mutual_aid`): a household j that is not asking (it did
       not ask, or has no need) and holds more than `keep_days` of reserves
       offers share * social_capital_j * (reserves_j - keep_days) in all,
       split over its asking ties in proportion to tie strength.
    2. Receipts (`receive_mutual_aid`): an asking household (asked and
       need > 0) accepts at most its need out of what it is offered.
    3. Settlement (`settle_mutual_aid`): donors give what was accepted, out
       of their reserves; recipients' need falls by what they accepted.

    What is given equals what is received (sum aid_out == sum aid_in, to
    rounding), nobody gives below `keep_days`, and nobody receives more than
    its need.

    Args:
        network: The households and their ties.
        reserves: float (n,) >= 0, stock of essentials, days.
        need: float (n,) >= 0, unmet need, days.
        asked: bool (n,), the household asked its ties for help today.
        social_capital: float (n,) in [0, 1].
        keep_days: Reserves a household keeps before sharing, days (>= 0;
            the model's `behaviour.aid_keep_days`).
        share: Share of its surplus a household offers, in [0, 1] (the
            model's `behaviour.aid_share`).

    Returns:
        `MutualAidResult(aid_in, aid_out, reserves_after, need_after)`; the
        inputs are not modified.

    Raises:
        ParameterError: On a bad network, an array of the wrong shape, a
            negative or non-finite value, or a value out of range.
    """
    net = _check_network(network)
    n = net.n
    res = _household_array(reserves, n, "reserves")
    nd = _household_array(need, n, "need")
    sc = _household_array(social_capital, n, "social_capital", high=1.0)
    ask = _bool_array(asked, n, "asked")
    keep = _nonneg(keep_days, "keep_days")
    sh = _probability(share, "share")

    asked_today = np.where(ask, np.uint8(ASK_NEIGHBOURS), np.uint8(0)).astype(np.uint8)
    aid_in = np.zeros(n)
    aid_out = np.zeros(n)
    ns = _namespace(Params(), {
        "indptr": net.indptr, "indices": net.indices, "weight": net.weight, "need": nd,
        "asked_today": asked_today, "reserves": res, "social_capital": sc,
        "aid_keep_days": keep, "aid_share": sh, "aid_scale": np.zeros(n),
        "aid_frac": np.zeros(n), "aid_in_today": aid_in, "aid_out_today": aid_out})
    for kernel in (offer_mutual_aid, receive_mutual_aid, settle_mutual_aid):
        bind(kernel, ns).call()
    return MutualAidResult(aid_in, aid_out, res, nd)


# --------------------------------------------------------------------------
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
    no hazard, power on, no chronic illness) and the model's
    `serve_departments` runs for that day: the department serves
    floor((d+1) c) - floor(d c) cases (c = `capacity` per day, so 1.0 is
    one case a day and 1/3 one case every third day), in the kernel's
    order, which for cases of equal vulnerability is first come, first
    served (dispatch day, then row). A case can be served on the day it
    arrives. Each case is a household row holding `need` days of unmet need
    and no reserves; a row is reused once its case is served. (The kernel
    closes the case of a household whose need has gone without delivering
    anything, so with need = 0 the queue is the same but nothing is
    delivered.)

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
    cap = _nonneg(capacity, "capacity")
    delivery = _nonneg(delivery_days, "delivery_days")
    need0 = _nonneg(need, "need")

    days = len(arr)
    size = max(16, 2 * int(arr.max(initial=0)))
    hh = _QueueRows(size)
    capacity_k = np.zeros(N_DEPARTMENTS)
    capacity_k[CIVIL_AFFAIRS] = cap
    live = {"day": 0}
    fixed = {"hazard": np.zeros(1), "power": np.ones(1), "department_capacity": capacity_k,
             "formal_today": np.zeros(1),
             "department_served_today": np.zeros(N_DEPARTMENTS, np.int64),
             "dept_delivery_days": delivery}
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
        bind(serve_departments, _namespace(Params(), {**fixed, **hh.arrays()}, live)).call()
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
