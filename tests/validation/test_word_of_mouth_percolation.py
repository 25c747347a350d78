"""Word of mouth, run alone on the model's own kernels, against bond percolation.

The kernels (sim.kernels.warning: warn_officially, spread_warning, perceive_risk, the
warning phase's after its snapshot of who tells): a household informed on
day d tells from day d+1 (its ties read `telling_prev`, the state at the
start of the day); its first stop draw is on day d+1, after that day's
telling. So it tells on K >= 1 days, P(K = k) = s (1-s)^(k-1), and reaches a
given tie each day with probability p. The transmissibility of a tie is

    T = 1 - E[(1-p)^K] = p / (p + s - p s).

On a configuration-model network with degree distribution p_k, the final
reach of a large outbreak solves (Newman 2002)

    u = G1(1 - T + T u),   reach = 1 - G0(1 - T + T u),

and depends only on the mean T even though each household's telling time is
shared by its ties (Kenah & Robins 2007; Miller 2007).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from scipy.optimize import brentq

from experiments import validation as v
from sim.network import erdos_renyi, from_edges, from_networkx
from sim.processes import telling_transmissibility, word_of_mouth

N = 20_000
RUNS = 4
N_SEEDS = 5
TOLERANCE = 0.02  # absolute, on the mean reach of large outbreaks
PARAMS = [(0.3, 0.3), (0.15, 0.35)]  # the model's defaults, then a point nearer threshold


def reach_from_degrees(degrees: np.ndarray, T: float) -> float:
    """Solve the generating-function equations for the network's own degrees."""
    pk = np.bincount(degrees).astype(float)
    pk /= pk.sum()
    k = np.arange(len(pk), dtype=float)
    mean = (k * pk).sum()

    def G0(x):
        return (pk * x ** k).sum()

    def G1(x):
        return (k[1:] * pk[1:] * x ** (k[1:] - 1)).sum() / mean

    if T * (k * (k - 1) * pk).sum() / mean <= 1.0:
        return 0.0
    u = brentq(lambda u: G1(1 - T + T * u) - u, 0.0, 1.0 - 1e-12)
    return 1.0 - G0(1 - T + T * u)


def test_solver_matches_closed_forms():
    # Poisson degrees: reach S solves S = 1 - exp(-z T S); 4-regular: G1 = x^3.
    rng = np.random.default_rng(0)
    deg = rng.poisson(4.0, 2_000_000)
    s = reach_from_degrees(deg, 0.5)
    assert s == pytest.approx(1 - np.exp(-deg.mean() * 0.5 * s), abs=1e-4)
    assert s == pytest.approx(v.poisson_reach(4.0, 0.5), abs=2e-3)
    assert reach_from_degrees(deg, 0.2) == 0.0  # z T = 0.8 < 1
    # 4-regular, T = 0.5: u = (0.5 + 0.5 u)^3 -> u = sqrt(5) - 2; reach = 1 - (0.5 + 0.5 u)^4
    u = np.sqrt(5) - 2
    assert reach_from_degrees(np.full(100, 4), 0.5) == pytest.approx(1 - (0.5 + 0.5 * u) ** 4)
    # and the report's solver agrees with this one
    assert v.percolation_reach(deg, 0.5)[1] == pytest.approx(s, abs=1e-12)


@pytest.mark.parametrize("p_tell, p_stop", PARAMS)
def test_one_tie_is_told_with_probability_T(p_tell, p_stop):
    # 40,000 chains a - b - c, a informed at day 0: P(b) = T and P(c | b) = T.
    m = 40_000
    a = np.arange(m) * 3
    net = from_edges(3 * m, np.r_[a, a + 1], np.r_[a + 1, a + 2])
    told = word_of_mouth(net, a, p_tell, p_stop, days=500, seed=17).t_informed >= 0
    T = telling_transmissibility(p_tell, p_stop)
    se = np.sqrt(T * (1 - T) / m)
    assert told[a + 1].mean() == pytest.approx(T, abs=4 * se)
    b = told[a + 1]
    assert told[a + 2][b].mean() == pytest.approx(T, abs=4 * np.sqrt(T * (1 - T) / b.sum()))
    assert not told[a + 2][~b].any()
    # the other timing (a stop draw before the first day of telling) is far outside
    assert abs(told[a + 1].mean() - T * (1 - p_stop)) > 20 * se


def _network(kind: str, r: int):
    if kind == "erdos_renyi":
        return erdos_renyi(N, 4.0, seed=1_000 + r)
    return from_networkx(nx.random_regular_graph(5, N, seed=1_000 + r))


@pytest.mark.parametrize("kind", ["erdos_renyi", "random_regular"])
def test_final_reach_matches_percolation(kind):
    for p_tell, p_stop in PARAMS:
        T = telling_transmissibility(p_tell, p_stop)
        sims, preds = [], []
        for r in range(RUNS):
            net = _network(kind, r)
            seeds = np.random.default_rng(r).choice(N, N_SEEDS, replace=False)
            res = word_of_mouth(net, seeds, p_tell, p_stop, days=2_000, seed=50 + r)
            assert res.informed[-1] == res.n_informed  # ran to the end of the spread
            if res.reach > 0.05:  # a large outbreak
                sims.append(res.reach)
            preds.append(reach_from_degrees(net.degree(), T))
        assert len(sims) >= RUNS - 1, f"{kind} {p_tell}/{p_stop}: too few large outbreaks"
        assert np.mean(sims) == pytest.approx(np.mean(preds), abs=TOLERANCE), (
            f"{kind}, p_tell {p_tell}, p_stop {p_stop}: simulated {np.mean(sims):.4f}, "
            f"predicted {np.mean(preds):.4f}")


def test_report_checks_pass_at_quick_sizes():
    for p_tell, p_stop in PARAMS:
        c = v.check_tie_transmissibility(v.QUICK, p_tell, p_stop)
        assert c.passed, v.format_check(c)
