"""Docstring pieces the public functions share: a parameter is described once.

A docstring names a piece on a line of its own, ``%(aht_s)s`` (indented like the
section), and `fill` puts the text there at import, so that ``help()``, the rendered
documentation and the doctests read the whole description.
"""

from __future__ import annotations

import re

__all__ = ["fill"]

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
    "returns_float": """Returns
-------
ndarray of float64
    Broadcast over the inputs (0-d for scalars).""",
    "returns_agents": """Returns
-------
ndarray of int64
    The fewest agents; 0 where the load is 0.""",
}
# the parameters of every single-metric function
PIECES["a_metric"] = "\n".join(PIECES[k] for k in ("offered_load", "agents", "aht_s", "mean_patience_s"))
PIECES["x_metric"] = "\n".join(PIECES[k] for k in ("offered_load", "agents", "lines", "aht_s", "mean_patience_s"))

_PLACE = re.compile(r"^( *)%\((\w+)\)s$", re.MULTILINE)


def fill(func):
    """Put the shared pieces into ``func.__doc__`` (a decorator)."""

    def piece(m: re.Match) -> str:
        indent = m.group(1)
        return "\n".join(indent + line if line else line for line in PIECES[m.group(2)].splitlines())

    func.__doc__ = _PLACE.sub(piece, func.__doc__)
    return func
