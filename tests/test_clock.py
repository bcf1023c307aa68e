"""The sell-or-ban clock arithmetic, on small hand-checked cases and on the real deadlines."""

from __future__ import annotations

import pandas as pd
import pytest

from appcontest import clock, data

T = pd.Timestamp


def table(*rows):
    return pd.DataFrame(rows, columns=["id", "set_on", "deadline", "resolved_on", "resolution"])


TWO = table(
    ("D1", T("2020-01-01"), T("2020-01-11"), T("2020-01-06"), "extended"),
    ("D2", T("2020-01-06"), T("2020-01-21"), T("2020-01-21"), "met"),
)


def test_time_left_counts_down_and_jumps_when_extended():
    left = clock.time_left(TWO)
    d1 = left[left["id"] == "D1"]
    assert d1["days_left"].tolist() == [10, 9, 8, 7, 6, 5]  # 1 Jan .. 6 Jan
    d2 = left[left["id"] == "D2"]
    assert d2["days_left"].iloc[0] == 15 and d2["days_left"].iloc[-1] == 0


def test_reading_prefers_the_most_recent_deadline_on_overlap():
    assert clock.reading(TWO, "2020-01-03") == {"id": "D1", "deadline": T("2020-01-11"), "days_left": 8}
    assert clock.reading(TWO, "2020-01-06")["id"] == "D2"
    assert clock.reading(TWO, "2019-12-31") is None


def test_moves_measure_each_extension():
    moved = clock.moves(TWO)
    assert moved.loc[moved["id"] == "D1", "moved_by_days"].item() == 10
    assert pd.isna(moved.loc[moved["id"] == "D2", "moved_by_days"].item())


def test_window_clips():
    left = clock.time_left(TWO, start="2020-01-05", end="2020-01-07")
    assert left["date"].min() == T("2020-01-05") and left["date"].max() == T("2020-01-07")


@pytest.mark.parametrize(
    "column,value,message",
    [
        ("resolved_on", T("2019-01-01"), "resolved before it was set"),
        ("deadline", T("2019-01-01"), "falls due before it was set"),
    ],
)
def test_impossible_deadlines_are_refused(column, value, message):
    bad = TWO.copy()
    bad.loc[0, column] = value
    with pytest.raises(clock.ClockError, match=message):
        clock.time_left(bad)


def test_the_real_clock_never_runs_negative():
    deadlines = data.load("deadlines")
    left = clock.time_left(deadlines)
    assert len(left) > 0 and (left["days_left"] >= 0).all()


def test_segments_keep_only_each_deadlines_first_and_last_day():
    seg = clock.segments(TWO)
    assert seg.groupby("id").size().tolist() == [2, 2]
    d1 = seg[seg["id"] == "D1"]
    assert d1["days_left"].tolist() == [10, 5]
    assert clock.segments(TWO, start="2030-01-01").empty
