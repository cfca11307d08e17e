"""`IntervalTable.times`: when the rows of an interval CSV start, from its time column (issue 12).

The seconds are hand-computed: 08:00 = 28,800 s; 2024-03-06 is a Wednesday (2 days after
Monday 2024-03-04), so 2024-03-06 08:00 is 2 * 86,400 + 28,800 = 201,600 s into its week.
"""

from __future__ import annotations

import pytest

from cxqueue.data import read_interval_table
from cxqueue.exceptions import ConfigError


def _table(tmp_path, column: str, values: list[str]):
    p = tmp_path / "day.csv"
    p.write_text(f"{column},calls\n" + "".join(f"{v},{i + 1}\n" for i, v in enumerate(values)))
    return read_interval_table(p)


@pytest.mark.parametrize(
    ("column", "values", "kind", "start_s", "weekday"),
    [
        ("interval", ["08:00", "08:15", "08:30"], "clock", [28800, 29700, 30600], None),
        ("start", ["8:00", "8:15:00", "8:30"], "clock", [28800, 29700, 30600], None),
        ("time", ["8:00 AM", "12:00 PM", "1:00 pm"], "clock", [28800, 43200, 46800], None),
        ("interval", ["08:00-08:15", "08:15 - 08:30"], "clock", [28800, 29700], None),
        ("time", ["23:30", "23:45", "00:00"], "clock", [84600, 85500, 86400], None),  # past midnight: next day
        ("interval_start", ["Wed 08:00", "wednesday 08:30", "thu 00:00"], "weekday", [201600, 203400, 259200], 2),
        ("interval_start", ["sun 23:00", "mon 00:00"], "weekday", [601200, 604800], 6),  # past Sunday: next week
        ("datetime", ["2024-03-06 08:00", "2024-03-06T08:15:00Z"], "datetime", [201600, 202500], 2),
        ("timestamp", ["2024-03-10 23:45", "2024-03-11 00:00"], "datetime", [603900, 604800], 6),
    ],
)
def test_time_columns_give_each_rows_start(tmp_path, column, values, kind, start_s, weekday):
    t = _table(tmp_path, column, values)
    rt = t.times()
    assert t.labels == tuple(values) and t.label_column == column and t.lines == tuple(range(2, 2 + len(values)))
    assert (rt.column, rt.kind, rt.start_s.tolist(), rt.weekday) == (column, kind, start_s, weekday)
    assert rt.time_of_day_s == start_s[0] % 86400 and rt.first == values[0] and rt.first_line == 2


def test_a_time_column_beside_interval_numbers_is_the_one_read(tmp_path):
    p = tmp_path / "day.csv"
    p.write_text("interval,start,calls\n1,09:00,5\n2,09:30,6\n")
    t = read_interval_table(p)
    assert (t.label_column, t.labels, t.times().start_s.tolist()) == ("start", ("09:00", "09:30"), [32400, 34200])


def test_interval_numbers_and_no_label_hold_no_times(tmp_path):
    assert _table(tmp_path, "interval", ["0", "1", "2"]).times() is None
    assert _table(tmp_path, "interval", ["1.0", "2.0"]).times() is None
    p = tmp_path / "bare.csv"
    p.write_text("calls\n1\n2\n")
    assert read_interval_table(p).times() is None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["08h00", "08h15"], "day.csv, line 2: column 'time' holds '08h00', which is neither an interval number nor a "
         "clock time (08:00), a weekday and a time (monday 08:00), a date and a time (2024-03-04 08:00)"),
        (["08:00", "soon"], "day.csv, line 3: column 'time' holds 'soon', not a clock time (08:00) like line 2 "
         "('08:00'); every row of the time column must be one"),
        (["08:00", "08:00"], "day.csv, line 3: column 'time' holds '08:00', not after the row before ('08:00'); rows "
         "must be in time order, one per interval"),
        (["2024-03-06 08:00", "2024-03-06 07:45"], "line 3: column 'time' holds '2024-03-06 07:45', not after the "
         "row before ('2024-03-06 08:00')"),
    ],
)  # fmt: skip
def test_a_time_column_that_cannot_place_the_rows_is_an_error(tmp_path, values, message):
    t = _table(tmp_path, "time", values)  # the reader itself keeps the labels as text (cxqueue staff prints them)
    with pytest.raises(ConfigError) as err:
        t.times()
    assert message in str(err.value)
