"""Kernel arguments bound by name: no call lists twenty arguments by position.

A kernel's parameters are named after what they receive: a state array
(`need`, `grid`, `motivation`), a parameter (`aid_share`), one of today's
inputs (`hazard`, `platform`), a scratch buffer (`pool`) or a day-to-day
value (`day`, `seed`). A `Namespace` holds those values under those names;
`bind(kernel, namespace)` looks each parameter up once and returns a
`BoundCall` that calls the kernel with them. Values that change from call to
call (`day`, `platform`, the record row) are "live": kept in one dict the
model updates, read at call time. Arrays are bound once: they are never
reallocated, only written in place.

Binding in Python, not through a namedtuple of arrays, keeps Numba's caching
and parallel loops as they are (writes through a namedtuple of arrays inside
`prange` are silently lost in Numba 0.68).
"""

from __future__ import annotations

import difflib
import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from typing import Any


class BindingError(LookupError):
    """A kernel parameter with no value of that name, or a name given twice."""


class Namespace:
    """Named values for kernel arguments: fixed ones and live ones.

    Args:
        live: the dict of live values (updated by the caller between calls).
    """

    def __init__(self, live: dict[str, Any] | None = None):
        self.fixed: dict[str, Any] = {}
        self.sources: dict[str, str] = {}
        self.live = {} if live is None else live

    def add(self, source: str, values: Mapping[str, Any]) -> Namespace:
        """Add fixed values from `source` (a label for error messages); a name
        already present is an error, so no value can shadow another."""
        for k, v in values.items():
            if k in self.fixed or k in self.live:
                raise BindingError(f"{k!r} is given by both {self.sources.get(k, 'live')} "
                                   f"and {source}")
            self.fixed[k] = v
            self.sources[k] = source
        return self

    def add_fields(self, source: str, obj: Any, names: list[str] | None = None) -> Namespace:
        """Add the fields of a dataclass (parameters) or named arrays (state)."""
        if names is None:
            names = [f.name for f in fields(obj)] if is_dataclass(obj) else obj.names()
        return self.add(source, {k: getattr(obj, k) for k in names})

    def declare_live(self, *names: str) -> Namespace:
        """Names whose values are read from `live` at each call."""
        for k in names:
            if k in self.fixed:
                raise BindingError(f"{k!r} is given by both {self.sources[k]} and live values")
            self.live.setdefault(k, None)
        return self

    def __contains__(self, name: str) -> bool:
        return name in self.fixed or name in self.live

    def value(self, name: str) -> Any:
        """The value of `name` now."""
        return self.live[name] if name in self.live else self.fixed[name]


def parameters(kernel: Callable) -> list[str]:
    """The parameter names of a kernel (a Numba dispatcher or a Python function)."""
    return list(_parameter_names(getattr(kernel, "py_func", kernel)))


@functools.cache
def _parameter_names(fn: Callable) -> tuple[str, ...]:
    # read once per function: every model binds each kernel twice (the strategy's
    # routine and the status quo's), and inspect.signature took a few percent of a
    # forked run's time
    return tuple(inspect.signature(fn).parameters)


class BoundCall:
    """A kernel with its arguments bound by name; `call()` runs it."""

    def __init__(self, kernel: Callable, namespace: Namespace):
        self.kernel = kernel
        fn = getattr(kernel, "py_func", kernel)  # a Numba dispatcher's function
        self.name = getattr(fn, "__name__", None) or repr(kernel)
        self.names = list(_parameter_names(fn))
        fixed, live = namespace.fixed, namespace.live
        missing = [k for k in self.names if k not in fixed and k not in live]
        if missing:
            known = list(namespace.fixed) + list(namespace.live)
            hints = "; ".join(
                f"{k!r}" + (f" (did you mean {', '.join(map(repr, close))}?)"
                             if (close := difflib.get_close_matches(k, known, 3)) else "")
                for k in missing)
            raise BindingError(f"kernel {self.name}: no value named {hints}")
        self._live = namespace.live
        # (is_live, name, fixed value) per argument, in order
        self._spec = tuple((k in live, k, fixed.get(k)) for k in self.names)
        # the fixed values in place, and the positions of the live ones: a call copies the
        # list and fills in those few (most kernels have one or two, many none)
        self._fixed = [v for _, _, v in self._spec]
        self._live_at = tuple((pos, k) for pos, (is_live, k, _) in enumerate(self._spec)
                              if is_live)

    def arguments(self) -> dict[str, Any]:
        """The arguments the next call would get, by name."""
        return {k: (self._live[k] if is_live else v) for is_live, k, v in self._spec}

    def call(self) -> Any:
        if not self._live_at:
            return self.kernel(*self._fixed)
        args = self._fixed.copy()
        live = self._live
        for pos, k in self._live_at:
            args[pos] = live[k]
        return self.kernel(*args)


def bind(kernel: Callable, namespace: Namespace) -> BoundCall:
    """Bind `kernel`'s parameters to the values of the same names in `namespace`."""
    return BoundCall(kernel, namespace)
