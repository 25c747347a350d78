"""One day of neighbour mutual aid, with the model's three kernels."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from sim.binding import bind
from sim.flags import ASK_NEIGHBOURS
from sim.kernels.mutual_aid import offer_mutual_aid, receive_mutual_aid, settle_mutual_aid
from sim.network import Network
from sim.params import Params
from sim.processes.common import (
    bool_array,
    check_network,
    household_array,
    namespace,
    nonneg,
    probability,
)

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
    net = check_network(network)
    n = net.n
    res = household_array(reserves, n, "reserves")
    nd = household_array(need, n, "need")
    sc = household_array(social_capital, n, "social_capital", high=1.0)
    ask = bool_array(asked, n, "asked")
    keep = nonneg(keep_days, "keep_days")
    sh = probability(share, "share")

    asked_today = np.where(ask, np.uint8(ASK_NEIGHBOURS), np.uint8(0)).astype(np.uint8)
    aid_in = np.zeros(n)
    aid_out = np.zeros(n)
    ns = namespace(Params(), {
        "indptr": net.indptr, "indices": net.indices, "weight": net.weight, "need": nd,
        "asked_today": asked_today, "reserves": res, "social_capital": sc,
        "aid_keep_days": keep, "aid_share": sh, "aid_scale": np.zeros(n),
        "aid_frac": np.zeros(n), "aid_in_today": aid_in, "aid_out_today": aid_out,
        "consumed_today": np.zeros(n)})
    for kernel in (offer_mutual_aid, receive_mutual_aid, settle_mutual_aid):
        bind(kernel, ns).call()
    return MutualAidResult(aid_in, aid_out, res, nd)
