"""`grassroots run` and `grassroots params`: one run, and the parameter list."""

from __future__ import annotations

import argparse
import math
import sys
import warnings
from pathlib import Path

from sim.io import atomic_write, environment, json_text


def add_parsers(sub) -> None:
    """Register this group's commands on the `grassroots` subparsers."""
    run = sub.add_parser("run", help="run one strategy under one shock and print the summary",
                         description="Run one strategy under one shock. Prints the run "
                                     "summary; with --out also writes the daily series "
                                     "(CSV and Parquet), the summary and manifest (JSON) and "
                                     "a resilience-curve PNG.")
    _add_run_args(run)
    run.add_argument("--out", metavar="DIR", default=None,
                     help="write daily.csv, daily.parquet, summary.json, manifest.json and "
                          "resilience.png (and network_nodes.csv for a network file with "
                          "labels, unmet_need_map.png for a district) into DIR (created if "
                          "missing; checked before the run)")
    run.add_argument("--lang", choices=("en", "zh"), default="en",
                     help="language of the figures written with --out (default en)")
    run.add_argument("--save-snapshot", metavar="FILE", default=None,
                     help="after the run, save its state to FILE (a .npz snapshot, "
                          "sim/snapshot.py): continue it later with --from-snapshot")
    run.add_argument("--from-snapshot", metavar="FILE", default=None,
                     help="continue the run saved in FILE: with no --shock, the same run "
                          "(to its end, or --days more days); with --shock, a new run of "
                          "--days days whose day 0 is the saved moment (what if the shock "
                          "came now). Strategy, city and seed are the snapshot's")
    run.add_argument("--quiet", action="store_true", help="print nothing but errors")
    run.set_defaults(func=cmd_run)

    params = sub.add_parser("params", help="list every parameter with default, range and unit",
                            description="List every parameter: dotted name, default, "
                                        "allowed values, unit and meaning.")
    params.add_argument("--group", choices=("population", "network", "behaviour",
                                            "governance", "run"), default=None,
                        help="only this group")
    params.add_argument("--phases", action="store_true",
                        help="list the phases of a day instead (sim.phases.PHASES), in order")
    params.add_argument("--mechanism", default=None, metavar="NAME",
                        help="where one mechanism's parts are instead: its phases, fields, "
                             "parameters, record columns and the files they are in "
                             "(sim.mechanism_index); 'list' lists the mechanisms")
    params.set_defaults(func=cmd_params)


def _add_run_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--strategy", default="status_quo",
                   help="strategy name or TOML file (default: status_quo; "
                        "see `grassroots scenarios list`)")
    p.add_argument("--shock", default=None,
                   help="shock name or TOML file, or 'none' (default: flood)")
    p.add_argument("--households", type=int, default=None, metavar="N",
                   help="number of households (default: 10,000)")
    p.add_argument("--days", type=int, default=None, metavar="D",
                   help="days to simulate (default: 180)")
    p.add_argument("--seed", type=int, default=None, metavar="X",
                   help="random seed; the same seed gives the same numbers (default: 0)")
    p.add_argument("--threads", type=int, default=None, metavar="T",
                   help="Numba threads (results do not depend on it; default: all cores)")
    p.add_argument("--engine", choices=("numba", "reference"), default="numba",
                   help="numba: fast kernels (default); reference: plain Mesa agents, slow")
    p.add_argument("--district", default=None, metavar="FILE",
                   help="build the city on a district map: a GeoJSON, GeoPackage or Shapefile "
                        "of grid polygons with household counts, or a TOML mapping naming one "
                        "(same as --set population.district=FILE; docs/workshop.md)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override a parameter, e.g. --set governance.data_openness=0.8 "
                        "(repeatable; `grassroots params` lists them; a name given twice, "
                        "or also by --households, --days or --seed, is refused)")
    p.add_argument("--scenarios-dir", action="append", default=[], metavar="DIR",
                   help="also look for shock and strategy names in DIR "
                        "(also: GRASSROOTS_SCENARIOS)")


def _fmt(v: float) -> str:
    if isinstance(v, float) and math.isnan(v):
        return "n/a"
    if isinstance(v, float):
        return f"{v:,.4g}" if abs(v) < 1e4 else f"{v:,.0f}"
    return str(v)


def write_run(model, out: Path, lang: str = "en") -> list[Path]:
    """Write a finished run's files into `out` (figures in `lang`); each file appears
    whole or not at all."""
    import matplotlib.pyplot as plt

    from sim import __version__
    from viz.figures import resilience_curve
    from viz.fonts import language
    from viz.i18n import display_name, gettext

    def figure(draw):
        def write(p):
            with language(lang):
                fig = draw()
                fig.savefig(p, format="png", dpi=120)
            plt.close(fig)
        return write


    out.mkdir(parents=True, exist_ok=True)
    df = model.series()
    summary = model.summary().as_dict()
    manifest = {"package": "grassroots-resilience", "version": __version__,
                **model.manifest(), **environment()}
    files = {
        "daily.csv": lambda p: df.to_csv(p, index=False),
        "daily.parquet": lambda p: df.to_parquet(p, index=False),
        "summary.json": lambda p: Path(p).write_text(json_text(summary)),
        "manifest.json": lambda p: Path(p).write_text(json_text(manifest)),
        "resilience.png": figure(lambda: resilience_curve(
            {display_name(model.strategy.name, lang): df}, onset=model.schedule.onset,
            title=gettext("{shock}: functionality Q(t)", lang).format(
                shock=display_name(model.shock.name, lang)), lang=lang)),
    }
    if getattr(model, "district", None) is not None:
        from viz.district_figures import run_map

        files["unmet_need_map.png"] = figure(lambda: run_map(model, lang))
    labels = getattr(model.network, "labels", None)
    if labels is not None:
        files["network_nodes.csv"] = lambda p: node_table(labels).to_csv(p, index=False)
    written = []
    for name, write in files.items():
        atomic_write(out / name, write)
        written.append(out / name)
    return written


