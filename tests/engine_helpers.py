"""Shared helpers of the engine tests: building models, reading columns, comparing runs."""

from __future__ import annotations

import numpy as np

from scenarios import available, make_model
from sim.flags import COLUMNS
from sim.model import ResilienceModel

COL = {k: i for i, k in enumerate(COLUMNS)}
STRATEGIES = sorted(available("strategy"))
SHOCKS = sorted(available("shock"))


def make(strategy="status_quo", shock="flood", n=3_000, days=60, seed=1, overrides=None,
         engine="numba") -> ResilienceModel:
    return make_model(strategy, shock, n_households=n, days=days, seed=seed,
                           overrides=overrides, engine=engine)


def col(m: ResilienceModel, name: str) -> np.ndarray:
    return m.daily[:m.day, COL[name]]


def state_arrays(m: ResilienceModel) -> dict[str, np.ndarray]:
    """Every array of the model's state, by 'table.field'."""
    st = m.state
    out = {}
    for table in ("households", "volunteers", "grids"):
        arrays = getattr(st, table)
        for k in arrays.names():
            out[f"{table}.{k}"] = getattr(arrays, k)
    out["department_capacity"] = st.department_capacity
    out["department_served_today"] = st.department_served_today
    out["dashboard"] = st.dashboard
    out["warehouse"] = st.warehouse
    out["warehouse_in_today"] = st.warehouse_in_today
    return out


def assert_same_run(a: ResilienceModel, b: ResilienceModel):
    """Same daily series and same final state, exactly (to the last bit)."""
    np.testing.assert_array_equal(a.daily, b.daily)
    sa, sb = state_arrays(a), state_arrays(b)
    assert sa.keys() == sb.keys()
    for k in sa:
        assert sa[k].shape == sb[k].shape, k
        np.testing.assert_array_equal(sa[k], sb[k], err_msg=k)
