"""The model's behaviour as a fingerprint: a hash of every daily series.

Made before the engine's plumbing was restructured (issue 11) and checked by
tests/test_fingerprint.py, so a refactor that should change no number can
prove it. A deliberate model change regenerates it:

    python -m tests.fingerprint --write

Each (strategy, shock) pair runs a 1,200-household city for 60 days with
seed 7 on the kernels, the strategy in place for 60 days before day 0 (a
short tenure: both routines run, at a fraction of the default year's cost);
its fingerprint is the SHA-256 of the daily metrics (float64, the columns
named in FINGERPRINT_COLUMNS, in that order) and of the final household state
arrays named in FINGERPRINT_STATE.
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
          "compound")
FINGERPRINT_COLUMNS = (
    "functionality", "wellbeing_mean", "in_need", "in_crisis", "in_crisis_vulnerable",
    "in_crisis_other", "unmet_need", "detected_visit", "detected_sensing", "detected_request",
    "detected_chat", "new_detections", "detection_latency_sum", "served_department",
    "help_self_days", "help_neighbours_days", "help_volunteers_days", "help_departments_days",
    "helped_by_neighbours", "helped_by_volunteers", "dashboard_need_share", "true_need_share",
    "illusion_gap", "trust_mean", "social_capital_mean", "volunteer_motivation_mean",
    "active_volunteers", "volunteer_days", "volunteer_hours", "reporting_hours", "visits",
    "informed", "open_cases",
)
FINGERPRINT_STATE = ("reserves", "need", "wellbeing", "perception", "trust", "social_capital",
                     "t_informed", "t_need_start", "t_detected", "t_case", "t_dispatch",
                     "t_request", "t_visited", "need_total")


def fingerprint(strategy: str, shock: str) -> str:
    """The SHA-256 (hex) of one run's daily metrics and final household state."""
    from scenarios import make_model

    m = make_model(strategy, shock, n_households=N_HOUSEHOLDS, days=DAYS, seed=SEED,
                   overrides={"run.tenure_days": TENURE})
    m.run()
    h = hashlib.sha256()
    daily = m.series()[list(FINGERPRINT_COLUMNS)].to_numpy(dtype=np.float64)
    h.update(np.ascontiguousarray(daily).tobytes())
    for k in FINGERPRINT_STATE:
        h.update(np.ascontiguousarray(getattr(m.state.households, k)).tobytes())
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
