"""The fuzz of every public analytic function, run by ``test_fuzz.py`` in subprocesses.

``python -m tests.analytic.fuzz NAME [NAME ...]`` draws, for each named function
(``offered_load`` or ``erlang_x.metrics``), `EXAMPLES` argument sets with hypothesis
(derandomized, no database, no shrinking: `strategies.profile`, a quarter of them under
NUMBA_DISABLE_JIT=1) over the whole float range (0, subnormals, 1e300, inf, NaN,
negatives), Python and NumPy integers and bools, empty and mismatched shapes, bool and
object arrays, and ``None``, strings, bytes, complex numbers, ragged lists; ``tol`` and
``max_iter`` of every type. Half the draws keep each argument within its rule (extreme
but valid), half take anything. Every call must

* return a result in range (probabilities in [0, 1], waits and loads >= 0, agents and
  lines non-negative int64) with no NaN anywhere, or
* raise ConfigError / TypeError (or InfeasibleError, from an inverse) whose message names
  one of the function's parameters.

Each function runs under a watchdog (`LIMIT_S`, faulthandler: it fires even inside a
compiled loop): a call that never returns ends the process with the stack of the hang.
The worker prints one line per function, ``FUZZ name examples seconds``; with
``CXQUEUE_FUZZ_LOG=path`` it also writes every draw and its time there (to find a slow one).
"""

from __future__ import annotations

import faulthandler
import inspect
import math
import os
import sys
import time
import warnings

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

import cxqueue
from cxqueue import ConfigError, InfeasibleError, erlang_a, erlang_b, erlang_c, erlang_x
from tests.analytic.strategies import profile
from tests.conftest import NO_JIT

EXAMPLES = 1000
# a hang is unbounded, so the limit does not measure speed; run as plain Python
# (NUMBA_DISABLE_JIT=1) the kernels are some hundred times slower, and a bounded but long
# call (e.g. erlang_x.agents_for_asa at 356 Erlangs with 2.9e16 lines: 0.1 s compiled,
# 24 s interpreted) must not pass for one
LIMIT_S = 60.0 * (5 if NO_JIT else 1)
INF, NAN = math.inf, math.nan
LOG = open(os.environ["CXQUEUE_FUZZ_LOG"], "w") if os.environ.get("CXQUEUE_FUZZ_LOG") else None
MODULES = {"erlang_b": erlang_b, "erlang_c": erlang_c, "erlang_a": erlang_a, "erlang_x": erlang_x}


def functions() -> dict[str, object]:
    """Every public function of the analytic models (each module's ``__all__``), and offered_load."""
    out = {"offered_load": cxqueue.offered_load}
    for mod_name, mod in MODULES.items():
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isfunction(obj):
                out[f"{mod_name}.{name}"] = obj
    return out


# ------------------------------------------------------------------------------ values
SPECIAL = [0.0, -0.0, 5e-324, 2.2250738585072014e-308, 1e-300, 1e-17, 0.5, 1.0, 80.0, 1e15, 1e17, 1e300]
SPECIAL += [1.7976931348623157e308, INF, -INF, NAN, -1.0, -5e-324, -1e300]
ODD = [None, "10", b"1", 1 + 2j, [[1.0], [2.0, 3.0]], {}, (), np.array([[1.0, 2.0]]), np.empty((0,)), np.empty((2, 0))]

any_float = st.floats(allow_nan=True, allow_infinity=True)
scalar = st.one_of(
    st.sampled_from(SPECIAL),
    any_float,
    st.integers(-(2**70), 2**70),
    st.booleans(),
    any_float.map(np.float64),
    st.integers(-(2**31), 2**31 - 1).map(np.int32),
    st.floats(width=32).map(np.float32),
)
hostile = st.one_of(
    scalar,
    scalar,
    st.lists(scalar, max_size=4),
    st.lists(scalar, min_size=1, max_size=3).map(lambda xs: np.array(xs, dtype=object)),
    st.lists(st.booleans(), max_size=3).map(lambda xs: np.array(xs, dtype=bool)),
    st.lists(any_float, min_size=1, max_size=3).map(lambda xs: np.array(xs).reshape(-1, 1)),
    st.sampled_from(ODD),
)


