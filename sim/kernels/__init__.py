"""The fast engine: Numba kernels over arrays, a file per phase or related phases.

Which kernels a phase of the day runs is said once, in `sim.phases.PHASES`
(`detection.py` holds phases 5a and 5b, `social.py` 8a and 8b).

Kernels import numpy, numba, `sim.rng` and `sim.flags` only. Each is a pure function of
the arrays it is given: it says in its docstring what it reads and what it
writes. Households and grids are independent within a kernel (each writes its
own rows), so `prange` loops give the same numbers at any thread count; sums
over households are done serially in `record`.
"""
