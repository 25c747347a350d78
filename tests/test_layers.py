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
    benchmarks                          the performance suite (may use any layer)

A module may import its own layer and the layers below it, never above.
Imports inside functions count too, and relative imports (`from .report
import ...`) are resolved to the module they name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["kernels", "sim", "agents", "scenarios", "experiments", "viz", "grassroots",
          "benchmarks"]
PACKAGES = ("sim", "agents", "scenarios", "experiments", "viz", "grassroots", "benchmarks")
BOTTOM = {"sim.kernels", "sim.flags", "sim.outputs", "sim.rng"}
BOTTOM_ALLOWED = {"numpy", "numba", "math", "dataclasses", "__future__", *BOTTOM}
NEVER_IN_SIM = {"solara", "dask", "distributed", "matplotlib", "reacton", "ipyvuetify"}


def layer(module: str) -> str | None:
    """The layer of a project module name, or None for a library."""
    top = module.split(".")[0]
    if any(module == b or module.startswith(b + ".") for b in BOTTOM):
        return "kernels"
    return top if top in LAYERS else None


def absolute(node: ast.ImportFrom, me: str, is_package: bool) -> str:
    """The module a `from ... import` names, relative imports resolved against `me`."""
    if node.level == 0:
        return node.module or ""
    parts = me.split(".") if is_package else me.split(".")[:-1]
    base = parts[:len(parts) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(path: Path, me: str | None = None) -> list[tuple[int, str]]:
    """(line, imported module) of every import in a file, nested and relative ones
    included (`me`: the file's module name, by default from its path)."""
    me = module_name(path) if me is None else me
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = absolute(node, me, path.name == "__init__.py")
            if not module:
                continue
            out.append((node.lineno, module))
            # `from sim import kernels` imports a submodule
            folder = ROOT / module.replace(".", "/")
            out += [(node.lineno, f"{module}.{a.name}") for a in node.names
                    if (folder / a.name).exists() or (folder / f"{a.name}.py").exists()]
    return out


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


SOURCES = sorted(p for top in PACKAGES for p in (ROOT / top).rglob("*.py"))


def test_every_package_is_seen():
    assert {module_name(p).split(".")[0] for p in SOURCES} == set(PACKAGES)


def upward(path: Path, me: str) -> list[str]:
    """The imports of file `path` (module `me`) that point up, as messages."""
    mine = layer(me)
    bad = []
    for line, mod in imports(path, me):
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
    return bad


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down(path):
    bad = upward(path, module_name(path))
    assert not bad, f"{module_name(path)} imports upward:\n  " + "\n  ".join(bad)


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
    """The checker itself, on files written outside the source tree: an upward
    import in a sim module is found, and so is a relative one."""
    f = tmp_path / "probe.py"
    f.write_text("def f():\n    from scenarios import load_shock\n")
    assert any("layer scenarios is above sim" in b for b in upward(f, "sim._probe"))
    f.write_text("from ..model import ResilienceModel\n")  # a kernel reaching up to sim
    assert any("sim.model (kernels import" in b for b in upward(f, "sim.kernels._probe"))
    f.write_text("from .report import Check\n")
    assert upward(f, "experiments.validation._probe") == []
