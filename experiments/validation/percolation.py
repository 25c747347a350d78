"""Verification 1: word of mouth against bond percolation.

The theory (final reach of a large outbreak on a configuration-model network,
Newman 2002) and the checks that run the model's word-of-mouth kernel through
`sim.processes`: the transmissibility of one tie, measured on chains, and the
final reach on Erdos-Renyi and random regular networks. Part of
`experiments.validation` (docs/validation.md, section 1).
"""

from __future__ import annotations

import functools
import math
import time

import networkx as nx
import numpy as np
from scipy import optimize

from sim.network import erdos_renyi, from_edges, from_networkx
from sim.processes import telling_transmissibility, word_of_mouth

from .report import FULL, VERIFICATION, Check, Sizes

# ==========================================================================
# Theory


def percolation_reach(degrees: np.ndarray, T: float) -> tuple[float, float]:
    """Final reach of a large outbreak on a configuration-model network.

    With p_k the degree distribution, G0(x) = sum_k p_k x^k and
    G1(x) = G0'(x) / G0'(1), u (the chance that a tie does not lead to the
    giant outbreak) solves u = G1(1 - T + T u) and the reach is
    1 - G0(1 - T + T u) (Newman 2002, Phys. Rev. E 66, 016128). Heterogeneous
    infectious periods change the chance of a large outbreak but not its
    size, which depends only on the mean transmissibility T (Kenah & Robins
    2007, Phys. Rev. E 76, 036113; Miller 2007, Phys. Rev. E 76, 010101).

    Args:
        degrees: int (n,), the network's degree sequence.
        T: Transmissibility of a tie.

    Returns:
        (u, reach); (1.0, 0.0) below the threshold T <= <k>/<k(k-1)>.
    """
    pk = np.bincount(np.asarray(degrees, dtype=np.int64)).astype(float)
    pk /= pk.sum()
    k = np.arange(len(pk), dtype=float)
    mean = float(np.sum(k * pk))
    if mean == 0.0:
        return 1.0, 0.0

    def g0(x):
        return float(np.sum(pk * x ** k))

    def g1(x):
        return float(np.sum(k[1:] * pk[1:] * x ** (k[1:] - 1.0)) / mean)

    excess = float(np.sum(k * (k - 1.0) * pk)) / mean  # G1'(1)
    if T * excess <= 1.0:
        return 1.0, 0.0
    u = optimize.brentq(lambda u: g1(1.0 - T + T * u) - u, 0.0, 1.0 - 1e-12, xtol=1e-14)
    return u, 1.0 - g0(1.0 - T + T * u)


def poisson_reach(mean_degree: float, T: float) -> float:
    """Erdos-Renyi limit: the reach S solves S = 1 - exp(-z T S)."""
    if mean_degree * T <= 1.0:
        return 0.0
    return optimize.brentq(lambda s: s - 1.0 + math.exp(-mean_degree * T * s), 1e-9, 1.0)


def transmissibility_if_stop_first(p_tell: float, p_stop: float) -> float:
    """T if the stop draw came before the first day of telling (a timing the
    kernel does not have): K >= 0 days of telling, T = p (1 - s) / (p + s - p s).
    Shown in the report to make clear that the check tells the two apart."""
    return telling_transmissibility(p_tell, p_stop) * (1.0 - p_stop)



# ==========================================================================
# 1. Word of mouth against percolation

SPREAD_PARAMS = ((0.3, 0.3), (0.15, 0.35))  # the model's defaults, then a second point


def check_tie_transmissibility(sizes: Sizes = FULL, p_tell: float = 0.3,
                               p_stop: float = 0.3) -> Check:
    """T of one tie, measured on chains a - b - c with a informed at day 0.

    b is informed with probability T; c only through b, with probability T
    again (b's telling days are its own), so P(c | b) = T too."""
    t0 = time.perf_counter()
    m = sizes.chains
    a = np.arange(m, dtype=np.int64) * 3
    net = from_edges(3 * m, np.r_[a, a + 1], np.r_[a + 1, a + 2])
    res = word_of_mouth(net, a, p_tell, p_stop, days=400, seed=11)
    told = res.t_informed >= 0
    b, c = told[a + 1], told[a + 2]
    T = telling_transmissibility(p_tell, p_stop)
    pb = float(b.mean())
    pcb = float(c[b].mean())
    se_b = math.sqrt(T * (1 - T) / m)
    se_cb = math.sqrt(T * (1 - T) / max(1, int(b.sum())))
    ok = abs(pb - T) <= 4 * se_b and abs(pcb - T) <= 4 * se_cb and not c[~b].any()
    return Check(
        "Word of mouth vs bond percolation",
        f"transmissibility of one tie (p_tell {p_tell}, p_stop {p_stop})", VERIFICATION, ok,
        "P(b told) and P(c told | b told) within 4 standard errors of T; c never told without b",
        "kernel timing: T = p/(p + s - p s) (sim.processes.telling_transmissibility)",
        {"T (theory)": T, "P(b told)": pb, "P(c told | b told)": pcb, "4 SE": 4 * se_b,
         "T if stop drawn before first telling": transmissibility_if_stop_first(p_tell, p_stop),
         "chains": m},
        seconds=time.perf_counter() - t0)


