"""Where the suite runs and at what sizes: paths, the model run every benchmark
uses, the command-line module, and the FULL and QUICK configurations.

The bottom of the benchmarks package: every other module may import it, it
imports none of them (and nothing of the model).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
# A worker prints its result as one line starting with this mark.
RESULT_MARK = "BENCHMARK-RESULT "

# The run every measurement uses (strategy, shock, seed).
STRATEGY, SHOCK, SEED = "status_quo", "flood", 0

# The module behind the `grassroots` command, run as `python -m CLI_MODULE ...`
# where a benchmark times what a user types.
CLI_MODULE = "grassroots"


@dataclass(frozen=True)
class Config:
    """Sizes for one run of the suite (FULL or QUICK)."""

    name: str
    engine_sizes: tuple[int, ...]
    engine_days: int
    engine_budget_s: float  # stepping-time budget per run at the largest size
    threads: tuple[int, ...]
    reference_runs: tuple[tuple[int, int], ...]  # (households, days); the last gives the ratio
    phase_n: int
    phase_days: int
    memory_n: int
    memory_days: int
    startup_cold: bool
    sir_n: int
    sir_steps: int
    sweep_n: int = 10_000  # households per run in sweep_throughput
    sweep_replicates: int = 4  # x 4 strategies x 2 shocks runs per executor
    sweep_days: int = 180
    headline: bool = True  # also time `grassroots compare` (the README's main job)
    fork_n: int = 10_000  # households per run in fork_speedup
    fork_days: int = 180
    district_n: int = 1_000_000  # households of the district_build map
    district_grids: int = 1_000  # its grid polygons
    district_days: int = 20  # days stepped (the flood strikes on days 10-15), both cities

    def repeats(self, n: int) -> int:
        """Timed repeats at n households: more for short runs, best one reported."""
        if self.name == "quick":
            return 1
        return 3 if n <= 10_000 else 2 if n <= 100_000 else 1


FULL = Config(name="full", engine_sizes=(10_000, 100_000, 1_000_000), engine_days=365,
              engine_budget_s=60.0, threads=(1, 2),
              reference_runs=((1_000, 365), (10_000, 20)), phase_n=100_000, phase_days=365,
              memory_n=1_000_000, memory_days=30, startup_cold=True, sir_n=1_000_000,
              sir_steps=365)
QUICK = Config(name="quick", engine_sizes=(2_000, 10_000), engine_days=30, engine_budget_s=5.0,
               threads=(1, 2), reference_runs=((600, 15), (1_000, 15)), phase_n=10_000,
               phase_days=30, memory_n=20_000, memory_days=12, startup_cold=False,
               sir_n=20_000, sir_steps=30, sweep_n=1_000, sweep_replicates=1, sweep_days=30,
               headline=False, fork_n=2_000, fork_days=30, district_n=20_000,
               district_grids=100, district_days=12)
