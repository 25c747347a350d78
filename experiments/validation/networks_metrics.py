"""Verification 2 and 3: the network generators' statistics and the metrics' worked examples.

Watts-Strogatz clustering, Erdos-Renyi degrees and Barabasi-Albert degrees
against their closed forms (with the theory here), and the resilience loss,
recovery time and Gini of `sim.metrics` on examples worked by hand. Part of
`experiments.validation` (docs/validation.md, sections 2 and 3).
"""

from __future__ import annotations

import math
import time

import networkx as nx
import numpy as np
from scipy import stats

from sim import metrics
from sim.network import barabasi_albert, erdos_renyi, to_networkx, watts_strogatz

from .report import FULL, VERIFICATION, Check, Sizes

# ==========================================================================
# Theory


def ws_clustering(k: int, beta: float) -> float:
    """Watts-Strogatz clustering: C(beta) = C0 (1 - beta)^3, C0 = 3(k-2) / (4(k-1))
    (Barrat & Weigt 2000, Eur. Phys. J. B 13, 547)."""
    return 3.0 * (k - 2) / (4.0 * (k - 1)) * (1.0 - beta) ** 3


def ba_ccdf(k, m: int):
    """P(degree >= k) = m(m+1) / (k(k+1)) for k >= m, the exact large-n BA
    distribution p_k = 2m(m+1) / (k(k+1)(k+2)) (Dorogovtsev, Mendes & Samukhin
    2000; Bollobas et al. 2001)."""
    k = np.asarray(k, dtype=float)
    return m * (m + 1) / (k * (k + 1))


def powerlaw_mle(degrees: np.ndarray, kmin: int) -> tuple[float, float, int]:
    """Discrete power-law exponent by the approximate maximum-likelihood estimate
    alpha = 1 + N / sum ln(k / (kmin - 1/2)) over k >= kmin (Clauset, Shalizi &
    Newman 2009, eq. 3.7). Returns (alpha, standard error, N)."""
    x = np.asarray(degrees, dtype=float)
    x = x[x >= kmin]
    alpha = 1.0 + len(x) / float(np.sum(np.log(x / (kmin - 0.5))))
    return alpha, (alpha - 1.0) / math.sqrt(len(x)), len(x)


def ba_mle_expected(m: int, kmin: int) -> float:
    """What `powerlaw_mle` tends to on the exact BA distribution (it is not a pure
    power law at small k, so the estimate sits a little below 3)."""
    k = np.arange(kmin, 10_000_000, dtype=float)
    p = 1.0 / (k * (k + 1.0) * (k + 2.0))
    p /= p.sum()
    return 1.0 + 1.0 / float(np.sum(p * np.log(k / (kmin - 0.5))))



# ==========================================================================
# 2. Network generators

WS_K = 10
WS_BETAS = (0.0, 0.1, 0.2, 0.4)
WS_TOLERANCE = 0.05  # relative


def check_watts_strogatz(sizes: Sizes = FULL) -> Check:
    t0 = time.perf_counter()
    numbers: dict = {"households": sizes.ws_n, "k": WS_K}
    ok = True
    for beta in WS_BETAS:
        G = to_networkx(watts_strogatz(sizes.ws_n, WS_K, beta, seed=7))
        c_avg = nx.average_clustering(G)
        c_tr = nx.transitivity(G)
        theory = ws_clustering(WS_K, beta)
        numbers[f"beta {beta}: C0(1-beta)^3"] = theory
        numbers[f"beta {beta}: mean local C"] = c_avg
        numbers[f"beta {beta}: transitivity"] = c_tr
        ok &= abs(c_avg - theory) <= WS_TOLERANCE * theory
        ok &= abs(c_tr - theory) <= WS_TOLERANCE * theory
    return Check(
        "Network generators", "Watts-Strogatz clustering", VERIFICATION, bool(ok),
        f"mean local clustering and transitivity within {WS_TOLERANCE:.0%} of "
        "C0 (1-beta)^3, C0 = 3(k-2)/(4(k-1)), for each beta",
        "Watts & Strogatz 1998; Barrat & Weigt 2000", numbers,
        seconds=time.perf_counter() - t0)


