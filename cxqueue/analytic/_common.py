"""Result types of the analytic models: `QueueMetrics` (Erlang A and X) and `ExtendedErlangB`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxqueue import _validation as v

__all__ = ["ExtendedErlangB", "QueueMetrics"]


@dataclass(frozen=True, eq=False)
class QueueMetrics:
    """Every steady-state metric of a queue with agents, lines, patience and redials.

    Probabilities are fractions of offered call attempts (redials included) unless the
    name says otherwise; waits are in seconds.

    Attributes
    ----------
    offered_load, total_load, retrial_load : ndarray
        Fresh load, load including redials, and their difference, in Erlangs.
    converged : ndarray of bool
        Whether the redial fixed point converged (always True without redials).
    blocking : ndarray
        P(busy signal): every line taken.
    wait_probability : ndarray
        P(admitted and waits > 0).
    abandon_probability : ndarray
        P(hangs up while waiting).
    answered : ndarray
        P(answered by an agent).
    service_level_offered, service_level_answered, service_level_admitted : ndarray
        P(answered within the threshold) over offered, answered and admitted calls.
    service_level_virtual : ndarray
        P(virtual wait <= threshold) over admitted calls: a caller who never hangs up.
    wait_exceeds : ndarray
        P(actual wait > threshold) over offered calls (a caller who hung up earlier is a hit).
    mean_wait_s : ndarray
        Mean wait of admitted calls, answered or abandoned (all calls, for Erlang A).
    average_speed_of_answer_s : ndarray
        Mean wait of answered calls.
    mean_queue : ndarray
        Time-average number of callers waiting.
    occupancy : ndarray
        Carried load over agents.
    """

    offered_load: np.ndarray
    total_load: np.ndarray
    retrial_load: np.ndarray
    converged: np.ndarray
    blocking: np.ndarray
    wait_probability: np.ndarray
    abandon_probability: np.ndarray
    answered: np.ndarray
    service_level_offered: np.ndarray
    service_level_answered: np.ndarray
    service_level_admitted: np.ndarray
    service_level_virtual: np.ndarray
    wait_exceeds: np.ndarray
    mean_wait_s: np.ndarray
    average_speed_of_answer_s: np.ndarray
    mean_queue: np.ndarray
    occupancy: np.ndarray

    def service_level(self, basis: str = "offered") -> np.ndarray:
        v.choice("basis", basis, ("offered", "answered", "admitted", "virtual"))
        return getattr(self, f"service_level_{basis}")

    def to_dict(self) -> dict:
        return {name: np.asarray(val).tolist() for name, val in self.__dict__.items()}


@dataclass(frozen=True, eq=False)
class ExtendedErlangB:
    """Blocking with redials: the fixed point A = A0 + r A B(N, A).

    Attributes: ``blocking`` (per attempt), ``total_load`` and ``retrial_load`` in
    Erlangs, ``iterations`` and ``converged`` of the fixed point.
    """

    blocking: np.ndarray
    total_load: np.ndarray
    retrial_load: np.ndarray
    iterations: np.ndarray
    converged: np.ndarray

    def to_dict(self) -> dict:
        return {name: np.asarray(val).tolist() for name, val in self.__dict__.items()}
