"""Chart builders for the RedNote migration chapter (measured figures, polls, the model).

Measured figures keep who measured them and what they counted in every tooltip and table,
and points of different kinds are never joined by a line. Model figures say "Model" in
their title and carry the model's assumptions in their subtitle, so that no model number
can pass for a measurement (tests/test_migration_chapter.py checks both).
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from . import bibliography, labels, theme
from .charts import DATE_FORMAT, tooltip_table
from .figures import Figure, keyed

METRICS_SOURCE = "data/migration_metrics.csv and data/events.csv, compiled from the sources cited in each row"
POLLS_SOURCE = "data/polls.csv, compiled from the pollsters' releases and reports cited in each row"
MODEL_SOURCE = (
    "Model output (appcontest.migration), fitted to Similarweb's estimates in data/migration_metrics.csv; "
    "not a measurement"
)
# Counts a log axis can share (a rank is not a count; it has its own chart).
COUNT_METRICS = ("daily_active_users", "new_users", "downloads", "hashtag_posts", "hashtag_views")
# The events a reader needs to read the curves; the others are in the events table.
TIMELINE_EVENTS = (
    "court_argument",
    "court_ruling",
    "outage_start",
    "service_restored",
    "executive_order",
    "app_store_removal",
    "app_store_return",
    "feature_launch",
)
PLATFORM_COLOURS = {"RedNote": theme.PALETTE[5], "Lemon8": theme.PALETTE[1], "TikTok": theme.PALETTE[0]}
DAY_AXIS = alt.Axis(format="%-d %b", labelAngle=0, tickCount=5, title=None)
# Counts on a log axis in words a reader knows: 100k, 1M, 2B (d3's SI prefix G is "giga").
COUNT_LABELS = "replace(format(datum.value, '~s'), 'G', 'B')"


def count_axis(values: pd.Series) -> alt.Axis:
    """A log axis labelled at the powers of ten the values span (Vega would crowd 2, 3, 5 in)."""
    low = int(np.floor(np.log10(values.min())))
    high = int(np.ceil(np.log10(values.max())))
    return alt.Axis(values=[10.0**k for k in range(low, high + 1)], labelExpr=COUNT_LABELS)


def _platform_color(present: list[str]) -> alt.Color:
    domain = [p for p in PLATFORM_COLOURS if p in present] + sorted(set(present) - set(PLATFORM_COLOURS))
    colours = [PLATFORM_COLOURS.get(p, theme.GREY) for p in domain]
    return alt.Color("platform:N", title="Platform", scale=alt.Scale(domain=domain, range=colours))


def _platform_shape(present: list[str]) -> alt.Shape:
    domain = [p for p in PLATFORM_COLOURS if p in present] + sorted(set(present) - set(PLATFORM_COLOURS))
    return alt.Shape("platform:N", title="Platform", scale=alt.Scale(domain=domain))


def _millions(value: float) -> str:
    if value >= 1e6:
        return f"{value / 1e6:,.1f} million".replace(".0 million", " million")
    return f"{value:,.0f}"


def _reported(metrics: pd.DataFrame) -> pd.DataFrame:
    """Rows with the reader-facing columns every measured-figure chart shows."""
    frame = metrics.assign(
        date=pd.to_datetime(metrics["as_of"]),
        metric_label=metrics["metric"].map(labels.METRIC),
        measurer_label=metrics["measurer_kind"].map(labels.MEASURER_KIND),
        value_text=metrics["value"].map(_millions),
        sources=metrics["source_keys"].map(bibliography.describe),
    )
    return frame.sort_values(["date", "platform", "id"], kind="stable").reset_index(drop=True)


def _event_marks(events: pd.DataFrame, start, end) -> pd.DataFrame:
    frame = events[events["event_kind"].isin(TIMELINE_EVENTS)].copy()
    frame = frame[(frame["date"] >= pd.Timestamp(start)) & (frame["date"] <= pd.Timestamp(end))]
    frame["event_label"] = frame["event_kind"].map(labels.EVENT_KIND)
    frame["when"] = frame["date"].dt.strftime("%d %b %Y") + frame["time"].fillna("").map(
        lambda t: f", {t}" if t else ""
    )
    frame["what"] = frame["platform"] + ": " + frame["event_label"]
    frame["summary_text"] = frame["summary"].map(labels.without_ids)
    frame["sources"] = frame["source_keys"].map(bibliography.describe)
    return frame.sort_values(["date", "id"], kind="stable").reset_index(drop=True)


def _event_layers(marks: pd.DataFrame, top: float) -> list[alt.Chart]:
    tooltip = [
        alt.Tooltip("what:N", title="Event"),
        alt.Tooltip("when:N", title="When"),
        alt.Tooltip("actor:N", title="Who"),
        alt.Tooltip("summary_text:N", title="What happened"),
        alt.Tooltip("sources:N", title="Source"),
    ]
    rules = alt.Chart(marks).mark_rule(color=theme.GREY, strokeDash=[3, 3], strokeWidth=1).encode(x="date:T")
    flags = (
        alt.Chart(marks.assign(top=top))
        .mark_point(shape="triangle-down", filled=True, size=70, color="#333333")
        .encode(x="date:T", y=alt.Y("top:Q"), tooltip=tooltip)
    )
    return [rules, flags]


def migration_timeline(
    metrics: pd.DataFrame,
    events: pd.DataFrame,
    *,
    start="2025-01-08",
    end="2025-02-15",
    name: str = "migration-timeline",
    title: str | None = None,
) -> Figure:
    """Every counted figure in the window, by platform and kind, on a log axis; events marked."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    frame = _reported(metrics[metrics["metric"].isin(COUNT_METRICS)])
    frame = frame[(frame["date"] >= start) & (frame["date"] <= end)].reset_index(drop=True)
    if frame.empty:
        raise ValueError(f"no counted figure falls between {start.date()} and {end.date()}; widen the window")
    marks = _event_marks(events, start, end)
    top = float(frame["value"].max()) * 1.6
    tooltip = [
        alt.Tooltip("platform:N", title="Platform"),
        alt.Tooltip("metric_label:N", title="Kind of figure"),
        alt.Tooltip("value_text:N", title="Value"),
        alt.Tooltip("definition:N", title="What was counted"),
        alt.Tooltip("date:T", title="As of", format=DATE_FORMAT),
        alt.Tooltip("measured_by:N", title="Measured by"),
        alt.Tooltip("measurer_label:N", title="Kind of measurer"),
        alt.Tooltip("sources:N", title="Source"),
    ]
    kinds = [labels.METRIC[m] for m in COUNT_METRICS if m in set(frame["metric"])]
    points = (
        alt.Chart(frame)
        .mark_point(filled=True, size=70, opacity=0.9)
        .encode(
            x=alt.X(
                "date:T", title="As of", axis=DAY_AXIS, scale=alt.Scale(domain=[start.isoformat(), end.isoformat()])
            ),
            y=alt.Y(
                "value:Q",
                title="Reported figure (log scale)",
                scale=alt.Scale(type="log"),
                axis=count_axis(frame["value"]),
            ),
            color=_platform_color(sorted(frame["platform"].unique())),
            shape=alt.Shape("metric_label:N", title="Kind of figure", scale=alt.Scale(domain=kinds)),
            tooltip=tooltip,
        )
    )
    layers = _event_layers(marks, top) + [points] if len(marks) else [points]
    chart = alt.layer(*layers).properties(width="container", height=theme.HEIGHT + 60)
    table = tooltip_table(frame, tooltip)
    description = (
        f"Scatter chart on a logarithmic scale of {len(frame)} figures reported between {start:%d %B} and "
        f"{end:%d %B %Y} for {', '.join(sorted(frame['platform'].unique()))}: "
        + ", ".join(f"{(frame['metric_label'] == k).sum()} {k.lower()}" for k in kinds)
        + f". Points are not joined: they come from different measurers and count different things. "
        f"{len(marks)} court, company and government events are marked with triangles and dashed lines."
    )
    return Figure(
        chart,
        name=name,
        title=title or "What was counted, January to February 2025",
        subtitle="Each point as its source reported it; triangles mark events",
        description=description,
        source=METRICS_SOURCE,
        data=frame[["id", "date", "platform", "metric", "value", "measured_by"]],
        table=table,
    )


