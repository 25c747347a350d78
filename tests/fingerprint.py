"""The model's behaviour as a fingerprint: a hash of every daily series and state array.

Made before the engine's plumbing was restructured (issue 11), extended to
every record column, every state array and every built-in shock before the
declarations were restructured (issue 20), and checked by
tests/test_fingerprint.py, so a refactor that should change no number can
prove it. A deliberate model change regenerates it:

    python -m tests.fingerprint --write

Each (strategy, shock) pair, every built-in strategy and shock of the scenario
library, runs a 1,200-household city for 60 days with seed 7 on the kernels,
the strategy in place for 60 days before day 0 (a short tenure: both routines
run, at a fraction of the default year's cost); its fingerprint is the
SHA-256 of every daily record column and of every final state array
(households, volunteers, grids with their shops and depots, departments, the
dashboard, the warehouse), each hashed under its name in name order, so
reordering a declaration changes nothing and adding a column or a field
changes the fingerprint (a model change: regenerate it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np

PATH = Path(__file__).with_name("data") / "fingerprint.json"
N_HOUSEHOLDS, DAYS, SEED, TENURE = 1_200, 60, 7, 60
STRATEGIES = ("status_quo", "top_down_digital", "community_resilience",
              "grassroots_empowerment")
SHOCKS = ("none", "flood", "lockdown", "heatwave_blackout", "platform_outage", "economic",
          "compound", "earthquake")
# State arrays outside the per-agent tables (sim.state.State).
STATE_ARRAYS = ("department_capacity", "department_served_today", "dashboard", "warehouse",
                "warehouse_in_today")


def _update(h, name: str, a) -> None:
    h.update(name.encode() + b"\0")
    h.update(np.ascontiguousarray(a).tobytes())


def fingerprint(strategy: str, shock: str) -> str:
    """The SHA-256 (hex) of one run's daily record and final state."""
    from scenarios import make_model

    m = make_model(strategy, shock, n_households=N_HOUSEHOLDS, days=DAYS, seed=SEED,
                   overrides={"run.tenure_days": TENURE})
    m.run()
    h = hashlib.sha256()
    series = m.series()
    for k in sorted(c for c in series.columns if c != "day"):
        _update(h, f"daily.{k}", series[k].to_numpy(dtype=np.float64))
    st = m.state
    for table in ("households", "volunteers", "grids"):
        arrays = getattr(st, table)
        for k in sorted(arrays.names()):
            _update(h, f"{table}.{k}", getattr(arrays, k))
    for k in STATE_ARRAYS:
        _update(h, k, getattr(st, k))
    return h.hexdigest()


def all_fingerprints() -> dict[str, str]:
    return {f"{s}|{k}": fingerprint(s, k) for s in STRATEGIES for k in SHOCKS}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help=f"write {PATH}")
    args = ap.parse_args()
    fps = all_fingerprints()
    if args.write:
        PATH.write_text(json.dumps(fps, indent=1, sort_keys=True) + "\n")
        print(f"wrote {PATH}")
    else:
        print(json.dumps(fps, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
