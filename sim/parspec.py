"""What is known about one parameter, and how a value is checked against it.

`par(...)` declares a parameter field with its metadata; `ParSpec` is that
metadata read back, with `check(value)`, the one place a value is converted
and range-checked (never through float() or int() before the range is
known to hold, so a 401-digit number or 1e308 gives a message, not an
OverflowError). `sim.params` declares every parameter with these; this
module holds only the machinery.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import numbers
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from sim.errors import ParameterError, shown


def par(default, lo=None, hi=None, unit="", label="", help="", choices=None,
        plausible=None, source=""):
    """A parameter field: default plus the metadata every consumer reads.

    `plausible=(lo, hi)` marks a deep uncertainty (`sim.params.UNCERTAIN`,
    used by `grassroots robustness`): the range the value could plausibly
    take, with `source` saying where the range comes from or that nothing is
    known."""
    meta = {"lo": lo, "hi": hi, "unit": unit, "label": label, "help": help,
            "choices": tuple(choices) if choices else None,
            "plausible": tuple(plausible) if plausible else None, "source": source}
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


def specs_of(groups: dict[str, type]) -> dict[str, ParSpec]:
    """{dotted name: ParSpec} of every `par` field of the group dataclasses."""
    out = {}
    for group, cls in groups.items():
        hints = {f.name: f.type for f in dataclasses.fields(cls)}
        for f in dataclasses.fields(cls):
            hint = hints[f.name] if isinstance(hints[f.name], str) else hints[f.name].__name__
            typ = {"int": int, "float": float, "bool": bool, "str": str}.get(hint)
            if typ is None or "lo" not in f.metadata:
                raise ParameterError(f"parameter '{group}.{f.name}': declare it with "
                                     "sim.parspec.par and a type of int, float, bool or str "
                                     f"(got {hint})")
            m = f.metadata
            out[f"{group}.{f.name}"] = ParSpec(f"{group}.{f.name}", typ, f.default, m["lo"],
                                               m["hi"], m["unit"], m["label"], m["help"],
                                               m["choices"])
    return out


def uncertain_of(groups: dict[str, type],
                 specs: dict[str, ParSpec]) -> dict[str, tuple[float, float, str]]:
    """{dotted name: (low, high, source)} of the fields with a plausible range,
    each checked to lie inside its parameter's bounds and to give a source."""
    out = {}
    for group, cls in groups.items():
        for f in dataclasses.fields(cls):
            if f.metadata.get("plausible"):
                name, (lo, hi) = f"{group}.{f.name}", f.metadata["plausible"]
                s = specs[name]
                if not (s.lo <= lo < hi <= s.hi and f.metadata["source"]):
                    raise ParameterError(f"parameter '{name}': plausible range {(lo, hi)} must "
                                         f"lie inside {s.lo:g} - {s.hi:g}, low < high, with a "
                                         "source")
                out[name] = (lo, hi, f.metadata["source"])
    return out


def fresh_seed() -> int:
    """A new seed from the operating system's entropy, 0 to 2**63 - 1.

    Mesa's convention: a model given no seed draws a fresh one, so that
    `mesa.batch_run(..., iterations=5)` gives five different replicates; the
    drawn seed is then recorded (it is `params.run.seed`, in every manifest).
    """
    return secrets.randbits(63)


def parse_value(sp: ParSpec, raw: str) -> Any:
    """A command-line text (`--set name=TEXT`) as the value of parameter `sp`."""
    name = sp.name
    if sp.type is bool:
        low = raw.lower()
        if low in ("true", "1", "yes", "on"):
            return True
        if low in ("false", "0", "no", "off"):
            return False
        return sp.check(raw)
    if sp.type is str:
        return sp.check(raw)
    if not _NUMBER.fullmatch(raw):
        raise ParameterError(f"parameter '{name}' = {shown(raw)}: not a number (plain digits "
                             f"0-9, '.', 'e'); allowed: {sp.allowed()}")
    text = raw.replace("_", "")
    try:
        value = int(text) if _WHOLE.fullmatch(text) else float(text)
    except ValueError:  # a whole number of more than 4,300 digits
        raise ParameterError(f"parameter '{name}' = {shown(raw)}: too many digits; "
                             f"allowed: {sp.allowed()}") from None
    return sp.check(value)



# Numbers on the command line: ASCII digits only (int() and float() also read
# other scripts' digits, which a typo should not turn into a value); '_' may
# group digits as in Python and TOML.
_WHOLE = re.compile(r"[+-]?[0-9]+", re.ASCII)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:_[0-9]+)*(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
                     r"|[+-]?(?:inf|nan)", re.ASCII | re.IGNORECASE)
