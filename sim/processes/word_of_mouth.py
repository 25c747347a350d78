"""Word of mouth alone: the warning phase's neighbour-to-neighbour spread."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.binding import bind
from sim.errors import ParameterError
from sim.kernels.warning import perceive_risk, spread_warning, warn_officially
from sim.network import Network
from sim.params import Params
from sim.processes.common import (
    NEVER,
    WORD_OF_MOUTH_ONLY,
    check_network,
    namespace,
    probability,
    whole,
)

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
    p = probability(p_tell, "p_tell")
    s = probability(p_stop, "p_stop")
    denom = p + s - p * s
    return p / denom if denom > 0.0 else 0.0


def word_of_mouth(network: Network, seeds, p_tell: float, p_stop: float, days: int,
                  seed: int = 0) -> WordOfMouthResult:
    """Spread a warning by word of mouth alone, with the model's warning kernels.

    The process (the warning phase's kernels of `sim.kernels.warning`, unchanged:
    `warn_officially`, `spread_warning`, `perceive_risk`, in turn): on each
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
    net = check_network(network)
    n = net.n
    p = probability(p_tell, "p_tell")
    s = probability(p_stop, "p_stop")
    days = whole(days, "days")
    seed = whole(seed, "seed")
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
    ns = namespace(Params().with_overrides(WORD_OF_MOUTH_ONLY), {
        "indptr": net.indptr, "indices": net.indices, "weight": net.weight,
        "grid": np.zeros(n, np.int32), "start": np.zeros(1, np.int64),
        "stop": np.full(1, n, np.int64), "has_digital_access": np.zeros(n, np.bool_),
        "n_grid_ties": np.zeros(n, np.int32),
        "t_visited": np.full(n, NEVER, np.int32), "warning": np.ones(1),
        "warning_prev": np.zeros(1),  # no visits inform: no forecast stood "yesterday"
        "telecom": np.ones(1), "platform": 0.0, "telling_prev": telling_prev,
        "grid_telling": np.zeros(1, np.int64), "t_informed": t_informed,
        "is_telling": is_telling, "perception": np.zeros(n), "word_of_mouth": p,
        "stop_telling": s, "seed": seed}, live)
    calls = [bind(k, ns) for k in (warn_officially, spread_warning, perceive_risk)]
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
        for call in calls:
            call.call()
        informed[day] = np.count_nonzero(t_informed >= 0)
    total = int(informed[-1])
    return WordOfMouthResult(reach=total / n if n else 0.0, n_informed=total,
                             informed=informed, t_informed=t_informed, last_day=last_day)
