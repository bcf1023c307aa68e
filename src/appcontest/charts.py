"""Chart builders. Each takes validated data and returns a :class:`~appcontest.figures.Figure`.

Builders derive their plain-language description from the data they are given, so a
chapter run with other parameters still describes what it shows.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import bibliography, clock, labels, theme
from .figures import Figure

DATASET_SOURCE = "data/{name}.csv, compiled from the sources cited in each row"


# Two-digit years ('16) so eleven years fit a phone-width axis without overlapping.
YEAR_AXIS = alt.Axis(labelAngle=0, labelExpr="'\u2019' + slice(datum.label, 2)")


def family_color(field: str = "family") -> alt.Color:
    return alt.Color(f"{field}:N", title="Instrument family",
                     scale=alt.Scale(domain=labels.FAMILIES, range=theme.PALETTE[: len(labels.FAMILIES)]))


def _span(dates: pd.Series) -> str:
    return f"{dates.min():%B %Y} to {dates.max():%B %Y}"


def _with_sources(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(sources=frame["source_keys"].map(bibliography.describe))


def measures_per_year(measures: pd.DataFrame, *, name: str = "measures-per-year", title: str | None = None) -> Figure:
    """Stacked bars: measures per year, coloured by instrument family."""
    frame = measures.assign(year=measures["date"].dt.year, family=measures["instrument"].map(labels.FAMILY_OF_INSTRUMENT))
    counts = frame.groupby(["year", "family"]).size().reset_index(name="measures")
    per_year = counts.groupby("year")["measures"].sum()
    busiest = per_year.idxmax()
    chart = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year", axis=YEAR_AXIS),
            y=alt.Y("sum(measures):Q", title="Measures"),
            color=family_color(),
            order=alt.Order("family:N"),
            tooltip=[alt.Tooltip("year:O", title="Year"), alt.Tooltip("family:N", title="Instrument family"),
                     alt.Tooltip("measures:Q", title="Measures")],
        )
        .properties(width="container", height=theme.HEIGHT)
    )
    description = (
        f"Stacked bar chart of {len(measures)} measures by year, {int(per_year.index.min())} to "
        f"{int(per_year.index.max())}, coloured by family of instrument. The busiest year is {int(busiest)} "
        f"with {int(per_year.max())} measures."
    )
    return Figure(chart, name=name, title=title or "Measures per year, by instrument", description=description,
                  source=DATASET_SOURCE.format(name="measures"), data=counts)


def _select(name: str, label: str, values: list[str]) -> alt.Parameter:
    return alt.param(
        name=name, value=None,
        bind=alt.binding_select(options=[None] + values, labels=["All"] + values, name=f"{label} "),
    )


def measures_timeline(measures: pd.DataFrame, *, name: str = "measures-timeline", title: str | None = None) -> Figure:
    """Interactive timeline: one point per measure, filterable by instrument, target and jurisdiction."""
    frame = _with_sources(measures).assign(
        instrument_label=measures["instrument"].map(labels.INSTRUMENT),
        family=measures["instrument"].map(labels.FAMILY_OF_INSTRUMENT),
        status_label=measures["status"].map(labels.STATUS),
    )
    columns = ["id", "date", "jurisdiction", "actor", "instrument_label", "family", "target", "status_label", "summary", "sources"]
    frame = frame[columns]
    pick_instrument = _select("pick_instrument", "Instrument", sorted(frame["instrument_label"].unique()))
    pick_target = _select("pick_target", "Target", sorted(frame["target"].unique()))
    pick_jurisdiction = _select("pick_jurisdiction", "Jurisdiction", sorted(frame["jurisdiction"].unique()))
    keep = (
        "(pick_instrument === null || datum.instrument_label === pick_instrument) && "
        "(pick_target === null || datum.target === pick_target) && "
        "(pick_jurisdiction === null || datum.jurisdiction === pick_jurisdiction)"
    )
    targets = frame["target"].value_counts().index.tolist()
    chart = (
        alt.Chart(frame)
        .mark_point(filled=True, size=70, opacity=0.85)
        .encode(
            x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y", tickCount="year")),
            y=alt.Y("target:N", title=None, sort=targets),
            color=family_color(),
            tooltip=[
                alt.Tooltip("date:T", title="Date", format="%d %b %Y"),
                alt.Tooltip("jurisdiction:N", title="Jurisdiction"),
                alt.Tooltip("actor:N", title="Actor"),
                alt.Tooltip("instrument_label:N", title="Instrument"),
                alt.Tooltip("target:N", title="Target"),
                alt.Tooltip("status_label:N", title="Status"),
                alt.Tooltip("summary:N", title="Summary"),
                alt.Tooltip("sources:N", title="Source"),
            ],
        )
        .add_params(pick_instrument, pick_target, pick_jurisdiction)
        .transform_filter(keep)
        .properties(width="container", height=max(220, 34 * len(targets)))
    )
    description = (
        f"Timeline of {len(frame)} measures from {_span(frame['date'])}, one point per measure, "
        f"in rows by target ({', '.join(targets[:3])} have the most) and coloured by family of instrument. "
        "Menus filter by instrument, target and jurisdiction; each point's tooltip gives the summary and source."
    )
    return Figure(chart, name=name, title=title or "Every measure, by target", description=description,
                  source=DATASET_SOURCE.format(name="measures"), data=frame)


def restrictions_map(restrictions: pd.DataFrame, geometry: dict, *, kind: str,
                     name: str | None = None, title: str | None = None) -> Figure:
    """World map of the countries with one kind of restriction, coloured by status."""
    chosen = restrictions[restrictions["restriction"] == kind].assign(
        status_label=lambda f: f["status"].map(labels.STATUS),
        date_text=lambda f: f["date"].dt.strftime("%d %b %Y"),
    )
    chosen = _with_sources(chosen)
    countries = alt.Data(values=geometry, format=alt.DataFormat(type="topojson", feature="countries"))
    base = (
        alt.Chart(countries)
        .mark_geoshape(fill=theme.LIGHT_GREY, stroke="white", strokeWidth=0.4)
        .transform_filter("datum.id !== '010'")  # Antarctica: no data, much area
    )
    fields = ["country", "status_label", "date_text", "scope", "sources"]
    shapes = (
        alt.Chart(countries)
        .mark_geoshape(stroke="white", strokeWidth=0.4)
        .transform_lookup(lookup="id", from_=alt.LookupData(chosen[["iso_n3"] + fields], "iso_n3", fields))
        .transform_filter("isValid(datum.country)")
        .encode(
            color=alt.Color("status_label:N", title="Status", scale=alt.Scale(
                domain=["In force", "Partial", "Lifted"], range=[theme.PALETTE[0], theme.PALETTE[4], theme.PALETTE[1]])),
            tooltip=[alt.Tooltip("country:N", title="Country"), alt.Tooltip("status_label:N", title="Status"),
                     alt.Tooltip("date_text:N", title="Date"), alt.Tooltip("scope:N", title="Scope"),
                     alt.Tooltip("sources:N", title="Source")],
        )
    )
    chart = (alt.layer(base, shapes).project(type="equalEarth")
             .properties(width="container", height=340))
    mapped = chosen["iso_n3"].isin({str(g["id"]) for g in geometry["objects"]["countries"]["geometries"] if "id" in g})
    description = (
        f"World map: {labels.RESTRICTION[kind]}. {mapped.sum()} countries are shaded, by status "
        f"({(chosen['status'] == 'in_force').sum()} in force). Countries without such a measure are grey."
    )
    data = chosen[["country", "iso_n3", "restriction", "status", "date", "scope", "source_keys"]]
    return Figure(chart, name=name or f"map-{kind.replace('_', '-')}", title=title or labels.RESTRICTION[kind],
                  description=description, source=DATASET_SOURCE.format(name="restrictions") +
                  "; map: Natural Earth via world-atlas", data=data)