@functools.lru_cache(maxsize=16)
def _percolation_network(kind: str, n: int, seed: int):
    """The r-th test network (cached: both parameter points use the same networks)."""
    if kind == "erdos_renyi":
        return erdos_renyi(n, 4.0, seed)
    if kind == "random_regular":
        return from_networkx(nx.random_regular_graph(5, n, seed=seed))
    raise ValueError(kind)


def percolation_runs(kind: str, p_tell: float, p_stop: float, n: int, runs: int,
                     n_seeds: int = 5, large: float = 0.05) -> dict:
    """Simulated reach of word of mouth on fresh networks, with the prediction.

    Run r builds network r (seed 100 + r), informs `n_seeds` random households
    and spreads until nobody tells. A run is a large outbreak if it reaches
    more than `large` of the households (the predictions here are 25-90%;
    minor outbreaks stay at a few dozen households)."""
    T = telling_transmissibility(p_tell, p_stop)
    reach, pred, pred_alt, mean_deg = [], [], [], []
    for r in range(runs):
        net = _percolation_network(kind, n, 100 + r)
        seeds = np.random.default_rng(200 + r).choice(net.n, n_seeds, replace=False)
        reach.append(word_of_mouth(net, seeds, p_tell, p_stop, days=2_000, seed=300 + r).reach)
        deg = net.degree()
        pred.append(percolation_reach(deg, T)[1])
        pred_alt.append(percolation_reach(deg, transmissibility_if_stop_first(p_tell, p_stop))[1])
        mean_deg.append(float(deg.mean()))
    reach = np.array(reach)
    big = reach > large
    return {"T": T, "reach": reach, "large": big, "predicted": float(np.mean(pred)),
            "predicted_alt": float(np.mean(pred_alt)), "mean_degree": float(np.mean(mean_deg))}


PERCOLATION_TOLERANCE = 0.02


def check_percolation(kind: str, p_tell: float, p_stop: float, sizes: Sizes = FULL) -> Check:
    t0 = time.perf_counter()
    r = percolation_runs(kind, p_tell, p_stop, sizes.percolation_n, sizes.percolation_runs)
    big = r["reach"][r["large"]]
    sim = float(big.mean()) if len(big) else math.nan
    se = float(big.std(ddof=1) / math.sqrt(len(big))) if len(big) > 1 else math.nan
    ok = len(big) >= 2 and abs(sim - r["predicted"]) <= PERCOLATION_TOLERANCE
    numbers = {"T": r["T"], "predicted reach": r["predicted"], "simulated reach": sim,
               "SE": se, "large outbreaks": f"{len(big)} of {len(r['reach'])}",
               "households": sizes.percolation_n, "mean degree": r["mean_degree"],
               "predicted if stop drawn first": r["predicted_alt"]}
    if kind == "erdos_renyi":
        numbers["Poisson closed form"] = poisson_reach(4.0, r["T"])
    label = "Erdos-Renyi <k> = 4" if kind == "erdos_renyi" else "random 5-regular"
    return Check(
        "Word of mouth vs bond percolation",
        f"final reach, {label}, p_tell {p_tell}, p_stop {p_stop}", VERIFICATION, ok,
        f"mean reach of large outbreaks (> 5%) within {PERCOLATION_TOLERANCE} of "
        "1 - G0(1 - T + T u), u = G1(1 - T + T u), from the network's own degrees",
        "Newman 2002 (bond percolation / SIR on configuration-model networks); final size "
        "depends only on mean T: Kenah & Robins 2007, Miller 2007",
        numbers, seconds=time.perf_counter() - t0)

