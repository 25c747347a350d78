"""Parameter inputs with units, tooltips and strategy presets.

`ParameterInputs` renders SolaraViz's `model_params` (Mesa's format: a dict
per input with type, label, value, min, max, step) like Mesa's own
`UserInputs`, and reads three extra keys that `session.model_params` fills
from `sim.params.SPECS`:

- `help` and `unit`: a tooltip on the input's label, and the unit next to
  the slider's value;
- `presets` (on the strategy input): choosing a strategy moves the lever
  inputs to that strategy's values, so what the sliders show is what run A
  uses.

Entries it does not know (other types, Mesa `Slider` objects) are passed to
Mesa's `UserInputs` unchanged. Labels, tooltips, units and choices are shown
in the page's language (viz/i18n.py); units written as symbols ("1/day") read
as words (UNIT_WORDS).
"""

from __future__ import annotations

import solara
from mesa.visualization import solara_viz

MESA_USER_INPUTS = solara_viz.UserInputs  # kept before app.py swaps it in
_SLIDERS = ("SliderInt", "SliderFloat")
_HANDLED = (*_SLIDERS, "Select", "Checkbox")

# a unit written as a symbol -> its words (a msgid of the catalogue)
UNIT_WORDS = {"1/day": "per day"}

_LABEL = {"font-size": "13px", "color": "rgba(0,0,0,.75)"}
_VALUE = {"font-size": "13px", "font-weight": "600", "white-space": "nowrap"}


def _lang() -> str:
    from viz.components.panels import lang

    return lang.value


def _(message: str) -> str:
    from viz.i18n import gettext

    return gettext(message, _lang()) if message else message


def _fmt(value, step) -> str:
    if isinstance(value, bool):
        return _("on") if value else _("off")
    if isinstance(value, int) or float(step).is_integer():
        return f"{int(round(value)):,}"
    digits = max(0, len(f"{step:.10f}".rstrip("0").split(".")[1]))
    return f"{value:.{digits}f}"


def _plain(input_name: str, value) -> str:
    """What a choice reads as: a strategy's or shock's plain name ('none' under
    compare means a single run)."""
    from viz.i18n import display_name

    if input_name == "compare_with" and value == "none":
        return _("No comparison (one run)")
    return display_name(str(value), _lang())


def _unit(options: dict) -> str:
    unit = options.get("unit") or ""
    return _(UNIT_WORDS.get(unit, unit))


def _tip(options: dict) -> str:
    unit = _unit(options)
    text = _(options.get("help") or options.get("label", ""))
    return f"{text} ({unit})" if unit else text


@solara.component
def ParameterInputs(user_params: dict, on_change=None):
    """Inputs for SolaraViz's model parameters; a drop-in for Mesa's `UserInputs`."""
    initial = {k: v.get("value") for k, v in user_params.items()
               if isinstance(v, dict) and v.get("type") in _HANDLED}
    values = solara.use_reactive(initial)

    def set_value(name, value):
        updates = {name: value}
        presets = user_params[name].get("presets") or {}
        if value in presets:
            updates.update({k: v for k, v in presets[value].items() if k in values.value})
        values.value = {**values.value, **updates}
        if on_change is not None:
            for k, v in updates.items():
                on_change(k, v)

    solara.Text(_("Changes take effect when you press Reset."),
                style={"font-size": "12px", "color": "rgba(0,0,0,.6)"})
    for name, opt in user_params.items():
        if not isinstance(opt, dict) or opt.get("type") not in _HANDLED:
            MESA_USER_INPUTS({name: opt}, on_change=on_change)
            continue
        kind, label = opt["type"], _(opt.get("label", name))
        value = values.value.get(name, opt.get("value"))

        def on_value(v, name=name):
            set_value(name, v)

        if kind == "Select":
            with solara.Tooltip(_tip(opt)):
                with solara.Column(gap="0px", classes=[f"gr-input-{name}"]):
                    # plain names shown, library names sent (viz/i18n.py)
                    items = [{"text": _plain(name, v), "value": v} for v in opt["values"]]
                    solara.v.Select(label=label, v_model=value, items=items,
                                    on_v_model=on_value)
        elif kind == "Checkbox":
            with solara.Tooltip(_tip(opt)):
                with solara.Row(gap="0px", classes=[f"gr-input-{name}"]):
                    solara.Checkbox(label=label, value=bool(value), on_value=on_value)
        else:
            step = opt.get("step") or 1
            unit = _unit(opt)
            with solara.Column(gap="0px", classes=[f"gr-input-{name}"]):
                with solara.Row(justify="space-between", style={"align-items": "baseline"}):
                    with solara.Tooltip(_tip(opt)):
                        solara.Text(label, style=_LABEL)
                    solara.Text(f"{_fmt(value, step)} {unit}".strip(), style=_VALUE)
                slider = solara.SliderInt if kind == "SliderInt" else solara.SliderFloat
                slider("", value=value, min=opt["min"], max=opt["max"], step=step,
                       on_value=on_value)
