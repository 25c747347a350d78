"""Mesa's sidebar in the participants' words and language.

SolaraViz (Mesa 3.3, pinned) draws its sidebar with fixed English labels
written for modellers: "Controls", "Play Interval (ms)", "Render Interval
(steps)", "Use Threads", "Model Parameters", "Information", "Step: 12".
It offers no hook for its words, so, as viz/app.py already does for the
parameter inputs, this server process gives Mesa's module a stand-in for
`solara` (`MesaWords`) that passes every call through unchanged except the
few that carry those labels: each known label is replaced by its plain
wording (PLAIN) in the page's language (viz/i18n.py catalogue). `ShowDay`
replaces Mesa's step counter with the day. Labels it does not know are shown
as Mesa wrote them.
"""

from __future__ import annotations

import solara

from viz.i18n import N_, gettext

# Mesa's label -> the plain wording people read (a msgid of the catalogue)
PLAIN = {
    "Controls": N_("Run the day"),
    "Play Interval (ms)": N_("Pause between days when playing (ms)"),
    "Render Interval (steps)": N_("Redraw the charts every N days"),
    "Use Threads": N_("Play in the background"),
    "Increase play interval to avoid skipping plots":
        N_("With background play, a longer pause keeps the charts from skipping days"),
    "Model Parameters": N_("Settings for the next run"),
    "Information": N_("Today"),
    "Reset": N_("Reset"),
    "Step": N_("Next day"),
}


def _lang() -> str:
    from viz.components.panels import lang

    return lang.value  # read during a render: the sidebar redraws when it changes


def say(label):
    """A Mesa label in plain words and the page's language; anything else unchanged."""
    if not isinstance(label, str) or label not in PLAIN:
        return label
    return gettext(PLAIN[label], _lang())


class MesaWords:
    """Stands in for the `solara` module inside mesa.visualization.solara_viz: every
    attribute is solara's own, except the components whose labels Mesa fixes."""

    def __getattr__(self, name):
        return getattr(solara, name)

    @staticmethod
    def Card(title=None, *args, **kwargs):
        return solara.Card(say(title), *args, **kwargs)

    @staticmethod
    def SliderInt(label, *args, **kwargs):
        return solara.SliderInt(say(label), *args, **kwargs)

    @staticmethod
    def Checkbox(*args, label=None, **kwargs):
        return solara.Checkbox(*args, label=say(label), **kwargs)

    @staticmethod
    def Button(label=None, *args, **kwargs):
        return solara.Button(say(label), *args, **kwargs)

    @staticmethod
    def Text(text, *args, **kwargs):
        return solara.Text(say(text), *args, **kwargs)


@solara.component
def ShowDay(model):
    """Mesa's 'Step: N' as the day the city has reached (a step is a day)."""
    from mesa.visualization.solara_viz import update_counter

    update_counter.get()
    return solara.Text(gettext("Day {day}", _lang()).format(day=model.steps))


def install() -> None:
    """Give Mesa's SolaraViz module the stand-in (this server process only)."""
    from mesa.visualization import solara_viz

    solara_viz.solara = MesaWords()
    solara_viz.ShowSteps = ShowDay
