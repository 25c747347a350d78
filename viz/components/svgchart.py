"""A small SVG line chart, drawn on the server as text.

The live charts are simple (a few lines over days, a shaded band, a rule or
two) and change every simulated day. Drawing them as SVG text costs the
server about a millisecond and the browser almost nothing, where a charting
library in the browser (Vega) needed a few tens of milliseconds per chart
per day, plus a debounce. Scales: linear, or symlog (sign(y) log10(1 + |y|),
for quantities that span orders of magnitude and touch zero).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

import numpy as np

FONT = "font-family:Roboto,Helvetica,Arial,sans-serif"


@dataclass
class Line:
    """A series: y over x (NaN breaks the line)."""

    label: str
    colour: str
    x: np.ndarray
    y: np.ndarray
    width: float = 2.0
    dash: str | None = None


@dataclass
class Band:
    """A shaded area between lo and hi over x."""

    colour: str
    x: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    opacity: float = 0.25
    css_class: str = ""


@dataclass
class Rule:
    """A horizontal (y=) or vertical (x=) reference line."""

    colour: str
    x: float | None = None
    y: float | None = None
    dash: str = "4,3"
    label: str = ""  # a vertical rule's label, above the plot (never over the data)
    side: str = "right"  # which side of the rule the label goes ("left" or "right")


@dataclass
class Chart:
    """A chart: x from 0 to x_max (days), y on a linear or symlog scale."""

    x_max: float
    y_title: str
    lines: list[Line] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    y_scale: str = "linear"  # or "symlog"
    y_domain: tuple[float, float] | None = None  # default: from the data
    y_zero: bool = True  # include 0 in the default domain
    x_title: str = "day"
    css_class: str = ""


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About n round tick values covering [lo, hi] (steps of 1, 2 or 5 x 10^k)."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return [lo]
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    ticks, t = [], first
    while t <= hi + step * 1e-9:
        ticks.append(round(t, 12))
        t += step
    return ticks


def _symlog(v):
    return np.sign(v) * np.log10(1.0 + np.abs(v))


def _fmt_tick(v: float, step: float) -> str:
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    digits = max(0, -math.floor(math.log10(step))) if step > 0 else 0
    return f"{v:.{digits}f}"


def render(c: Chart, width: int = 460, height: int = 240) -> str:
    """The chart as an SVG string, `width` x `height` user units, scaled to its box."""
    labelled = any(r.label and r.x is not None for r in c.rules)
    left, right, top, bottom = 52, 12, (40 if labelled else 26), 34
    pw, ph = width - left - right, height - top - bottom
    finite = [a[np.isfinite(a)] for a in
              [ln.y for ln in c.lines] + [b.lo for b in c.bands] + [b.hi for b in c.bands]]
    values = np.concatenate(finite) if finite else np.zeros(0)
    values = np.concatenate([values, [r.y for r in c.rules if r.y is not None]])
    if c.y_domain is not None:
        y0, y1 = c.y_domain
    elif len(values):
        y0, y1 = float(values.min()), float(values.max())
        if c.y_zero:
            y0, y1 = min(y0, 0.0), max(y1, 0.0)
        if y1 - y0 < 1e-9:  # a flat series: give it room (counts of zero stay at 0-1)
            y0, y1 = (0.0, 1.0) if c.y_zero and y0 == 0 else (y0 - 0.5, y1 + 0.5)
        pad = 0.04 * (y1 - y0)
        y0, y1 = (y0 if c.y_zero and y0 == 0 else y0 - pad), y1 + pad
    else:
        y0, y1 = 0.0, 1.0
    tf = _symlog if c.y_scale == "symlog" else (lambda v: np.asarray(v, dtype=float))
    t0, t1 = float(tf(y0)), float(tf(y1))
    x_max = max(c.x_max, 1.0)

    def sx(x):
        return left + np.asarray(x, dtype=float) / x_max * pw

    def sy(y):
        return top + ph - (tf(np.asarray(y, dtype=float)) - t0) / (t1 - t0) * ph

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'width="100%" class="gr-chart {c.css_class}" style="display:block;{FONT}">']
    # grid and y ticks
    if c.y_scale == "symlog":
        top_exp = int(math.floor(math.log10(max(abs(y1), 1.0))))
        yt = [0.0] + [10.0 ** k for k in range(0, top_exp + 1)]
        step = 1.0
    else:
        yt = nice_ticks(y0, y1, max(2, min(6, int(ph / 28))))
        step = yt[1] - yt[0] if len(yt) > 1 else 1.0
    for v in yt:
        if y0 - 1e-12 <= v <= y1 + 1e-12:
            y = float(sy(v))
            out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" '
                       f'stroke="#e4e4e4" stroke-width="1"/>')
            out.append(f'<text x="{left - 5}" y="{y + 3.5:.1f}" font-size="10" '
                       f'text-anchor="end" fill="#555">{_fmt_tick(v, step)}</text>')
    xt = nice_ticks(0, x_max, 8)
    for v in xt:
        x = float(sx(v))
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + ph}" '
                   f'stroke="#f0f0f0" stroke-width="1"/>')
        out.append(f'<text x="{x:.1f}" y="{top + ph + 13}" font-size="10" '
                   f'text-anchor="middle" fill="#555">{v:g}</text>')
    out.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" '
               f'stroke="#bbb" stroke-width="1"/>')
    out.append(f'<text x="{left + pw / 2:.1f}" y="{height - 3}" font-size="11" '
               f'text-anchor="middle" fill="#333">{html.escape(c.x_title)}</text>')
    out.append(f'<text transform="translate(12,{top + ph / 2:.1f}) rotate(-90)" '
               f'font-size="11" text-anchor="middle" fill="#333">'
               f'{html.escape(c.y_title)}</text>')
    # ids are page-wide: charts of one size share one (identical) clip rectangle
    clip = f"gr-clip-{width}x{height}-{top}"
    out.append(f'<clipPath id="{clip}"><rect x="{left}" y="{top}" width="{pw}" '
               f'height="{ph}"/></clipPath><g clip-path="url(#{clip})">')
    for b in c.bands:
        if len(b.x):
            xs, lo, hi = sx(b.x), sy(b.lo), sy(b.hi)
            pts = [f"{x:.1f},{y:.1f}" for x, y in zip(xs, hi)]
            pts += [f"{x:.1f},{y:.1f}" for x, y in zip(xs[::-1], lo[::-1])]
            out.append(f'<polygon class="{b.css_class}" points="{" ".join(pts)}" '
                       f'fill="{b.colour}" fill-opacity="{b.opacity}" stroke="none"/>')
    marks: list[str] = []  # drawn after the clipped group, above the frame
    for r in c.rules:
        if r.y is not None:
            y = float(sy(r.y))
            out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" '
                       f'stroke="{r.colour}" stroke-dasharray="{r.dash}" stroke-width="1.2"/>')
        if r.x is not None:
            x = float(sx(r.x))
            out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + ph}" '
                       f'stroke="{r.colour}" stroke-dasharray="{r.dash}" stroke-width="1.2"/>')
            if r.label:  # above the frame, on its side unless that leaves the picture
                room = 5.6 * len(r.label) + 4
                side = r.side
                if side == "left" and x - room < 0:
                    side = "right"
                elif side == "right" and x + room > width:
                    side = "left"
                anchor, x = ("end", x - 2) if side == "left" else ("start", x + 2)
                marks.append(f'<text x="{x:.1f}" y="{top - 4}" font-size="10" '
                           f'text-anchor="{anchor}" fill="{r.colour}" class="gr-marker">'
                           f'{html.escape(r.label)}</text>')
    for ln in c.lines:
        xs, ys = sx(ln.x), sy(ln.y)
        dash = f' stroke-dasharray="{ln.dash}"' if ln.dash else ""
        segment: list[str] = []
        for x, y in zip(xs, ys):  # NaN ends a segment
            if np.isfinite(y):
                segment.append(f"{x:.1f},{y:.1f}")
            elif segment:
                out.append(_polyline(segment, ln, dash))
                segment = []
        if segment:
            out.append(_polyline(segment, ln, dash))
    out.append("</g>")
    out += marks
    # legend, along the top
    x = left
    for ln in c.lines:
        label = html.escape(ln.label)
        out.append(f'<line x1="{x}" x2="{x + 14}" y1="12" y2="12" stroke="{ln.colour}" '
                   f'stroke-width="2.5"/><text x="{x + 18}" y="16" font-size="11" '
                   f'fill="#333">{label}</text>')
        x += 26 + 6.2 * len(ln.label)
    out.append("</svg>")
    return "".join(out)


def _polyline(points: list[str], ln: Line, dash: str) -> str:
    if len(points) == 1:  # a single day: a dot
        x, y = points[0].split(",")
        return f'<circle cx="{x}" cy="{y}" r="{ln.width}" fill="{ln.colour}"/>'
    return (f'<polyline points="{" ".join(points)}" fill="none" stroke="{ln.colour}" '
            f'stroke-width="{ln.width}" stroke-linejoin="round"{dash}/>')
