"""Docstring sections the public functions share: each parameter is described once.

`doc` writes a function's Parameters and Returns sections from the pieces named, before its
Examples, at import, so that ``help()``, the rendered documentation and the doctests read
the whole text while the source holds only what differs.
"""

from __future__ import annotations

import textwrap

__all__ = ["doc"]

PIECES = {
    "offered_load": """offered_load : array_like of float
    Offered traffic in Erlangs (calls per second times AHT).""",
    "agents": """agents : array_like of float
    Agents; non-integers use the continuous extension.""",
    "lines": """lines : array_like of float
    Phone lines, at least the agents (inf: unlimited).""",
    "aht_s": """aht_s : array_like of float
    Mean handle time, seconds.""",
    "mean_patience_s": """mean_patience_s : array_like of float
    Mean of the exponential patience, seconds (inf: nobody hangs up).""",
    "answer_within_s": """answer_within_s : array_like of float
    Service-level threshold, seconds.""",
    "level": """level : array_like of float
    Target fraction in [0, 1): pass 0.8 for 80 %.""",
    "basis": """basis : {"offered", "answered", "virtual"}
    Which service level (see the module docstring).""",
    "max_asa_s": """max_asa_s : array_like of float
    Largest mean wait of answered calls, seconds.""",
    "max_abandon": """max_abandon : array_like of float
    Largest fraction of calls that hang up.""",
    "max_occupancy": """max_occupancy : array_like of float, optional
    Occupancy cap in (0, 1].""",
    "redials": """**redials : keyword arguments
    ``redial_blocked`` and ``redial_abandoned`` fractions (see `metrics`).""",
    "redial_each": """redial_blocked : array_like of float, optional
    Fraction of blocked attempts that call again.
redial_abandoned : array_like of float, optional
    Fraction of abandoned attempts that call again.""",
}
RETURNS = {
    "float": """ndarray of float64
    Broadcast over the inputs (0-d for scalars).""",
    "agents": """ndarray of int64
    The fewest agents; 0 where the load is 0.""",
}
#: the parameters of the single-metric functions of Erlang A and X
MODEL_A = ("offered_load", "agents", "aht_s", "mean_patience_s")
MODEL_X = ("offered_load", "agents", "lines", "aht_s", "mean_patience_s")


def doc(*params: str, returns: str | None = None):
    """A decorator: the Parameters section from ``params`` (names of shared pieces, or the
    text of an entry of the function's own) and the Returns section (a key of `RETURNS`, or
    text), put before the docstring's Examples section (or at its end)."""

    def decorate(func):
        sections = []
        if params:
            entries = [PIECES.get(p, p) for p in params]
            sections.append("Parameters\n----------\n" + "\n".join(entries))
        if returns is not None:
            sections.append("Returns\n-------\n" + RETURNS.get(returns, returns))
        block = textwrap.indent("\n\n".join(sections), "    ")
        text = func.__doc__
        at = text.find("\n    Examples\n")
        at = len(text.rstrip()) if at < 0 else at
        func.__doc__ = text[:at].rstrip() + "\n\n" + block + "\n" + text[at:]
        return func

    return decorate
