"""The project's error types: every bad input ends in one of these.

Each carries a message meant for the person who typed the input: it names
the field (or file and line), the value, and what is allowed.
"""


class GrassrootsError(Exception):
    """Base class of every error the simulator raises on purpose."""


class ParameterError(GrassrootsError, ValueError):
    """A parameter name, type or value that the model cannot accept."""


class NetworkError(GrassrootsError, ValueError):
    """A social network (edge list or generator settings) that cannot be built."""


class ScenarioError(GrassrootsError, ValueError):
    """A shock or strategy (file or object) that does not validate."""


class DistrictError(GrassrootsError, ValueError):
    """A district map file (or its column mapping) that cannot be read as grids."""


class SpecError(GrassrootsError, ValueError):
    """An experiment spec (file or object) that does not validate."""


class OutputError(GrassrootsError, ValueError):
    """A place results cannot be written to (checked before any work is done)."""


class InputWarning(UserWarning):
    """An input that is used, but not wholly: the command line prints these."""


class ShockWarning(InputWarning):
    """A shock that partly misses its run (an event past the horizon)."""


def shown(value: object, limit: int = 60) -> str:
    """`repr(value)` cut to about `limit` characters, for error messages.

    A 100,000-character id or a 401-digit number is echoed as its start,
    its length and its end, never whole; a float shows in `g` notation.
    """
    if isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 3 * limit:
        try:
            digits = len(str(abs(value)))
        except ValueError:  # more digits than Python will print (4,300)
            return f"a whole number of about {int(value.bit_length() * 0.30103) + 1:,} digits"
        return f"a whole number of {digits:,} digits"
    else:
        text = repr(value)
    if len(text) <= limit:
        return text
    keep = max(8, limit // 2 - 10)
    return f"{text[:keep]}...{text[-8:]} ({len(text):,} characters)"
