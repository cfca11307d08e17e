"""The progress bar: counts, rate and ETA from a fake clock; terminal and log output."""

from __future__ import annotations

import io
import re

import pytest

from cxqueue.exceptions import ConfigError
from cxqueue.sweep.progress import Progress, format_duration


class FakeClock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_rate_and_eta_count_only_this_run():
    clock = FakeClock()
    buf = io.StringIO()
    p = Progress(1000, initial=400, stream=buf, clock=clock, label="s")
    clock.t = 20.0
    p.update(100)  # 100 points in 20 s: 5 per second, 500 left: 100 s
    assert p.rate == 5.0 and p.eta_s == 100.0
    assert p.line() == "s  500/1000  50.0% |##########          | 5.0 pts/s  ETA 1:40"
    clock.t = 21.0
    p.update(10, errors=2)
    assert p.line().endswith("2 failed") and p.errors == 2


def test_log_output_is_throttled_and_ends_with_the_final_state():
    clock = FakeClock()
    buf = io.StringIO()
    p = Progress(10, stream=buf, clock=clock, log_every_s=10.0)
    for k in range(10):
        clock.t = float(k + 1)
        p.update(1)
    p.close()
    lines = buf.getvalue().splitlines()
    # the first update draws; the next 9 s stay quiet; close draws the final state
    assert len(lines) == 2 and lines[0].startswith("sweep  1/10  10.0%")
    assert lines[1].startswith("sweep  10/10  100.0%") and "ETA 0:00" in lines[1]


def test_terminal_output_redraws_one_line():
    clock = FakeClock()
    buf = Tty()
    p = Progress(4, stream=buf, clock=clock)
    for _ in range(4):
        clock.t += 1.0
        p.update(1)
    p.close()
    text = buf.getvalue()
    assert text.count("\r") == 5 and text.endswith("\n") and "\n" not in text[:-1]


def test_disabled_writes_nothing_and_unknown_rate():
    buf = io.StringIO()
    p = Progress(3, stream=buf, enabled=False, clock=FakeClock())
    assert "-- pts/s" in p.line() and "ETA --:--" in p.line()
    p.update(3)
    p.close()
    assert buf.getvalue() == ""
    assert Progress(0, stream=buf, enabled=False).line().startswith("sweep  0/0  100.0%")


def test_format_duration():
    assert [format_duration(s) for s in (0, 59.4, 61, 3600, 360000)] == ["0:00", "0:59", "1:01", "1:00:00", "100:00:00"]
    assert format_duration(-1) == "--:--" and format_duration(float("nan")) == "--:--"


def test_progress_errors():
    with pytest.raises(ConfigError, match=re.escape("total must be >= 0; got -1")):
        Progress(-1)
    with pytest.raises(ConfigError, match=re.escape("initial must be <= total (3); got 4")):
        Progress(3, initial=4)
    with pytest.raises(ConfigError, match=re.escape("total must be an integer; got '3'")):
        Progress("3")