def app_store_ranks(metrics: pd.DataFrame, *, name: str = "app-store-ranks", title: str | None = None) -> Figure:
    """Reported US app-store ranks, by platform: 1 at the top."""
    frame = _reported(metrics[(metrics["metric"] == "app_store_rank") & (metrics["geography"] == "United States")])
    frame = frame[frame["date"] >= pd.Timestamp("2025-01-01")].reset_index(drop=True)
    tooltip = [
        alt.Tooltip("platform:N", title="Platform"),
        alt.Tooltip("value:Q", title="Rank"),
        alt.Tooltip("definition:N", title="Which chart"),
        alt.Tooltip("date:T", title="As of", format=DATE_FORMAT),
        alt.Tooltip("measured_by:N", title="Reported by"),
        alt.Tooltip("sources:N", title="Source"),
    ]
    worst = int(frame["value"].max())
    chart = (
        alt.Chart(frame)
        .mark_point(filled=True, size=90)
        .encode(
            x=alt.X("date:T", title="As of", axis=DAY_AXIS),
            y=alt.Y(
                "value:Q",
                title="Rank (1 = top)",
                scale=alt.Scale(reverse=True, domain=[1, max(worst, 10)], nice=False),
                axis=alt.Axis(values=[1, 5, 10, 15, 20][: 3 + (worst > 10) + (worst > 15)]),
            ),
            color=_platform_color(sorted(frame["platform"].unique())),
            shape=_platform_shape(sorted(frame["platform"].unique())),
            tooltip=tooltip,
        )
        .properties(width="container", height=theme.HEIGHT - 80)
    )
    description = (
        f"Dot chart of {len(frame)} reported ranks of RedNote and Lemon8 in US app-store charts from "
        f"{frame['date'].min():%d %B} to {frame['date'].max():%d %B %Y}; rank 1 is at the top. The charts differ "
        f"(free apps, free iPhone apps, the social category), as each point's details say."
    )
    return Figure(
        chart,
        name=name,
        title=title or "US app-store ranks reported in January 2025",
        description=description,
        source=METRICS_SOURCE,
        data=frame[["id", "date", "platform", "value", "definition"]],
        table=tooltip_table(frame, tooltip),
    )


