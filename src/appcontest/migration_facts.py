"""Facts the RedNote migration chapter quotes, computed from the data and the model.

As in :mod:`appcontest.summaries`, each function returns ``{glue key: value}``; the chapter
glues every entry, so a number in a sentence is the number its chart was drawn from.
Model numbers live under keys that start with ``model-``, and only there.
"""

from __future__ import annotations

import pandas as pd

from . import select
from .chapter import day, number

HOURS = pd.Timedelta(hours=1)
# The offset of each US time zone the sources give times in, in January (standard time).
ZONES = {"ET": "-05:00", "EST": "-05:00", "PST": "-08:00", "PT": "-08:00"}


def users(value: float) -> str:
    """A user count as prose: 300,000; 3.4 million."""
    if value >= 1e6:
        return f"{value / 1e6:.1f}".rstrip("0").rstrip(".") + " million"
    return number(value)


def event_time(events: pd.DataFrame, event_id: str) -> pd.Timestamp:
    """The moment of an event with a clock time, as a UTC timestamp (to subtract two of them)."""
    row = select.by_id(events, {"t": event_id}, "time")["t"]
    if not isinstance(row, str) or " " not in row:
        raise ValueError(f"event {event_id} in data/events.csv has no clock time with a zone")
    clock, zone = row.split(" ", 1)
    if zone not in ZONES:
        raise ValueError(f"event {event_id} in data/events.csv: unknown time zone {zone!r}")
    date = select.by_id(events, {"d": event_id}, "date")["d"]
    return pd.Timestamp(f"{pd.Timestamp(date):%Y-%m-%d}T{clock}{ZONES[zone]}").tz_convert("UTC")


def outage(events: pd.DataFrame, start_id: str = "E015", end_id: str = "E021") -> dict:
    """When TikTok went dark and came back, as the sources state, and how long it was dark."""
    times = select.by_id(events, {"dark": start_id, "back": end_id}, "time")
    dates = select.by_id(events, {"dark": start_id, "back": end_id}, "date")
    hours = (event_time(events, end_id) - event_time(events, start_id)) / HOURS
    return {
        "tiktok-dark-when": f"{day(dates['dark'])} at {times['dark']}",
        "tiktok-back-when": f"{day(dates['back'])} at {times['back']}",
        "outage-hours": f"{hours:.0f}",
    }


def reported(metrics: pd.DataFrame, keys: dict[str, str]) -> dict:
    """Reported figures by row, as prose: ``{"rednote-dau-surge-day": "MM008"}`` -> 3.4 million."""
    return {k: users(v) for k, v in select.by_id(metrics, keys, "value").items()}


def window(metrics: pd.DataFrame, events: pd.DataFrame, start, end) -> dict:
    """How many figures, measurers and events the timeline holds."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    shown = metrics[(pd.to_datetime(metrics["as_of"]) >= start) & (pd.to_datetime(metrics["as_of"]) <= end)]
    in_events = events[(events["date"] >= start) & (events["date"] <= end)]
    return {
        "n-window-figures": len(shown),
        "n-window-measurers": shown["measured_by"].nunique(),
        "n-window-metrics": shown["metric"].nunique(),
        "n-window-events": len(in_events),
        "window-start": day(start),
        "window-end": day(end),
    }


def polls_overview(polls: pd.DataFrame, waves: dict[str, str]) -> dict:
    """Support for a ban in the named surveys (all adults), and how many surveys there are."""
    adults = polls[(polls["population"] == "US adults") & (polls["subgroup"] == "all")]
    out = {"n-surveys": adults["survey"].nunique(), "n-pollsters": adults["pollster"].nunique()}
    for key, survey in waves.items():
        row = adults[adults["survey"] == survey]
        if len(row) != 1:
            raise KeyError(f"survey {survey!r} has {len(row)} all-adult rows in data/polls.csv; expected one")
        out[key] = f"{row['support_pct'].iloc[0]:.0f}%"
    return out


def poll_subgroups(polls: pd.DataFrame, keys: dict[str, str]) -> dict:
    """Support in named rows (sub-groups), as percentages."""
    return {k: f"{v:.0f}%" for k, v in select.by_id(polls, keys, "support_pct").items()}


def model_facts(fit, holdout, identified: pd.DataFrame, band: pd.DataFrame, held_out: dict[str, str]) -> dict:
    """What the model's fit, held-out check and uncertainty come to, every key ``model-``.

    ``held_out`` names the held-out points by what they are: ``{"deadline-day": "MM013"}``.
    """
    summary = holdout.summary
    rows = holdout.points.set_index("id")
    out = {
        "model-points-fitted": fit.summary["n_points"],
        "model-free-parameters": fit.summary["n_free"],
        "model-holdout-points": summary["n_points"],
        "model-holdout-factor": f"{summary['typical_factor']:.1f}",
        "model-identified": _names(identified[identified["status"] == "identified"]["parameter"]),
        "model-not-identified": _names(identified[identified["status"] != "identified"]["parameter"]),
    }
    unknown = set(held_out.values()) - set(rows.index)
    if unknown or len(held_out) != len(rows):
        raise KeyError(f"held_out names {sorted(held_out.values())}; the held-out points are {sorted(rows.index)}")
    for meaning, row_id in held_out.items():
        out[f"model-{meaning}"] = users(rows.loc[row_id, "model_m"] * 1e6)
        out[f"model-{meaning}-factor"] = f"{rows.loc[row_id, 'factor']:.1f}"
    last = holdout.points["date"].max()
    at = band[band["date"] == last].iloc[0]
    out["model-band-last-low"] = users(at["model_low"] * 1e6)
    out["model-band-last-high"] = users(at["model_high"] * 1e6)
    out["model-band-last-day"] = day(last)
    return out


PARAMETER_WORDS = {
    "a0": "the starting number of users",
    "wom": "the word-of-mouth rate",
    "push": "the push from TikTok",
    "decay": "the rate at which users lapse",
    "outage_boost": "how much the outage strengthened the push",
    "return_rate": "the rate at which newcomers went back",
}


def _names(parameters) -> str:
    words = [PARAMETER_WORDS.get(p, p) for p in parameters]
    if not words:
        return "none"
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def counterfactual_facts(factual: pd.DataFrame, counterfactual: pd.DataFrame, on) -> dict:
    """Model users on one day in the factual and the counterfactual run (both model output)."""
    on = pd.Timestamp(on)
    a = factual.loc[factual["date"] == on, "active_users_m"]
    b = counterfactual.loc[counterfactual["date"] == on, "active_users_m"]
    if a.empty or b.empty:
        raise ValueError(f"the model runs do not include {on.date()}")
    return {
        "model-compare-day": day(on),
        "model-factual-users": users(float(a.iloc[0]) * 1e6),
        "model-counterfactual-users": users(float(b.iloc[0]) * 1e6),
    }


def model_before_outage(metrics: pd.DataFrame, events: pd.DataFrame, outage_id: str = "E015") -> dict:
    """The model fitted to Similarweb's estimates up to the moment TikTok went dark.

    Returns the points, the cutoff (US Eastern, naive, as :mod:`appcontest.migration` takes
    times), the fit, and the points after the cutoff, which the fit never sees.
    """
    from . import migration

    points = migration.select_points(metrics)
    cutoff = event_time(events, outage_id).tz_convert("US/Eastern").tz_localize(None)
    _, held_out = migration.split_at(points, cutoff)
    return {"points": points, "cutoff": cutoff, "fit": migration.fit(points, cutoff), "held_out": held_out}
