"""Figures of a calibration report: marginal posteriors against priors, predictive checks.

Called by `grassroots calibrate` after experiments.calibration.posterior has
computed the tables; each function writes one PNG and returns its path.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


def marginals(post: pd.DataFrame, summary: pd.DataFrame, path: Path) -> Path:
    """One panel per parameter: the weighted posterior histogram over the uniform
    prior's range (the prior's density drawn flat), median and 5-95% marked."""
    n = len(summary)
    cols = min(4, n)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 2.7 * rows), squeeze=False)
    w = post["weight"].to_numpy()
    for ax, (_, r) in zip(axes.flat, summary.iterrows()):
        lo, hi = r["prior_low"], r["prior_high"]
        ax.hist(post[r["parameter"]], bins=20, range=(lo, hi), weights=w, density=True,
                color="#4477aa", alpha=0.8, label="posterior")
        ax.hlines(1.0 / (hi - lo), lo, hi, colors="#999999", linestyles="--", label="prior")
        ax.axvline(r["median"], color="#cc3311")
        ax.axvspan(r["q05"], r["q95"], color="#cc3311", alpha=0.1)
        ax.axvline(r["default"], color="black", linestyle=":", label="default")
        ax.set_title(f"{r['parameter']}\nwidth ratio {r['width_ratio']:.2f} ({r['verdict']})",
                     fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def predictive_checks(table: pd.DataFrame, pred: pd.DataFrame, path: Path) -> Path:
    """One row per target: the observed value with its 95% interval (black), the
    model's values at posterior draws (blue dots), at the preset (orange) and
    at the defaults (grey), the same seeds;
    odds ratios on a log axis. Held-out targets are marked."""
    n = len(table)
    fig, axes = plt.subplots(n, 1, figsize=(7.5, 0.9 * n + 0.6), squeeze=False)
    for ax, (_, t) in zip(axes[:, 0], table.iterrows()):
        log = t["output"].startswith("or_")
        for y, kind, colour in ((0.45, "default", "#999999"), (-0.45, "posterior", "#4477aa"),
                                (-0.2, "preset", "#ee7733")):
            v = pred[(pred["target"] == t["target"]) & (pred["kind"] == kind)]["value"]
            v = v[np.isfinite(v)].to_numpy()
            if log:
                v = v[v > 0]
            ax.plot(v, np.full(len(v), y) + np.linspace(-0.1, 0.1, len(v)), "o", ms=2.5,
                    color=colour, alpha=0.7)
        ax.errorbar([t["observed"]], [0], xerr=[[t["observed"] - t["low"]],
                                                [t["high"] - t["observed"]]],
                    fmt="s", color="black", capsize=3)
        if log:
            ax.set_xscale("log")
        ax.set_yticks([])
        ax.set_ylim(-0.8, 0.8)
        flag = " (held out)" if t["use"] == "held_out" else ""
        ax.set_title(f"{t['target']}{flag}: {t['result']}", fontsize=8, loc="left")
        ax.tick_params(labelsize=7)
    fig.suptitle("observed (black, 95% interval); model at posterior draws (blue), at the "
                 "preset's medians (orange) and at the defaults (grey)", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_figures(out: Path, results: dict) -> dict[str, Path]:
    """Both figures into out/figures/; returns name -> path."""
    d = Path(out) / "figures"
    d.mkdir(parents=True, exist_ok=True)
    return {"marginals": marginals(results["posterior"], results["summary"],
                                   d / "marginals.png"),
            "predictive": predictive_checks(results["checks"], results["predictive"],
                                            d / "predictive.png")}
