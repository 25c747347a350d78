"""`grassroots calibrate`: ABC-SMC (pyabc) of uncertain parameters against published targets.

Priors are uniform over the plausible ranges of the uncertainty table
(`sim.params.UNCERTAIN`), for `DEFAULT_PARAMS` or a chosen subset. A particle
is one model run per (strategy, shock) of the calibration targets, all with
one seed the particle draws (so the model's own randomness is part of the
fit); its distance to the data is the root mean square of the targets'
standardised errors, (simulated - observed) / sd on each target's scale,
each capped at `Z_CAP` (a NaN output, such as an odds ratio with no finite
fit, counts as the cap). Generations run one at a time through pyabc's SQLite
history in the output folder (`abc.db`), each loaded from it, so an
interrupted calibration continues where it stopped and a finished one can be
extended with more generations; `OrderedSampler` makes the posterior depend
on the seed only (not on timing or the number of workers).

Output folder: calibration.json (the manifest: everything needed to rerun),
abc.db (pyabc's history), posterior.parquet (every generation's particles:
parameters, weight, generation), then the report (experiments.calibration.posterior).
"""

from __future__ import annotations

import difflib
import json
import math
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pyabc.model import IntegratedModel, ModelResult

from experiments.calibration.sampler import OrderedSampler, global_draws
from sim.errors import OutputError, SpecError

# The parameters fitted by default, by what they decide, with the calibration targets
# (by output) that see each group: at least two per group (tests/test_calibration.py).
# The lockdown's budget and access: what enters a closed city through its channels
# (group buying, delivery platforms, the warehouse that fills the food packages);
# households' stocks at onset; mutual aid; migrants' stocks; the public services'
# capacity in a sudden shock.
PARAM_GROUPS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "lockdown budget and access": (
        ("behaviour.group_buy_days", "behaviour.group_buy_lead_share",
         "behaviour.platform_delivery_days", "governance.warehouse_resupply_per_10k"),
        ("share_ever_in_need", "or_income_loss", "or_prepared")),
    "stocks at onset": (
        ("population.reserve_days", "behaviour.restock_days", "behaviour.stockup_days"),
        ("share_ever_in_need", "or_prepared", "help_share_self")),
    "mutual aid": (
        ("behaviour.aid_share", "behaviour.ask_neighbours"),
        ("or_bonding_social_capital", "help_share_neighbours")),
    "migrants": (
        ("population.migrant_reserve_factor",),
        ("or_migrant", "share_ever_in_need")),
    "public capacity": (
        ("governance.dept_capacity_per_10k",),
        ("help_share_public", "help_share_self")),
}
DEFAULT_PARAMS = tuple(p for params, _ in PARAM_GROUPS.values() for p in params)
# Calibration runs give each strategy a month of its routine before day 0, not
# the model's default year: five times faster, and the targets (a shock's
# first weeks) depend on the city's stocks and ties, which the warm-up sets.
DEFAULT_OVERRIDES = {"run.tenure_days": 30}
Z_CAP = 10.0  # a standardised error counts at most this much (and NaN counts this much)
EXECUTORS = ("process", "serial", "dask")


@dataclass(frozen=True)
class Settings:
    """A calibration's settings (validated by `check_settings`)."""

    params: dict[str, tuple[float, float]]
    population: int = 200
    generations: int = 8
    min_epsilon: float = 0.0
    households: int = 2_000
    seed: int = 0
    min_acceptance: float = 0.01
    overrides: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_OVERRIDES))

    def to_dict(self) -> dict[str, Any]:
        """Plain data (the manifest's; round-trips through `check_settings`)."""
        d = asdict(self)
        d["params"] = {k: list(v) for k, v in self.params.items()}
        return d


def check_params(names) -> dict[str, tuple[float, float]]:
    """Prior ranges of parameter names (or "all"), from the uncertainty table."""
    from sim.params import UNCERTAIN

    if names is None:
        names = list(DEFAULT_PARAMS)
    if names == ["all"] or names == "all":
        names = list(UNCERTAIN)
    out = {}
    for k in names:
        if k not in UNCERTAIN:
            close = difflib.get_close_matches(k, UNCERTAIN, n=2, cutoff=0.6)
            hint = f" (did you mean {' or '.join(close)}?)" if close else ""
            raise SpecError(f"--params: {k!r} is not a parameter of the uncertainty table{hint}; "
                            f"allowed: all, or names from: {', '.join(UNCERTAIN)}")
        out[k] = (float(UNCERTAIN[k][0]), float(UNCERTAIN[k][1]))
    if not out:
        raise SpecError("--params: give at least one parameter")
    return out


