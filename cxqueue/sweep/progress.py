"""A small progress bar for stderr: done/total, rate, ETA and failures; no dependency.

On a terminal it redraws one line; elsewhere (a log file, CI) it prints a plain line
at most every ``log_every_s`` seconds, and always at the end.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from typing import TextIO

from cxqueue import _validation as v
from cxqueue.exceptions import ConfigError

__all__ = ["Progress", "format_duration"]


def format_duration(seconds: float) -> str:
    """``h:mm:ss`` (or ``m:ss`` under an hour); ``--:--`` when unknown.

    Examples
    --------
    >>> format_duration(75), format_duration(3725), format_duration(float("inf"))
    ('1:15', '1:02:05', '--:--')
    """
    if not math.isfinite(seconds) or seconds < 0:
        return "--:--"
    s = round(seconds)
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class Progress:
    """Progress of ``total`` points, of which ``initial`` were done before this run.

    The rate and ETA count only points finished in this run.

    Parameters
    ----------
    total : int
        Points in the sweep.
    initial : int
        Points already in the store.
    stream : text stream
        Where to write (default ``sys.stderr``).
    enabled : bool
        False writes nothing.
    clock : callable
        Seconds, monotonic (``time.monotonic``); tests pass a fake one.

    Examples
    --------
    >>> import io
    >>> t = iter([0.0, 10.0, 10.0, 10.0])
    >>> buf = io.StringIO()
    >>> p = Progress(100, initial=20, stream=buf, clock=lambda: next(t), label="demo")
    >>> p.update(40, errors=1)
    >>> p.line()
    'demo  60/100  60.0% |############        | 4.0 pts/s  ETA 0:10  1 failed'
    """

    def __init__(
        self,
        total: int,
        *,
        initial: int = 0,
        stream: TextIO | None = None,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
        label: str = "sweep",
        width: int = 20,
        log_every_s: float = 10.0,
    ):
        self.total = v.integer_scalar("total", total, minimum=0)
        self.initial = v.integer_scalar("initial", initial, minimum=0)
        if self.initial > self.total:
            raise ConfigError(f"initial must be <= total ({self.total}); got {self.initial}")
        self.done = int(initial)
        self.errors = 0
        self.stream = sys.stderr if stream is None else stream
        self.enabled = enabled
        self.clock = clock
        self.label = label
        self.width = width
        self.log_every_s = log_every_s
        self._start = clock()
        self._now = self._start
        self._last_draw = -math.inf
        isatty = getattr(self.stream, "isatty", None)
        self._tty = bool(isatty()) if isatty else False

    @property
    def rate(self) -> float:
        """Points per second finished in this run."""
        elapsed = self._now - self._start
        return (self.done - self.initial) / elapsed if elapsed > 0 else math.nan

    @property
    def eta_s(self) -> float:
        r = self.rate
        left = self.total - self.done
        if left <= 0:
            return 0.0
        return left / r if r > 0 else math.inf

    def line(self) -> str:
        """The current progress line."""
        frac = self.done / self.total if self.total else 1.0
        filled = min(self.width, int(frac * self.width))
        bar = "#" * filled + " " * (self.width - filled)
        rate = self.rate
        rate_txt = f"{rate:.1f} pts/s" if math.isfinite(rate) else "-- pts/s"
        text = (
            f"{self.label}  {self.done}/{self.total}  {100 * frac:.1f}% |{bar}| {rate_txt}  "
            f"ETA {format_duration(self.eta_s)}"
        )
        if self.errors:
            text += f"  {self.errors} failed"
        return text

    def update(self, n: int = 1, *, errors: int = 0) -> None:
        """Count ``n`` more finished points, ``errors`` of them failed; redraw if due."""
        self.done += int(n)
        self.errors += int(errors)
        self._now = self.clock()
        if not self.enabled:
            return
        due = 0.1 if self._tty else self.log_every_s
        if self._now - self._last_draw >= due:
            self._draw()

    def _draw(self) -> None:
        self._last_draw = self._now
        if self._tty:
            self.stream.write("\r" + self.line() + "\x1b[K")
        else:
            self.stream.write(self.line() + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Draw the final state and end the line."""
        if not self.enabled:
            return
        self._now = self.clock()
        self._draw()
        if self._tty:
            self.stream.write("\n")
            self.stream.flush()