def platforms_compared(
    metrics: pd.DataFrame,
    *,
    measured_by: str = "Similarweb",
    name: str = "platforms-compared",
    title: str | None = None,
) -> Figure:
    """One measurer's US daily-active-user estimates for RedNote, Lemon8 and TikTok."""
    keep = (
        (metrics["metric"] == "daily_active_users")
        & (metrics["geography"] == "United States")
        & (metrics["measured_by"] == measured_by)
        & (metrics["as_of_precision"] == "day")
    )
    frame = _reported(metrics[keep])
    frame = frame[frame["date"] >= pd.Timestamp("2024-12-01")].reset_index(drop=True)
    if frame.empty:
        raise ValueError(f"no daily-active-user estimates by {measured_by!r}")
    tooltip = [
        alt.Tooltip("platform:N", title="Platform"),
        alt.Tooltip("value_text:N", title="Daily active users"),
        alt.Tooltip("definition:N", title="What was counted"),
        alt.Tooltip("date:T", title="As of", format=DATE_FORMAT),
        alt.Tooltip("sources:N", title="Source"),
    ]
    encode = {
        "x": alt.X("date:T", title="As of", axis=DAY_AXIS),
        "y": alt.Y(
            "value:Q",
            title="Daily active users in the US (log scale)",
            scale=alt.Scale(type="log"),
            axis=count_axis(frame["value"]),
        ),
        "color": _platform_color(sorted(frame["platform"].unique())),
    }
    # One measurer, one metric and one place per platform: the line joins like with like.
    lines = alt.Chart(frame).mark_line(strokeWidth=1.5, opacity=0.6).encode(**encode, detail="platform:N")
    points = (
        alt.Chart(frame)
        .mark_point(filled=True, size=70)
        .encode(**encode, shape=_platform_shape(sorted(frame["platform"].unique())), tooltip=tooltip)
    )
    chart = alt.layer(lines, points).properties(width="container", height=theme.HEIGHT)
    per = frame.groupby("platform")["value"].agg(["min", "max", "size"])
    description = (
        f"Line chart on a logarithmic scale of {len(frame)} estimates by {measured_by} of US daily active users: "
        + "; ".join(
            f"{p}, {int(r['size'])} estimates from {_millions(r['min'])} to {_millions(r['max'])}"
            for p, r in per.iterrows()
        )
        + "."
    )
    return Figure(
        chart,
        name=name,
        title=title or f"RedNote, Lemon8 and TikTok on one measure: {measured_by}'s US daily users",
        description=description,
        source=METRICS_SOURCE,
        data=frame[["id", "date", "platform", "value", "definition"]],
        table=tooltip_table(frame, tooltip),
    )


