"""What is known about one parameter, and how a value is checked against it.

`par(...)` declares a parameter field with its metadata; `ParSpec` is that
metadata read back, with `check(value)`, the one place a value is converted
and range-checked (never through float() or int() before the range is
known to hold, so a 401-digit number or 1e308 gives a message, not an
OverflowError). `sim.params` declares every parameter with these; this
module holds only the machinery.
"""

from __future__ import annotations

import difflib
import math
import numbers
from dataclasses import dataclass, field
from typing import Any

from sim.errors import ParameterError, shown


def par(default, lo=None, hi=None, unit="", label="", help="", choices=None):
    """A parameter field: default plus the metadata every consumer reads."""
    meta = {"lo": lo, "hi": hi, "unit": unit, "label": label, "help": help,
            "choices": tuple(choices) if choices else None}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class ParSpec:
    """What is known about one parameter (read from its `par` field)."""

    name: str  # dotted: "group.field"
    type: type  # int, float, bool or str
    default: Any
    lo: float | None
    hi: float | None
    unit: str
    label: str
    help: str
    choices: tuple | None

    def allowed(self) -> str:
        """The allowed values, in words, for error messages and --help."""
        if self.type is bool:
            return "true or false"
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.type is str:
            return "a text value"
        if self.type is int:
            return f"a whole number from {self.lo:,} to {self.hi:,}"
        return f"a number from {self.lo:g} to {self.hi:g}"

    def check(self, value: Any) -> Any:
        """Return `value` converted to this parameter's type, or raise."""
        def bad(why: str) -> ParameterError:
            return ParameterError(
                f"parameter '{self.name}' = {shown(value)}: {why}; allowed: {self.allowed()}"
                + (f" ({self.unit})" if self.unit else ""))

        if self.type is bool:
            if isinstance(value, bool):
                return value
            if isinstance(value, numbers.Integral) and int(value) in (0, 1):
                return bool(value)
            raise bad("not a boolean")
        if self.type is str:
            if not isinstance(value, str):
                raise bad("not a text value")
            if self.choices and value not in self.choices:
                close = difflib.get_close_matches(value, self.choices, n=3)
                hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
                raise bad("not a known choice" + hint)
            return value
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise bad("not a number")
        if isinstance(value, numbers.Integral):
            v = int(value)  # exact: no detour through float for large whole numbers
        else:
            try:
                v = float(value)
            except (OverflowError, ValueError):
                raise bad("not a finite number") from None
            if math.isnan(v):
                raise bad("not a number (NaN)")
            if self.type is int and math.isfinite(v) and not v.is_integer():
                raise bad("not a whole number")
        # The range before any conversion: int(1e308) and float(10**400) never happen.
        if v < self.lo or v > self.hi:
            raise bad("out of range")
        if self.type is int:
            v = int(v)
        if self.type is float:
            v = float(v)
        return v
