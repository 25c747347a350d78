"""Vega-Lite specs of the live charts, built as plain dicts.

The browser draws them (vega, vega-lite and vega-embed are among the
offline assets), so a redraw costs the server a few small dicts instead of
rendering images; each spec carries only the days simulated so far, in
wide rows with short keys. The x axis spans the whole horizon, so curves
grow from left to right instead of rescaling every day. PNG exports are
drawn with matplotlib instead (`export.py`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.kernels.record import COLUMNS
from sim.metrics import baseline

COL = {k: i for i, k in enumerate(COLUMNS)}

# Channel colours match the map (city_map.STATES) where they overlap.
CHANNELS: dict[str, tuple[str, str]] = {  # label: (daily metric, colour)
    "self (purchases)": ("help_self_days", "#7f7f7f"),
    "neighbours": ("help_neighbours_days", "#3d85c6"),
    "volunteers": ("help_volunteers_days", "#8e44ad"),
    "departments": ("help_departments_days", "#0b3d4a"),
}
RUN_COLOURS = ("#1f77b4", "#e8710a")  # run A, run B

_EMBED = {"actions": {"export": True, "source": False, "compiled": False, "editor": False}}


def _frame(height: int, rows: list[dict], layers: list[dict]) -> dict[str, Any]:
    """A layered chart as wide as its panel."""
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": "container",
        "height": height,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": rows},
        "usermeta": {"embedOptions": _EMBED},
        "config": {"view": {"stroke": None},
                   "legend": {"orient": "top", "title": None, "labelFontSize": 11},
                   "axis": {"labelFontSize": 10, "titleFontSize": 11}},
        "layer": layers,
    }


def _x(days: int) -> dict[str, Any]:
    """The day axis, fixed to the whole horizon."""
    return {"field": "day", "type": "quantitative", "title": "day",
            "scale": {"domain": [0, max(days - 1, 1)], "nice": False}}


def _lines(daily: np.ndarray, series: dict[str, tuple[str, str]], days: int, height: int,
           y_title: str, y_scale: dict | None = None, digits: int = 4) -> dict[str, Any]:
    """Line chart of several daily metrics: {label: (metric, colour)}."""
    rows = [{"day": d, **{label: round(float(daily[d, COL[m]]), digits)
                          for label, (m, _) in series.items()}}
            for d in range(len(daily))]
    scale = dict(y_scale or {"zero": True})
    if not len(daily):
        scale.setdefault("domain", [0, 1])  # no data yet: an empty frame, not a warning
    y = {"field": "value", "type": "quantitative", "title": y_title, "scale": scale}
    layer = {
        "transform": [{"fold": list(series), "as": ["series", "value"]}],
        "mark": {"type": "line", "strokeWidth": 2, "clip": True},
        "encoding": {"x": _x(days), "y": y,
                     "color": {"field": "series", "type": "nominal",
                               "scale": {"domain": list(series),
                                         "range": [c for _, c in series.values()]}},
                     "tooltip": [{"field": "day", "type": "quantitative"},
                                 {"field": "series", "type": "nominal"},
                                 {"field": "value", "type": "quantitative",
                                  "format": ",.4~g"}]},
    }
    return _frame(height, rows, [layer])


def functionality(runs: list[tuple[str, np.ndarray, int]], days: int,
                  height: int = 230) -> dict[str, Any]:
    """Q(t) of one or two runs [(label, daily, onset)], each with its resilience
    triangle shaded: the area between Q0 (mean Q before onset, dashed) and Q
    from onset on."""
    rows, q0s = [], []
    onset_day = None
    for label, daily, onset in runs:
        q = daily[:, COL["functionality"]]
        q0 = baseline(q, min(onset, len(q))) if len(q) else 1.0
        q0s.append((label, round(q0, 4)))
        onset_day = onset if onset_day is None else min(onset_day, onset)
        for d in range(len(q)):
            rows.append({"run": label, "day": d, "q": round(float(q[d]), 4),
                         "lo": round(float(min(q[d], q0)) if d >= onset else q0, 4),
                         "q0": round(q0, 4)})
    labels = [r[0] for r in runs]
    colour = {"field": "run", "type": "nominal",
              "scale": {"domain": labels, "range": list(RUN_COLOURS[:len(labels)])},
              "legend": {"orient": "top", "title": None} if len(labels) > 1 else None}
    x = _x(days)
    scale = {"zero": False} if rows else {"domain": [0, 1]}
    y = {"field": "q", "type": "quantitative", "title": "Q: share with needs met",
         "scale": scale}
    layers = [
        {"mark": {"type": "area", "opacity": 0.25, "clip": True},
         "encoding": {"x": x, "y": {"field": "lo", "type": "quantitative", "scale": scale},
                      "y2": {"field": "q0"}, "color": colour}},
        {"mark": {"type": "line", "strokeWidth": 2, "clip": True},
         "encoding": {"x": x, "y": y, "color": colour,
                      "tooltip": [{"field": "run"}, {"field": "day"},
                                  {"field": "q", "title": "Q", "format": ".4f"}]}},
        {"data": {"values": [{"run": lab, "q0": v} for lab, v in q0s]},
         "mark": {"type": "rule", "strokeDash": [4, 3], "opacity": 0.7},
         "encoding": {"y": {"field": "q0", "type": "quantitative"}, "color": colour}},
    ]
    if onset_day is not None and onset_day < days:
        layers.append({"data": {"values": [{"onset": onset_day}]},
                       "mark": {"type": "rule", "strokeDash": [2, 2], "color": "#888"},
                       "encoding": {"x": {"field": "onset", "type": "quantitative"}}})
    return _frame(height, rows, layers)


def crisis(daily: np.ndarray, days: int, height: int = 230) -> dict[str, Any]:
    """Households in crisis, vulnerable and others."""
    return _lines(daily, {"vulnerable": ("in_crisis_vulnerable", "#d62728"),
                          "others": ("in_crisis_other", "#ff9896")},
                  days, height, "households in crisis", digits=0)


def help_by_channel(daily: np.ndarray, days: int, height: int = 230) -> dict[str, Any]:
    """Essentials delivered per day by channel, on a symlog axis (purchases dwarf
    the rest in normal times)."""
    return _lines(daily, CHANNELS, days, height, "essentials per day (days, symlog)",
                  y_scale={"type": "symlog", "constant": 1}, digits=1)


def social(daily: np.ndarray, days: int, height: int = 230) -> dict[str, Any]:
    """Mean trust, social capital and volunteer motivation."""
    return _lines(daily, {"trust in government": ("trust_mean", "#1f77b4"),
                          "social capital": ("social_capital_mean", "#2ca02c"),
                          "volunteer motivation": ("volunteer_motivation_mean", "#8e44ad")},
                  days, height, "mean, 0-1", y_scale={"domain": [0, 1]})


def dashboard(daily: np.ndarray, days: int, height: int = 230) -> dict[str, Any]:
    """Dashboard need share vs the true need share, and the gap between them."""
    return _lines(daily, {"true need share": ("true_need_share", "#d62728"),
                          "dashboard need share": ("dashboard_need_share", "#1f77b4"),
                          "illusion gap (true - dashboard)": ("illusion_gap", "#9467bd")},
                  days, height, "share of households")