def check_erdos_renyi(sizes: Sizes = FULL, z: float = 4.0) -> Check:
    t0 = time.perf_counter()
    n = sizes.er_n
    deg = erdos_renyi(n, z, seed=5).degree()
    kmax = 11  # pooled tail bin: expected count well above 5
    observed = np.bincount(np.minimum(deg, kmax), minlength=kmax + 1)
    p = stats.poisson.pmf(np.arange(kmax), z)
    expected = np.append(p, 1.0 - p.sum()) * n
    chi2, pvalue = stats.chisquare(observed, expected)
    se_mean = math.sqrt(2.0 * z / n)  # sum of degrees is twice a binomial edge count
    ok = pvalue > 0.01 and abs(deg.mean() - z) <= 4 * se_mean
    return Check(
        "Network generators", "Erdos-Renyi degree distribution", VERIFICATION, bool(ok),
        "chi-square goodness of fit to Poisson(<k>) p > 0.01 (degrees 0..10 and >= 11); "
        "mean degree within 4 SE of <k>",
        "G(n, p) degrees are Binomial(n-1, p) -> Poisson(z) (Erdos & Renyi 1959; Newman 2010)",
        {"households": n, "<k> asked": z, "mean degree": float(deg.mean()),
         "variance (Poisson: = mean)": float(deg.var()), "chi-square": float(chi2),
         "dof": kmax, "p-value": float(pvalue)},
        seconds=time.perf_counter() - t0)


BA_M = 3
BA_KMIN = 10


def check_barabasi_albert(sizes: Sizes = FULL) -> Check:
    t0 = time.perf_counter()
    n, m = sizes.ba_n, BA_M
    deg = barabasi_albert(n, m, seed=3).degree()
    mean_expected = 2.0 * m * (n - m) / n  # networkx starts from a star of m + 1 nodes
    ks = np.array([5, 10, 20])
    ccdf = np.array([(deg >= k).mean() for k in ks])
    theory = ba_ccdf(ks, m)
    ccdf_err = np.abs(ccdf / theory - 1.0)
    alpha, se, n_tail = powerlaw_mle(deg, BA_KMIN)
    alpha_exp = ba_mle_expected(m, BA_KMIN)
    ok = (abs(deg.mean() - mean_expected) < 1e-9 and bool(np.all(ccdf_err <= 0.05))
          and abs(alpha - 3.0) <= 0.25 and abs(alpha - alpha_exp) <= 4 * se)
    numbers = {"households": n, "m": m, "mean degree": float(deg.mean()),
               "2m(n-m)/n": mean_expected}
    for k, c, t in zip(ks, ccdf, theory):
        numbers[f"P(k >= {k}) measured / theory"] = f"{c:.4f} / {t:.4f}"
    numbers.update({f"tail exponent (MLE, k >= {BA_KMIN})": alpha, "SE": se,
                    "tail households": n_tail,
                    "MLE expected on exact BA law": alpha_exp, "asymptotic exponent": 3.0})
    return Check(
        "Network generators", "Barabasi-Albert degrees", VERIFICATION, ok,
        "mean degree = 2m(n-m)/n exactly; P(k >= K) within 5% of m(m+1)/(K(K+1)) at K = 5, "
        "10, 20; tail exponent within 0.25 of 3 and within 4 SE of its exact-law value",
        "Barabasi & Albert 1999; exact law Dorogovtsev et al. 2000, Bollobas et al. 2001; "
        "estimator Clauset, Shalizi & Newman 2009", numbers,
        seconds=time.perf_counter() - t0)


# ==========================================================================
# 3. Metrics' worked examples


def check_metrics() -> Check:
    t0 = time.perf_counter()
    q = np.ones(60)
    q[10:41] = 0.4 + 0.6 * np.arange(31) / 30  # 0.4 on day 10, 1.0 again on day 40
    q0 = metrics.baseline(q, 10)
    loss = metrics.resilience_loss(q, 10, q0)
    rec = metrics.recovery_time(q, 10, q0)
    g = metrics.gini(np.array([0.0, 0.0, 0.0, 1.0]))
    g_equal = metrics.gini(np.ones(5))
    ok = (abs(loss - 9.0) < 1e-12 and abs(g - 0.75) < 1e-12 and rec == 28.0
          and abs(g_equal) < 1e-12)
    return Check(
        "Metrics", "worked examples", VERIFICATION, ok,
        "exact (to 1e-12): loss 9.0, recovery 28 days, Gini 0.75 and 0",
        "resilience triangle (Bruneau et al. 2003): Q 1.0 -> 0.4 at day 10, linear back to "
        "1.0 by day 40, area 0.5 x 30 x 0.6 = 9 days; recovery: first day with Q >= 0.95 for "
        "7 days is day 38; Gini of [0,0,0,1] = 0.75",
        {"resilience loss": loss, "expected loss": 9.0, "recovery time": rec,
         "expected recovery": 28.0, "Gini [0,0,0,1]": g, "Gini [1,1,1,1,1]": g_equal},
        seconds=time.perf_counter() - t0)