def poll_intervals(polls: pd.DataFrame) -> pd.DataFrame:
    """Polls with a 95 % interval for the share in support: the published margin of error
    where there is one, else one computed from the sample size as for a simple random
    sample (which understates a weighted survey's error), flagged in ``margin_kind``."""
    frame = polls[polls["support_pct"].notna() & polls["fieldwork_end"].notna()].copy()
    frame["fieldwork_end"] = pd.to_datetime(frame["fieldwork_end"])
    share = frame["support_pct"] / 100
    # A subgroup's size is not published, so its interval would be a guess: none is drawn.
    computed = 196 * np.sqrt(share * (1 - share) / frame["sample_size"])
    published = frame["margin_of_error"].notna()
    frame["margin"] = frame["margin_of_error"].where(published, computed.round(1))
    frame["margin_kind"] = np.where(
        published,
        "published margin of error",
        np.where(frame["margin"].notna(), "computed from the sample size (simple random sample)", "not published"),
    )
    frame["low"] = frame["support_pct"] - frame["margin"]
    frame["high"] = frame["support_pct"] + frame["margin"]
    return frame


def ban_support(polls: pd.DataFrame, *, name: str = "ban-support", title: str | None = None) -> Figure:
    """Share of US adults (and of sub-groups, by menu) who support a ban, survey by survey."""
    frame = poll_intervals(polls)
    frame = frame[frame["population"] == "US adults"].copy()
    frame["group"] = frame["subgroup"].where(frame["subgroup"] != "all", "All adults")
    frame["fieldwork"] = (
        pd.to_datetime(frame["fieldwork_start"]).dt.strftime("%d %b %Y").fillna("")
        + " to "
        + frame["fieldwork_end"].dt.strftime("%d %b %Y")
    )
    frame["sources"] = frame["source_keys"].map(bibliography.describe)
    frame["margin_text"] = frame.apply(
        lambda r: f"±{r['margin']:.1f} points ({r['margin_kind']})" if pd.notna(r["margin"]) else r["margin_kind"],
        axis=1,
    )
    frame["sample_text"] = frame["sample_size"].map(lambda n: f"{int(n):,}" if pd.notna(n) else "not published")
    frame = keyed(frame.sort_values(["fieldwork_end", "pollster", "group"], kind="stable"))
    groups = ["All adults"] + sorted(set(frame["group"]) - {"All adults"})
    pick = alt.param(
        name="pick_group",
        value="All adults",
        bind=alt.binding_select(options=groups, labels=groups, name="Who was asked"),
    )
    tooltip = [
        alt.Tooltip("pollster:N", title="Pollster"),
        alt.Tooltip("group:N", title="Who"),
        alt.Tooltip("support_pct:Q", title="Support a ban (%)"),
        alt.Tooltip("oppose_pct:Q", title="Oppose (%)"),
        alt.Tooltip("fieldwork:N", title="Fieldwork"),
        alt.Tooltip("sample_text:N", title="Sample size"),
        alt.Tooltip("margin_text:N", title="Margin"),
        alt.Tooltip("question_summary:N", title="Question"),
        alt.Tooltip("sources:N", title="Source"),
    ]
    base = alt.Chart(frame).transform_filter("datum.group === pick_group")
    encode_x = alt.X(
        "fieldwork_end:T", title="End of fieldwork", axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=4)
    )
    pollsters = sorted(frame["pollster"].unique())
    bars = base.mark_rule(strokeWidth=2).encode(
        x=encode_x,
        y=alt.Y("low:Q"),
        y2="high:Q",
        color=alt.Color("pollster:N", title="Pollster", scale=alt.Scale(domain=pollsters, range=theme.PALETTE)),
    )
    points = base.mark_point(filled=True, size=80).encode(
        x=encode_x,
        y=alt.Y("support_pct:Q", title="Support a US ban on TikTok (%)", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("pollster:N", title="Pollster", scale=alt.Scale(domain=pollsters, range=theme.PALETTE)),
        shape=alt.Shape("pollster:N", title="Pollster", scale=alt.Scale(domain=pollsters)),
        tooltip=tooltip,
    )
    chart = alt.layer(bars, points).add_params(pick).properties(width="container", height=theme.HEIGHT)
    adults = frame[frame["group"] == "All adults"].sort_values("fieldwork_end")
    description = (
        f"Dot chart of support for a US ban on TikTok in {adults['survey'].nunique()} surveys of US adults from "
        f"{adults['fieldwork_end'].min():%B %Y} to {adults['fieldwork_end'].max():%B %Y}, "
        f"from {adults['support_pct'].min():.0f}% to {adults['support_pct'].max():.0f}% in support, with a 95% "
        f"interval where a margin was published or the sample size allows one to be computed. A menu shows one "
        f"of {len(groups) - 1} sub-groups instead."
    )
    return Figure(
        chart,
        name=name,
        title=title or "Support for a TikTok ban in US surveys, 2023–2025",
        description=description,
        source=POLLS_SOURCE,
        data=frame,
        table=tooltip_table(frame, tooltip),
        empty="No survey in the data reports this group.",
    )


def model_subtitle(assumptions: str) -> str:
    """What every model figure says under its title, before anything else."""
    return f"Model output, not data. Assumptions: {assumptions}"


def model_fit(
    points: pd.DataFrame,
    band: pd.DataFrame,
    holdout: pd.DataFrame,
    *,
    cutoff,
    assumptions: str,
    name: str = "model-fit",
    title: str | None = None,
) -> Figure:
    """The model's band and central run against the points it was fitted to and those held out."""
    cutoff = pd.Timestamp(cutoff)
    band = band[band["date"] <= pd.Timestamp("2025-02-15")].copy()
    held_ids = set(holdout["id"])
    pts = points.assign(
        role=np.where(points["id"].isin(held_ids), "Measured, held out (not fitted)", "Measured, fitted"),
        value_text=(points["value_m"] * 1e6).map(_millions),
        sources=points["source_keys"].map(bibliography.describe),
    )
    model_at = dict(zip(holdout["id"], holdout["model_m"], strict=True))
    pts["model_text"] = pts["id"].map(lambda i: _millions(model_at[i] * 1e6) if i in model_at else "")
    band = band.assign(
        kind_label="Model band (90% of runs)",
        low_text=(band["model_low"] * 1e6).map(_millions),
        high_text=(band["model_high"] * 1e6).map(_millions),
        central_text=(band["model_central"] * 1e6).map(_millions),
    )
    x = alt.X("date:T", title=None, axis=DAY_AXIS, scale=alt.Scale(domain=["2025-01-01", "2025-02-15"]))
    y_scale = alt.Scale(type="log", domain=[0.05, 200])
    band_tooltip = [
        alt.Tooltip("date:T", title="Day", format=DATE_FORMAT),
        alt.Tooltip("central_text:N", title="Model, fitted run"),
        alt.Tooltip("low_text:N", title="Model band, low"),
        alt.Tooltip("high_text:N", title="Model band, high"),
    ]
    area = (
        alt.Chart(band)
        .mark_area(opacity=0.25, color=theme.GREY)
        .encode(x=x, y=alt.Y("model_low:Q", scale=y_scale), y2="model_high:Q", tooltip=band_tooltip)
    )
    line = (
        alt.Chart(band)
        .mark_line(color="#333333", strokeWidth=2, strokeDash=[6, 3])
        .encode(
            x=x,
            y=alt.Y(
                "model_central:Q",
                title="RedNote US daily active users, millions (log)",
                scale=y_scale,
                axis=alt.Axis(format="~g"),
            ),
        )
    )
    point_tooltip = [
        alt.Tooltip("role:N", title="Point"),
        alt.Tooltip("value_text:N", title="Similarweb estimate"),
        alt.Tooltip("model_text:N", title="Model on that day"),
        alt.Tooltip("date:T", title="Day", format=DATE_FORMAT),
        alt.Tooltip("definition:N", title="What was counted"),
        alt.Tooltip("sources:N", title="Source"),
    ]
    roles = ["Measured, fitted", "Measured, held out (not fitted)"]
    dots = (
        alt.Chart(pts)
        .mark_point(size=110, strokeWidth=2)
        .encode(
            x=x,
            y=alt.Y("value_m:Q", scale=y_scale),
            shape=alt.Shape("role:N", title=None, scale=alt.Scale(domain=roles, range=["circle", "diamond"])),
            fill=alt.Fill("role:N", title=None, scale=alt.Scale(domain=roles, range=[theme.PALETTE[5], "white"])),
            stroke=alt.value(theme.PALETTE[5]),
            tooltip=point_tooltip,
        )
    )
    rule_frame = pd.DataFrame({"date": [cutoff], "label": ["fit stops here"]})
    rule = alt.Chart(rule_frame).mark_rule(color=theme.GREY, strokeDash=[2, 2]).encode(x="date:T")
    label = (
        alt.Chart(rule_frame)
        .mark_text(align="left", dx=4, fontSize=11, color="#333333")
        .encode(x="date:T", y=alt.value(12), text="label:N")
    )
    chart = alt.layer(area, line, rule, label, dots).properties(width="container", height=theme.HEIGHT + 20)
    fitted = pts[~pts["id"].isin(held_ids)]
    description = (
        f"Model chart on a logarithmic scale: a grey band of model runs and a dashed fitted run of RedNote's US "
        f"daily active users from 1 January to 15 February 2025, with {len(fitted)} Similarweb estimates it was "
        f"fitted to (filled circles) and {len(held_ids)} later estimates it was not fitted to (open diamonds). "
        f"The line and band are model output, not measurements."
    )
    table = pd.concat(
        [tooltip_table(pts, point_tooltip), tooltip_table(band, band_tooltip).assign(Point="Model")],
        ignore_index=True,
    )
    return Figure(
        chart,
        name=name,
        title=title or "Model: RedNote's US daily users, fitted before the outage and checked after",
        subtitle=model_subtitle(assumptions),
        description=description,
        source=MODEL_SOURCE,
        data=pd.concat([pts.assign(kind="measured"), band], ignore_index=True),
        table=table,
    )


def what_if(
    runs: pd.DataFrame,
    points: pd.DataFrame,
    *,
    actual_outage_days: float,
    assumptions: str,
    name: str = "model-what-if",
    title: str | None = None,
) -> Figure:
    """Precomputed model runs with two sliders: how long TikTok stays dark, how fast users lapse."""
    runs = runs[runs["date"] <= pd.Timestamp("2025-04-30")].copy()
    decays = sorted(runs["decay"].unique())
    # Slider positions: 0 = as it happened; the other outage lengths are whole days.
    runs["outage_slot"] = runs["outage_days"].map(lambda d: 0 if abs(d - actual_outage_days) < 1e-6 else round(d))
    runs["decay_step"] = runs["decay"].map({d: i for i, d in enumerate(decays)})
    runs["spell"] = (1 / runs["decay"]).round(1)
    runs["users_text"] = (runs["active_users_m"] * 1e6).map(_millions)
    runs["outage_text"] = runs["outage_slot"].map(
        lambda s: "as it happened (about 14 hours)" if s == 0 else f"{s} days"
    )
    runs = keyed(runs.sort_values(["outage_slot", "decay_step", "date"], kind="stable"))
    slots = sorted(runs["outage_slot"].unique())
    step = int(np.gcd.reduce([s for s in slots if s])) if len(slots) > 1 else 1
    outage = alt.param(
        name="outage",
        value=0,
        bind=alt.binding_range(
            min=0, max=int(max(slots)), step=step, name="TikTok dark for (days; 0 = as it happened) "
        ),
    )
    middle = len(decays) // 2
    decay = alt.param(
        name="lapse",
        value=middle,
        bind=alt.binding_range(
            min=0, max=len(decays) - 1, step=1, name=f"Lapse rate, from 0 (slowest) to {len(decays) - 1} (fastest) "
        ),
    )
    chosen = (
        alt.Chart(runs)
        .transform_filter("datum.outage_slot === outage && datum.decay_step === lapse")
        .mark_line(color=theme.PALETTE[5], strokeWidth=2.5)
        .encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format="%b", labelAngle=0)),
            y=alt.Y(
                "active_users_m:Q",
                title="Model: RedNote US daily active users (millions)",
                scale=alt.Scale(domain=[0, 170]),
            ),
            tooltip=[
                alt.Tooltip("date:T", title="Day", format=DATE_FORMAT),
                alt.Tooltip("users_text:N", title="Model users"),
                alt.Tooltip("outage_text:N", title="TikTok dark"),
                alt.Tooltip("spell:Q", title="Average active spell (days)"),
            ],
        )
    )
    # One line of text per run saying which run is shown (the sliders' values in words).
    run_labels = runs.drop_duplicates(["outage_slot", "decay_step"]).assign(
        line1=lambda f: "TikTok dark: " + f["outage_text"],
        line2=lambda f: "Average active spell: " + f["spell"].map("{:g}".format) + " days",
    )
    shown = alt.Chart(run_labels[["outage_slot", "decay_step", "line1", "line2"]]).transform_filter(
        "datum.outage_slot === outage && datum.decay_step === lapse"
    )
    caption = alt.layer(
        shown.mark_text(align="left", x=4, y=10, fontSize=11, color="#333333").encode(text="line1:N"),
        shown.mark_text(align="left", x=4, y=25, fontSize=11, color="#333333").encode(text="line2:N"),
    )
    measured = (
        alt.Chart(points.assign(day=points["date"]))
        .mark_point(filled=True, size=60, color="#333333", opacity=0.8)
        .encode(x="day:T", y="value_m:Q")
    )
    chart = (
        alt.layer(chosen, measured, caption)
        .add_params(outage, decay)
        .properties(width="container", height=theme.HEIGHT)
    )
    description = (
        f"Model chart of RedNote's US daily active users from January to April 2025 for one of {len(slots)} outage "
        f"lengths (from about 14 hours to {max(slots)} days) and one of {len(decays)} lapse rates "
        f"({decays[0]:g} to {decays[-1]:g} a day), chosen with two sliders; the dots are the Similarweb estimates. "
        f"Every line is model output. Without JavaScript the image shows the outage as it happened and the middle "
        f"lapse rate."
    )
    table_cols = [
        alt.Tooltip("outage_text:N", title="TikTok dark"),
        alt.Tooltip("spell:Q", title="Average active spell (days)"),
        alt.Tooltip("date:T", title="Day", format=DATE_FORMAT),
        alt.Tooltip("users_text:N", title="Model users"),
    ]
    return Figure(
        chart,
        name=name,
        title=title or "Model what-if: a longer outage, faster or slower lapsing",
        subtitle=model_subtitle(assumptions),
        description=description,
        source=MODEL_SOURCE,
        data=runs,
        table=tooltip_table(runs, table_cols),
    )


