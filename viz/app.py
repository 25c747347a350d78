"""The workshop app: Grassroots Resilience Simulator in the browser.

Served by `grassroots ui` (equivalently `solara run viz.app`). The page is
Mesa's SolaraViz around a `PageModel` (viz/components/page_model.py): the
sidebar holds SolaraViz's Step, Play/Pause and Reset and the model
parameters (generated from `sim.params.SPECS`); the main area holds a
workshop bar (language, explain mode, the session plan's steps, downloads),
the panels (viz/components/panels.py) laid out for a projector (the map with
today's numbers first and large), and, below them, a finished robustness
result when `grassroots ui --robustness DIR` names one
(viz/components/robustness.py, read-only).

Every browser page gets its own model (created inside `Page`, never at
import), limited by the caps the `ui` command puts in the environment.
Nothing typed on the page is used as a file path or as code: strategies and
shocks are chosen from the scenario library's names.
"""

from __future__ import annotations

import os

import solara
from mesa.visualization import SolaraViz, solara_viz

from viz.components.controls import ParameterInputs
from viz.components.decomposition import DecompositionView
from viz.components.export import WorkshopBar
from viz.components.mesa_words import install as install_mesa_words
from viz.components.page_model import PageModel
from viz.components.panels import PANELS, lang
from viz.components.robustness import RobustnessView, result_from_env
from viz.components.session import Caps, initial_values, model_params
from viz.decompose_data import decomposition_from_env
from viz.offline import ASSETS_NOTE_ENV, PAGE_NOTE, show_note_while_loading

TITLE = "Grassroots Resilience Simulator"
PLAY_INTERVAL_MS = 150

# Without cached assets the page's scripts come from a CDN; if they cannot arrive,
# the loading screen says what to do (`grassroots ui` sets the command to run).
if os.environ.get(ASSETS_NOTE_ENV):
    show_note_while_loading(PAGE_NOTE.format(command=os.environ[ASSETS_NOTE_ENV]))



def projector_layout(num_components: int) -> list[dict]:
    """The panels' grid (12 columns, rows of 30 px plus 10 px gaps), in PANELS'
    order: the map with today's numbers first and large, the curve of needs met
    and the compare table beside it, the other curves below. Replaces Mesa's
    two-per-row default (`solara_viz.make_initial_grid_layout`)."""
    grid = [(0, 0, 7, 15), (7, 0, 5, 7), (0, 15, 4, 9), (4, 15, 4, 9), (8, 15, 4, 9),
            (7, 7, 5, 8), (0, 24, 6, 9)]
    out = []
    for i in range(num_components):
        x, y, w, h = grid[i] if i < len(grid) else (6 * (i % 2), 36 + 9 * i, 6, 9)
        out.append({"i": i, "x": x, "y": y, "w": w, "h": h, "moved": False})
    return out


solara_viz.make_initial_grid_layout = projector_layout

# SolaraViz labels its component pages "Page 0", "Page 1"...; with one page the tab
# bar says nothing, so it is hidden; so is Solara's "runs on Solara" badge, which
# covered panel titles.
PAGE_CSS = """
.v-tabs { display: none; }
.v-tabs-items .v-window__container { margin-top: -12px; }
.gr-workshop-bar > * { margin-right: 6px; }
.gr-chart-box svg { max-height: 265px; }
.gr-panel-functionality .gr-chart-box svg { max-height: 205px; }
.gr-workshop-bar .v-input { margin-top: 0; padding-top: 0; }
.gr-workshop-bar .v-input__slot, .gr-workshop-bar .v-messages { margin-bottom: 0; min-height: 0; }
div:has(> b > a[href="https://solara.dev"]) { display: none; }
"""

# Mesa 3.3's SolaraViz draws model_params with its UserInputs, which has no
# tooltips, units or presets; ParameterInputs reads the same model_params and
# adds them. SolaraViz offers no hook for this, so its module-level name is
# replaced (in this server process only; Mesa is pinned to 3.3.*).
solara_viz.UserInputs = ParameterInputs
# Mesa's own sidebar labels ("Render Interval (steps)", "Use Threads", "Step: 12") in
# plain words and the page's language, by the same means (viz/components/mesa_words.py).
install_mesa_words()


@solara.component
def Page():
    """One browser session: its own model, caps and controls."""
    caps = solara.use_memo(Caps.from_env, [])
    params = solara.use_memo(lambda: model_params(caps), [])
    first = solara.use_memo(lambda: PageModel(**initial_values(params)), [])
    model = solara.use_reactive(first)
    solara.Title(TITLE)
    solara.Style(PAGE_CSS)
    if model.value.input_error:  # a bad value from the page: a message, never a traceback
        solara.Warning(model.value.input_error)

    def session_step(values: dict) -> None:  # one click per step of docs/workshop.md's plan
        model.value = PageModel(**{**initial_values(params), **values})

    WorkshopBar(model.value, on_session_step=session_step)
    SolaraViz(model, components=list(PANELS), model_params=params, name=TITLE,
              play_interval=PLAY_INTERVAL_MS)
    robustness = solara.use_memo(result_from_env, [])  # `grassroots ui --robustness DIR`
    if robustness is not None:  # below the panels: the map stays first
        RobustnessView(robustness, lang.value)
    decomposition = solara.use_memo(decomposition_from_env, [])  # --decomposition DIR
    if decomposition is not None:
        DecompositionView(decomposition)
