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


class SpecError(GrassrootsError, ValueError):
    """An experiment spec (file or object) that does not validate."""
