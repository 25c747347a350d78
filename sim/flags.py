"""Named constants shared by the kernels and the reference agents: plain Python.

Bit flags of `asked_today`, the channels of `detected_by`, the departments,
and the columns of the daily record (generated from `sim.outputs.RECORD`,
where each column is declared once). The bottom layer: imports only
`sim.outputs`.

Numba compiles these values into the kernels that use them, and its cache
does not notice a change in this file or in `sim.outputs`: after editing a
value, delete the kernel cache (`find . -name "*.nbi" -delete`). The values
are meant never to change; add new columns at the end of `sim.outputs.RECORD`.
"""

from sim.outputs import COLUMNS, N_COLUMNS  # noqa: F401 (re-exported for the kernels)

# asked_today: channels a household asked through today (bit mask).
ASK_PLATFORM = 1
ASK_CHAT = 2
ASK_NEIGHBOURS = 4

# detected_by: the channel of today's detection (0 none).
VISIT = 1
SENSING = 2
REQUEST = 3
CHAT = 4
OUTREACH = 5  # a department's call to a household in its own registry

# A service (the platform, a grid's telecom or power) is up when its level today, 0-1,
# is above UP: the shock schedule sets levels of 0 or 1 (or a fraction while recovering).
UP = 0.5

# Line departments (rows of department_capacity); names in sim.state.DEPARTMENTS.
CIVIL_AFFAIRS = 0
HEALTH = 1
EMERGENCY = 2
UTILITIES = 3

# CHANNELS[channel]: the name of each channel of detected_by (its record column is
# "detected_<name>").
CHANNELS = ("", "visit", "sensing", "request", "chat", "outreach")

# Columns of the daily record (`model.daily`), generated from their one declaration,
# sim.outputs.RECORD: one constant per column, NAME.upper() = its index (IN_NEED = 2).
globals().update({c.upper(): i for i, c in enumerate(COLUMNS)})
# CHANNEL_COLUMN[channel]: the column counting today's detections by that channel (-1: none).
CHANNEL_COLUMN = tuple(COLUMNS.index(f"detected_{c}") if c else -1 for c in CHANNELS)
