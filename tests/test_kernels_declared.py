"""Each kernel writes only what its docstring declares ("Writes a, b, c.").

Every phase of several days of a small city (a strategy with every channel
on, under a forecast flood; another under the compound shock) is run kernel
by kernel through the model's own bound calls; the arrays each call changes must be among those its
docstring names, and the names must be its parameters.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from scenarios import make_model
from sim.phases import PHASES

KERNELS = [k for ph in PHASES for k in ph.kernels]


def declared_writes(kernel) -> set[str]:
    doc = " ".join((kernel.__doc__ or "").split())
    found = re.findall(r"Writes ([a-z0-9_, ]+)\.", doc)
    assert len(found) == 1, f"{kernel.__name__}: the docstring must say 'Writes a, b, c.' once"
    return {w.strip() for w in found[0].replace(" and ", ",").split(",") if w.strip()}


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
def test_docstring_declares_writes_among_its_parameters(kernel):
    from sim.binding import parameters

    assert declared_writes(kernel) <= set(parameters(kernel))


@pytest.fixture(scope="module")
def changes():
    """{kernel: [(changed names, declared names), ...]}, 12 days of four runs (the
    top-down strategy's registry outreach needs a warning with telecom working; the
    lockdown's channels need a closure)."""
    out: dict[str, list[tuple[set, set]]] = {}
    for strategy, shock, start in (("grassroots_empowerment", "flood", 5),
                                   ("top_down_digital", "compound", 20),
                                   ("top_down_digital", "flood", 5),
                                   ("community_resilience", "lockdown", 12)):
        m = make_model(strategy, shock, n_households=800, days=40, seed=4)
        m.run(start)  # into the warning or the shock
        for _ in range(12):
            m._begin_day()
            for ph in m.phases:
                for call in m._calls[ph.name]:
                    args = call.arguments()
                    before = {k: v.copy() for k, v in args.items() if isinstance(v, np.ndarray)}
                    out_value = call.call()
                    changed = {k for k, v in before.items()
                               if not np.array_equal(v, args[k], equal_nan=True)}
                    out.setdefault(call.name, []).append((changed, declared_writes(call.kernel)))
                    if ph.returns:
                        m.live[ph.returns] = out_value
            m.day += 1
            m.clock += 1
    return out


@pytest.mark.parametrize("kernel", KERNELS, ids=lambda k: k.__name__)
def test_kernel_writes_only_what_it_declares(kernel, changes):
    seen = changes[kernel.__name__]
    undeclared = set().union(*(c - d for c, d in seen))
    assert not undeclared, f"{kernel.__name__} writes {sorted(undeclared)} undeclared"
    assert set().union(*(c for c, _ in seen)), f"{kernel.__name__} never wrote anything"


def test_long_kernel_calls_cannot_swap_arguments():
    """A call to a kernel function with more than four positional arguments passes each
    parameter the variable of its own name, in order (inside sim/kernels: the helpers
    such as _order_wish and _release), and outside sim/kernels no such call is
    positional at all: two arguments swapped would otherwise run silently (issue 20)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    kernels = root / "sim" / "kernels"
    params: dict[str, list[str]] = {}
    for f in kernels.glob("*.py"):
        for node in ast.walk(ast.parse(f.read_text())):
            if isinstance(node, ast.FunctionDef):
                params[node.name] = [a.arg for a in node.args.args]
    swapped, positional = [], []
    files = [p for d in ("sim", "agents", "experiments", "benchmarks", "tests")
             for p in (root / d).rglob("*.py")]
    for f in files:
        tree = ast.parse(f.read_text())
        inside = f.parent == kernels
        # outside sim/kernels, the names this file imports from it (not a namesake)
        imported = {a.asname or a.name for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                        "sim.kernels") for a in node.names}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in params and len(node.args) > 4
                    and (inside or node.func.id in imported)):
                continue
            where = f"{f.relative_to(root)}:{node.lineno} {node.func.id}"
            if not inside:
                positional.append(where)
                continue
            for k, arg in enumerate(node.args):
                if not (isinstance(arg, ast.Name) and arg.id == params[node.func.id][k]):
                    swapped.append(f"{where}: argument {k} is {ast.unparse(arg)}, "
                                   f"parameter {params[node.func.id][k]}")
    assert len(params) > 30
    assert not swapped, swapped
    assert not positional, positional
