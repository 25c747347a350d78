"""The analyses of a robustness experiment: pure functions on a tidy table.

The table has one row per run with columns `world`, `strategy`, `shock`, the
uncertain parameters and the outcomes (experiments/robustness.py makes it).
`lower=True` means a lower outcome is better (crisis household-days,
resilience loss).

- `win_shares`: the share of worlds in which each strategy is best; a tie
  between k strategies gives each 1/k of that world. Interval: Wilson's
  score interval (95%) on that count.
- `regret`: each strategy's shortfall from the best strategy of the same
  world and shock (0 where it is best): median, 90th percentile and maximum.
- `satisficing`: the share of worlds in which a strategy keeps a threshold.
- `prim_boxes`: scenario discovery (PRIM, EMA Workbench, as
  experiments/discovery.py uses it) of the worlds where strategy A beats B,
  keeping only restrictions with a quasi-p-value below 0.05.
- `paired_sensitivity`: PAWN indices (SALib) of A's outcome minus B's.
  PAWN is moment-independent and works on any sample, including a Latin
  hypercube; Sobol indices would need Saltelli's sample (D + 2 runs per
  world, 5,000 runs more for 23 uncertainties), which a robustness design
  does not have. Five columns of random numbers are analysed with the real
  ones; the largest of their indices is the noise reference, and indices at
  or below it are not distinguishable from noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from experiments.discovery import Box
from sim.errors import SpecError

Z95 = 1.959963984540054
DUMMY = "noise reference"
N_DUMMIES = 5  # random columns; the noise reference is the largest of their indices


def wilson(k: float, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion k / n (k may be fractional)."""
    if n <= 0:
        return float("nan"), float("nan")
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def _wide(df: pd.DataFrame, outcome: str, shock: str) -> pd.DataFrame:
    """world x strategy table of one outcome under one shock."""
    if outcome not in df.columns:
        raise SpecError(f"outcome {outcome!r} is not in the results")
    cell = df[df["shock"] == shock]
    if cell.duplicated(["world", "strategy"]).any():
        raise SpecError(f"{shock}: a world has two runs of one strategy")
    return cell.pivot(index="world", columns="strategy", values=outcome).dropna()


def best_credit(wide: pd.DataFrame, lower: bool = True, tol: float = 1e-9) -> pd.DataFrame:
    """Per world, each strategy's share of the win: 1/k for each of k tied best."""
    v = wide.to_numpy(dtype=float)
    best = v.min(axis=1, keepdims=True) if lower else v.max(axis=1, keepdims=True)
    wins = np.abs(v - best) <= tol * np.maximum(1.0, np.abs(best))
    return pd.DataFrame(wins / wins.sum(axis=1, keepdims=True), index=wide.index,
                        columns=wide.columns)


def win_shares(df: pd.DataFrame, outcome: str, lower: bool = True) -> pd.DataFrame:
    """shock, strategy, wins (ties shared), worlds, share, low, high."""
    rows = []
    for shock in df["shock"].unique():
        credit = best_credit(_wide(df, outcome, shock), lower)
        n = len(credit)
        for st in credit.columns:
            k = float(credit[st].sum())
            lo, hi = wilson(k, n)
            rows.append({"shock": shock, "strategy": st, "wins": k, "worlds": n,
                         "share": k / n if n else float("nan"), "low": lo, "high": hi})
    return pd.DataFrame(rows)


def regrets(df: pd.DataFrame, outcome: str, lower: bool = True) -> pd.DataFrame:
    """Long table: shock, world, strategy, regret (shortfall from the world's best)."""
    frames = []
    for shock in df["shock"].unique():
        wide = _wide(df, outcome, shock)
        best = wide.min(axis=1) if lower else wide.max(axis=1)
        r = (wide.sub(best, axis=0) if lower else (-wide).add(best, axis=0))
        long = r.stack().rename("regret").reset_index()
        long.insert(0, "shock", shock)
        frames.append(long)
    return pd.concat(frames, ignore_index=True)


