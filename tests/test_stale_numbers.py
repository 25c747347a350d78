"""The listing of stale stamped numbers works (tests/stale_numbers.py); it does not
fail on stale numbers, it makes them visible."""

from __future__ import annotations

from tests import stale_numbers as sn


def test_a_stamp_older_than_the_model_change_is_listed(tmp_path):
    model = sn.last_model_change()
    assert model is not None
    first = sn.git("rev-list", "--max-parents=0", "HEAD").stdout.split()[0]
    doc = tmp_path / "doc.md"
    doc.write_text(f"Old: 12 ms (commit `{first[:7]}`).\nNow: 3 ms (commit `{model[:7]}`).\n"
                   "Nowhere: (commit `0000000`).\n")
    lines = sn.stale([doc], model)
    assert len(lines) == 2
    assert f"doc.md:1: commit {first[:7]} is older" in lines[0]
    assert "doc.md:3: commit 0000000 is unknown" in lines[1]


def test_every_doc_stamp_is_found():
    found = sn.stamps()
    assert all(len(c) >= 7 for _, _, c in found)
