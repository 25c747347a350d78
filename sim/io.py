"""Writing results safely and saying where they came from.

`check_out_dir` says, before any work is done, whether a folder can receive
results; `atomic_write` makes a file appear whole or not at all (a temporary
file in the same folder, then a rename); `json_text` writes strict JSON
(NaN and infinities as null); `environment` records the versions and git
commit that every manifest carries.

Reading what users hand over: `read_toml` is the one TOML reader of every
user file (scenarios, experiment and robustness specs, calibration targets,
parameter presets) and `read_json` the one JSON reader of results folders'
records; each turns any problem with the file into one error of the
caller's type naming the file and what is wrong, never a traceback.
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import tempfile
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from sim.errors import GrassrootsError, OutputError, shown

PACKAGES = ("grassroots-resilience", "numpy", "numba", "mesa", "networkx", "pandas", "SALib")


def atomic_write(path: Path, write) -> None:
    """Call write(tmp_path), then rename it onto `path`; nothing partial remains."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def is_file(path) -> bool:
    """`Path(path).is_file()`, False (not an OSError) for a name the system
    refuses (too long, a NUL byte)."""
    try:
        return Path(os.fspath(path)).is_file()
    except (OSError, ValueError):
        return False


def is_dir(path) -> bool:
    """`Path(path).is_dir()`, False for a name the system refuses."""
    try:
        return Path(os.fspath(path)).is_dir()
    except (OSError, ValueError):
        return False


def _exists(path: Path) -> bool:
    """Whether `path` exists (False for a name too long to look up: making it
    then fails with the OSError `check_out_dir` turns into its message)."""
    return os.path.lexists(path)