def event_timeline(
    events: pd.DataFrame,
    *,
    start="2025-01-08",
    end="2025-02-15",
    name: str = "event-timeline",
    title: str | None = None,
) -> Figure:
    """Court, company, app-store and government events in the window, one row per platform."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    frame = events[(events["date"] >= start) & (events["date"] <= end)].copy()
    if frame.empty:
        raise ValueError(f"no event falls between {start.date()} and {end.date()}; widen the window")
    frame["event_label"] = frame["event_kind"].map(labels.EVENT_KIND)
    frame["when"] = frame.apply(
        lambda r: (
            f"{r['date']:%d %b %Y}"
            + (f" to {r['date_end']:%d %b %Y}" if pd.notna(r.get("date_end")) else "")
            + (f", {r['time']}" if isinstance(r.get("time"), str) and r["time"] else "")
        ),
        axis=1,
    )
    frame["summary_text"] = frame["summary"].map(labels.without_ids)
    frame["sources"] = frame["source_keys"].map(bibliography.describe)
    frame = keyed(frame.sort_values(["date", "id"], kind="stable"))
    tooltip = [
        alt.Tooltip("event_label:N", title="Event"),
        alt.Tooltip("platform:N", title="Platform"),
        alt.Tooltip("when:N", title="When"),
        alt.Tooltip("actor:N", title="Who"),
        alt.Tooltip("summary_text:N", title="What happened"),
        alt.Tooltip("sources:N", title="Source"),
    ]
    frame["actor_label"] = frame["actor_kind"].map(labels.ACTOR_KIND)
    kinds = [labels.ACTOR_KIND[k] for k in labels.ACTOR_KIND if k in set(frame["actor_kind"])]
    chart = (
        alt.Chart(frame)
        .mark_point(filled=True, size=90, opacity=0.9)
        .encode(
            x=alt.X("date:T", title=None, axis=DAY_AXIS),
            y=alt.Y("platform:N", title=None, sort=list(PLATFORM_COLOURS) + ["ByteDance apps"]),
            color=alt.Color("actor_label:N", title="Who acted", scale=alt.Scale(domain=kinds, range=theme.PALETTE)),
            shape=alt.Shape("actor_label:N", title="Who acted", scale=alt.Scale(domain=kinds)),
            tooltip=tooltip,
            yOffset=alt.YOffset("jitter:Q"),
        )
        .transform_calculate(jitter="(datum.ac_row % 3 - 1) * 8")
        .properties(width="container", height=60 * frame["platform"].nunique() + 40)
    )
    counts = frame["platform"].value_counts()
    description = (
        f"Dot chart of {len(frame)} events between {start:%d %B} and {end:%d %B %Y}, one row per platform ("
        + ", ".join(f"{p}: {n}" for p, n in counts.items())
        + "), coloured by who acted: "
        + ", ".join(k.lower() for k in kinds)
        + "."
    )
    return Figure(
        chart,
        name=name,
        title=title or "Court, company and government events, January to February 2025",
        description=description,
        source="data/events.csv, compiled from the sources cited in each row",
        data=frame,
        table=tooltip_table(frame, tooltip),
    )


def counterfactual_comparison(
    factual: pd.DataFrame,
    counterfactual: pd.DataFrame,
    points: pd.DataFrame,
    *,
    label: str,
    assumptions: str,
    name: str = "model-counterfactual",
    title: str | None = None,
) -> Figure:
    """Two model runs, as it happened and as ``label`` says, with the measured points."""
    runs = pd.concat(
        [factual.assign(run="Model: as it happened"), counterfactual.assign(run=f"Model: {label}")], ignore_index=True
    )
    runs = runs[runs["date"] <= pd.Timestamp("2025-04-30")].assign(
        users_text=lambda f: (f["active_users_m"] * 1e6).map(_millions)
    )
    order = ["Model: as it happened", f"Model: {label}"]
    tooltip = [
        alt.Tooltip("run:N", title="Run"),
        alt.Tooltip("date:T", title="Day", format=DATE_FORMAT),
        alt.Tooltip("users_text:N", title="Model users"),
    ]
    lines = (
        alt.Chart(runs)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format="%b", labelAngle=0)),
            y=alt.Y("active_users_m:Q", title="Model: RedNote US daily active users (millions)"),
            color=alt.Color("run:N", title=None, scale=alt.Scale(domain=order, range=[theme.GREY, theme.PALETTE[5]])),
            strokeDash=alt.StrokeDash("run:N", title=None, scale=alt.Scale(domain=order, range=[[5, 3], [1, 0]])),
            tooltip=tooltip,
        )
    )
    dots = alt.Chart(points).mark_point(filled=True, size=60, color="#333333").encode(x="date:T", y="value_m:Q")
    chart = alt.layer(lines, dots).properties(width="container", height=theme.HEIGHT)
    peak = runs.groupby("run")["active_users_m"].max()
    description = (
        f"Model chart of two runs of RedNote's US daily active users, January to April 2025: as it happened "
        f"(peak {_millions(peak[order[0]] * 1e6)}) and {label} (peak {_millions(peak[order[1]] * 1e6)}), with "
        f"Similarweb's estimates as dots. Both lines are model output, not measurements."
    )
    return Figure(
        chart,
        name=name,
        title=title or f"Model: RedNote's US daily users, as it happened and {label}",
        subtitle=model_subtitle(assumptions),
        description=description,
        source=MODEL_SOURCE,
        data=runs,
        table=tooltip_table(runs, tooltip),
    )
