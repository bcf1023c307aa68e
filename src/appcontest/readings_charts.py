"""Charts for the chapter on Chinese readings of the TikTok ban (see :mod:`appcontest.readings`).

Every chart shows counts of coded rows, not only shares, so that a cell resting on one
or two rows is not over-read: the heatmaps print the count in each cell and mark the
groups with fewer than :data:`readings.THIN_ROWS` rows, and the stance bars are as long as
the group has rows.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from . import bibliography, readings, theme
from .charts import DATASET_SOURCE, DATE_FORMAT, TIME_AXIS, tooltip_table, wrap, wrapped_labels
from .figures import Figure

CELL = 30  # height of one heatmap row, px
ROW = 56  # height of one timeline row, px
EMPTY, PALE, DARK = "#f6f6f6", "#d6e6f4", "#08519c"  # heatmap: no rows; fewest rows; most rows
STANCE_COLOURS = {
    "Critical": theme.PALETTE[3],
    "Mixed": theme.PALETTE[1],
    "Descriptive": theme.GREY,
    "Supportive": theme.PALETTE[0],
}


def _line_labels(labels: dict[str, list[str]]) -> str:
    """A ``labelExpr`` that writes each axis label as the given lines."""
    expr = "datum.label"
    for value, lines in labels.items():
        expr = f"datum.label === {json.dumps(value)} ? {json.dumps(lines)} : {expr}"
    return expr


def _heat(frame: pd.DataFrame, *, x: str, y: str, colour: str, colour_title: str, x_order, y_order, x_axis, tooltip):
    """Cells coloured by ``colour`` with the row count printed in each."""
    base = alt.Chart(frame).encode(
        x=alt.X(f"{x}:O", title=None, sort=x_order, scale=alt.Scale(domain=x_order), axis=x_axis),
        y=alt.Y(
            f"{y}:N",
            title=None,
            sort=y_order,
            scale=alt.Scale(domain=y_order),
            axis=alt.Axis(labelExpr=wrapped_labels(y_order, chars=13), labelLimit=100, labelFontSize=11),
        ),
        tooltip=tooltip,
    )
    top = float(frame[colour].max()) or 1.0
    # Empty cells are near-white, so the eye goes to the cells that hold rows.
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.condition(
            "datum.rows == 0",
            alt.value(EMPTY),
            alt.Color(
                f"{colour}:Q",
                title=colour_title,
                scale=alt.Scale(range=[PALE, DARK], domain=[0, top]),
                legend=None,
            ),
        ),
        opacity=alt.condition("datum.thin", alt.value(0.45), alt.value(1.0)),
    )
    text = base.mark_text(fontSize=12).encode(
        text=alt.Text("rows:Q"),
        color=alt.condition(f"datum.{colour} > {top * 0.55}", alt.value("white"), alt.value("#333333")),
    )
    return alt.layer(cells, text)


def frames_by_group(counts: pd.DataFrame, *, name: str = "frames-by-group", title: str | None = None) -> Figure:
    """Heatmap of coded positions by frame (rows) and actor group (columns), counts in the cells.

    ``counts`` is :func:`readings.frame_counts`. Colour is the share of the group's rows;
    groups with fewer than :data:`readings.THIN_ROWS` rows are drawn pale and labelled thin.
    """
    frame = counts.assign(
        group=counts["actor_group"].map(readings.ACTOR_GROUP),
        frame_label=counts["frame"].map(readings.FRAME),
    )
    groups = list(dict.fromkeys(frame["group"]))
    totals = frame.groupby("group", sort=False)["group_rows"].first()
    lines = {
        g: wrap(g, 10) + [f"{totals[g]} rows" + (", thin" if totals[g] < readings.THIN_ROWS else "")] for g in groups
    }
    frames = list(dict.fromkeys(frame["frame_label"]))
    tooltip = [
        alt.Tooltip("group:N", title="Actor group"),
        alt.Tooltip("frame_label:N", title="Frame"),
        alt.Tooltip("rows:Q", title="Rows"),
        alt.Tooltip("group_rows:Q", title="The group's rows"),
        alt.Tooltip("share:Q", title="Share of the group's rows", format=".0%"),
    ]
    x_axis = alt.Axis(
        orient="bottom",
        labelAngle=0,
        ticks=False,
        labelPadding=4,
        labelExpr=_line_labels(lines),
        labelFontSize=11,
        labelLimit=80,
    )
    chart = _heat(
        frame,
        x="group",
        y="frame_label",
        colour="share",
        colour_title="Share of the group's rows",
        x_order=groups,
        y_order=frames,
        x_axis=x_axis,
        tooltip=tooltip,
    ).properties(width="container", height=CELL * len(frames))
    thin = [g for g in groups if totals[g] < readings.THIN_ROWS]
    top = frame.sort_values(["rows", "share"], ascending=False).iloc[0]
    description = (
        f"Heatmap of {int(totals.sum())} coded positions: {len(frames)} frames in rows, {len(groups)} actor groups "
        f"in columns ({', '.join(f'{g} {totals[g]}' for g in groups)} rows). Each cell prints its number of rows "
        f"and is shaded by its share of the group's rows. The largest cell is {top['group']}, "
        f"{top['frame_label'].lower()}, with {int(top['rows'])} rows."
        + (f" Thin groups, drawn pale: {', '.join(thin)}." if thin else "")
    )
    return Figure(
        chart,
        name=name,
        title=title or "Frames used, by actor group",
        subtitle="Number of coded positions in each cell; shading is the share of the group's positions",
        description=description,
        source=DATASET_SOURCE.format(name="narratives") + " (adjudicated codes)",
        data=counts,
        table=tooltip_table(frame, tooltip),
    )


def stance_by_group(counts: pd.DataFrame, *, name: str = "stance-by-group", title: str | None = None) -> Figure:
    """Stacked bars: each group's positions on the US measures, by stance, as counts.

    ``counts`` is :func:`readings.stance_counts`. A bar is as long as the group has rows.
    """
    frame = counts[counts["rows"] > 0].assign(
        group=lambda f: f["actor_group"].map(readings.ACTOR_GROUP),
        stance_label=lambda f: f["stance"].map(readings.STANCE),
    )
    order = list(readings.STANCE.values())
    frame = frame.assign(rank=frame["stance_label"].map(order.index)).sort_values(["actor_group", "rank"])
    frame["end"] = frame.groupby("actor_group")["rows"].cumsum()
    frame["middle"] = frame["end"] - frame["rows"] / 2
    groups = [readings.ACTOR_GROUP[g] for g in dict.fromkeys(counts["actor_group"])]
    present = [s for s in order if s in set(frame["stance_label"])]
    tooltip = [
        alt.Tooltip("group:N", title="Actor group"),
        alt.Tooltip("stance_label:N", title="Stance"),
        alt.Tooltip("rows:Q", title="Rows"),
        alt.Tooltip("group_rows:Q", title="The group's rows on the measures"),
        alt.Tooltip("share:Q", title="Share", format=".0%"),
    ]
    y = alt.Y(
        "group:N",
        title=None,
        sort=groups,
        scale=alt.Scale(domain=groups),
        axis=alt.Axis(labelExpr=wrapped_labels(groups, chars=11), labelLimit=90, labelFontSize=11),
    )
    bars = (
        alt.Chart(frame)
        .mark_bar(height=22)
        .encode(
            x=alt.X("rows:Q", title="Coded positions on the US measures", stack="zero", axis=alt.Axis(tickMinStep=1)),
            y=y,
            color=alt.Color(
                "stance_label:N",
                title="Stance",
                scale=alt.Scale(domain=present, range=[STANCE_COLOURS[s] for s in present]),
                legend=alt.Legend(orient="bottom", direction="horizontal", columns=2),
            ),
            order=alt.Order("rank:Q"),
            tooltip=tooltip,
        )
    )
    text = (
        alt.Chart(frame)
        .mark_text(color="white", fontSize=12, fontWeight=600)
        .encode(x="middle:Q", y=y, text="rows:Q", tooltip=tooltip)
    )
    chart = alt.layer(bars, text).properties(width="container", height=44 * len(groups))
    totals = frame.groupby("group", sort=False)["group_rows"].first().reindex(groups).fillna(0).astype(int)
    critical = frame[frame["stance"] == "critical"].set_index("group")["rows"].reindex(groups).fillna(0).astype(int)
    description = (
        f"Stacked bar chart of {int(totals.sum())} coded positions on the US measures, one bar per actor group, "
        "split by stance, with the number of positions printed in each segment. Critical positions: "
        + ", ".join(f"{g} {critical[g]} of {totals[g]}" for g in groups)
        + "."
    )
    return Figure(
        chart,
        name=name,
        title=title or "Stance towards the US measures, by actor group",
        subtitle="Positions on the TikTok measures and on US–China tech policy; the RedNote migration is left out",
        description=description,
        source=DATASET_SOURCE.format(name="narratives") + " (adjudicated codes)",
        data=counts,
        table=tooltip_table(frame.sort_values(["actor_group", "rank"]), tooltip),
    )


def statements_timeline(
    statements: pd.DataFrame, events: pd.DataFrame, *, name: str = "statements-timeline", title: str | None = None
) -> Figure:
    """Timeline of dated statements: one point each, in rows by voice, coloured by stance.

    ``events`` (columns ``number``, ``date``, ``event``) are drawn as numbered rules, so
    the statements can be read against the clock chapter's milestones.
    """
    voices = readings.voice(statements)
    frame = statements.assign(
        voice_label=voices.map(readings.VOICE),
        stance_label=statements["stance"].map(readings.STANCE),
        frame_label=statements["frame"].map(readings.FRAME),
        venue_label=statements["venue_kind"].map(readings.VENUE_KIND),
        phrase=statements["key_phrase_en"].fillna(""),
        sources=statements["source_keys"].map(bibliography.describe),
    ).sort_values(["date", "id"], kind="stable")
    # Three lanes within a row, so that statements a few days apart do not hide each other.
    frame = frame.assign(ac_jitter=[((i % 3) - 1) * 0.9 for i in range(len(frame))])
    order = [v for v in readings.VOICE.values() if v in set(frame["voice_label"])]
    present = [s for s in readings.STANCE.values() if s in set(frame["stance_label"])]
    tooltip = [
        alt.Tooltip("date:T", title="Date", format=DATE_FORMAT),
        alt.Tooltip("speaker:N", title="Speaker"),
        alt.Tooltip("office:N", title="Office or outlet"),
        alt.Tooltip("venue_label:N", title="Venue"),
        alt.Tooltip("frame_label:N", title="Frame"),
        alt.Tooltip("stance_label:N", title="Stance"),
        alt.Tooltip("phrase:N", title="Key phrase (English)"),
        alt.Tooltip("sources:N", title="Source"),
    ]
    start = alt.DateTime(year=int(frame["date"].dt.year.min()), month=1, date=1)
    end = alt.DateTime(year=int(frame["date"].dt.year.max()), month=12, date=31)
    x = alt.X("date:T", title="Date", axis=TIME_AXIS, scale=alt.Scale(domain=[start, end]))
    points = (
        alt.Chart(frame)
        .mark_point(filled=True, size=70, opacity=0.85)
        .encode(
            x=x,
            y=alt.Y(
                "voice_label:N",
                title=None,
                sort=order,
                scale=alt.Scale(domain=order),
                axis=alt.Axis(labelExpr=wrapped_labels(order, chars=11), labelLimit=90, labelFontSize=11),
            ),
            yOffset=alt.YOffset("ac_jitter:Q", scale=alt.Scale(domain=[-1, 1], range=[ROW * 0.3, ROW * 0.7])),
            color=alt.Color(
                "stance_label:N",
                title="Stance",
                scale=alt.Scale(domain=present, range=[STANCE_COLOURS[s] for s in present]),
                legend=alt.Legend(orient="bottom", direction="horizontal", columns=2),
            ),
            tooltip=tooltip,
        )
    )
    window = events[(events["date"] >= frame["date"].min()) & (events["date"] <= frame["date"].max())]
    # The milestones carry no tooltip: the description and the caption name them, so the
    # table (one row per statement) holds everything a tap can show.
    rules = alt.Chart(window).mark_rule(color=theme.GREY, strokeDash=[3, 3]).encode(x=x)
    marks = (
        alt.Chart(window)
        .mark_text(dy=-8, fontSize=11, color="#333333", fontWeight=600)
        .encode(x=x, y=alt.value(0), text="number:N")
    )
    chart = alt.layer(rules, marks, points).properties(width="container", height=ROW * len(order))
    counts = frame["voice_label"].value_counts()
    description = (
        f"Timeline of {len(frame)} dated statements from {frame['date'].min():%B %Y} to "
        f"{frame['date'].max():%B %Y}, one point each, in rows by who spoke ("
        + ", ".join(f"{v} {counts.get(v, 0)}" for v in order)
        + "), coloured by stance. Numbered dashed lines mark "
        + "; ".join(f"{int(r.number)} {r.event}" for r in window.itertuples())
        + ". Each point's details give the key phrase and the source."
    )
    return Figure(
        chart,
        name=name,
        title=title or "Dated statements, by who spoke",
        subtitle="Each point is one statement; numbered lines are milestones of the sell-or-ban clock",
        description=description,
        source=DATASET_SOURCE.format(name="statements") + "; milestones: data/measures.csv",
        data=frame.drop(columns=["ac_jitter"]),
        table=tooltip_table(frame, tooltip),
    )


def _year_lines(frame: pd.DataFrame) -> dict[str, list[str]]:
    totals = frame.groupby("year")["year_rows"].first()
    return {str(y): [str(y), f"({totals[y]})"] for y in totals.index}


def frames_by_year(counts: pd.DataFrame, *, name: str = "frames-by-year", title: str | None = None) -> Figure:
    """Heatmap of statements by frame (rows) and year (columns), counts in the cells.

    ``counts`` is :func:`readings.frames_by_year`; the column labels give each year's total.
    """
    frame = counts.assign(
        year_text=counts["year"].astype(str), frame_label=counts["frame"].map(readings.FRAME), thin=False
    )
    years = [str(y) for y in dict.fromkeys(counts["year"])]
    frames = list(dict.fromkeys(frame["frame_label"]))
    tooltip = [
        alt.Tooltip("year_text:N", title="Year"),
        alt.Tooltip("frame_label:N", title="Frame"),
        alt.Tooltip("rows:Q", title="Statements"),
        alt.Tooltip("year_rows:Q", title="Statements that year"),
    ]
    x_axis = alt.Axis(
        orient="bottom",
        labelAngle=0,
        ticks=False,
        labelPadding=4,
        labelExpr=_line_labels(_year_lines(frame)),
        labelFontSize=11,
        labelLimit=60,
    )
    chart = _heat(
        frame,
        x="year_text",
        y="frame_label",
        colour="rows",
        colour_title="Statements",
        x_order=years,
        y_order=frames,
        x_axis=x_axis,
        tooltip=tooltip,
    ).properties(width="container", height=CELL * len(frames))
    per_year = frame.groupby("year")["year_rows"].first()
    top = frame.sort_values("rows", ascending=False).iloc[0]
    description = (
        f"Heatmap of {int(per_year.sum())} statements by frame ({len(frames)} rows) and year ({years[0]} to "
        f"{years[-1]}); each cell prints its number of statements, and each year's total is under the year. "
        f"The largest cell is {top['frame_label'].lower()} in {top['year_text']}, with {int(top['rows'])}."
        + (
            f" No statement is recorded for {', '.join(str(y) for y in per_year[per_year == 0].index)}."
            if (per_year == 0).any()
            else ""
        )
    )
    return Figure(
        chart,
        name=name,
        title=title or "Frames of official statements, by year",
        subtitle="Number of statements in each cell; the year's total in brackets",
        description=description,
        source=DATASET_SOURCE.format(name="statements"),
        data=counts,
        table=tooltip_table(frame, tooltip),
    )


def vocabulary_by_year(counts: pd.DataFrame, *, name: str = "vocabulary-by-year", title: str | None = None) -> Figure:
    """Heatmap: statements whose English key phrase uses each family of words (rows), by year (columns).

    ``counts`` is :func:`readings.vocabulary`.
    """
    frame = counts.assign(year_text=counts["year"].astype(str), family_label=counts["family"], thin=False)
    years = [str(y) for y in dict.fromkeys(counts["year"])]
    families = list(dict.fromkeys(frame["family_label"]))
    tooltip = [
        alt.Tooltip("year_text:N", title="Year"),
        alt.Tooltip("family_label:N", title="Words in the key phrase"),
        alt.Tooltip("rows:Q", title="Statements"),
        alt.Tooltip("year_rows:Q", title="Statements with a key phrase that year"),
    ]
    x_axis = alt.Axis(
        orient="bottom",
        labelAngle=0,
        ticks=False,
        labelPadding=4,
        labelExpr=_line_labels(_year_lines(frame)),
        labelFontSize=11,
        labelLimit=60,
    )
    chart = _heat(
        frame,
        x="year_text",
        y="family_label",
        colour="rows",
        colour_title="Statements",
        x_order=years,
        y_order=families,
        x_axis=x_axis,
        tooltip=tooltip,
    ).properties(width="container", height=CELL * len(families))
    totals = frame.groupby("family_label", sort=False)["rows"].sum()
    description = (
        f"Heatmap of the English key phrases of {int(frame.groupby('year')['year_rows'].first().sum())} statements, "
        f"{years[0]} to {years[-1]}: for each family of words (rows) and year (columns), the number of statements "
        "whose phrase uses it. Totals: " + ", ".join(f"{f.lower()} {n}" for f, n in totals.items()) + "."
    )
    return Figure(
        chart,
        name=name,
        title=title or "Words in the key phrases, by year",
        subtitle="Number of statements whose English key phrase uses the words; the year's total in brackets",
        description=description,
        source=DATASET_SOURCE.format(name="statements") + "; word families as listed in the chapter",
        data=counts,
        table=tooltip_table(frame, tooltip),
    )
