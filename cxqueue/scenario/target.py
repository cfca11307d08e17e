"""What the staffing must achieve: the service target and its caps."""

from __future__ import annotations

from dataclasses import dataclass

from cxqueue import _validation as v
from cxqueue.scenario._plain import PlainDict

__all__ = ["SL_BASES", "ServiceTarget"]

SL_BASES = ("offered", "answered", "virtual")


@dataclass(frozen=True)
class ServiceTarget(PlainDict):
    """What the staffing must achieve in each interval (or over the day for global targets).

    ``level`` of calls answered within ``answer_within_s`` on ``basis`` ("offered",
    "answered" or "virtual"; see ../shared/reference/README.md); optional caps on the
    mean wait of answered calls (``max_asa_s``), the abandonment fraction, occupancy and
    busy signals; ``shrinkage`` is the fraction of paid time not available for calls.

    >>> ServiceTarget(level=0.8, answer_within_s=20).basis
    'offered'
    """

    level: float = 0.8
    answer_within_s: float = 20.0
    basis: str = "offered"
    max_asa_s: float | None = None
    max_abandon: float | None = None
    max_occupancy: float | None = None
    max_blocking: float | None = None
    shrinkage: float = 0.0

    def __post_init__(self):
        object.__setattr__(self, "level", float(v.fraction_array("level", self.level)))
        object.__setattr__(self, "answer_within_s", float(v.nonneg_array("answer_within_s", self.answer_within_s)))
        v.choice("basis", self.basis, SL_BASES)
        if self.max_asa_s is not None:
            object.__setattr__(self, "max_asa_s", float(v.positive_array("max_asa_s", self.max_asa_s)))
        for name in ("max_abandon", "max_occupancy", "max_blocking"):
            val = getattr(self, name)
            if val is not None:
                object.__setattr__(self, name, float(v.fraction_array(name, val, open_low=True)))
        s = float(v.fraction_array("shrinkage", self.shrinkage, open_high=True))
        object.__setattr__(self, "shrinkage", s)
