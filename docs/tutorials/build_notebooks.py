"""Make each tutorial's notebook from its script (the scripts are the source).

The scripts use the "percent" format: `# %%` starts a code cell and
`# %% [markdown]` a Markdown cell whose lines start with `# `.

    python docs/tutorials/build_notebooks.py          # write the .ipynb files
    python docs/tutorials/build_notebooks.py --check  # exit 1 if one is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).parent


def notebook(script: Path) -> nbformat.NotebookNode:
    """The notebook of a percent-format script."""
    cells, kind, lines = [], None, []

    def flush():
        text = "\n".join(lines).strip("\n")
        if kind == "markdown":
            text = "\n".join(ln[2:] if ln.startswith("# ") else ln.lstrip("#")
                             for ln in text.splitlines())
            cells.append(nbformat.v4.new_markdown_cell(text))
        elif kind == "code" and text:
            cells.append(nbformat.v4.new_code_cell(text))

    for line in script.read_text().splitlines():
        if line.startswith("# %%"):
            flush()
            kind, lines = ("markdown" if "[markdown]" in line else "code"), []
        else:
            lines.append(line)
    flush()
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    for i, c in enumerate(nb.cells):  # stable ids, so rebuilding changes nothing
        c["id"] = f"{script.stem[:2]}-{i:03d}"
    return nb


def main(check: bool) -> int:
    stale = []
    for script in sorted(HERE.glob("[0-9][0-9]_*.py")):
        target = script.with_suffix(".ipynb")
        text = nbformat.writes(notebook(script)) + "\n"
        if check:
            if not target.is_file() or target.read_text() != text:
                stale.append(target.name)
        else:
            target.write_text(text)
            print(f"wrote {target}")
    if stale:
        print("out of date: " + ", ".join(stale) + " (run docs/tutorials/build_notebooks.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main("--check" in sys.argv))
