"""Chart builders. Each takes validated data and returns a :class:`~appcontest.figures.Figure`.

Builders derive their plain-language description from the data they are given, so a
chapter run with other parameters still describes what it shows.
"""

from __future__ import annotations

import json

import altair as alt
import pandas as pd

from . import bibliography, clock, concepts, labels, theme
from .figures import Figure, keyed

DATASET_SOURCE = "data/{name}.csv, compiled from the sources cited in each row"
# A tooltip's date: 06 Aug 2020 (d3's %d pads to two digits, as strftime's does).
DATE_FORMAT = "%d %b %Y"
# Row labels longer than this many characters go on two or more lines, so that nothing is
# cut off at phone width (a y-axis label may use about a third of a 340-pixel chart).
LABEL_CHARS = 15


# Two-digit years ('16) so eleven years fit a phone-width axis without overlapping.
YEAR_AXIS = alt.Axis(labelAngle=0, labelExpr="'\u2019' + slice(datum.label, 2)")
# No axis title (the years speak for themselves); each channel still has a reader-facing
# title, which the static chart's screen-reader text uses instead of the column name.
TIME_AXIS = alt.Axis(
    format="%Y", tickCount="year", labelAngle=0, labelExpr="'\u2019' + slice(datum.label, 2)", title=None
)


def family_color(field: str = "family") -> alt.Color:
    return alt.Color(
        f"{field}:N",
        title="Instrument family",
        scale=alt.Scale(domain=labels.FAMILIES, range=theme.PALETTE[: len(labels.FAMILIES)]),
    )


def resolution_color(present: list[str], title: str = "Outcome") -> alt.Color:
    # Colours are fixed per outcome, so the same outcome has the same colour in every chart.
    colours = dict(zip(labels.RESOLUTION.values(), theme.PALETTE, strict=False))
    return alt.Color(
        "resolution_label:N", title=title, scale=alt.Scale(domain=present, range=[colours[p] for p in present])
    )


def tooltip_table(frame: pd.DataFrame, tooltips: list[alt.Tooltip]) -> pd.DataFrame:
    """The rows of ``frame`` as its tooltips show them: one column per tooltip, under the
    tooltip's title, with dates in the tooltip's format. The chart's table view and its
    CSV download, so the table says what the chart says, in the same words."""
    columns = {}
    for tooltip in tooltips:
        spec = tooltip.to_dict()
        values = frame[spec["field"]]
        if spec["type"] == "temporal":
            values = values.dt.strftime(spec.get("format", "%Y-%m-%d"))
        columns[spec.get("title", spec["field"])] = values.astype(object).where(values.notna(), "")
    return pd.DataFrame(columns).reset_index(drop=True)


