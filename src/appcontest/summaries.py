"""Facts the prose quotes, computed from the data (then glued into the text).

Each function returns a dict of name -> value; chapters glue every entry, so a number in
a sentence is always the number the chart was drawn from.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from . import clock, select
from .chapter import day as prose_day
from .chapter import number


def measures_overview(measures: pd.DataFrame) -> dict:
    us = (measures["jurisdiction"] == "United States").sum()
    return {
        "n-measures": len(measures),
        "n-jurisdictions": measures["jurisdiction"].nunique(),
        "first-measure": measures["date"].min(),
        "last-measure": measures["date"].max(),
        "share-us": f"{100 * us / len(measures):.0f}%",
    }


def busiest_year(measures: pd.DataFrame, all_measures: pd.DataFrame) -> dict:
    """The busiest year of the window and of the whole dataset, said once when they agree.

    ``busiest-year-sentence`` ends on the whole dataset's busiest year, so the prose can
    go on about that year (": the year of ...").
    """

    def busiest(frame):
        per_year = frame["date"].dt.year.value_counts().sort_index()
        return int(per_year.idxmax()), int(per_year.max())

    def measures_(n):
        return f"{number(n)} measure" + ("" if n == 1 else "s")

    (year, count), (all_year, all_count) = busiest(measures), busiest(all_measures)
    if (year, count) == (all_year, all_count):
        sentence = (
            f"In the window shown here, as in the whole dataset, the busiest year is {year}, with {measures_(count)}"
        )
    elif year == all_year:
        sentence = (
            f"In the window shown here the busiest year is {year}, with {measures_(count)} "
            f"({number(all_count)} in the whole dataset)"
        )
    else:
        sentence = (
            f"In the window shown here the busiest year is {year}, with {measures_(count)}; "
            f"in the whole dataset it is {all_year}, with {number(all_count)}"
        )
    return {"busiest-year-sentence": sentence}


def restrictions_overview(restrictions: pd.DataFrame) -> dict:
    def countries(kind, status=None):
        rows = restrictions[restrictions["restriction"] == kind]
        if status:
            rows = rows[rows["status"] == status]
        return rows["country"].nunique()

    return {
        "n-5g-exclusions": countries("huawei_5g_exclusion"),
        "n-5g-exclusions-in-force": countries("huawei_5g_exclusion", "in_force"),
        "n-tiktok-nationwide": countries("tiktok_nationwide_ban"),
        "n-tiktok-nationwide-lifted": countries("tiktok_nationwide_ban", "lifted"),
        "n-tiktok-devices": countries("tiktok_government_devices"),
    }


# The two sell-or-ban eras: the 2020 executive orders, and the 2024 statute onwards.
# No deadline was set between them (the 2020 orders were revoked in June 2021).
ERA_2020_END = pd.Timestamp("2021-01-01")
LAW_ERA_START = pd.Timestamp("2024-01-01")


def clock_overview(deadlines: pd.DataFrame, as_of) -> dict:
    ordered = deadlines.sort_values("set_on")
    first, last = ordered.iloc[0], ordered.iloc[-1]
    since_law = ordered[ordered["set_on"] >= LAW_ERA_START]
    law = since_law.iloc[0]
    moved = clock.moves(deadlines)
    reading = clock.reading(deadlines, as_of)
    return {
        "n-deadlines": len(deadlines),
        **{
            f"n-{kind}": int((deadlines["resolution"] == kind).sum())
            for kind in ("extended", "enjoined", "lapsed", "superseded", "met")
        },
        "n-deadlines-2020": int((ordered["set_on"] < ERA_2020_END).sum()),
        "n-deadlines-since-law": len(since_law),
        "first-deadline-set": first["set_on"],
        "law-deadline": law["deadline"],
        "final-deadline": last["deadline"],
        "final-resolved": last["resolved_on"],
        "days-law-to-close": int((last["resolved_on"] - law["set_on"]).days),
        "days-added-since-law": int((last["deadline"] - law["deadline"]).days),
        "longest-extension": int(moved["moved_by_days"].max()) if moved["moved_by_days"].notna().any() else 0,
        "as-of-reading": _reading_sentence(pd.Timestamp(as_of), reading),
    }


def _reading_sentence(day: pd.Timestamp, reading: dict | None) -> str:
    # A whole sentence, because "no deadline" and "N days left" need different grammar.
    if reading is None:
        return f"On {prose_day(day)} no sell-or-ban deadline was in force."
    left = reading["days_left"]
    unit = "day was" if left == 1 else "days were"
    return (
        f"On {prose_day(day)}, {number(left)} {unit} left before the deadline then in force, "
        f"{prose_day(reading['deadline'])}."
    )


def deadline_days(deadlines: pd.DataFrame, wanted: Mapping[str, str]) -> dict:
    """Days each deadline gave when it was set (45 for a 45-day order), for
    ``{glue key: deadline id}``: ``{"eo13942-days-given": "D01"}``."""
    given = deadlines.assign(days_given=(deadlines["deadline"] - deadlines["set_on"]).dt.days)
    return {name: int(days) for name, days in select.by_id(given, wanted, "days_given").items()}


def reported_figures(metrics: pd.DataFrame, wanted: Mapping[str, str]) -> dict:
    """Reported figures quoted in prose, for ``{glue key: metric id}``: ``<key>`` is the
    value and ``<key>-date`` the day it refers to."""
    values = {}
    dates = select.by_id(metrics, wanted, "as_of")
    for name, value in select.by_id(metrics, wanted, "value").items():
        values[name] = float(value)
        values[f"{name}-date"] = dates[name]
    return values
