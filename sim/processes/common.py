"""Shared by the processes: input checks and kernel arguments bound with a Params object."""

from __future__ import annotations

import math
import numbers
from dataclasses import fields
from typing import Any

import numpy as np

from sim.binding import Namespace
from sim.errors import ParameterError
from sim.network import Network
from sim.params import Params

NEVER = np.iinfo(np.int32).min  # a t_visited that is never "yesterday"

# Word of mouth alone: the platform reaches nobody, no chat groups, and
# perception is not followed (it does not feed back on telling).
WORD_OF_MOUTH_ONLY = {"behaviour.warning_reach": 0.0, "behaviour.chat_warning": 0.0,
                      "behaviour.perception_decay": 0.0, "governance.chat_groups": False,
                      "governance.broadcast_warnings": 0.0}


def namespace(params: Params, values: dict[str, Any],
               live: dict[str, Any] | None = None) -> Namespace:
    """Kernel arguments: the parameters of `params`, except those given in
    `values` (the process's own inputs and arrays), then `values`."""
    ns = Namespace(live)
    for group in ("behaviour", "governance"):
        obj = getattr(params, group)
        ns.add_fields(group, obj, [f.name for f in fields(obj) if f.name not in values])
    ns.add("inputs", values)
    if live:
        ns.declare_live(*live)
    return ns


# --------------------------------------------------------------------------
# Input checks


def check_network(network) -> Network:
    if not isinstance(network, Network):
        raise ParameterError(f"network must be a sim.network.Network (see sim.network."
                             f"from_edges / from_networkx), got {type(network).__name__}")
    return network


def probability(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(f"{name} must be a number in [0, 1], got {value!r}")
    v = float(value)
    if not 0.0 <= v <= 1.0:  # also rejects NaN
        raise ParameterError(f"{name} = {value!r}: must be a probability in [0, 1]")
    return v


def whole(value, name: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ParameterError(f"{name} must be a whole number >= {low}, got {value!r}")
    if value < low:
        raise ParameterError(f"{name} = {value}: must be >= {low}")
    return int(value)


def nonneg(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ParameterError(f"{name} must be a number >= 0, got {value!r}")
    v = float(value)
    if not (v >= 0.0 and math.isfinite(v)):
        raise ParameterError(f"{name} = {value!r}: must be a finite number >= 0")
    return v


def household_array(a, n: int, name: str, *, low: float = 0.0,
                     high: float = math.inf) -> np.ndarray:
    """A float64 copy of a per-household array, checked for shape and range."""
    try:
        arr = np.array(a, dtype=np.float64)  # a copy: kernels write in place
    except (TypeError, ValueError):
        raise ParameterError(f"{name} must be an array of {n} numbers") from None
    if arr.shape != (n,):
        raise ParameterError(f"{name} has shape {arr.shape}; expected ({n},), one value "
                             f"per household of the network")
    bad = np.flatnonzero(~((arr >= low) & (arr <= high) & np.isfinite(arr)))
    if len(bad):
        i = int(bad[0])
        allowed = f">= {low:g}" if high == math.inf else f"in [{low:g}, {high:g}]"
        raise ParameterError(f"{name}[{i}] = {float(arr[i])!r}: values must be finite and {allowed}"
                             f" ({len(bad)} bad value{'s' if len(bad) > 1 else ''})")
    return arr


def bool_array(a, n: int, name: str) -> np.ndarray:
    arr = np.asarray(a)
    if arr.shape != (n,):
        raise ParameterError(f"{name} has shape {arr.shape}; expected ({n},), one value "
                             f"per household of the network")
    if arr.dtype != np.bool_:
        if not np.issubdtype(arr.dtype, np.integer) or not np.isin(arr, (0, 1)).all():
            raise ParameterError(f"{name} must be booleans (or 0/1), got dtype {arr.dtype}")
        arr = arr.astype(np.bool_)
    return arr
