"""The one numba policy of the analytic kernels (the only place that imports numba for them).

``cache=True`` (compiled once per install, loaded from ``__pycache__`` afterwards),
``error_model="numpy"`` (a division by zero gives inf or NaN as in numpy, without the
checks Python's model compiles into every division), ``nogil=True`` (threads may run
kernels in parallel), no fastmath (the numerics rely on IEEE order of operations), and
no C-callback entry point (``no_cfunc_wrapper``: nothing takes a kernel's address, and
numba would otherwise generate and compile one for every function).

`inline` is the same policy for a scalar kernel that only its own loop calls in the
planner (``search.lines_search``): numba copies its body into the loop instead of
compiling, linking and finalizing it as a function of its own; Python may still call it
(the scalar path), and it is then compiled on its own. (A kernel that prunes a branch on
an argument being None, such as ``search.agents_search``, cannot be copied so.)
"""

from numba import config, njit

__all__ = ["JIT", "inline", "kernel"]

#: False under NUMBA_DISABLE_JIT=1: the kernels then run as Python on NumPy scalars
JIT = not config.DISABLE_JIT

kernel = njit(cache=True, error_model="numpy", nogil=True, no_cfunc_wrapper=True)
inline = njit(cache=True, error_model="numpy", nogil=True, no_cfunc_wrapper=True, inline="always")