def _valid(lo: float, hi: float, *, lo_in: bool = True, inf: bool = False, typical=None):
    """Values within a rule: typical ones, the rule's whole float range, its special points."""
    base = st.floats(lo, hi, exclude_min=not lo_in, exclude_max=True, allow_subnormal=True)
    points = [x for x in SPECIAL if (lo < x or (lo_in and x == lo)) and (x < hi or (inf and x == INF))]
    one = st.one_of(typical if typical is not None else base, base, st.sampled_from(points))
    return st.one_of(one, one, st.lists(one, min_size=1, max_size=3).map(np.array))


NONNEG = _valid(0.0, INF, typical=st.floats(0.0, 2000.0))
POSITIVE = _valid(0.0, INF, lo_in=False, typical=st.floats(1.0, 1000.0))
FRACTION = _valid(0.0, 1.0 + 1e-16, typical=st.floats(0.0, 1.0))
VALID = {
    "calls": NONNEG,
    "interval_s": POSITIVE,
    "offered_load": _valid(0.0, INF, typical=st.floats(0.0, 500.0)),
    "agents": _valid(0.0, INF, typical=st.integers(0, 600).map(float)),
    "lines": _valid(0.0, INF, inf=True, typical=st.one_of(st.just(INF), st.integers(0, 800).map(float))),
    "aht_s": POSITIVE,
    "mean_patience_s": _valid(0.0, INF, lo_in=False, inf=True, typical=st.floats(10.0, 3000.0)),
    "answer_within_s": _valid(0.0, INF, typical=st.floats(0.0, 120.0)),
    "level": _valid(0.0, 1.0, typical=st.floats(0.05, 0.99)),
    "blocking": _valid(0.0, 1.0 + 1e-16, lo_in=False, typical=st.floats(0.001, 0.5)),
    "redial": FRACTION,
    "redial_blocked": FRACTION,
    "redial_abandoned": FRACTION,
    "max_asa_s": POSITIVE,
    "max_abandon": _valid(0.0, 1.0 + 1e-16, lo_in=False, typical=st.floats(0.01, 0.5)),
    "max_occupancy": st.one_of(st.none(), _valid(0.0, 1.0 + 1e-16, lo_in=False, typical=st.floats(0.5, 1.0))),
    "basis": st.sampled_from(["offered", "answered", "admitted", "virtual"]),
    "tol": st.one_of(st.floats(1e-15, 1e-3), st.sampled_from([1e-12, 1.0, INF, 5e-324])),
    "max_iter": st.one_of(st.integers(1, 600), st.sampled_from([1, 10_000])),
}
HOSTILE = {
    "basis": st.one_of(st.sampled_from(["offered", "nope", "", None, 1, ["offered"]]), hostile),
    "tol": st.one_of(hostile, st.sampled_from([0.0, -1.0, np.array([1e-12, 1e-9]), np.array(1e-9), True])),
    "max_iter": st.one_of(hostile, st.sampled_from([0, -3, 2.5, 10**9, 10**30, np.int64(5), True, None, "5"])),
}


def kwargs_for(func):
    """A strategy of keyword arguments: required ones always, optional ones sometimes, each
    valid-extreme (in a valid draw) or anything (in a hostile one)."""
    params = [p for p in inspect.signature(func).parameters.values()]
    names = [p.name for p in params if p.kind is not p.VAR_KEYWORD]
    required = [p.name for p in params if p.default is p.empty and p.kind is not p.VAR_KEYWORD]
    if any(p.kind is p.VAR_KEYWORD for p in params):  # **redials
        names += ["redial_blocked", "redial_abandoned"]

    def build(valid: bool):
        pick = {n: (VALID[n] if valid else HOSTILE.get(n, hostile)) for n in names}
        req = {n: pick[n] for n in required}
        opt = {n: pick[n] for n in names if n not in required}
        return st.fixed_dictionaries(req, optional=opt)

    return st.one_of(build(True), build(False)), set(names)