def node_table(labels):
    """The household each node label of a network file stands for (network_nodes.csv)."""
    import pandas as pd

    rows = [(i, label) for i, label in enumerate(labels) if label is not None]
    return pd.DataFrame(rows, columns=["household", "label"])


def cmd_run(args) -> int:
    from scenarios import add_scenarios_dir, make_model
    from sim.errors import InputWarning
    from sim.io import check_out_dir, check_out_file
    from sim.params import command_overrides

    out = check_out_dir(args.out) if args.out is not None else None  # before any work
    for d in args.scenarios_dir:
        add_scenarios_dir(d)
    save = getattr(args, "save_snapshot", None)
    if save is not None:
        check_out_file(save, "--save-snapshot")  # before any work
    # --households, --days and --seed are parameters too: given also by --set, refused
    flags = {"population.n_households": ("--households", args.households),
             "run.days": ("--days", args.days), "run.seed": ("--seed", args.seed)}
    overrides = command_overrides(args.set, flags)
    if args.district:
        overrides["population.district"] = str(Path(args.district).resolve())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        if getattr(args, "from_snapshot", None) is not None:
            # the snapshot path reads --days itself (days more from the saved day)
            model = _from_snapshot(args, command_overrides(args.set))
        else:
            overrides.setdefault("run.seed", 0)  # the command's default (a library call draws one)
            model = make_model(args.strategy, args.shock or "flood", overrides=overrides,
                               engine=args.engine, threads=args.threads)
    for message in dict.fromkeys(str(w.message) for w in caught
                                 if issubclass(w.category, InputWarning)):
        print(f"grassroots run: warning: {message}", file=sys.stderr)
    for w in caught:
        if not issubclass(w.category, InputWarning):
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    summary = model.run()
    if not args.quiet:
        from sim.metrics import OUTCOMES

        p = model.params
        print(f"strategy {model.strategy.name} | shock {model.shock.name} | "
              f"{p.population.n_households:,} households | {p.run.days} days | "
              f"seed {p.run.seed} | engine {model.engine}")
        width = max(map(len, OUTCOMES))
        for k, v in summary.as_dict().items():
            print(f"  {k:<{width}}  {_fmt(v):>12}   {OUTCOMES[k]}")
    if out is not None:
        files = write_run(model, out, args.lang)
        if not args.quiet:
            print("wrote " + ", ".join(str(f) for f in files))
    if save is not None:
        model.save(save)
        if not args.quiet:
            print(f"wrote {save} (the run's state after day {model.day}: continue it with "
                  "--from-snapshot)")
    return 0


def _from_snapshot(args, overrides):
    """The model continuing `--from-snapshot FILE` (see the option's help)."""
    from agents import ReferenceModel
    from scenarios.models import resolve
    from sim.errors import ParameterError
    from sim.model import ResilienceModel
    from sim.snapshot import load

    given = [o for o, v in (("--strategy", args.strategy != "status_quo"),
                            ("--households", args.households is not None),
                            ("--seed", args.seed is not None),
                            ("--engine", args.engine != "numba")) if v]
    if given:
        raise ParameterError(f"{', '.join(given)} cannot be given with --from-snapshot: the "
                             "strategy, the city, the seed and the engine are the snapshot's")
    snap = load(args.from_snapshot)
    cls = ReferenceModel if snap.engine == "reference" else ResilienceModel
    if args.shock is not None:  # the shock comes now: a new run from the saved moment
        _, shock = resolve(snap.strategy, args.shock)
        return cls.from_snapshot(snap, shock, days=args.days, restart=True,
                                 overrides=overrides, threads=args.threads)
    days = snap.params["run.days"] if args.days is None else snap.day + args.days
    if days <= snap.day:
        raise ParameterError(f"the run saved in {args.from_snapshot} has ended (day "
                             f"{snap.day} of {snap.params['run.days']}): give --days for more "
                             "days, or --shock for a new run from it")
    return cls.from_snapshot(snap, days=days, overrides=overrides, threads=args.threads)


def cmd_params(args) -> int:
    if args.mechanism is not None:
        from sim import mechanism_index
        from sim.errors import ParameterError

        if args.mechanism == "list":
            for e in mechanism_index.entries():
                print(f"{e.name}: {e.summary}")
            return 0
        try:
            print(mechanism_index.describe(args.mechanism))
        except KeyError as e:
            raise ParameterError(f"--mechanism {args.mechanism}: {e.args[0]}") from None
        return 0
    if args.phases:
        from sim.phases import describe

        print(describe())
        return 0
    from sim.params import SPECS

    for name, s in SPECS.items():
        if args.group and not name.startswith(args.group + "."):
            continue
        unit = f" [{s.unit}]" if s.unit else ""
        print(f"{name} = {s.default!r}{unit}\n    {s.help}; allowed: {s.allowed()}")
    return 0
