"""Run one of the model's processes alone, on a network you give it.

These functions call the model's own kernels (`sim.kernels`), their arguments
bound by name as the model binds them (`sim.binding`), with everything else
switched off by a `Params` object, so a process can be checked against theory, or studied,
without the rest of the day. They are what the validation suite
(`tests/validation`, `grassroots validate`, docs/validation.md) checks.

- `word_of_mouth`: the warning phase's neighbour-to-neighbour spread
  (the kernels of `sim.kernels.warning`: `warn_officially`, `spread_warning`,
  `perceive_risk`) with the platform and grid visits off.
- `mutual_aid`: one day of neighbour mutual aid, the three kernels of
  `sim.kernels.mutual_aid` (offers, receipts, settlement).
- `department_queue`: the departments' service rule (phase 6c, the kernels of
  `sim.kernels.departments`) as a single-server queue fed
  with a given number of new cases each day.

Inputs are checked and a bad one raises `sim.errors.ParameterError` naming
it; the inputs are never modified.

    from sim.network import erdos_renyi
    from sim.processes import word_of_mouth

    net = erdos_renyi(20_000, 4.0, seed=1)
    res = word_of_mouth(net, seeds=[0, 1, 2], p_tell=0.3, p_stop=0.3, days=200, seed=1)
    res.reach, res.informed[:10]
"""

from sim.processes.mutual_aid import MutualAidResult, mutual_aid
from sim.processes.queue import QueueResult, department_queue
from sim.processes.word_of_mouth import WordOfMouthResult, telling_transmissibility, word_of_mouth

__all__ = ["WordOfMouthResult", "word_of_mouth", "MutualAidResult", "mutual_aid",
           "QueueResult", "department_queue", "telling_transmissibility"]
