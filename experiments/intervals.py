"""Intervals that fit the quantity, paired tests and the Holm adjustment.

Used by the analysis of a results store (experiments/analysis.py). Every
interval stays inside the quantity's range (`low`, `high`: shares in [0, 1],
counts and days >= 0), because it is a percentile of resampled statistics of
values that lie in that range, and is clipped to it besides:

- means: bootstrap (scipy.stats.bootstrap, BCa, percentile when BCa is
  undefined) with a fixed seed, so a report is reproducible;
- shares of runs (k of n): the Wilson score interval;
- medians (recovery time, censored values as +inf): bootstrap percentile.

Paired differences are tested with the Wilcoxon signed-rank test (exact for
small n) and the p-values of a table adjusted with Holm's step-down method,
which controls the family-wise error rate.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from scipy import stats

LEVEL = 0.95
SEED = 20240601  # fixed: the same store gives the same intervals
RESAMPLES = 2000


def _clip(v: float, low: float, high: float) -> float:
    return v if math.isnan(v) else min(max(v, low), high)


def _bootstrap(x: np.ndarray, statistic, method: str, level: float) -> tuple[float, float]:
    kw = {"rng": np.random.default_rng(SEED)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # degenerate resamples are handled below
        try:
            r = stats.bootstrap((x,), statistic, confidence_level=level, method=method,
                                n_resamples=RESAMPLES, vectorized=True, **kw)
        except TypeError:  # scipy < 1.15 spells the generator random_state
            r = stats.bootstrap((x,), statistic, confidence_level=level, method=method,
                                n_resamples=RESAMPLES, vectorized=True,
                                random_state=np.random.default_rng(SEED))
    return float(r.confidence_interval.low), float(r.confidence_interval.high)


def mean_interval(x, low: float = -math.inf, high: float = math.inf,
                  level: float = LEVEL) -> tuple[float, float, float, int]:
    """(mean, lower, upper, n) of the defined (non-NaN) values: a bootstrap
    interval of the mean, inside [low, high]. One value: no interval (NaN);
    all values equal: the interval is that value."""
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    m = _clip(float(x.mean()), low, high)
    if n == 1:
        return m, math.nan, math.nan, 1
    if np.all(x == x[0]):
        return m, m, m, n
    lo, hi = _bootstrap(x, lambda s, axis=-1: np.mean(s, axis=axis), "BCa", level)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        lo, hi = _bootstrap(x, lambda s, axis=-1: np.mean(s, axis=axis), "percentile", level)
    lo, hi = max(lo, float(x.min())), min(hi, float(x.max()))
    return m, _clip(min(lo, m), low, high), _clip(max(hi, m), low, high), n


def median_interval(x, level: float = LEVEL) -> tuple[float, float, float, int]:
    """(median, lower, upper, n) of values >= 0 where +inf marks a censored
    value (longer than observed): the bootstrap percentile interval of the
    median; an upper bound of +inf means the data cannot bound it."""
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    med = float(np.median(x))
    if n == 1 or np.all(x == x[0]):
        return med, (med if n > 1 else math.nan), (med if n > 1 else math.nan), n
    rng = np.random.default_rng(SEED)
    meds = np.median(x[rng.integers(0, n, size=(RESAMPLES, n))], axis=1)
    meds = np.nan_to_num(meds, nan=math.inf)  # inf with -inf cannot occur: values >= 0
    lo, hi = np.quantile(meds, [(1 - level) / 2, (1 + level) / 2], method="inverted_cdf")
    return med, float(min(lo, med)), float(max(hi, med)), n


def wilson(k: int, n: int, level: float = LEVEL) -> tuple[float, float, float]:
    """(share, lower, upper): the Wilson score interval of k successes in n; in [0, 1]."""
    if n <= 0:
        return math.nan, math.nan, math.nan
    p = k / n
    z = float(stats.norm.ppf(0.5 + level / 2))
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return p, max(0.0, min(p, centre - half)), min(1.0, max(p, centre + half))


def paired_p(d) -> float:
    """Two-sided p-value that paired differences centre on 0 (Wilcoxon signed
    rank; exact for small n). All differences 0: 1.0; no pairs: NaN."""
    d = np.asarray(d, dtype=float)
    d = d[~np.isnan(d)]
    if len(d) == 0:
        return math.nan
    if np.all(d == 0):
        return 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(stats.wilcoxon(d, zero_method="wilcox").pvalue)


def min_p(n: int) -> float:
    """The smallest two-sided p-value the signed-rank test can give with n
    pairs (2 / 2^n): with 5 pairs no difference can reach 0.05."""
    return 2.0 / 2.0 ** n if n > 0 else math.nan


def holm(p) -> np.ndarray:
    """Holm-adjusted p-values (NaN stays NaN, not counted in the family)."""
    p = np.asarray(p, dtype=float)
    out = np.full_like(p, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    m = len(ok)
    if m == 0:
        return out
    order = ok[np.argsort(p[ok], kind="stable")]
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        out[i] = running
    return out
