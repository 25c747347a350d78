"""The fast engine: one file per phase of the day, Numba kernels over arrays.

Kernels import numpy, numba and `sim.rng` only. Each is a pure function of
the arrays it is given: it says in its docstring what it reads and what it
writes. Households and grids are independent within a kernel (each writes its
own rows), so `prange` loops give the same numbers at any thread count; sums
over households are done serially in `record`.
"""
