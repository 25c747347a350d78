"""The waterfall figure of `grassroots decompose` (experiments/decompose.py).

Bars walk from 0 (strategy A) to the total gap (strategy B), one bar per lever
group's Shapley value, largest first, each with its 95% interval. Agg backend.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def waterfall(att, title: str, unit: str, lang: str = "en"):
    """A waterfall of an Attribution: each player's Shapley value stacked from 0 to the
    total, with its interval as an error bar; the total as the last bar; words in
    `lang`. Returns the Figure."""
    from viz.i18n import gettext, player_name

    order = np.argsort(-np.abs(att.shapley))
    names = [player_name(att.names[i], lang) for i in order] + [gettext("total", lang)]
    vals = [float(att.shapley[i]) for i in order]
    fig, ax = plt.subplots(figsize=(7.5, 0.45 * len(names) + 1.6), layout="constrained")
    start = 0.0
    for k, i in enumerate(order):
        v = vals[k]
        ax.barh(k, v, left=start, color="#b2182b" if v > 0 else "#2166ac")
        # a bootstrap percentile interval may miss the estimate itself (few seeds): the
        # bar then reaches only to the interval's near end
        ax.errorbar(start + v, k, xerr=[[max(0.0, v - att.low[i])], [max(0.0, att.high[i] - v)]],
                    fmt="none", ecolor="black", capsize=3, lw=0.8)
        if k + 1 < len(order):
            ax.plot([start + v] * 2, [k, k + 1], color="grey", lw=0.6)
        start += v
    k = len(order)
    ax.barh(k, att.total, color="#555555")
    ax.errorbar(att.total, k, xerr=[[max(0.0, att.total - att.total_low)],
                                    [max(0.0, att.total_high - att.total)]],
                fmt="none", ecolor="black", capsize=3, lw=0.8)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlabel(gettext("contribution to B minus A ({unit}); red: more harm under B",
                          lang).format(unit=unit))
    ax.set_title(title, fontsize="medium")
    ax.grid(axis="x", alpha=0.3)
    return fig


def save_waterfall(att, path, title: str, unit: str, lang: str = "en") -> None:
    from viz.fonts import language

    with language(lang):
        fig = waterfall(att, title, unit, lang)
        fig.savefig(path, dpi=120)
    plt.close(fig)


def write_decomposition(result, out, seconds: float | None = None, lang: str = "en") -> str:
    """decomposition.md and waterfall.png of a finished decomposition (the dict of
    experiments.decompose.run) in folder `out`, in `lang`; returns the Markdown. One
    writer for `grassroots decompose` and `grassroots compare --decompose`."""
    from pathlib import Path

    from experiments.decompose import markdown, outcome_words
    from sim.io import atomic_write
    from viz.i18n import check_lang, display_name, player_name, translator

    _ = translator(check_lang(lang))
    out = Path(out)
    spec, att = result["spec"], result["attribution"]
    label = outcome_words(spec.outcome, _)
    save_waterfall(att, out / "waterfall.png",
                   _("{b} minus {a}, {shock}: shock-attributable {what}").format(
                       b=display_name(spec.b, lang), a=display_name(spec.a, lang),
                       shock=display_name(spec.shock, lang), what=label), label, lang)
    text = markdown(result, _, lambda n: player_name(n, lang),
                    lambda s: display_name(s, lang), lambda s: display_name(s, lang))
    text += "\n![waterfall](waterfall.png)\n"
    if seconds is not None:
        text += f"\n({seconds:.0f} s)\n"
    atomic_write(out / "decomposition.md", lambda p: Path(p).write_text(text))
    return text
