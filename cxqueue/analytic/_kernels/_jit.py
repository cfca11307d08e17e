"""The one numba policy of the analytic kernels (the only place that imports numba for them).

``cache=True`` (compiled once per install, loaded from ``__pycache__`` afterwards),
``error_model="numpy"`` (a division by zero gives inf or NaN as in numpy, without the
checks Python's model compiles into every division), ``nogil=True`` (threads may run
kernels in parallel), no fastmath (the numerics rely on IEEE order of operations).

`kernel` marks what Python calls (the loops, and the scalar kernels of the fast path);
`internal` marks what only other kernels call: the same policy without the CPython and
C-callback entry points, which numba would otherwise generate and compile for every
function, at a tenth of a second or so each on a fresh install.
"""

from numba import njit

__all__ = ["internal", "kernel"]

kernel = njit(cache=True, error_model="numpy", nogil=True)
internal = njit(cache=True, error_model="numpy", nogil=True, no_cpython_wrapper=True, no_cfunc_wrapper=True)