def regret(df: pd.DataFrame, outcome: str, lower: bool = True) -> pd.DataFrame:
    """shock, strategy, median, p90, max of regret over worlds."""
    r = regrets(df, outcome, lower)
    g = r.groupby(["shock", "strategy"], sort=False)["regret"]
    return pd.DataFrame({"median": g.median(), "p90": g.quantile(0.9),
                         "max": g.max()}).reset_index()


def satisficing(df: pd.DataFrame, outcome: str, threshold: float,
                lower: bool = True) -> pd.DataFrame:
    """shock, strategy, share of worlds keeping the threshold (<=, or >= if higher
    is better), with a Wilson interval."""
    rows = []
    for shock in df["shock"].unique():
        wide = _wide(df, outcome, shock)
        for st in wide.columns:
            ok = (wide[st] <= threshold) if lower else (wide[st] >= threshold)
            k, n = int(ok.sum()), len(ok)
            lo, hi = wilson(k, n)
            rows.append({"shock": shock, "strategy": st, "threshold": threshold, "kept": k,
                         "worlds": n, "share": k / n, "low": lo, "high": hi})
    return pd.DataFrame(rows)


def paired(df: pd.DataFrame, outcome: str, a: str, b: str, shock: str,
           inputs: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """(X, d): the worlds' uncertain inputs and A's outcome minus B's, world by world."""
    wide = _wide(df, outcome, shock)
    for s in (a, b):
        if s not in wide.columns:
            raise SpecError(f"strategy {s!r} is not in the results under {shock}")
    X = df[df["shock"] == shock].drop_duplicates("world").set_index("world")[inputs]
    X = X.loc[wide.index]
    return X.reset_index(drop=True), (wide[a] - wide[b]).to_numpy(dtype=float)


def significant_box(X: pd.DataFrame, y: np.ndarray, density: float = 0.8,
                    alpha: float = 0.05) -> Box:
    """PRIM's box (EMA Workbench) with the restrictions that are not significant
    dropped, one at a time, weakest first: a restriction stays only if its
    quasi-p-value (Bryant and Lempert 2010, a one-sided binomial test of the box
    against the box without it) is below `alpha`. Peeling on a few hundred
    worlds otherwise keeps small chance trims that make a box unreadable."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ema_workbench warns about optional extras
        from ema_workbench.analysis import prim

        X = X.reset_index(drop=True)
        y = np.asarray(y, dtype=bool)
        box = prim.Prim(X, y, threshold=density, peel_alpha=0.05).find_box()
        while True:
            _, lims = box.inspect(style="data")[0]
            qp = {dim: np.nanmin(np.asarray(row.iloc[2:], dtype=float))
                  for dim, row in lims.iterrows()}
            weak = {d: q for d, q in qp.items() if not q < alpha}
            if not weak:
                break
            box.drop_restriction(max(weak, key=weak.get))
    cur = box.box_lims[box._cur_box]
    restricted = [{"input": c, "min": float(cur[c].iloc[0]), "max": float(cur[c].iloc[1])}
                  for c in X.columns
                  if cur[c].iloc[0] > X[c].min() or cur[c].iloc[1] < X[c].max()]
    return Box(pd.DataFrame(restricted, columns=["input", "min", "max"]),
               float(box.coverage), float(box.density), float(box.mass), int(y.sum()), len(y))


def describe_box(box: Box, X: pd.DataFrame) -> list[str]:
    """The box's restrictions as phrases: 'x < 3', 'x > 0.2', 'x between 1 and 2'; an
    input of whole numbers (PRIM's bounds are values it takes, and inclusive) as
    'x = 0', 'x <= 2' or 'x >= 1'."""
    out = []
    for _, r in box.limits.iterrows():
        col, lo, hi = r["input"], r["min"], r["max"]
        short = col.split(".")[-1]
        at_lo, at_hi = lo <= X[col].min(), hi >= X[col].max()
        values = X[col].to_numpy(float)
        whole = bool(np.all(np.mod(values, 1) == 0))
        if whole:  # the values the box holds (a float column's bound may fall between)
            inside = values[(values >= lo) & (values <= hi)]
            if inside.size:
                lo, hi = inside.min(), inside.max()
        if whole and lo == hi:
            out.append(f"{short} = {lo:.0f}")
        elif whole and at_lo:
            out.append(f"{short} <= {hi:.0f}")
        elif whole and at_hi:
            out.append(f"{short} >= {lo:.0f}")
        elif at_lo:
            out.append(f"{short} < {hi:.3g}")
        elif at_hi:
            out.append(f"{short} > {lo:.3g}")
        else:
            out.append(f"{short} between {lo:.3g} and {hi:.3g}")
    return out


def prim_boxes(df: pd.DataFrame, outcome: str, a: str, b: str, inputs: list[str],
               lower: bool = True, density: float = 0.8) -> pd.DataFrame:
    """PRIM on 'A beats B' and on 'B beats A', per shock.

    Returns shock, winner, loser, share (of worlds where the winner is
    strictly better), coverage, density, mass, conditions (list of phrases),
    sentence. No box is sought when the winner wins in no world or in all."""
    rows = []
    for shock in df["shock"].unique():
        X, d = paired(df, outcome, a, b, shock, inputs)
        for win, lose, sign in ((a, b, 1.0), (b, a, -1.0)):
            y = (sign * d < 0) if lower else (sign * d > 0)
            share = float(y.mean()) if len(y) else float("nan")
            row = {"shock": shock, "winner": win, "loser": lose, "share": share,
                   "coverage": float("nan"), "density": float("nan"), "mass": float("nan"),
                   "conditions": []}
            if 0 < y.sum() < len(y):
                box = significant_box(X, y, density)
                row.update(coverage=box.coverage, density=box.density, mass=box.mass,
                           conditions=describe_box(box, X))
            row["sentence"] = sentence(row, outcome)
            rows.append(row)
    return pd.DataFrame(rows)


def sentence(row: dict, outcome: str) -> str:
    """A PRIM box in words, for a workshop."""
    head = (f"Under {row['shock']}, {row['winner']} beats {row['loser']} on {outcome} in "
            f"{row['share']:.0%} of plausible worlds")
    if row["share"] == 0 or row["share"] == 1 or np.isnan(row["coverage"]):
        return head + "."
    if not row["conditions"]:
        return head + "; no simple region of the uncertainties singles those worlds out."
    return (head + ", mostly where " + " and ".join(row["conditions"])
            + f" (this region holds {row['coverage']:.0%} of those worlds; in it, "
              f"{row['winner']} wins in {row['density']:.0%})."
            )


def paired_sensitivity(X: pd.DataFrame, d: np.ndarray, ranges: dict[str, tuple],
                       seed: int = 0, slices: int = 10) -> pd.DataFrame:
    """PAWN indices of the paired difference d over inputs X (one row per world).

    Returns parameter, median, max, cv (SALib's PAWN over `slices` conditioning
    intervals), sorted by median, with the dummy column's row as a noise floor."""
    from SALib.analyze import pawn

    d = np.asarray(d, dtype=float)
    if len(d) < 2 * slices:
        raise SpecError(f"PAWN needs at least {2 * slices} worlds, got {len(d)}")
    rng = np.random.default_rng(seed)
    dummies = [f"{DUMMY} {k}" for k in range(N_DUMMIES)]
    names = list(X.columns) + dummies
    Xa = np.column_stack([X.to_numpy(dtype=float), rng.uniform(size=(len(d), N_DUMMIES))])
    bounds = [list(map(float, ranges[c])) for c in X.columns] + [[0.0, 1.0]] * N_DUMMIES
    problem = {"num_vars": len(names), "names": names, "bounds": bounds}
    r = pawn.analyze(problem, Xa, d, S=slices, seed=seed or None)
    out = pd.DataFrame({"parameter": names, "median": np.asarray(r["median"]),
                        "max": np.asarray(r["maximum"]), "cv": np.asarray(r["CV"])})
    noise = out[out["parameter"].isin(dummies)]
    out = pd.concat([out[~out["parameter"].isin(dummies)],
                     pd.DataFrame([{"parameter": DUMMY, "median": noise["median"].max(),
                                    "max": noise["max"].max(), "cv": float("nan")}])])
    return out.sort_values("median", ascending=False).reset_index(drop=True)
