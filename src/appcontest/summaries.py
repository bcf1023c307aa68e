"""Facts the prose quotes, computed from the data (then glued into the text).

Each function returns a dict of name -> value; chapters glue every entry, so a number in
a sentence is always the number the chart was drawn from.
"""

from __future__ import annotations

import pandas as pd

from . import clock


def measures_overview(measures: pd.DataFrame) -> dict:
    per_year = measures["date"].dt.year.value_counts().sort_index()
    busiest = int(per_year.idxmax())
    us = (measures["jurisdiction"] == "United States").sum()
    return {
        "n-measures": len(measures),
        "n-jurisdictions": measures["jurisdiction"].nunique(),
        "n-targets": measures["target"].nunique(),
        "first-measure": measures["date"].min(),
        "last-measure": measures["date"].max(),
        "busiest-year": str(busiest),
        "busiest-year-count": int(per_year.max()),
        "share-us": f"{100 * us / len(measures):.0f}%",
    }


def restrictions_overview(restrictions: pd.DataFrame) -> dict:
    def countries(kind, status=None):
        rows = restrictions[restrictions["restriction"] == kind]
        if status:
            rows = rows[rows["status"] == status]
        return rows["country"].nunique()

    return {
        "n-countries-restricting": restrictions["country"].nunique(),
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
        **{f"n-{kind}": int((deadlines["resolution"] == kind).sum())
           for kind in ("extended", "enjoined", "lapsed", "superseded", "met", "revoked")},
        "n-deadlines-2020": int((ordered["set_on"] < ERA_2020_END).sum()),
        "n-deadlines-since-law": len(since_law),
        "first-deadline-set": first["set_on"],
        "law-deadline": law["deadline"],
        "law-signed": law["set_on"],
        "final-deadline": last["deadline"],
        "final-resolved": last["resolved_on"],
        "final-resolution": str(last["resolution"]),
        "days-law-to-close": int((last["resolved_on"] - law["set_on"]).days),
        "days-added-since-law": int((last["deadline"] - law["deadline"]).days),
        "longest-extension": int(moved["moved_by_days"].max()) if moved["moved_by_days"].notna().any() else 0,
        "as-of-reading": _reading_sentence(pd.Timestamp(as_of), reading),
    }


def _reading_sentence(day: pd.Timestamp, reading: dict | None) -> str:
    # A whole sentence, because "no deadline" and "N days left" need different grammar.
    from .chapter import day as prose_day

    if reading is None:
        return f"On {prose_day(day)} no sell-or-ban deadline was in force."
    left = reading["days_left"]
    unit = "day was" if left == 1 else "days were"
    return (f"On {prose_day(day)} {left:,} {unit} left before the deadline then in force, "
            f"{prose_day(reading['deadline'])} ({reading['id']}).")


def deadline_days(deadlines: pd.DataFrame) -> dict:
    """Days each deadline gave when it was set, as ``<id>-days`` (45 for a 45-day order)."""
    return {f"{row.id}-days": int((row.deadline - row.set_on).days) for row in deadlines.itertuples()}


def figures_by_id(metrics: pd.DataFrame, ids: list[str]) -> dict:
    """Reported figures quoted in prose, by id: ``<id>`` is the value, ``<id>-date`` its as-of date."""
    indexed = metrics.set_index("id")
    missing = [i for i in ids if i not in indexed.index]
    if missing:
        raise KeyError(f"no migration_metrics rows with id {missing}")
    values = {}
    for i in ids:
        values[i] = float(indexed.at[i, "value"])
        values[f"{i}-date"] = indexed.at[i, "as_of"]
    return values
