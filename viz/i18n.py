"""Words in the participants' language: English and Chinese (简体中文).

The source strings are English; their Chinese lives in a gettext message
catalogue, viz/locale/zh/LC_MESSAGES/grassroots.po, read with Babel (the
Python field's i18n library), so a translator edits one .po file with any
PO editor and nothing here changes. A string missing from the catalogue is
shown in English, never as a key.

`display_name` gives the plain names of strategies and shocks (no
snake_case): the scenario library's names stay the identifiers, these are
what people read.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from sim.errors import ParameterError

LANGS = ("en", "zh")
LOCALE = Path(__file__).parent / "locale"
DOMAIN = "grassroots"


def N_(message: str) -> str:
    """Mark a string for the catalogue without translating it here."""
    return message


STRATEGY_NAMES = {
    "status_quo": N_("Status quo"),
    "top_down_digital": N_("Top-down digital control"),
    "community_resilience": N_("Community resilience"),
    "grassroots_empowerment": N_("Hybrid (grassroots empowerment)"),
}
SHOCK_NAMES = {
    "none": N_("No shock"),
    "flood": N_("Flood"),
    "lockdown": N_("Lockdown"),
    "heatwave_blackout": N_("Heatwave with blackouts"),
    "platform_outage": N_("Platform outage"),
    "economic": N_("Economic shock"),
    "compound": N_("Compound shock (flood, then lockdown)"),
    "earthquake": N_("Earthquake"),
    "none (everyday)": N_("No shock (everyday)"),  # experiments.robustness.EVERYDAY
}


# lever groups of `grassroots decompose` (experiments/decompose.py LEVER_GROUPS) and the
# rows of its table, as people read them
GROUP_NAMES = {
    "reporting and indicators": N_("reporting and indicators"),
    "platform sensing": N_("platform sensing"),
    "dashboard steering and allocation": N_("dashboard steering and allocation"),
    "dispatch route": N_("dispatch route"),
    "warnings and outreach": N_("warnings and outreach"),
    "stock pre-positioning": N_("stock pre-positioning"),
    "community channels": N_("community channels"),
    "social-capital investment": N_("social-capital investment"),
    "data openness": N_("data openness"),
    "total (B - A)": N_("total (B - A)"),
    "interactions (total - sum of one-at-a-time)":
        N_("interactions (total - sum of one-at-a-time)"),
}


def check_lang(lang: str) -> str:
    """`lang` if it is one of LANGS; a ParameterError naming the choices otherwise."""
    if lang not in LANGS:
        raise ParameterError(f"language {lang!r}: allowed {', '.join(LANGS)}")
    return lang


@cache
def catalogue(lang: str) -> dict[str, str]:
    """msgid -> translation for `lang` (empty for English, the source language)."""
    check_lang(lang)
    if lang == "en":
        return {}
    from babel.messages.pofile import read_po

    with open(LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as f:
        cat = read_po(f, locale=lang)
    return {m.id: m.string for m in cat
            if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


def gettext(message: str, lang: str = "en") -> str:
    """`message` in `lang` (English if the catalogue lacks it)."""
    return catalogue(lang).get(message, message) if lang != "en" else message


def translator(lang: str) -> Callable[[str], str]:
    """A `_` for one language: `_ = translator("zh"); _("Flood")`."""
    check_lang(lang)
    return lambda message: gettext(message, lang)


def display_name(name: str, lang: str = "en") -> str:
    """The plain name of a strategy or shock ('top_down_digital' -> 'Top-down digital
    control'); a name outside the library reads as words, without underscores."""
    plain = STRATEGY_NAMES.get(name) or SHOCK_NAMES.get(name)
    if plain is None:
        if name.endswith(".toml") or "/" in name or "\\" in name:  # a file: its name
            return display_name(Path(name).stem, lang)
        plain = name.replace("_", " ")
        return plain[:1].upper() + plain[1:]
    return gettext(plain, lang)


def player_name(name: str, lang: str = "en") -> str:
    """A row of a decomposition as read: a lever group's name, else a single lever's
    label (sim.params SPECS), in `lang`."""
    from sim.params import LEVERS, SPECS

    if name in GROUP_NAMES:
        return gettext(GROUP_NAMES[name], lang)
    if name in LEVERS:
        return gettext(SPECS[f"governance.{name}"].label, lang)
    return name.replace("_", " ")
