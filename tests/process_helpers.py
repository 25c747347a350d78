"""Shared helper of the kill-and-resume tests: start a command line, kill it mid-run."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path


def kill_mid_run(cmd: list[str], out: Path, cwd: Path | None = None, parts: int = 4,
                 poll: float = 0.05, timeout: float = 120.0) -> None:
    """Run `cmd` in a session of its own and SIGKILL it (the runner and its workers)
    once `out/parts` holds `parts` finished result files, or after `timeout` s."""
    proc = subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=cwd)
    deadline = time.time() + timeout
    while time.time() < deadline:
        done = list((out / "parts").glob("runs-*.parquet")) if (out / "parts").is_dir() else []
        if len(done) >= parts:
            break
        time.sleep(poll)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def fail_on_second(task, root, threads):
    """A stand-in for run_task in worker processes: task 1 fails, the others take a moment."""
    if task == 1:
        raise RuntimeError("task 1 failed")
    time.sleep(0.3)
    return task


def no_warm_up():
    """A worker initializer that loads nothing (the test's tasks run no model)."""