def check_settings(params=None, population=200, generations=8, min_epsilon=0.0,
                   households=2_000, seed=0, min_acceptance=0.01,
                   overrides=None) -> Settings:
    """Validate the options; each error names the option, the value and what is allowed."""
    from sim.params import SPECS

    ranges = params if isinstance(params, dict) else check_params(params)

    def whole(name, v, lo, hi):
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise SpecError(f"--{name}: must be a whole number from {lo:,} to {hi:,}, got {v!r}")

    whole("population", population, 5, 100_000)
    whole("generations", generations, 1, 100)
    whole("households", households, 600, int(SPECS["population.n_households"].hi))
    whole("seed", seed, 0, 2**31 - 1)
    if isinstance(min_epsilon, bool) or not isinstance(min_epsilon, (int, float)) \
            or not 0 <= min_epsilon < math.inf:
        raise SpecError(f"--min-epsilon: must be a number >= 0, got {min_epsilon!r}")
    if not 0 < min_acceptance < 1:
        raise SpecError(f"min_acceptance: must be between 0 and 1, got {min_acceptance!r}")
    ov = dict(DEFAULT_OVERRIDES if overrides is None else overrides)
    for k, v in ov.items():
        if k not in SPECS:
            raise SpecError(f"override {k!r} is not a parameter")
        if k in ranges:
            raise SpecError(f"override {k!r} is also calibrated (--params)")
        ov[k] = SPECS[k].check(v)
    return Settings(params={k: tuple(v) for k, v in ranges.items()}, population=population,
                    generations=generations, min_epsilon=float(min_epsilon),
                    households=households, seed=seed, min_acceptance=float(min_acceptance),
                    overrides=ov)


def key(name: str) -> str:
    """pyabc's parameter key of a dotted name (pyabc keys are identifiers)."""
    return name.replace(".", "__")


def unkey(k: str) -> str:
    """The dotted name of a pyabc key."""
    return k.replace("__", ".")


def as_overrides(settings: Settings, values: dict[str, float]) -> dict[str, Any]:
    """Model overrides for one particle: whole-number parameters rounded."""
    from sim.params import SPECS

    out = dict(settings.overrides)
    for name, v in values.items():
        out[name] = int(round(v)) if SPECS[name].type is int else float(v)
    return out


def distance(targets, x: dict, x0: dict | None = None) -> float:
    """Root mean square of the targets' capped standardised errors of `x`."""
    zs = [min(abs(t.z(x.get(t.name, math.nan))), Z_CAP) for t in targets]
    return float(math.sqrt(sum(z * z for z in zs) / len(zs)))


def rejected_already(targets, x: dict, eps: float) -> bool:
    """Whether the outputs in `x` (some of the targets') put the distance above
    `eps` whatever the others turn out to be: the distance is a root mean square
    of non-negative terms over every target, so the terms known bound it from
    below. A relative margin of 1e-9 keeps rounding from deciding."""
    zs = [min(abs(t.z(x[t.name])), Z_CAP) for t in targets if t.name in x]
    return math.sqrt(sum(z * z for z in zs) / len(targets)) > eps * (1.0 + 1e-9)


class _Model(IntegratedModel):
    """The pyabc model: a particle's parameters -> every calibration target's output.

    A particle is rejected as soon as the targets computed so far put its
    distance above the generation's threshold (`rejected_already`): the runs
    left are not simulated (pyabc's IntegratedModel, which exists for this).
    What pyabc keeps is unchanged: accepted particles (their parameters,
    distances, outputs and weights), the thresholds and the number of
    evaluations are those of evaluating every run; only a rejected particle's
    outputs are partial, and pyabc keeps no rejected particle here (no
    adaptive distance or threshold asks for them). The prior sample that
    sets the first threshold evaluates every run (`sample`).
    """

    def __init__(self, targets, settings: Settings):
        from experiments.calibration.outputs import scenarios_of

        super().__init__(name="_Model")  # the name pyabc recorded before (its history)
        self.targets = targets
        self.settings = settings
        self.scenarios = scenarios_of(targets)  # read once, not once a particle

    def _outputs(self, pars, eps: float | None) -> dict[str, float]:
        from experiments.calibration.outputs import evaluate

        run_seed = int(np.random.randint(0, 2**31 - 1))  # seeded per evaluation (sampler)
        values = {unkey(k): float(v) for k, v in dict(pars).items()}
        stop = None if eps is None or not math.isfinite(eps) else \
            (lambda x: rejected_already(self.targets, x, eps))
        return evaluate(self.targets, self.settings.households, run_seed,
                        as_overrides(self.settings, values), stop=stop,
                        scenarios=self.scenarios)

    def sample(self, pars) -> dict[str, float]:
        return self._outputs(pars, None)

    def integrated_simulate(self, pars, eps: float) -> ModelResult:
        x = self._outputs(pars, eps)
        d = distance(self.targets, x)
        return ModelResult(sum_stat=x, distance=d, accepted=d <= eps)


