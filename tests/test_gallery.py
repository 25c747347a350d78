"""`grassroots gallery` makes every figure and the page that explains them."""

from __future__ import annotations

import pytest

from grassroots.cli import main


@pytest.mark.slow  # about 15 s: every figure of the gallery from real runs
def test_gallery_command_writes_its_figures_and_page(tmp_path, capsys):
    assert main(["gallery", "--out", str(tmp_path), "--households", "600"]) == 0
    page = (tmp_path / "gallery.md").read_text()
    figures = sorted((tmp_path / "gallery").glob("*.png"))
    assert len(figures) == 6
    for f in figures:
        assert f.stat().st_size > 10_000  # a real picture, not an empty canvas
        assert f"](gallery/{f.name})" in page  # and the page shows it
    assert "Resilience loss in days, against the same city without the shock" in page
    assert "absolute" in page and "missed need" in page
    assert main(["gallery", "--households", "50"]) == 2  # too small: a clear error
    assert "at least 600" in capsys.readouterr().err
