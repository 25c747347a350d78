"""Snapshots: everything needed to continue a run exactly, and their file format.

`ResilienceModel.snapshot()` returns a `Snapshot`; `Snapshot.save(path)`
writes it and `load(path)` reads it back; `ResilienceModel.from_snapshot`
continues the run from it (under the same shock, or under another one whose
schedule agrees on the days already simulated, or, with `restart=True`, as a
new run whose day 0 is the snapshot's moment). A run continued from a
snapshot gives the same daily series, byte for byte, as the run straight
through (tests/test_snapshot.py).

What is saved is derived from the declarations, never listed by hand: every
array of the state (each field of `sim.state`'s field tables, and every
other array `State` holds: departments, dashboard, warehouse), every
scratch buffer of the model (even those whose contents do not carry over
days: a buffer that does is then never missed), today's inputs, the recorded rows of the daily
table, and the live values of the day. A field added to a table in
`sim/state.py` or a buffer added to the model's scratch is saved with no
change here. The network is not saved: it is rebuilt from the parameters
and the seed (or shared, for a fork in memory) and checked against the
digest the snapshot carries.

File format (version `FORMAT_VERSION`): one NumPy `.npz` archive (zip, not
compressed) holding
- `header`: UTF-8 JSON, with `format` ("grassroots-snapshot"),
  `format_version`, `code_version` (a digest of the model's code: sim/ and
  agents/), `engine`, `params` (every parameter, dotted names), `strategy`
  and `shock` (as dataclasses), `seed`, `clock` (days simulated, burn-in
  included), `day` (days recorded), `burn_in` (unrecorded days before day
  0), `live` (the day's scalar values), `network_digest` (SHA-256 of the
  CSR arrays) and `arrays` (name -> dtype and shape);
- one array per saved array, named `state.households.reserves`,
  `state.warehouse`, `scratch.triage_count`, `today.hazard`, `daily`.

A snapshot is refused, with a message saying why, if its format version or
code version differs from this code's, or if continuing it would change a
parameter that acts before day 0 and shapes the city (population, network,
seed, warm-up, tenure).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from sim.errors import ParameterError, shown
from sim.inputs import Event, GridSelector, Shock, Strategy
from sim.mechanisms import declaration, registered

FORMAT = "grassroots-snapshot"
FORMAT_VERSION = 1
# Parameter groups and names that shape the city or its past: a snapshot is
# continued only with the values it was made with.
FIXED_GROUPS = ("population", "network")
FIXED_NAMES = ("run.seed", "run.warm_up_days", "run.tenure_days")
_MODEL_CODE = ("sim", "agents")


class SnapshotError(ParameterError):
    """A snapshot that cannot be continued by this code or with these values."""


_code_version: dict[tuple[str, ...], str] = {}


def code_version() -> str:
    """A digest of the model's code (every .py file under sim/ and agents/) and
    of every registered mechanism (its declaration and the source of its kernels
    and steps, `sim.mechanisms.declaration`): a snapshot is continued only by
    the code that made it."""
    key = tuple(declaration(m) for m in registered())
    if key not in _code_version:
        root = Path(__file__).resolve().parents[1]
        h = hashlib.sha256()
        for pkg in _MODEL_CODE:
            for f in sorted((root / pkg).rglob("*.py")):
                h.update(f.relative_to(root).as_posix().encode())
                h.update(f.read_bytes())
        for text in key:
            h.update(text.encode())
        _code_version[key] = h.hexdigest()[:16]
    return _code_version[key]


def network_digest(network) -> str:
    """SHA-256 of the network's CSR arrays (indptr, indices, weight)."""
    h = hashlib.sha256()
    for a in (network.indptr, network.indices, network.weight):
        h.update(str(a.dtype).encode())
        h.update(np.ascontiguousarray(a).view(np.uint8))
    return h.hexdigest()


def state_arrays(state) -> dict[str, np.ndarray]:
    """Every array of a `sim.state.State`, by name `<table>.<field>` or `<name>`:
    the field tables' arrays and any other array the state holds."""
    out: dict[str, np.ndarray] = {}
    for name, v in vars(state).items():
        if isinstance(v, np.ndarray):
            out[name] = v
        elif hasattr(v, "names") and hasattr(v, "n"):  # sim.state.Arrays
            for k in v.names():
                out[f"{name}.{k}"] = getattr(v, k)
    return out


def namespace_arrays(ns: SimpleNamespace) -> dict[str, np.ndarray]:
    """The arrays of a namespace (scratch buffers, today's inputs)."""
    return {k: v for k, v in vars(ns).items() if isinstance(v, np.ndarray)}