class _Distance:
    def __init__(self, targets):
        self.targets = targets

    def __call__(self, x, x0) -> float:
        return distance(self.targets, x, x0)


def make_executor(executor: str, workers: int | None, scheduler: str | None):
    """(executor, workers, close) for "process", "serial" or "dask"."""
    from experiments.calibration.sampler import InlineExecutor

    if executor == "serial":
        return InlineExecutor(), 1, lambda: None
    if executor == "dask":
        from dask.distributed import Client, LocalCluster

        from experiments.runners import warm_up

        address = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS")
        cluster = None if address else LocalCluster(
            n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
            dashboard_address=None)
        client = Client(address or cluster)
        client.run(warm_up)
        n = len(client.scheduler_info()["workers"])

        def close():
            client.close()
            if cluster is not None:
                cluster.close()
        return client, n, close
    from experiments.runners import process_pool, stop_pool, warm_up

    n = workers or os.cpu_count() or 1
    pool = process_pool(n, warm_up)
    return pool, n, lambda: stop_pool(pool)


def manifest(targets, settings: Settings, argv: list[str] | None) -> dict[str, Any]:
    """What the output folder needs to be rerun (the generations are added as they finish)."""
    import pyabc

    from sim.io import environment

    return {"command": "grassroots calibrate " + " ".join(argv or []),
            "targets": [t.to_dict() for t in targets], "settings": settings.to_dict(),
            "distance": f"root mean square of (simulated - observed) / sd, each capped at {Z_CAP}",
            "pyabc": pyabc.__version__, **environment()}


def _same_run(old: dict, new: dict) -> str | None:
    """Why a folder's calibration differs from this one (None: it may be continued)."""
    a, b = dict(old["settings"]), dict(new["settings"])
    for k in ("generations", "min_epsilon"):  # may change: continue or extend
        a.pop(k, None)
        b.pop(k, None)
    if a != b:
        diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        return f"different settings ({', '.join(diff)})"
    a_code, b_code = old.get("git_commit"), new.get("git_commit")
    if a_code and b_code and a_code != b_code:
        return (f"another version of the code (commit {a_code[:7]}, now {b_code[:7]}): "
                "generations of different models must not mix")
    strip = [{k: v for k, v in t.items() if k != "source"} for t in old["targets"]]
    if strip != [{k: v for k, v in t.items() if k != "source"} for t in new["targets"]]:
        return "different targets"
    return None


def generation_stats(history) -> list[dict[str, Any]]:
    """Per generation: t, population, epsilon, evaluations, acceptance rate."""
    pops = history.get_all_populations()
    out = []
    for _, r in pops[pops["t"] >= 0].iterrows():
        n = int(r["particles"])
        out.append({"generation": int(r["t"]), "population": n, "epsilon": float(r["epsilon"]),
                    "evaluations": int(r["samples"]),
                    "acceptance": n / max(int(r["samples"]), 1)})
    return out


