"""The sell-or-ban clock: how much time TikTok had left, day by day.

A deadline is *in force* from the day it was set until the day it was resolved
(extended, superseded, enjoined, met ...) or until it fell due, whichever came first.
On each day the clock reads the days remaining until the deadline then in force.
This is arithmetic on the dates in ``data/deadlines.csv``, not a forecast.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd


class ClockError(ValueError):
    """The deadlines cannot be read as a clock (e.g. a deadline resolved before it was set)."""


def _check(deadlines: pd.DataFrame) -> None:
    needed = {"id", "deadline", "set_on", "resolved_on"}
    missing = needed - set(deadlines.columns)
    if missing:
        raise ClockError(f"deadlines table lacks column(s): {', '.join(sorted(missing))}")
    bad = deadlines[deadlines["resolved_on"] < deadlines["set_on"]]
    if len(bad):
        raise ClockError(f"deadline {bad['id'].iloc[0]} is resolved before it was set")
    bad = deadlines[deadlines["deadline"] < deadlines["set_on"]]
    if len(bad):
        raise ClockError(f"deadline {bad['id'].iloc[0]} falls due before it was set")


def in_force_until(deadlines: pd.DataFrame) -> pd.Series:
    """Last day each deadline governed the clock: the earlier of its due date and its resolution."""
    return pd.concat([deadlines["deadline"], deadlines["resolved_on"]], axis=1).min(axis=1)


def time_left(deadlines: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    """One row per deadline per day it was in force, with the days then remaining.

    Columns: id, date, deadline, days_left. ``start``/``end`` clip the window.
    """
    _check(deadlines)
    rows = []
    last = in_force_until(deadlines)
    for (_, d), until in zip(deadlines.iterrows(), last, strict=True):
        days = pd.date_range(d["set_on"], until, freq="D")
        rows.append(
            pd.DataFrame(
                {
                    "id": d["id"],
                    "date": days,
                    "deadline": d["deadline"],
                    "days_left": (d["deadline"] - days).days,
                }
            )
        )
    frame = (
        pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["id", "date", "deadline", "days_left"])
    )
    if start is not None:
        frame = frame[frame["date"] >= pd.Timestamp(start)]
    if end is not None:
        frame = frame[frame["date"] <= pd.Timestamp(end)]
    return frame.reset_index(drop=True)


def reading(deadlines: pd.DataFrame, on: dt.date | str) -> dict | None:
    """The deadline in force on a day and the days then left, or None if none was in force.

    When two deadlines overlap (an order and a court's stay, say), the one set most
    recently governs.
    """
    day = pd.Timestamp(on)
    _check(deadlines)
    live = deadlines[(deadlines["set_on"] <= day) & (in_force_until(deadlines) >= day)]
    if live.empty:
        return None
    current = live.sort_values(["set_on", "id"]).iloc[-1]
    return {"id": current["id"], "deadline": current["deadline"], "days_left": int((current["deadline"] - day).days)}


def moves(deadlines: pd.DataFrame) -> pd.DataFrame:
    """How far each resolved deadline moved: the next deadline's due date minus this one's."""
    ordered = deadlines.sort_values("set_on").reset_index(drop=True)
    shift = (ordered["deadline"].shift(-1) - ordered["deadline"]).dt.days
    return ordered.assign(moved_by_days=shift.where(ordered["resolution"] == "extended"))


def segments(deadlines: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    """The clock as straight segments: for each deadline, the first and last day it was in
    force and the days then left. Between them the count falls by one a day, so two points
    draw exactly what :func:`time_left` lists day by day."""
    daily = time_left(deadlines, start=start, end=end)
    if daily.empty:
        return daily
    ends = daily.groupby("id")["date"].agg(["min", "max"])
    keep = daily.merge(ends, left_on="id", right_index=True)
    keep = keep[(keep["date"] == keep["min"]) | (keep["date"] == keep["max"])]
    return keep.drop(columns=["min", "max"]).reset_index(drop=True)
