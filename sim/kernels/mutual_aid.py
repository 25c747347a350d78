"""Phase 6a, neighbour mutual aid: surplus flows along ties to those who asked.

Two-phase and conserving: donors make offers, recipients accept at most what
they need, donors give what was accepted. Weights are symmetric (w_ij = w_ji),
so an offer is stored per donor as a scale (offer per unit tie strength) and
no per-edge array is needed. Sum of `aid_out` equals sum of `aid_in` (up to
rounding). Tie entries are indexed unsigned (`np.uint64`): with no negative index to
wrap around, the loops over ties are shorter (the same entries, the same values).
"""

import numpy as np
from numba import njit, prange

from sim.flags import ASK_NEIGHBOURS


@njit(cache=True, inline="always")
def _asking(asked_today, need, i):
    return (asked_today[i] & ASK_NEIGHBOURS) != 0 and need[i] > 0.0


@njit(cache=True, parallel=True)
def offer_mutual_aid(indptr, indices, weight, need, asked_today, reserves, social_capital,
                     aid_keep_days, aid_share, aid_scale):
    """Offers. Donor j (not asking) has surplus s = reserves - aid_keep_days and
    offers aid_share * social_capital_j * s in all, split over its asking ties in
    proportion to tie strength: aid_scale_j = offer / sum of those strengths.
    Writes aid_scale.

    Few households ask on most days (a median of 17 in 10,000 on the calibrated
    model), so the askers first mark their ties (`near`; the network is
    symmetric, so these are the households with an asking tie) and only marked
    donors sum their asking ties' strengths, in their own row's order as before:
    the sums, and so the offers, are the same to the bit. Every writer of
    `near` writes True, so neither the askers' order nor two threads marking
    the same household can change it.
    """
    n = indptr.shape[0] - 1
    near = np.zeros(n, dtype=np.bool_)
    for i in prange(n):
        if _asking(asked_today, need, i):
            for e in range(np.uint64(indptr[i]), np.uint64(indptr[i + 1])):
                near[indices[e]] = True
    for j in prange(n):
        scale = 0.0
        if near[j] and not _asking(asked_today, need, j):
            surplus = reserves[j] - aid_keep_days
            if surplus > 0.0:
                w_sum = 0.0
                for e in range(np.uint64(indptr[j]), np.uint64(indptr[j + 1])):
                    if _asking(asked_today, need, indices[e]):
                        w_sum += weight[e]
                if w_sum > 0.0:
                    scale = aid_share * social_capital[j] * surplus / w_sum
        aid_scale[j] = scale


@njit(cache=True, parallel=True)
def receive_mutual_aid(indptr, indices, weight, need, asked_today, aid_scale, aid_frac,
                       aid_in_today):
    """Receipts. Asking household i is offered T = sum_j aid_scale_j * w_ij and
    accepts min(T, need_i); aid_frac_i = accepted / T. Writes aid_frac, aid_in_today.
    """
    for i in prange(indptr.shape[0] - 1):
        frac = 0.0
        got = 0.0
        if _asking(asked_today, need, i):
            total = 0.0
            for e in range(np.uint64(indptr[i]), np.uint64(indptr[i + 1])):
                total += aid_scale[indices[e]] * weight[e]
            if total > 0.0:
                got = min(total, need[i])
                frac = got / total
        aid_frac[i] = frac
        aid_in_today[i] = got


@njit(cache=True, parallel=True)
def settle_mutual_aid(indptr, indices, weight, aid_scale, aid_frac, aid_in_today, reserves, need,
                      aid_out_today, consumed_today):
    """Settlement. Donor j gives aid_scale_j * sum_i w_ij * aid_frac_i out of its
    reserves; recipients' need falls by what they accepted (used up: consumed_today).
    Writes reserves, need, aid_out_today, consumed_today.
    """
    for j in prange(indptr.shape[0] - 1):
        given = 0.0
        if aid_scale[j] > 0.0:
            for e in range(np.uint64(indptr[j]), np.uint64(indptr[j + 1])):
                given += weight[e] * aid_frac[indices[e]]
            given *= aid_scale[j]
        aid_out_today[j] = given
        reserves[j] -= given
        need[j] -= aid_in_today[j]
        consumed_today[j] += aid_in_today[j]


def mutual_aid(indptr, indices, weight, need, asked_today, reserves, social_capital,
               aid_keep_days, aid_share, aid_scale, aid_frac, aid_in_today, aid_out_today,
               consumed_today, n_asking_ties):
    """Phase 6a: offers, receipts, settlement (the three kernels above, in turn).

    When nobody asked their ties today (n_asking_ties == 0, counted by
    seek_help) no aid can move: the flows are set to zero without running the
    kernels (what they would write). Writes aid_scale, aid_frac, aid_in_today,
    aid_out_today, reserves, need, consumed_today.
    """
    if n_asking_ties == 0:
        for a in (aid_scale, aid_frac, aid_in_today, aid_out_today):
            a[:] = 0.0
        return
    net = {"indptr": indptr, "indices": indices, "weight": weight}
    offer_mutual_aid(**net, need=need, asked_today=asked_today, reserves=reserves,
                     social_capital=social_capital, aid_keep_days=aid_keep_days,
                     aid_share=aid_share, aid_scale=aid_scale)
    receive_mutual_aid(**net, need=need, asked_today=asked_today, aid_scale=aid_scale,
                       aid_frac=aid_frac, aid_in_today=aid_in_today)
    settle_mutual_aid(**net, aid_scale=aid_scale, aid_frac=aid_frac, aid_in_today=aid_in_today,
                      reserves=reserves, need=need, aid_out_today=aid_out_today,
                      consumed_today=consumed_today)
