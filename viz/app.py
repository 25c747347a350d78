"""The workshop app: Grassroots Resilience Simulator in the browser.

Served by `grassroots ui` (equivalently `solara run viz.app`). The page is
Mesa's SolaraViz around a `PageModel` (viz/components/page_model.py): the
sidebar holds SolaraViz's Step, Play/Pause and Reset and the model
parameters (generated from `sim.params.SPECS`); the main area holds a
workshop bar (explain mode, downloads), a finished robustness result when
`grassroots ui --robustness DIR` names one (viz/components/robustness.py,
read-only), and the panels (viz/components/panels.py).

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
from viz.components.page_model import PageModel
from viz.components.panels import PANELS
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

# Mesa 3.3's SolaraViz draws model_params with its UserInputs, which has no
# tooltips, units or presets; ParameterInputs reads the same model_params and
# adds them. SolaraViz offers no hook for this, so its module-level name is
# replaced (in this server process only; Mesa is pinned to 3.3.*).
solara_viz.UserInputs = ParameterInputs


@solara.component
def Page():
    """One browser session: its own model, caps and controls."""
    caps = solara.use_memo(Caps.from_env, [])
    params = solara.use_memo(lambda: model_params(caps), [])
    first = solara.use_memo(lambda: PageModel(**initial_values(params)), [])
    model = solara.use_reactive(first)
    solara.Title(TITLE)
    # SolaraViz labels its component pages "Page 0", "Page 1"...; with one page
    # the tab bar says nothing, so it is hidden.
    solara.Style(".v-tabs { display: none; }")
    if model.value.input_error:  # a bad value from the page: a message, never a traceback
        solara.Warning(model.value.input_error)
    WorkshopBar(model.value)
    robustness = solara.use_memo(result_from_env, [])  # `grassroots ui --robustness DIR`
    if robustness is not None:
        RobustnessView(robustness)
    decomposition = solara.use_memo(decomposition_from_env, [])  # --decomposition DIR
    if decomposition is not None:
        DecompositionView(decomposition)
    SolaraViz(model, components=list(PANELS), model_params=params, name=TITLE,
              play_interval=PLAY_INTERVAL_MS)