def model_arrays(model) -> dict[str, np.ndarray]:
    """Every array a snapshot saves of `model`, by its name in the file."""
    out = {f"state.{k}": v for k, v in state_arrays(model.state).items()}
    out.update({f"scratch.{k}": v for k, v in namespace_arrays(model.scratch).items()})
    out.update({f"today.{k}": v for k, v in namespace_arrays(model.today).items()})
    return out


def shock_from_dict(d: dict[str, Any]) -> Shock:
    """A Shock from `dataclasses.asdict(shock)` (as read back from JSON)."""
    events = []
    for e in d.get("events", ()):
        e = dict(e)
        g = dict(e.pop("grids"))
        g["grids"], g["communities"] = tuple(g["grids"]), tuple(g["communities"])
        events.append(Event(grids=GridSelector(**g), **e))
    return Shock(d["name"], tuple(events), d.get("description", ""))


def strategy_from_dict(d: dict[str, Any]) -> Strategy:
    """A Strategy from `dataclasses.asdict(strategy)` (as read back from JSON)."""
    return Strategy(d["name"], tuple((k, v) for k, v in d.get("values", ())),
                    d.get("description", ""))


@dataclass
class Snapshot:
    """A run's state at the end of a day: see the module docstring.

    `arrays` are copies, owned by the snapshot; `network` is the run's network
    itself (never written by the model, so shared by the runs forked from it),
    or None for a snapshot read from a file (rebuilt from the parameters)."""

    engine: str
    params: dict[str, Any]
    strategy: Strategy
    shock: Shock
    seed: int
    clock: int
    day: int
    burn_in: int
    live: dict[str, float]
    arrays: Mapping[str, np.ndarray]
    code_version: str = field(default_factory=code_version)
    format_version: int = FORMAT_VERSION
    # the registered mechanisms (sim.mechanisms) the run was made with, in order
    mechanisms: tuple[str, ...] = field(
        default_factory=lambda: tuple(m.name for m in registered()))
    network: Any = None
    network_digest: str | None = None

    def nbytes(self) -> int:
        """Bytes held by the saved arrays (the network is not counted)."""
        return sum(self.arrays[k].nbytes for k in self.arrays)

    def header(self) -> dict[str, Any]:
        """The file's header: everything but the arrays."""
        digest = self.network_digest
        if digest is None and self.network is not None:
            digest = network_digest(self.network)
        return {"format": FORMAT, "format_version": self.format_version,
                "code_version": self.code_version, "mechanisms": list(self.mechanisms),
                "engine": self.engine,
                "params": self.params, "strategy": asdict(self.strategy),
                "shock": asdict(self.shock), "seed": self.seed, "clock": self.clock,
                "day": self.day, "burn_in": self.burn_in, "live": self.live,
                "network_digest": digest,
                "arrays": {k: [str(a.dtype), list(a.shape)] for k, a in self.arrays.items()}}

    def save(self, path: str | Path) -> Path:
        """Write the snapshot to `path` (a .npz archive), whole or not at all."""
        from sim.io import atomic_write

        path = Path(path)
        header = json.dumps(self.header(), indent=1).encode()

        def write(tmp):
            with open(tmp, "wb") as f:
                np.savez(f, header=np.frombuffer(header, dtype=np.uint8), **self.arrays)

        atomic_write(path, write)
        return path

    def check(self) -> None:
        """Refuse a snapshot this code cannot continue exactly."""
        if self.format_version != FORMAT_VERSION:
            raise SnapshotError(
                f"snapshot format version {self.format_version} is not this code's "
                f"({FORMAT_VERSION}): rerun the run that made it with this code")
        here = tuple(m.name for m in registered())
        if tuple(self.mechanisms) != here:
            raise SnapshotError(
                f"the snapshot was made with the mechanisms {list(self.mechanisms)} registered "
                f"and this process has {list(here)} (sim.mechanisms.register): register the "
                "same ones, in the same order, to continue it")
        if self.code_version != code_version():
            raise SnapshotError(
                f"the snapshot was made by another version of the model's code (code version "
                f"{self.code_version}, this code's is {code_version()}): a run continued from "
                "it would not be the same run; rerun the run that made it with this code")

    def check_overrides(self, overrides: dict[str, Any]) -> None:
        """Refuse values that differ from the snapshot's for parameters that
        shape the city or its past (population, network, seed, warm-up, tenure)."""
        for k, v in overrides.items():
            if (k.split(".")[0] in FIXED_GROUPS or k in FIXED_NAMES) and v != self.params.get(k):
                raise SnapshotError(
                    f"parameter {k!r} = {shown(v)} differs from the snapshot's "
                    f"({shown(self.params.get(k))}): population, network, seed, warm-up and "
                    "tenure shape the city and its past, which the snapshot holds; build a "
                    "new model for other values")


