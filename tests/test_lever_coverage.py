"""Every lever a strategy sets has a direction test in the default (not slow) run:
a test function, or the parameter list of one, that names the lever."""

from __future__ import annotations

import ast
from pathlib import Path

from sim.params import LEVERS

TESTS = Path(__file__).resolve().parent


def _is_slow(fn: ast.FunctionDef) -> bool:
    return any("slow" in ast.unparse(d) for d in fn.decorator_list)


def quick_test_names() -> dict[str, set[str]]:
    """Test function -> the strings (not its docstring) and keyword names in it and its
    decorators (default run only)."""
    out = {}
    for path in sorted(TESTS.glob("test_*.py")):
        if path.name == Path(__file__).name:
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test") \
                    and not _is_slow(node):
                doc = node.body[0].value if ast.get_docstring(node) is not None else None
                out[f"{path.name}::{node.name}"] = {
                    n.value for n in ast.walk(node)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str) and n is not doc
                } | {n.arg for n in ast.walk(node) if isinstance(n, ast.keyword) and n.arg}
    return out


def test_every_lever_has_a_quick_direction_test():
    tests = quick_test_names()
    texts = [" ".join(v) for v in tests.values()]
    missing = [k for k in LEVERS if not any(k in t for t in texts)]
    assert not missing, f"levers with no quick direction test: {missing}"