def wrap(text: str, chars: int = LABEL_CHARS) -> list[str]:
    """``text`` in lines of at most ``chars`` characters, broken between words."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= chars:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [text]


def wrapped_labels(values: list[str], chars: int = LABEL_CHARS) -> str:
    """A Vega ``labelExpr`` that writes each long label of ``values`` on several lines."""
    expr = "datum.label"
    for value in values:
        lines = wrap(value, chars)
        if len(lines) > 1:
            expr = f"datum.label === {json.dumps(value)} ? {json.dumps(lines)} : {expr}"
    return expr


def _year_start(value: pd.Timestamp) -> alt.DateTime:
    return alt.DateTime(year=int(value.year), month=1, date=1)


def _span(dates: pd.Series) -> str:
    return f"{dates.min():%B %Y} to {dates.max():%B %Y}"


def _with_sources(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(sources=frame["source_keys"].map(bibliography.describe))


def measures_per_year(measures: pd.DataFrame, *, name: str = "measures-per-year", title: str | None = None) -> Figure:
    """Stacked bars: measures per year, coloured by instrument family."""
    frame = measures.assign(
        year=measures["date"].dt.year, family=measures["instrument"].map(labels.FAMILY_OF_INSTRUMENT)
    )
    counts = frame.groupby(["year", "family"]).size().reset_index(name="measures")
    per_year = counts.groupby("year")["measures"].sum()
    busiest = per_year.idxmax()
    tooltip = [
        alt.Tooltip("year:O", title="Year"),
        alt.Tooltip("family:N", title="Instrument family"),
        alt.Tooltip("measures:Q", title="Measures"),
    ]
    chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year", axis=YEAR_AXIS),
            y=alt.Y("sum(measures):Q", title="Measures"),
            color=family_color(),
            order=alt.Order("family:N"),
            tooltip=tooltip,
        )
        .properties(width="container", height=theme.HEIGHT)
    )
    description = (
        f"Stacked bar chart of {len(measures)} measures by year, {int(per_year.index.min())} to "
        f"{int(per_year.index.max())}, coloured by family of instrument. The busiest year is {int(busiest)} "
        f"with {int(per_year.max())} measures."
    )
    return Figure(
        chart,
        name=name,
        title=title or "Measures per year, by instrument family",
        description=description,
        source=DATASET_SOURCE.format(name="measures"),
        data=counts,
        table=tooltip_table(counts, tooltip),
    )


def _select(name: str, label: str, values: list[str]) -> alt.Parameter:
    return alt.param(
        name=name,
        value=None,
        bind=alt.binding_select(options=[None] + values, labels=["All"] + values, name=label),
    )


def measures_timeline(measures: pd.DataFrame, *, name: str = "measures-timeline", title: str | None = None) -> Figure:
    """Interactive timeline: one point per measure, filterable by instrument, target and jurisdiction.

    The axes keep the whole span and every target whatever the menus leave, so a filtered
    view reads against the same frame; the data is keyed (figures.keyed) so the table view
    and the CSV download keep to the rows still drawn.
    """
    frame = _with_sources(measures).assign(
        instrument_label=measures["instrument"].map(labels.INSTRUMENT),
        family=measures["instrument"].map(labels.FAMILY_OF_INSTRUMENT),
        status_label=measures["status"].map(labels.STATUS),
        summary=measures["summary"].map(labels.without_ids),
    )
    columns = [
        "date",
        "jurisdiction",
        "actor",
        "instrument_label",
        "family",
        "target",
        "status_label",
        "summary",
        "sources",
    ]
    frame = keyed(frame.sort_values("date", kind="stable")[columns])
    pick_instrument = _select("pick_instrument", "Instrument", sorted(frame["instrument_label"].unique()))
    pick_target = _select("pick_target", "Target", sorted(frame["target"].unique()))
    pick_jurisdiction = _select("pick_jurisdiction", "Jurisdiction", sorted(frame["jurisdiction"].unique()))
    keep = (
        "(pick_instrument === null || datum.instrument_label === pick_instrument) && "
        "(pick_target === null || datum.target === pick_target) && "
        "(pick_jurisdiction === null || datum.jurisdiction === pick_jurisdiction)"
    )
    counts = frame["target"].value_counts()
    targets = sorted(counts.index, key=lambda t: (-counts[t], t))  # most measures first; ties by name
    tooltip = [
        alt.Tooltip("date:T", title="Date", format=DATE_FORMAT),
        alt.Tooltip("jurisdiction:N", title="Jurisdiction"),
        alt.Tooltip("actor:N", title="Actor"),
        alt.Tooltip("instrument_label:N", title="Instrument"),
        alt.Tooltip("target:N", title="Target"),
        alt.Tooltip("status_label:N", title="Status"),
        alt.Tooltip("summary:N", title="Summary"),
        alt.Tooltip("sources:N", title="Source"),
    ]
    # The whole span, from the start of the first year to the last measure, whatever is filtered.
    span = alt.Scale(domain=[_year_start(frame["date"].min()), frame["date"].max().strftime("%Y-%m-%d")])
    chart = (
        alt.Chart(frame)
        .mark_point(filled=True, size=70, opacity=0.85)
        .encode(
            x=alt.X("date:T", title="Date", axis=TIME_AXIS, scale=span),
            y=alt.Y(
                "target:N",
                title=None,
                sort=targets,
                scale=alt.Scale(domain=targets),
                axis=alt.Axis(labelLimit=110, labelFontSize=11, labelExpr=wrapped_labels(targets)),
            ),
            color=family_color(),
            tooltip=tooltip,
        )
        .add_params(pick_instrument, pick_target, pick_jurisdiction)
        .transform_filter(keep)
        .properties(width="container", height=max(140, 36 * len(targets)))
    )
    description = (
        f"Timeline of {len(frame)} measures from {_span(frame['date'])}, one point per measure, "
        f"in rows by target ({', '.join(targets[:3])} have the most) and coloured by family of instrument. "
        "Menus filter by instrument, target and jurisdiction; each point's details give the summary and source."
    )
    return Figure(
        chart,
        name=name,
        title=title or "Every measure, by target",
        description=description,
        source=DATASET_SOURCE.format(name="measures"),
        data=frame,
        table=tooltip_table(frame, tooltip),
        empty="No measures match these filters",
    )


# Two panels: the world, and Europe enlarged, where a dozen of the countries would
# otherwise be specks at phone width. The grey land is one outline (not 176 countries),
# which keeps the static image small; only the countries in the data are drawn over it.
WORLD_FIT = [[-180, -57], [180, -57], [180, 84], [-180, 84]]  # no Antarctica
EUROPE_FIT = [[-10, 35], [30, 35], [30, 71], [-10, 71]]
# Panel sizes (figures.sized): Equal Earth between 57 S and 84 N is 0.435 times as tall as
# wide; Europe's box, in the conic projection, about 0.82, and wider than 460 px the
# panel would reach Greenland and the Urals.
PANELS = {"world": {"aspect": 0.44}, "europe": {"aspect": 0.82, "maxWidth": 460}}
GEOMETRY = "world-110m"
# ISO 3166 numeric codes of the countries the Europe panel shows; the panel is drawn when
# at least two of them are shaded (one alone is listed in the table, a second panel would
# be mostly empty).
EUROPE = frozenset(
    "008 020 040 056 070 100 112 191 196 203 208 233 246 250 276 300 348 352 372 380 428 438 440 442 470 "  # noqa: SIM905
    "492 498 499 528 578 616 620 642 674 688 703 705 724 752 756 804 807 826".split()
)


def _fit(points: list[list[float]]) -> dict:
    return {"type": "Feature", "properties": {}, "geometry": {"type": "MultiPoint", "coordinates": points}}


def restrictions_map(
    restrictions: pd.DataFrame, geometry: dict, *, kind: str, name: str | None = None, title: str | None = None
) -> Figure:
    """World map of the countries with one kind of restriction, coloured by status, with Europe enlarged."""
    chosen = restrictions[restrictions["restriction"] == kind].assign(
        status_label=lambda f: f["status"].map(labels.STATUS),
        date_text=lambda f: f["date"].dt.strftime(DATE_FORMAT),
    )
    chosen = _with_sources(chosen).sort_values("country", kind="stable")
    # Vega-Lite reads a named data set in one format only: the one file is named twice,
    # once per feature (the site publishes it once; see appcontest.sphinxext.vega).
    land = alt.NamedData(name=f"{GEOMETRY}-land", format=alt.DataFormat(type="topojson", feature="land"))
    countries = alt.NamedData(name=f"{GEOMETRY}-countries", format=alt.DataFormat(type="topojson", feature="countries"))
    fields = ["country", "status_label", "date_text", "scope", "sources"]
    tooltip = [
        alt.Tooltip("country:N", title="Country"),
        alt.Tooltip("status_label:N", title="Status"),
        alt.Tooltip("date_text:N", title="Date"),
        alt.Tooltip("scope:N", title="Scope"),
        alt.Tooltip("sources:N", title="Source"),
    ]
    color = alt.Color(
        "status_label:N",
        title="Status",
        scale=alt.Scale(
            domain=["In force", "Partial", "Lifted"], range=[theme.PALETTE[0], theme.PALETTE[4], theme.PALETTE[1]]
        ),
    )

    def panel(name: str, fit: list[list[float]], projection: dict, **size) -> alt.LayerChart:
        base = alt.Chart(land).mark_geoshape(fill=theme.LIGHT_GREY, stroke=None, clip=True)
        shapes = (
            alt.Chart(countries)
            .mark_geoshape(stroke="white", strokeWidth=0.5, clip=True)
            .transform_lookup(lookup="id", from_=alt.LookupData(chosen[["iso_n3"] + fields], "iso_n3", fields))
            .transform_filter("isValid(datum.country)")
            .encode(color=color, tooltip=tooltip)
        )
        return alt.layer(base, shapes).project(fit=_fit(fit), **projection).properties(name=name, **size)

    world = panel(
        "world", WORLD_FIT, {"type": "equalEarth"}, width="container", height=round(320 * PANELS["world"]["aspect"])
    )
    europe = panel(
        "europe",
        EUROPE_FIT,
        {"type": "conicEqualArea", "parallels": [43, 62], "rotate": [-10, 0]},
        width="container",
        height=round(330 * PANELS["europe"]["aspect"]),
        title=alt.TitleParams("Europe, enlarged", fontSize=12, fontWeight=600, anchor="start", offset=4),
    )
    in_europe = chosen["iso_n3"].isin(EUROPE).sum()
    panels = [world, europe] if in_europe >= 2 else [world]
    chart = alt.vconcat(*panels, spacing=14).properties(
        datasets={f"{GEOMETRY}-land": geometry, f"{GEOMETRY}-countries": geometry},
        usermeta={"appcontest": {"panels": PANELS}},
    )
    mapped = chosen["iso_n3"].isin({str(g["id"]) for g in geometry["objects"]["countries"]["geometries"] if "id" in g})
    description = (
        f"World map{', with Europe enlarged below it' if len(panels) > 1 else ''}: "
        f"{labels.RESTRICTION[kind]}. {mapped.sum()} countries are "
        f"shaded, by status ({(chosen['status'] == 'in_force').sum()} in force). Other countries are grey."
    )
    data = chosen[["country", "iso_n3", "restriction", "status", "date", "scope", "source_keys"]]
    return Figure(
        chart,
        name=name or f"map-{kind.replace('_', '-')}",
        title=title or labels.RESTRICTION[kind],
        description=description,
        source=DATASET_SOURCE.format(name="restrictions") + "; map: Natural Earth via world-atlas",
        data=data,
        table=tooltip_table(chosen, tooltip),
    )


def smile_curve(*, name: str = "smile-curve", title: str | None = None) -> Figure:
    """The smile curve, explicitly conceptual: no axis values, an on-chart label saying so."""
    curve = concepts.smile_curve()
    stages = curve[curve["stage"] != ""]
    line = (
        alt.Chart(curve)
        .mark_line(strokeWidth=3, color=theme.PALETTE[0])
        .encode(
            x=alt.X("position:Q", axis=None, scale=alt.Scale(domain=[-0.4, len(concepts.SMILE_STAGES) - 0.6])),
            y=alt.Y(
                "value:Q",
                title="Value added (conceptual, no unit)",
                axis=alt.Axis(labels=False, ticks=False, grid=False),
                scale=alt.Scale(domain=[0, 1.08]),
            ),
        )
    )
    stages = stages.assign(step=range(1, len(stages) + 1))
    tooltip = [alt.Tooltip("step:O", title="Step"), alt.Tooltip("stage:N", title="Stage of the value chain")]
    dots = (
        alt.Chart(stages)
        .mark_point(filled=True, size=70, color=theme.PALETTE[0])
        .encode(x="position:Q", y="value:Q", tooltip=tooltip)
    )
    # Labels clear of the line: inside the U on its steep sides, outside it next to the
    # bottom, where the inside is too narrow, and under the lowest point.
    middle = (len(concepts.SMILE_STAGES) - 1) / 2
    sides = [
        (f"datum.position < {middle - 1}", {"align": "left", "dx": 8, "dy": 4}),
        (f"datum.position == {middle - 1}", {"align": "right", "dx": -8, "dy": 4}),
        (f"datum.position == {middle + 1}", {"align": "left", "dx": 8, "dy": 4}),
        (f"datum.position > {middle + 1}", {"align": "right", "dx": -8, "dy": 4}),
        (f"datum.position == {middle}", {"align": "center", "dy": 10}),
    ]
    texts = [
        alt.Chart(stages)
        .mark_text(baseline="top", fontSize=11, lineBreak="\n", color="#333333", **place)
        .encode(x="position:Q", y=alt.Y("value:Q"), text=alt.Text("wrapped:N"))
        .transform_filter(keep)
        .transform_calculate(wrapped="replace(datum.stage, ' and ', '\\n& ')")
        for keep, place in sides
    ]
    note = (
        alt.Chart(
            pd.DataFrame(
                {
                    "x": [len(concepts.SMILE_STAGES) / 2 - 0.5],
                    "y": [1.02],
                    "t": ["Illustration of a concept, not measured data"],
                }
            )
        )
        .mark_text(fontStyle="italic", fontSize=11, color=theme.GREY)
        .encode(x="x:Q", y="y:Q", text="t:N")
    )
    chart = alt.layer(line, dots, *texts, note).properties(width="container", height=theme.HEIGHT)
    description = (
        "Conceptual U-shaped curve over seven stages of the electronics value chain, from research and "
        "development through manufacturing and assembly to services: both ends sit high and assembly sits "
        "lowest. It illustrates an idea; it plots no measured data."
    )
    return Figure(
        chart,
        name=name,
        title=title or "The “smile curve” (conceptual)",
        description=description,
        source="concept attributed to Stan Shih; see Mudambi (2008) and Baldwin and Ito (2021). Shape illustrative",
        data=curve[["position", "value", "stage"]],
        table=tooltip_table(stages, tooltip),
    )


def deadline_labels(deadlines: pd.DataFrame) -> pd.DataFrame:
    """Deadlines with reader-facing names: ``deadline_text`` (20 Sep 2020) and ``deadline_label``
    (20 Sep 2020 · EO 13942), which tells apart two deadlines due the same day by who set them."""
    text = deadlines["deadline"].map(lambda d: f"{d.day} {d:%b %Y}")
    label = text + " · " + deadlines["set_by"].map(labels.short_setter)
    repeated = label.duplicated(keep=False)
    label = label.where(~repeated, label + " (set " + deadlines["set_on"].map(lambda d: f"{d.day} {d:%b %Y}") + ")")
    return deadlines.assign(deadline_text=text, deadline_label=label)


def deadline_clock(
    deadlines: pd.DataFrame, *, as_of=None, start=None, end=None, name: str = "deadline-clock", title: str | None = None
) -> Figure:
    """The sell-or-ban clock: days left until the deadline in force, day by day (a sawtooth)."""
    left = clock.segments(deadlines, start=start, end=end)
    if left.empty:
        raise ValueError(f"no deadline was in force between start_date={start} and end_date={end}; widen the window")
    left = left.merge(deadline_labels(deadlines)[["id", "set_by", "resolution", "deadline_label"]], on="id")
    left = left.assign(resolution_label=left["resolution"].map(labels.RESOLUTION))
    present = [labels.RESOLUTION[k] for k in labels.RESOLUTION if k in set(left["resolution"])]
    tooltip = [
        alt.Tooltip("deadline_label:N", title="Deadline"),
        alt.Tooltip("date:T", title="On", format=DATE_FORMAT),
        alt.Tooltip("days_left:Q", title="Days left"),
        alt.Tooltip("set_by:N", title="Set by"),
        alt.Tooltip("resolution_label:N", title="Outcome"),
    ]
    line = (
        alt.Chart(left)
        .mark_line(strokeWidth=2.5, point=True)
        .encode(
            x=alt.X("date:T", title="On", axis=TIME_AXIS),
            y=alt.Y("days_left:Q", title="Days left before the deadline"),
            color=resolution_color(present),
            detail=alt.Detail("deadline_label:N", title="Deadline"),
            tooltip=tooltip,
        )
    )
    layers = [line]
    reading = clock.reading(deadlines, as_of) if as_of is not None else None
    if as_of is not None:
        rule_frame = pd.DataFrame(
            {
                "date": [pd.Timestamp(as_of)],
                "label": [
                    f"{pd.Timestamp(as_of):%d %b %Y}: "
                    + (f"{reading['days_left']} days left" if reading else "no deadline in force")
                ],
            }
        )
        layers.append(alt.Chart(rule_frame).mark_rule(color=theme.GREY, strokeDash=[4, 3]).encode(x="date:T"))
        # Label on the side of the rule with room: right of it early in the window, left late.
        late = pd.Timestamp(as_of) > left["date"].min() + (left["date"].max() - left["date"].min()) / 2
        layers.append(
            alt.Chart(rule_frame)
            .mark_text(align="right" if late else "left", dx=-4 if late else 4, dy=-6, fontSize=11, color="#333333")
            .encode(x="date:T", y=alt.value(12), text="label:N")
        )
    chart = alt.layer(*layers).properties(width="container", height=theme.HEIGHT)
    description = (
        f"Line chart of the days left before each sell-or-ban deadline, from {_span(left['date'])}. "
        f"Each of the {left['deadline_label'].nunique()} deadlines counts down from the day it was set "
        f"until it was moved, "
        f"blocked or met, so the line jumps up at each extension. The longest countdown started at "
        f"{int(left['days_left'].max())} days."
    )
    return Figure(
        chart,
        name=name,
        title=title or "The sell-or-ban clock",
        description=description,
        source=DATASET_SOURCE.format(name="deadlines"),
        data=left,
        # The points the chart draws: where each countdown starts and where it stops.
        table=tooltip_table(left.sort_values(["date", "deadline_label"], kind="stable"), tooltip),
    )


def deadline_spans(deadlines: pd.DataFrame, *, name: str = "deadline-spans", title: str | None = None) -> Figure:
    """Each deadline as a bar from the day it was set to the day it fell due, marked where it was resolved."""
    frame = deadline_labels(deadlines).assign(
        resolution_label=deadlines["resolution"].map(labels.RESOLUTION),
        set_text=deadlines["set_on"].dt.strftime("%d %b %Y"),
        resolved_text=deadlines["resolved_on"].dt.strftime("%d %b %Y"),
        resolution_note=deadlines["resolution_note"].map(labels.without_ids),
    )
    order = frame.sort_values("set_on")["deadline_label"].tolist()
    base = alt.Chart(frame).encode(
        y=alt.Y(
            "deadline_label:N",
            title="Deadline · set by",
            sort=order,
            axis=alt.Axis(labelExpr=wrapped_labels(order, chars=13), labelLimit=110),
        )
    )
    frame = frame.sort_values("set_on", kind="stable")
    tooltip = [
        alt.Tooltip("deadline_text:N", title="Deadline"),
        alt.Tooltip("set_by:N", title="Set by"),
        alt.Tooltip("set_text:N", title="Set on"),
        alt.Tooltip("resolution_label:N", title="Outcome"),
        alt.Tooltip("resolved_text:N", title="Resolved on"),
        alt.Tooltip("resolution_note:N", title="How"),
    ]
    bars = base.mark_bar(height=8, color=theme.LIGHT_GREY).encode(
        x=alt.X("set_on:T", title="Set on", axis=TIME_AXIS), x2=alt.X2("deadline:T", title="Due"), tooltip=tooltip
    )
    present = [labels.RESOLUTION[k] for k in labels.RESOLUTION if k in set(frame["resolution"])]
    ends = base.mark_point(filled=True, size=80).encode(
        x=alt.X("resolved_on:T", title="Resolved on"),
        color=resolution_color(present, title="Outcome"),
        shape=alt.Shape("resolution_label:N", title="Outcome", scale=alt.Scale(domain=present)),
        tooltip=tooltip,
    )
    chart = alt.layer(bars, ends).properties(width="container", height=32 * len(frame) + 20)
    counts = frame["resolution_label"].value_counts()
    description = (
        f"Range chart of {len(frame)} deadlines, one row each, from the day set to the day due, with a marker "
        f"where each was resolved: " + ", ".join(f"{n} {k.lower()}" for k, n in counts.items()) + "."
    )
    return Figure(
        chart,
        name=name,
        title=title or "Every deadline, set and resolved",
        description=description,
        source=DATASET_SOURCE.format(name="deadlines"),
        data=frame[["id", "set_on", "deadline", "resolved_on", "set_by", "resolution"]],
        table=tooltip_table(frame, tooltip),
    )