# ------------------------------------------------------------------------------ checks
PROB_FIELDS = ("blocking", "wait_probability", "abandon_probability", "answered", "wait_exceeds", "occupancy")
PROB_FIELDS += tuple(f"service_level_{b}" for b in ("offered", "answered", "admitted", "virtual"))


def _check_array(label: str, x, kind: str) -> None:
    a = np.asarray(x)
    if kind == "count":
        assert a.dtype == np.int64, f"{label}: dtype {a.dtype}, want int64"
        assert np.all(a >= 0), f"{label}: negative count {a}"
        return
    assert a.dtype.kind == "f", f"{label}: dtype {a.dtype}"
    assert not np.isnan(a).any(), f"{label}: NaN in {a}"
    if kind == "prob":
        assert np.all((a >= 0.0) & (a <= 1.0)), f"{label}: probability outside [0, 1]: {a!r}"
    else:  # waits, loads: >= 0 (inf allowed: overload)
        assert np.all(a >= 0.0), f"{label}: negative {a!r}"


def check_result(name: str, out) -> None:
    short = name.split(".")[-1]
    if short == "metrics":
        for field, val in out.__dict__.items():
            if field == "converged":
                assert np.asarray(val).dtype == bool
            else:
                _check_array(f"{name}.{field}", val, "prob" if field in PROB_FIELDS else "nonneg")
    elif short == "extended_blocking":
        _check_array(f"{name}.blocking", out.blocking, "prob")
        for field in ("total_load", "retrial_load"):
            _check_array(f"{name}.{field}", getattr(out, field), "nonneg")
        _check_array(f"{name}.iterations", out.iterations, "count")
    elif short.startswith(("agents_for", "lines_for")):
        _check_array(name, out, "count")
    elif short in ("average_speed_of_answer", "mean_wait", "load_for_blocking", "offered_load"):
        _check_array(name, out, "nonneg")
    else:  # probabilities, service levels, occupancy
        _check_array(name, out, "prob")


def check_error(name: str, exc: BaseException, names: set[str]) -> None:
    allowed = (ConfigError, TypeError, InfeasibleError) if "_for_" in name else (ConfigError, TypeError)
    if not isinstance(exc, allowed):
        raise AssertionError(f"{name}: {type(exc).__name__}: {exc}") from exc
    msg = str(exc)
    if not any(n in msg for n in names):
        raise AssertionError(f"{name}: the message names no parameter of {sorted(names)}: {msg!r}") from exc


# ------------------------------------------------------------------------------ run
def fuzz(name: str, func) -> int:
    """Run the examples of one function; the number run."""
    strategy, names = kwargs_for(func)
    count = 0

    @profile(EXAMPLES)
    @given(kw=strategy)
    def run(kw):
        nonlocal count
        count += 1
        if LOG is not None:
            LOG.write(f"{kw!r}\n")
            LOG.flush()
        t0 = time.perf_counter()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out = func(**kw)
        except AssertionError:
            raise
        except Exception as exc:  # judged by check_error
            check_error(name, exc, names)
            return
        finally:
            if LOG is not None:
                LOG.write(f"# {time.perf_counter() - t0:.4f} s\n")
        check_result(name, out)

    run()
    return count


def main(argv: list[str]) -> int:
    table = functions()
    for name in argv or list(table):
        faulthandler.dump_traceback_later(LIMIT_S, exit=True)
        print(f"START {name}", flush=True)
        t0 = time.perf_counter()
        n = fuzz(name, table[name])
        faulthandler.cancel_dump_traceback_later()
        print(f"FUZZ {name} {n} {time.perf_counter() - t0:.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
