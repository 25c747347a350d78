"""Every sentence the code marks for translation has its Chinese (issue 26).

The marked sentences are found the way a translator's tool finds them: Babel's
Python extractor, over the modules that write what participants and readers
see (the app, the figures, the reports), with the names each module calls its
translator by. A sentence added in English and not to
viz/locale/zh/LC_MESSAGES/grassroots.po fails here, naming the file and line.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_file

from viz.i18n import catalogue

ROOT = Path(__file__).resolve().parents[1]
VIZ = {"_": None, "gettext": (1,), "N_": None}
# experiments/report_text.py words its sentences through `w.t` (it cannot import viz)
SOURCES = [(p, VIZ) for d in ("viz", "grassroots") for p in sorted((ROOT / d).rglob("*.py"))] + [
    (ROOT / "experiments" / "report_text.py", {"t": None, "N_": None}),
    (ROOT / "experiments" / "decompose.py", {"_": None}),
]


def _marked():
    for path, keywords in SOURCES:
        for lineno, msg, _c, _ctx in extract_from_file("python", str(path), keywords=keywords):
            msg = msg[0] if isinstance(msg, tuple) else msg
            if msg:
                yield f"{path.relative_to(ROOT)}:{lineno}", msg


def test_every_marked_sentence_has_its_chinese():
    zh = catalogue("zh")
    found = list(_marked())
    assert len(found) > 200  # the extractor sees the code (not an empty pass)
    missing = sorted({f"{where}: {msg[:70]!r}" for where, msg in found if msg not in zh})
    assert not missing, "\n".join(missing)


def test_no_translation_loses_or_invents_a_placeholder():
    import re

    bad = [m for m, z in catalogue("zh").items()
           if set(re.findall(r"{\w+}", z)) != set(re.findall(r"{\w+}", m))]
    assert not bad, bad
