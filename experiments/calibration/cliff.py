"""The Shanghai share going without against group buying's capacity and the share of
buildings with a group-buying lead (docs/calibration.md, "The lead dial").

With every building led (`behaviour.group_buy_lead_share` 1, the model before the
dial) the share of households that went without during the lockdown jumps between
about 1 and about 0.2 as group buying's capacity crosses daily use: a cliff. This
prints the calibration's output `share_ever_in_need` (the Shanghai target, under the
target's strategy and shock, with the calibration's month of tenure) over a grid of
both, mean over seeds:

    python -m experiments.calibration.cliff [--preset calibrated] [--seeds 1 2]
"""

from __future__ import annotations

import argparse

import numpy as np

GROUP_BUY = (0.3, 0.45, 0.6, 0.75, 0.9)
LEADS = (1.0, 0.8, 0.6, 0.4, 0.2)


def table(preset: str | None = None, seeds=(1, 2), households: int = 2_000,
          group_buy=GROUP_BUY, leads=LEADS) -> np.ndarray:
    """(len(group_buy), len(leads)) mean share going without, each run as the
    calibration runs it (a month of tenure, abc.DEFAULT_OVERRIDES)."""
    from experiments.calibration.abc import DEFAULT_OVERRIDES
    from experiments.calibration.outputs import OUTPUTS, observe
    from experiments.calibration.posterior import load_preset
    from experiments.calibration.targets import load_targets

    target = next(t for t in load_targets() if t.output == "share_ever_in_need")
    base = {**DEFAULT_OVERRIDES, **(dict(load_preset(preset)) if preset else {})}
    out = np.zeros((len(group_buy), len(leads)))
    for a, gb in enumerate(group_buy):
        for b, lead in enumerate(leads):
            over = {**base, "behaviour.group_buy_days": gb,
                    "behaviour.group_buy_lead_share": lead}
            out[a, b] = np.mean([OUTPUTS["share_ever_in_need"].fn(
                observe(target.strategy, target.shock, households, s, over)) for s in seeds])
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--preset", default=None, help="a calibration preset (e.g. calibrated)")
    p.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    p.add_argument("--households", type=int, default=2_000)
    args = p.parse_args(argv)
    t = table(args.preset, tuple(args.seeds), args.households)
    print("| group buying (days/day) | " + " | ".join(f"lead share {x:g}" for x in LEADS) + " |")
    print("|---|" + "---|" * len(LEADS))
    for gb, row in zip(GROUP_BUY, t):
        print(f"| {gb:g} | " + " | ".join(f"{v:.2f}" for v in row) + " |")


if __name__ == "__main__":
    main()