def load(path: str | Path) -> Snapshot:
    """Read a snapshot written by `Snapshot.save`, checked before any work: the
    archive whole (CRC), a JSON header object of this format, every array it
    describes present with the dtype and shape it says, then the format and
    code version. Any problem is one SnapshotError naming the file."""
    from sim.io import is_dir, is_file

    path = Path(path)
    if is_dir(path):
        raise SnapshotError(f"snapshot file {shown(str(path))} is a folder, not a snapshot "
                            "(a .npz file written by --save-snapshot)")
    if not is_file(path):
        raise SnapshotError(f"snapshot file {shown(str(path))} does not exist")
    try:
        with np.load(path, allow_pickle=False) as z:
            if not isinstance(z, np.lib.npyio.NpzFile) or "header" not in z.files:
                raise KeyError("no header")
            header = json.loads(bytes(z["header"]).decode())
            if not isinstance(header, dict):
                raise ValueError("its header is not a JSON object")
            if header.get("format") != FORMAT:
                raise SnapshotError(f"{shown(str(path))} is not a grassroots snapshot "
                                    f"(format {shown(header.get('format'))})")
            described = header["arrays"]
            if not isinstance(described, dict):
                raise ValueError("its header's arrays are not a table")
            missing = [k for k in described if f"{k}.npy" not in z.zip.namelist()]
            if missing:
                raise KeyError(f"missing arrays {', '.join(missing)}")
            damaged = z.zip.testzip()
            if damaged is not None:
                raise ValueError(f"{damaged} is damaged (its checksum does not match)")
            for k, (dtype, shape) in described.items():
                _check_array(z.zip, k, np.dtype(dtype), tuple(shape))
        arrays = NpzArrays(path, described)
        snap = Snapshot(engine=header["engine"], params=header["params"],
                        strategy=strategy_from_dict(header["strategy"]),
                        shock=shock_from_dict(header["shock"]), seed=header["seed"],
                        clock=header["clock"], day=header["day"], burn_in=header["burn_in"],
                        live=header["live"], arrays=arrays, code_version=header["code_version"],
                        format_version=header["format_version"],
                        mechanisms=tuple(header.get("mechanisms", ())),
                        network_digest=header["network_digest"])
    except SnapshotError:
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, EOFError,
            RecursionError, zipfile.BadZipFile) as e:
        raise SnapshotError(f"{shown(str(path))} is not a readable grassroots snapshot "
                            f"(a .npz file written by Snapshot.save): {shown(str(e), 160)}"
                            ) from None
    snap.check()
    return snap


def _check_array(archive: zipfile.ZipFile, name: str, dtype: np.dtype, shape: tuple) -> None:
    """The array `name` of the archive has the dtype and shape the header says
    (read from its .npy header, not its data)."""
    from numpy.lib import format as npy

    with archive.open(f"{name}.npy") as f:
        version = npy.read_magic(f)
        read = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
        got_shape, _, got_dtype = read(f)
    if got_dtype != dtype or tuple(got_shape) != shape:
        raise ValueError(f"array {name} is {got_dtype} {tuple(got_shape)}, its header says "
                         f"{dtype} {shape}")


class NpzArrays(Mapping):
    """The arrays of a snapshot file, each read when asked for: a model is
    restored one array at a time, never holding a second copy of its state."""

    def __init__(self, path: Path, described: dict[str, list]):
        self.path, self._names = path, list(described)
        self.shapes = {k: tuple(v[1]) for k, v in described.items()}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._names:
            raise KeyError(name)
        with np.load(self.path, allow_pickle=False) as z:
            return z[name]

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def array_shape(arrays: Mapping[str, np.ndarray], name: str) -> tuple[int, ...]:
    """The shape of a saved array (without reading a file's)."""
    shapes = getattr(arrays, "shapes", None)
    return shapes[name] if shapes is not None else arrays[name].shape


def restore_array(name: str, target: np.ndarray, saved: np.ndarray) -> None:
    """Copy a saved array into the new model's. A 1-D array sized by the run's
    length (the triage queue's count per day) may differ in length: the
    common part is copied, and what the saved one holds beyond is zero."""
    if target.shape == saved.shape:
        np.copyto(target, saved)
        return
    if target.ndim == saved.ndim == 1 and target.dtype == saved.dtype:
        k = min(len(target), len(saved))
        if not saved[k:].any():
            target[:k] = saved[:k]
            return
    raise SnapshotError(f"the snapshot's {name} has shape {saved.shape}, the model's "
                        f"{target.shape}: the snapshot is not of this city")
