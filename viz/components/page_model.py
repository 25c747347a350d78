"""The model a browser page holds: a `WorkshopModel` that never fails to build.

Kept apart from `session.py` (what one session runs) because it is about
the page's trust boundary: every value a page sends is untrusted.
"""

from __future__ import annotations

from sim.errors import GrassrootsError
from viz.components.session import DEFAULTS, NO_COMPARE, Caps, WorkshopModel


class PageModel(WorkshopModel):
    """The model a browser page holds: a WorkshopModel that never fails to build.

    SolaraViz builds a new model from whatever values a page sends (on
    Reset, or a changed control). Values from a tampered page (a strategy
    name outside the list, a number past the caps, text where a number
    belongs) must not reach the browser as a Python traceback with server
    paths: the page gets the default session and `input_error`, one short
    message it shows above the panels.
    """

    def __init__(self, strategy: str = DEFAULTS["strategy"], shock: str = DEFAULTS["shock"],
                 n_households: int = DEFAULTS["n_households"], days: int = DEFAULTS["days"],
                 seed: int = DEFAULTS["seed"], compare_with: str = NO_COMPARE, **kwargs):
        self.input_error: str | None = None
        try:
            super().__init__(strategy, shock, n_households, days, seed, compare_with, **kwargs)
        except (GrassrootsError, TypeError, ValueError, OverflowError) as e:
            message = str(e) if isinstance(e, GrassrootsError) else "a value is not allowed"
            if len(message) > 300:
                message = message[:280] + " ..."
            caps = Caps.from_env()  # the defaults, within this server's caps
            super().__init__(n_households=min(DEFAULTS["n_households"], caps.max_households),
                             days=min(DEFAULTS["days"], caps.max_days))
            self.input_error = (f"These settings were not run ({message}); showing the "
                                "default session instead.")