def run(targets, settings: Settings, out: str | Path, executor: str = "process",
        workers: int | None = None, scheduler: str | None = None, argv=None,
        say=print, after=None) -> dict[str, Any]:
    """Run (or continue) the calibration into `out`; returns the manifest written.

    Everything is checked before anything is written: the targets (validated
    on loading), the settings, and a folder that holds a different calibration.
    `after`, if given, is called with the executor once the posterior is
    written, before the executor is closed (the command line's report runs its
    predictive draws on the same workers)."""
    import pyabc

    from sim.io import atomic_write

    if executor not in EXECUTORS:
        raise SpecError(f"--executor: {executor!r} is unknown; allowed: {', '.join(EXECUTORS)}")
    if workers is not None and workers < 1:
        raise SpecError(f"--workers: must be at least 1, got {workers}")
    used = [t for t in targets if t.use == "calibration"]
    if not used:
        raise SpecError("no target has use = \"calibration\": nothing to calibrate against")
    out = Path(out)
    record = manifest(targets, settings, argv)
    mpath, db = out / "calibration.json", out / "abc.db"
    if mpath.is_file():
        from experiments.calibration.posterior import read_manifest

        old = read_manifest(out)  # a broken calibration.json is a message naming it
        why = _same_run(old, record)
        if why:
            raise SpecError(f"{out} holds a calibration with {why}; continue it with the same "
                            "code, targets and options, or choose another --out folder")
        record["generations_done"] = old.get("generations_done", [])
    elif out.exists() and any(out.iterdir()):
        raise SpecError(f"{out} exists and is not a calibration folder (no calibration.json); "
                        "choose another --out folder")
    if db.is_file():  # readable, or an error that keeps it, before anything is written
        _has_run(f"sqlite:///{db.resolve()}", db)
    out.mkdir(parents=True, exist_ok=True)

    def save():
        atomic_write(mpath, lambda p: Path(p).write_text(json.dumps(record, indent=2) + "\n"))

    save()
    prior = pyabc.Distribution(**{key(k): pyabc.RV("uniform", lo, hi - lo)
                                  for k, (lo, hi) in settings.params.items()})
    observed = {t.name: t.observed for t in used}
    pool, n_workers, close = make_executor(executor, workers, scheduler)
    # one Numba thread per worker (a worker per core); serial: this process's threads
    sampler = OrderedSampler(pool, settings.seed, in_flight=2 * n_workers, batch=2,
                             threads=None if executor == "serial" else 1)
    import logging

    for name in ("ABC", "pyabc", "History", "Epsilon", "Acceptor", "Sampler"):
        logging.getLogger(name).setLevel(logging.WARNING)
    t_start = time.time()
    try:
        while True:
            with global_draws(settings.seed, python=False):  # pyabc's draws, this block only
                abc = pyabc.ABCSMC(_Model(used, settings), prior, _Distance(used),
                                   population_size=settings.population, sampler=sampler,
                                   eps=pyabc.QuantileEpsilon(alpha=0.5))
                url = f"sqlite:///{db.resolve()}"
                if db.is_file() and _has_run(url, db):
                    abc.load(url, 1)
                    done = abc.history.max_t + 1
                else:  # a history interrupted before its first generation holds nothing
                    db.unlink(missing_ok=True)
                    abc.new(url, observed)
                    done = 0
                stats = generation_stats(abc.history) if done else []
                if done >= settings.generations:
                    break
                if stats and stats[-1]["epsilon"] <= settings.min_epsilon:
                    break
                if stats and stats[-1]["acceptance"] < settings.min_acceptance:
                    break
                t0 = time.time()
                abc.run(max_nr_populations=1, min_acceptance_rate=settings.min_acceptance)
                stats = generation_stats(abc.history)
                if len(stats) == done:  # pyabc stopped without a new generation
                    say(f"generation {done}: stopped (acceptance below "
                        f"{settings.min_acceptance:g} of {settings.population} particles)")
                    break
                s = stats[-1]
                s["seconds"] = round(time.time() - t0, 2)
                record["generations_done"] = record.get("generations_done", [])[:done] + [s]
                save()
                say(f"generation {s['generation']}: population {s['population']}, epsilon "
                    f"{s['epsilon']:.3f}, acceptance {s['acceptance']:.1%} "
                    f"({s['evaluations']:,} runs), {s['seconds']:.0f} s (elapsed "
                    f"{time.time() - t_start:.0f} s)")
        write_posterior(db, out / "posterior.parquet", settings)
        record["wall_seconds_this_call"] = round(time.time() - t_start, 1)
        save()
        if after is not None:
            after(pool)
    finally:
        close()
    return record


def _has_run(url: str, db: Path) -> bool:
    """Whether the history `db` holds a generation. A history that cannot be read
    (locked by another calibration, damaged, written by another pyabc) is an
    error that keeps the file: it is never deleted because of an error."""
    import pyabc

    try:
        max_t = pyabc.History(url).max_t
    except Exception as e:  # sqlalchemy's errors: locked, not a database, other schema
        reason = " ".join(str(e).split())[:200]
        raise OutputError(
            f"{db}: the calibration history cannot be read ({type(e).__name__}: {reason}); "
            "it is kept as it is. If another calibration is writing it, wait until it ends; "
            "if it is damaged, move it away and run again to start anew") from None
    return max_t is not None and max_t >= 0  # None: created, no generation yet


def write_posterior(db: Path, path: Path, settings: Settings) -> None:
    """Every generation's particles (parameters, weight, generation) as Parquet."""
    import pandas as pd
    import pyabc

    from sim.io import atomic_write

    h = pyabc.History(f"sqlite:///{Path(db).resolve()}")
    frames = []
    for t in range(h.max_t + 1):
        df, w = h.get_distribution(m=0, t=t)
        df = df.rename(columns={c: unkey(c) for c in df.columns}).reset_index(drop=True)
        df = df[[k for k in settings.params]]
        df["weight"] = np.asarray(w, dtype=float)
        df["generation"] = t
        frames.append(df)
    table = pd.concat(frames, ignore_index=True)
    atomic_write(path, lambda p: table.to_parquet(p, index=False))

