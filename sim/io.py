"""Writing results safely and saying where they came from.

`atomic_write` makes a file appear whole or not at all (a temporary file in
the same folder, then a rename); `environment` records the versions and git
commit that every manifest carries.
"""

from __future__ import annotations

import os
import platform
import subprocess
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

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