def read_toml(path, error: type[GrassrootsError] = GrassrootsError, what: str = "file",
              empty: str = "", depth: str = "") -> dict[str, Any]:
    """The table of TOML file `path`; any problem raises `error` naming the file.

    Unreadable files, non-UTF-8 bytes, invalid TOML, whole numbers of more
    than 4,300 digits (Python's limit), nesting deeper than the parser's
    recursion limit and (when `empty` is given) an empty file each get one
    line. A UTF-8 byte-order mark (which some Windows editors write) is
    accepted. `what` names the kind of file, `empty` and `depth` say what
    such a file should hold."""
    name = os.fspath(path)
    if is_dir(name):
        raise error(f"{shown(name, 200)} is a folder, not a {what}")
    try:
        data = Path(name).read_bytes()
    except (OSError, ValueError) as e:
        raise error(f"{shown(name, 200)}: cannot be read: "
                    f"{getattr(e, 'strerror', None) or e}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise error(f"{name}: cannot be read: not UTF-8 text (byte {e.start:,} is "
                    f"0x{data[e.start]:02x}); save the file as UTF-8") from None
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise error(f"{name}: not valid TOML: {shown(str(e), 200)}") from None
    except RecursionError:
        raise error(f"{name}: not a {what}: arrays or tables are nested too deeply"
                    + (f" ({depth})" if depth else "")) from None
    except ValueError as e:  # a whole number of more than 4,300 digits
        why = ("a whole number has more than 4,300 digits" if "digits" in str(e)
               else shown(str(e), 120))
        raise error(f"{name}: not valid TOML: {why}") from None
    if not doc and empty:
        raise error(f"{name}: the file is empty; {empty}")
    return doc


def read_json(path, error: type[GrassrootsError] = GrassrootsError,
              what: str = "record") -> Any:
    """The JSON document in `path` (a results folder's manifest or record);
    a missing, unreadable or broken file raises `error` naming it and `what`
    it should be."""
    name = os.fspath(path)
    try:
        text = Path(name).read_bytes().decode("utf-8")
    except OSError as e:
        raise error(f"{shown(name, 200)}: cannot be read ({e.strerror or e}); "
                    f"expected the folder's {what}") from None
    except UnicodeDecodeError:
        raise error(f"{name}: not UTF-8 text: the folder's {what} is broken; rerun the "
                    "command into a new folder") from None
    try:
        return json.loads(text)
    except RecursionError:
        raise error(f"{name}: nested too deeply: the folder's {what} is broken") from None
    except ValueError as e:
        raise error(f"{name}: not valid JSON ({shown(str(e), 120)}): the folder's {what} is "
                    "broken or was edited; rerun the command into a new folder") from None


def check_out_dir(path, option: str = "--out") -> Path:
    """Check that `path` is, or can be made, a folder this process can write in.

    Called before a run or sweep starts, so that a typo costs nothing: the
    path must not be empty or an existing file, and a probe file must be
    creatable in it. Folders made for the probe are removed again, so a run
    that fails later leaves nothing behind.

    Raises:
        OutputError: Naming the option, the path and the reason.
    """
    text = os.fspath(path)
    if not text.strip():
        raise OutputError(f"{option} is empty: give a folder to write the results in")
    if "\0" in text:
        raise OutputError(f"{option} {shown(text, 200)} holds a NUL byte: give a folder name "
                          "without one")
    if len(os.fsencode(os.path.abspath(text))) >= 4096:  # PATH_MAX: before making folders
        raise OutputError(f"{option} {shown(text, 200)}: cannot write there (the path is "
                          "longer than 4,095 bytes); give a shorter one")
    p = Path(text)
    if is_file(p) or (not is_dir(p) and _exists(p)):
        raise OutputError(f"{option} {shown(text, 200)} is an existing file, not a folder: "
                          "give a folder (it is created if missing)")
    made: list[Path] = []
    try:
        for d in [*reversed(p.parents), p]:
            if not _exists(d):
                d.mkdir()
                made.append(d)
        fd, probe = tempfile.mkstemp(dir=p, prefix=".grassroots-probe-")
        os.close(fd)
        os.unlink(probe)
    except OSError as e:
        raise OutputError(f"{option} {shown(text, 200)}: cannot write there "
                          f"({e.strerror or e}); give a folder you can write in") from None
    finally:
        for d in reversed(made):
            try:
                d.rmdir()
            except OSError:
                pass
    return p


def check_out_file(path, option: str) -> Path:
    """Like `check_out_dir` for a single file: not empty, not a folder, and its
    folder writable (made if missing, and removed again after the probe)."""
    text = os.fspath(path)
    if not text.strip():
        raise OutputError(f"{option} is empty: give a file name to write")
    if "\0" in text:
        raise OutputError(f"{option} {shown(text, 200)} holds a NUL byte")
    p = Path(text)
    if len(os.fsencode(p.name)) > 255:  # NAME_MAX of the usual file systems
        raise OutputError(f"{option} {shown(text, 200)}: the file name is longer than 255 "
                          "bytes; give a shorter one")
    if is_dir(p):
        raise OutputError(f"{option} {shown(text, 200)} is a folder: give a file name")
    check_out_dir(p.parent, option)
    return p


def strict(obj: Any) -> Any:
    """`obj` with every NaN or infinite float replaced by None (JSON null) and
    numpy scalars and arrays turned into plain Python values."""
    if isinstance(obj, dict):
        return {str(k): strict(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [strict(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return strict(obj.tolist())
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


def json_text(obj: Any, indent: int | None = 2) -> str:
    """Strict JSON (RFC 8259) of `obj`: NaN and infinities become null, never
    the bare `NaN` strict parsers reject. Ends with a newline."""
    return json.dumps(strict(obj), indent=indent, allow_nan=False, default=str) + "\n"


def environment() -> dict[str, Any]:
    """Python and package versions and the git commit of the code, for manifests."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                                cwd=Path(__file__).parent, timeout=5).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        commit = None
    versions = {}
    for p in PACKAGES:
        try:
            versions[p] = version(p)
        except PackageNotFoundError:
            versions[p] = None
    return {"python": platform.python_version(), "git_commit": commit, "versions": versions}
