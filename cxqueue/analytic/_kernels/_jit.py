"""The one numba policy of the analytic kernels (the only place that imports numba for them).

``cache=True`` (compiled once per install, loaded from ``__pycache__`` afterwards),
``error_model="numpy"`` (a division by zero gives inf or NaN as in numpy, without the
checks Python's model compiles into every division), ``nogil=True`` (threads may run
kernels in parallel), no fastmath (the numerics rely on IEEE order of operations).
"""

from numba import config, njit

__all__ = ["JIT", "kernel"]

#: False under NUMBA_DISABLE_JIT=1: the kernels then run as Python on NumPy scalars
JIT = not config.DISABLE_JIT

kernel = njit(cache=True, error_model="numpy", nogil=True)
