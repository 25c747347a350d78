"""Every command shown in the README and docs runs (tests/docs_commands.toml)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIST = tomllib.loads((Path(__file__).parent / "docs_commands.toml").read_text())
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
STARTS = ("grassroots ", "python3 ", ".venv/bin/")


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, flags=re.S)


def documented_commands(path: Path) -> list[str]:
    """Commands in the document's bash blocks: continuation lines joined,
    comments and surrounding space dropped, whitespace folded."""
    out = []
    for block in _blocks(path.read_text(), "bash"):
        block = re.sub(r"\\\n\s*", " ", block)
        for line in block.splitlines():
            line = re.sub(r"\s+#\s.*$", "", line.strip())  # a trailing comment
            if line.startswith(STARTS):
                out.append(" ".join(line.split()))
    return out


def test_every_documented_command_is_listed():
    found = {c for d in DOCS for c in documented_commands(d)}
    listed = set(LIST["commands"])
    assert not found - listed, f"documented but not in tests/docs_commands.toml: {found - listed}"
    assert not listed - found, f"listed but no longer documented: {listed - found}"


def _write_doc_files(doc: Path, where: Path) -> None:
    for block in _blocks(doc.read_text(), "toml"):
        first = block.splitlines()[0] if block.strip() else ""
        m = re.match(r"#\s*(\S+\.toml)\s*$", first)
        if m and m.group(1) in LIST.get("files", {}):
            text = block
            for old, new in LIST["files"][m.group(1)].get("shrink", []):
                assert old in text, f"{m.group(1)}: '{old}' is no longer in {doc.name}"
                text = text.replace(old, new)
            (where / m.group(1)).write_text(text)


def _docs_with_commands():
    return [d for d in DOCS if documented_commands(d)]


def _run_documented(doc: Path, where: Path, include_slow: bool) -> int:
    """Run a document's commands in order in `where`; returns how many ran."""
    _write_doc_files(doc, where)
    (where / "experiments").symlink_to(ROOT / "experiments")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    ran = 0
    for cmd in documented_commands(doc):
        entry = LIST["commands"][cmd]
        if "skip" in entry or (entry.get("slow") and not include_slow):
            continue
        run = entry.get("run", cmd)
        r = subprocess.run(["bash", "-c", run], cwd=where, env=env, capture_output=True,
                           text=True, timeout=600)
        expected = entry.get("exit", 0)
        if expected == -1:  # documented as 0 or 1 (e.g. --strict), only not a crash
            assert r.returncode in (0, 1), f"{run}\n{r.stderr[-2000:]}"
        else:
            assert r.returncode == expected, f"{run} exited {r.returncode}\n{r.stderr[-2000:]}"
        assert "Traceback" not in r.stderr, f"{run}\n{r.stderr[-2000:]}"
        ran += 1
    return ran


@pytest.mark.parametrize("doc", _docs_with_commands(), ids=lambda d: d.name)
def test_documented_commands_run(doc, tmp_path):
    """Every documented command but those marked slow (a later one never needs a
    slow one's output: slow ones come with what depends on them)."""
    _run_documented(doc, tmp_path, include_slow=False)


@pytest.mark.slow
@pytest.mark.parametrize("doc", _docs_with_commands(), ids=lambda d: d.name)
def test_documented_commands_run_all(doc, tmp_path):
    """Every documented command, the slow ones included, in the document's order."""
    _run_documented(doc, tmp_path, include_slow=True)
