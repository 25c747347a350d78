"""Maps of a district run: where need went unmet, per strategy, side by side.

A comparison on a district (`grassroots compare --district FILE`) gets one
figure per shock: the district's grid polygons, one panel per strategy, each
grid coloured by the unmet need the shock added there (household-days of
unmet need per household, beyond the same strategy's no-shock run: the
harm of the shock, not the routine). The runs summarised in runs.parquet
keep no per-grid numbers, so the maps rerun replicate 0 of each strategy
under the shock and without it (same seed: the same numbers as the sweep's
replicate 0).
"""

from __future__ import annotations

from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402


def unmet_by_grid(strategy: str, shock: str, days: int, seed: int,
                  fixed: dict[str, Any]) -> tuple[Any, np.ndarray]:
    """(district, unmet need per household of each grid, household-days) of one run."""
    from scenarios import make_model

    m = make_model(strategy, shock, days=days, seed=seed, overrides=fixed)
    m.run()
    h, gr = m.state.households, m.state.grids
    total = np.bincount(h.grid, weights=h.need_total, minlength=gr.n)
    return m.district, total / np.maximum(gr.stop - gr.start, 1)


def draw(ax, district, values: np.ndarray, norm, cmap: str = "OrRd"):
    """The district's polygons on `ax`, filled by `values` (one per grid)."""
    polys, vals = [], []
    for g, parts in enumerate(district.rings):
        for ring in parts:
            polys.append(ring)
            vals.append(values[g])
    coll = PolyCollection(polys, array=np.asarray(vals), cmap=cmap, norm=norm,
                          edgecolors="#3a3a3a", linewidths=0.4)
    ax.add_collection(coll)
    xy = np.concatenate(polys)
    ax.set_xlim(xy[:, 0].min(), xy[:, 0].max())
    ax.set_ylim(xy[:, 1].min(), xy[:, 1].max())
    ax.set_aspect("equal")
    ax.set_xticks([]), ax.set_yticks([])
    return coll


def draw_colours(ax, district, colours: list[str]):
    """The district's polygons on `ax`, each grid filled with its colour."""
    polys, fills = [], []
    for g, parts in enumerate(district.rings):
        for ring in parts:
            polys.append(ring)
            fills.append(colours[g])
    ax.add_collection(PolyCollection(polys, facecolors=fills, edgecolors="#3a3a3a",
                                     linewidths=0.4))
    xy = np.concatenate(polys)
    ax.set_xlim(xy[:, 0].min(), xy[:, 0].max())
    ax.set_ylim(xy[:, 1].min(), xy[:, 1].max())
    ax.set_aspect("equal")
    ax.set_xticks([]), ax.set_yticks([])


def unmet_need_maps(district, per_strategy: dict[str, np.ndarray], title: str,
                    label: str = "unmet need added by the shock\n(household-days per household)",
                    lang: str = "en"):
    """One panel per strategy (keys: strategy names, shown plainly in `lang`), a shared
    colour scale; returns the Figure. `title` is as given; `label` is translated."""
    from matplotlib.colors import Normalize

    from viz.i18n import display_name, gettext

    n = len(per_strategy)
    fig, axes = plt.subplots(1, n, figsize=(3.4 * n + 1.2, 3.8), layout="constrained",
                             squeeze=False)
    top = max(float(np.max(v)) for v in per_strategy.values())
    norm = Normalize(vmin=0.0, vmax=max(top, 1e-9))
    coll = None
    for ax, (name, values) in zip(axes[0], per_strategy.items()):
        coll = draw(ax, district, values, norm)
        mean = f"{np.average(values, weights=district.households):.2f}"
        ax.set_title(display_name(name, lang) + "\n" + gettext("mean {v}", lang).format(v=mean),
                     fontsize="small")
    fig.colorbar(coll, ax=axes[0].tolist(), shrink=0.8, label=gettext(label, lang))
    fig.suptitle(title)
    return fig


def run_map(model, lang: str = "en"):
    """The map of one finished district run: unmet need per household of each grid
    over the recorded days, routine included (a single run has no no-shock pair)."""
    from viz.i18n import display_name, gettext

    h, gr = model.state.households, model.state.grids
    values = np.bincount(h.grid, weights=h.need_total, minlength=gr.n) / np.maximum(
        gr.stop - gr.start, 1)
    return unmet_need_maps(model.district, {model.strategy.name: values},
                           gettext("{shock}: where need went unmet", lang).format(
                               shock=display_name(model.shock.name, lang)),
                           "unmet need over the run\n(household-days per household)", lang)


def district_maps(spec: dict, out_dir, lang: str = "en") -> list[tuple[str, str]]:
    """Draw the maps of a district comparison into `out_dir`, words in `lang`; (file,
    caption) pairs."""
    from scenarios import load_shock
    from sim.io import atomic_write
    from viz.i18n import display_name, gettext

    fixed = dict(spec.get("fixed", {}))
    if not fixed.get("population.district"):
        return []
    days, seed = int(spec["days"]), int(spec["seed"])
    base = {s: unmet_by_grid(s, "none", days, seed, fixed)[1] for s in spec["strategies"]}
    out = []
    for shock in spec["shocks"]:
        if shock == "none":
            continue
        per, district = {}, None
        for s in spec["strategies"]:
            district, values = unmet_by_grid(s, shock, days, seed, fixed)
            per[s] = np.maximum(values - base[s], 0.0)
        label = load_shock(shock).name  # a spec may name a shock by its file
        shown = display_name(label, lang)
        fig = unmet_need_maps(district, per, gettext("{shock}: where need went unmet", lang)
                              .format(shock=shown), lang=lang)
        name = f"unmet_need_map_{label}.png"
        atomic_write(out_dir / name, lambda p, f=fig: f.savefig(p, format="png", dpi=110))
        plt.close(fig)
        out.append((name, gettext(
            "{shock}: unmet need the shock added in each grid of the district (household-days "
            "per household beyond the strategy's own no-shock run; replicate 0, seed {seed}), "
            "one map per strategy, one colour scale", lang).format(shock=shown, seed=seed)))
    return out
