"""The headline comparison: run the spec (the report is viz/report.py's).

`grassroots compare` runs experiments/headline.toml (4 strategies x 6 shocks x
20 paired replicates, 10,000 households, 180 days) on local processes and
writes, into the results folder: the store (manifest.json, runs.parquet,
series.parquet), and then (viz/report.py, called by the command line)
report.md, cells.csv, differences.csv and figures/. The spec has `counterfactual = true`, so every
strategy x replicate also runs once without a shock: the pair each loss is
measured against.
"""

from __future__ import annotations

import time
from pathlib import Path

from experiments.runners import execute
from experiments.spec import load_spec
from experiments.store import Store
from sim.errors import SpecError

__all__ = ["run_compare"]


def run_compare(spec=None, out: Path = Path("results/headline"), replicates=None,
                households=None, days=None, workers=None, executor="process", resume=False,
                progress=True, params: dict | None = None,
                district: str | Path | None = None) -> tuple[Store, float]:
    """Run the comparison (resumable); returns its store and wall time, seconds.

    `params` (dotted name -> value, e.g. a calibrated preset's, see
    experiments.calibration.posterior.load_preset) are held fixed in every run.
    `district` (a map file or its TOML mapping) builds every run's city on it
    (population.district; the district's counts set the number of households)."""
    s = load_spec(spec)
    changes = {}
    if replicates is not None:
        changes["replicates"] = replicates
    if days is not None:
        changes["days"] = days
    if households is not None:
        changes["fixed"] = {**s.fixed, "population.n_households": households}
    if params:
        fixed = changes.get("fixed", s.fixed)
        both = sorted(k for k in params if k in fixed and fixed[k] != params[k])
        if both:
            raise SpecError(f"the preset and the spec {s.name}'s [fixed] both set "
                            f"{', '.join(both)} (to different values); remove one")
        changes["fixed"] = {**fixed, **params}
    if district is not None:
        if households is not None:
            from sim.errors import ParameterError

            raise ParameterError("give either a district or a number of households: the "
                                 "district's counts set the number of households")
        fixed = {k: v for k, v in changes.get("fixed", s.fixed).items()
                 if k != "population.n_households"}
        changes["fixed"] = {**fixed, "population.district": str(Path(district).resolve())}
    if changes:
        from experiments.spec import check_spec

        doc = {**s.to_dict(), **{k: v for k, v in changes.items()}}
        design = doc.pop("design")
        if design.get("kind", "factorial") != "factorial":
            doc["design"] = design
        if not doc.get("series"):  # as experiments.spec.from_dict reads a spec back
            doc["series"] = False
        if not doc.get("counterfactual"):
            doc.pop("window_days", None)
        s = check_spec(doc, f"{s.name} (with command-line changes)")
    t0 = time.time()
    store = execute(s, out, executor=executor, workers=workers, resume=resume,
                    progress=progress)
    return store, time.time() - t0
