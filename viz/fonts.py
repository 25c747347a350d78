"""Fonts for figures in the participants' language.

Matplotlib's own font (DejaVu Sans) has no Chinese characters, and a clean
machine may have no system font that does. The `mplfonts` package (a
dependency) ships Noto Sans CJK SC, an open font (SIL OFL) for Simplified
Chinese and Latin; `language("zh")` registers that file with matplotlib
(nothing is installed system-wide, nothing is imported from mplfonts) and
draws the figures made inside it with it.
"""

from __future__ import annotations

import importlib.util
from contextlib import contextmanager
from pathlib import Path

CJK_FILE = "NotoSansCJKsc-Regular.otf"
CJK_FAMILY = "Noto Sans CJK SC"


def cjk_font_path() -> Path | None:
    """The Noto Sans CJK SC file shipped by mplfonts, or None if it is missing."""
    spec = importlib.util.find_spec("mplfonts")  # locates the package, runs none of it
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "fonts" / CJK_FILE
    return path if path.is_file() else None


def register_cjk() -> str:
    """Register the CJK font with matplotlib once; returns its family name.
    A GrassrootsError (one line, what to install) if it is missing."""
    from matplotlib import font_manager

    from sim.errors import GrassrootsError

    path = cjk_font_path()
    if path is None:
        raise GrassrootsError("figures in Chinese need the mplfonts package (its Noto Sans "
                              "CJK SC font): pip install mplfonts")
    if CJK_FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(path))
    return CJK_FAMILY


@contextmanager
def language(lang: str):
    """Figures made inside are drawn with a font that has `lang`'s characters."""
    import matplotlib

    if lang == "en":
        yield
        return
    family = register_cjk()
    with matplotlib.rc_context({"font.family": "sans-serif",
                                "font.sans-serif": [family, "DejaVu Sans"],
                                "axes.unicode_minus": False}):
        yield
