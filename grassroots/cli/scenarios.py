"""`grassroots scenarios list|show|validate|new|schema`: the scenario library."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

from sim.io import atomic_write, check_out_file


def add_parsers(sub) -> None:
    """Register this group's commands on the `grassroots` subparsers."""
    sc = sub.add_parser("scenarios", help="list, show, validate and create shocks and strategies",
                        description="Shocks and strategies are TOML files. Built-ins live in "
                                    "the scenarios package; add your own folders with "
                                    "--scenarios-dir or GRASSROOTS_SCENARIOS.")
    sc.add_argument("--scenarios-dir", action="append", default=[], metavar="DIR",
                    help="also look in DIR (with shocks/ and strategies/ or files directly)")
    scs = sc.add_subparsers(dest="action", metavar="ACTION", required=True)
    scs.add_parser("list", help="every shock and strategy: name, kind, description")
    show = scs.add_parser("show", help="the resolved values of a shock or strategy, as TOML, "
                                       "and where each comes from")
    show.add_argument("name", help="a name or a file")
    show.add_argument("--kind", choices=("shock", "strategy"), default=None,
                      help="which kind NAME is (needed only if both kinds have that name)")
    val = scs.add_parser("validate", help="check files; exit 0 if all are valid, 1 if not")
    val.add_argument("files", nargs="+", metavar="FILE")
    val.add_argument("--days", type=int, default=None, metavar="D",
                     help="also check each shock against a run of D days (an event starting "
                          "after it is a warning; a shock with none within it an error)")
    val.add_argument("--households", type=int, default=None, metavar="N",
                     help="also check that each event of a shock covers some grid of a city "
                          "of N households (default layout)")
    val.add_argument("--district", default=None, metavar="FILE",
                     help="also check each shock against a district map: the attributes its "
                          "events choose grids by exist, and each covers some grid")
    new = scs.add_parser("new", help="write a commented template to start from")
    new.add_argument("kind", choices=("shock", "strategy"))
    new.add_argument("name", help="the new scenario's name (also the file name)")
    new.add_argument("--out", default=None, metavar="FILE",
                     help="where to write (default: NAME.toml here); never overwrites")
    sch = scs.add_parser("schema", help="print the JSON Schema of a file kind, for editors")
    sch.add_argument("kind", choices=("shock", "strategy"))
    sc.set_defaults(func=cmd_scenarios)


def cmd_scenarios(args) -> int:
    from scenarios import load as sl
    from scenarios import write as sw
    from sim.errors import ScenarioError, ShockWarning, shown

    for d in args.scenarios_dir:
        sl.add_scenarios_dir(d)
    if args.action == "list":
        for kind in ("strategy", "shock"):
            for name, path in sl.available(kind).items():
                try:
                    desc = (sl.load_shock(path) if kind == "shock"
                            else sl.load_strategy(path)).description
                except ScenarioError as e:
                    desc = f"INVALID: {e}"
                print(f"{name:<24} {kind:<9} {desc}")
        return 0
    if args.action == "show":
        is_file = ("/" in args.name or args.name.endswith(".toml")) and Path(args.name).is_file()
        if args.kind:
            kinds = [args.kind]
        elif is_file:
            kinds = [sl.load_file(args.name)[0]]  # the same rule as validate and run
        else:
            kinds = [k for k in ("strategy", "shock") if args.name in sl.available(k)]
        if not kinds:
            raise ScenarioError(f"no shock or strategy called {shown(args.name)}; "
                                "see `grassroots scenarios list`")
        obj, chain, sources = sl.provenance(kinds[0], args.name)
        print(sw.to_toml(obj, chain if len(chain) > 1 else None), end="")
        print("\n# where each value comes from:")
        for k, src in sorted(sources.items()):
            print(f"#   {k}: {src}")
        if kinds[0] == "strategy":
            from sim.params import SPECS

            set_names = {n for n, _ in obj.values}
            defaults = [k.split(".", 1)[1] for k in SPECS
                        if k.startswith("governance.") and k not in set_names]
            if defaults:
                print("#   from the defaults (sim.params): " + ", ".join(defaults))
        return 0
    if args.action == "validate":
        bad = 0
        for f in args.files:
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", ShockWarning)
                    obj = sl.validate_file(f, args.days, args.households, args.district)
                print(f"ok       {f} ({type(obj).__name__.lower()} {shown(obj.name)})")
                for w in caught:
                    print(f"warning  {w.message}")
            except ScenarioError as e:
                bad += 1
                print(f"INVALID  {e}")
        return 1 if bad else 0
    if args.action == "new":
        out = check_out_file(args.out if args.out is not None else f"{args.name}.toml",
                             "--out")
        if out.exists():
            raise ScenarioError(f"{out} exists; choose another --out (nothing was written)")
        text = sw.template(args.kind, args.name)
        atomic_write(out, lambda p: Path(p).write_text(text))
        print(f"wrote {out}; edit it, then `grassroots scenarios validate {out}`")
        return 0
    print(json.dumps(sw.json_schema(args.kind), indent=2))
    return 0
