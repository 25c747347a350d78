"""Logistic regression by iteratively reweighted least squares (IRLS), in NumPy.

The Shanghai and Harvey targets are odds ratios from multivariable logistic
regressions; the model's counterpart is the same regression fitted to its
households. Small and exact: Newton's method on the log-likelihood, the
intercept added here. The tests check the plain fit against statsmodels'
Logit on a fixed table.

`firth=True` maximises Firth's penalised likelihood (the log-likelihood plus
half the log-determinant of the information) instead: the same answer in
large samples without separation, and a finite one with it. The model's
households can be separated where the surveys' respondents are not (in a
long lockdown every home whose stock is below some level runs out), and a
calibration distance needs a number in the right direction there, not NaN.
"""

from __future__ import annotations

import numpy as np


def fit(X: np.ndarray, y: np.ndarray, firth: bool = False, max_iter: int = 100,
        tol: float = 1e-10) -> np.ndarray:
    """Coefficients (intercept first, then one per column of `X`) of the
    logistic regression of 0/1 outcomes `y` (n,) on predictors `X` (n, k).

    Returns all-NaN coefficients where the fit has no finite answer: an
    outcome that never (or always) happens, a constant or collinear
    predictor, or (without `firth`) complete separation."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, k = X.shape
    nan = np.full(k + 1, np.nan)
    if n == 0 or y.min() == y.max():
        return nan
    A = np.column_stack([np.ones(n), X])
    if np.linalg.matrix_rank(A) < k + 1:
        return nan
    beta = np.zeros(k + 1)
    p0 = y.mean()
    beta[0] = np.log(p0 / (1.0 - p0))
    for _ in range(max_iter):
        eta = A @ beta
        p = 1.0 / (1.0 + np.exp(-eta))
        w = p * (1.0 - p)
        if not firth and w.min() < 1e-12 and np.abs(beta).max() > 30:
            return nan  # separation: fitted probabilities hit 0 or 1
        hess = (A * w[:, None]).T @ A
        try:
            inv = np.linalg.inv(hess)
        except np.linalg.LinAlgError:
            return nan
        resid = y - p
        if firth:  # hat values h_i = w_i a_i' (A'WA)^-1 a_i; score gains h (1/2 - p)
            hat = w * np.einsum("ij,jk,ik->i", A, inv, A)
            resid = resid + hat * (0.5 - p)
        step = inv @ (A.T @ resid)
        if firth:  # step halving keeps the penalised fit from overshooting
            step = step / max(1.0, np.abs(step).max() / 5.0)
        beta = beta + step
        if not np.all(np.isfinite(beta)) or np.abs(beta).max() > 50:
            return nan
        if np.abs(step).max() < tol:
            return beta
    return nan


def odds_ratios(X: np.ndarray, y: np.ndarray, firth: bool = True) -> np.ndarray:
    """exp(coefficient) of each column of `X` (no intercept), NaN where no fit
    (Firth's fit by default: finite under separation)."""
    return np.exp(fit(X, y, firth=firth)[1:])
