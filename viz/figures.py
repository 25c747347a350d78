"""Matplotlib figures of runs: resilience curves and their triangle.

Uses the non-interactive Agg backend, so figures render with no display.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402


def resilience_curve(series: dict[str, pd.DataFrame], onset: int | None = None,
                     title: str = "Functionality Q(t)", q0: float | None = None):
    """Functionality over time, one line per label; the first run's resilience
    triangle (between Q0 and Q after onset) is shaded. Returns the Figure."""
    fig, ax = plt.subplots(figsize=(8, 4.5), layout="constrained")
    for k, (label, df) in enumerate(series.items()):
        ax.plot(df["day"], df["functionality"], label=label, lw=1.8)
        if k == 0 and onset is not None and onset < len(df):
            base = q0 if q0 is not None else (df["functionality"][:onset].mean()
                                              if onset > 0 else 1.0)
            after = df[df["day"] >= onset]
            ax.fill_between(after["day"], after["functionality"], base,
                            where=after["functionality"] < base, alpha=0.2,
                            label="resilience loss")
            ax.axvline(onset, color="grey", ls=":", lw=1)
    ax.set_xlabel("day")
    ax.set_ylabel("Q: share of households with needs met")
    ax.set_title(title)
    ax.set_ylim(top=1.01)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize="small")
    return fig
