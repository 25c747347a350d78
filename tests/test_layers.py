"""Imports point one way: a test over every import of the project's packages.

The layers, bottom to top (docs/ODD.md, "Code layout"):

    sim.kernels, sim.flags,             numpy and numba only
    sim.outputs, sim.rng
    sim                                 the model: params, state, network, phases
    agents                              the reference engine: plain Python and NumPy
    scenarios                           names and files -> Strategy and Shock objects
    experiments                         specs, runners, the store, analyses
    viz                                 figures, reports' figures, the workshop app
    grassroots                          the command line: the one front door

A module may import its own layer and the layers below it, never above.
Imports inside functions count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["kernels", "sim", "agents", "scenarios", "experiments", "viz", "grassroots"]
BOTTOM = {"sim.kernels", "sim.flags", "sim.outputs", "sim.rng"}
BOTTOM_ALLOWED = {"numpy", "numba", "math", "dataclasses", "__future__", *BOTTOM}
NEVER_IN_SIM = {"solara", "dask", "distributed", "matplotlib", "reacton", "ipyvuetify"}


def layer(module: str) -> str | None:
    """The layer of a project module name, or None for a library."""
    top = module.split(".")[0]
    if any(module == b or module.startswith(b + ".") for b in BOTTOM):
        return "kernels"
    return top if top in LAYERS else None


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) of every import in a file, nested ones included."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.lineno, node.module))
            # `from sim import kernels` imports a submodule
            out += [(node.lineno, f"{node.module}.{a.name}") for a in node.names
                    if (ROOT / node.module.replace(".", "/") / a.name).exists()
                    or (ROOT / node.module.replace(".", "/") / f"{a.name}.py").exists()]
    return out


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


SOURCES = sorted(p for top in ("sim", "agents", "scenarios", "experiments", "viz", "grassroots")
                 for p in (ROOT / top).rglob("*.py"))


def test_every_package_is_seen():
    assert {module_name(p).split(".")[0] for p in SOURCES} == {
        "sim", "agents", "scenarios", "experiments", "viz", "grassroots"}


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down(path):
    me = module_name(path)
    mine = layer(me)
    bad = []
    for line, mod in imports(path):
        theirs = layer(mod)
        if mine == "kernels":
            if mod.split(".")[0] not in BOTTOM_ALLOWED and not any(
                    mod == b or mod.startswith(b + ".") for b in BOTTOM):
                bad.append(f"line {line}: {mod} (kernels import numpy, numba, sim.rng, "
                           "sim.flags, sim.outputs only)")
            continue
        if mine == "sim" and mod.split(".")[0] in NEVER_IN_SIM:
            bad.append(f"line {line}: {mod} (nothing under sim/ imports it)")
        if theirs is not None and LAYERS.index(theirs) > LAYERS.index(mine):
            bad.append(f"line {line}: {mod} (layer {theirs} is above {mine})")
        if mine == "agents" and theirs == "kernels" and mod.startswith("sim.kernels"):
            bad.append(f"line {line}: {mod} (agents never call a compiled kernel)")
    assert not bad, f"{me} imports upward:\n  " + "\n  ".join(bad)


@pytest.mark.parametrize("path", sorted((ROOT / "agents").glob("*.py")),
                         ids=lambda p: p.name)
def test_agents_use_only_the_plain_python_draws(path):
    """The reference agents draw with sim.rng.uniform_py, never the compiled uniform."""
    tree = ast.parse(path.read_text())
    compiled = {"uniform", "hash64", "uniform_array", "integer_seed"}
    used = [n.attr for n in ast.walk(tree)
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
            and n.value.id == "rng" and n.attr in compiled]
    from_rng = [a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
                and n.module == "sim.rng" for a in n.names if a.name in compiled]
    assert not used and not from_rng, f"{path.name} calls compiled draws: {used + from_rng}"


def test_the_layer_rule_catches_an_upward_import(tmp_path):
    """The checker itself: an upward import in a sim module is found."""
    f = ROOT / "sim" / "_layers_probe.py"
    try:
        f.write_text("def f():\n    from scenarios import load_shock\n")
        with pytest.raises(AssertionError, match="layer scenarios is above sim"):
            test_imports_point_down(f)
    finally:
        f.unlink()
