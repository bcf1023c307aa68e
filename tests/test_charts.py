"""Chart builders: every figure is complete, and its description follows the data given."""

from __future__ import annotations

import json
import re

import pytest

from appcontest import charts, concepts, data, figures, select
from appcontest.figures import Figure
from appcontest.sphinxext import datasets


@pytest.fixture(scope="module")
def measures():
    return data.load("measures")


def test_measures_per_year_description_follows_the_selection(measures):
    part = select.measures(measures, end_date="2019-12-31")
    fig = charts.measures_per_year(part)
    assert isinstance(fig, Figure)
    assert f"{len(part)} measures" in fig.description
    assert "2020" not in fig.description.split("The busiest")[0].split("to")[-1]
    assert fig.data["measures"].sum() == len(part)


def test_timeline_has_the_three_filters_and_one_row_per_measure(measures):
    fig = charts.measures_timeline(measures)
    names = {p["name"] for p in fig.spec().get("params", [])}
    assert {"pick_instrument", "pick_target", "pick_jurisdiction"} <= names
    assert len(fig.data) == len(measures)
    assert fig.data["sources"].str.contains("http").all(), "every tooltip names a source with its address"


@pytest.mark.parametrize("kind", ["huawei_5g_exclusion", "tiktok_nationwide_ban", "tiktok_government_devices"])
def test_maps_shade_every_country_of_their_kind(kind):
    restrictions = data.load("restrictions")
    fig = charts.restrictions_map(restrictions, data.load_geometry(), kind=kind)
    expected = (restrictions["restriction"] == kind).sum()
    assert len(fig.data) == expected
    assert (
        f"{restrictions.loc[restrictions['restriction'] == kind, 'iso_n3'].nunique()} countries are shaded"
        in fig.description
    )


def test_smile_curve_says_it_is_a_concept():
    fig = charts.smile_curve()
    text = json.dumps(fig.spec())
    assert "not measured data" in text and "conceptual" in fig.title
    assert "plots no measured data" in fig.description


def test_smile_curve_shape():
    curve = concepts.smile_curve()
    middle = curve.loc[curve["stage"] == "Manufacturing and assembly", "value"].item()
    ends = curve.loc[curve["stage"].isin([concepts.SMILE_STAGES[0], concepts.SMILE_STAGES[-1]]), "value"]
    assert (ends > middle).all() and curve["value"].between(0, 1).all()
    with pytest.raises(ValueError):
        concepts.smile_curve(points_per_stage=0)


def test_deadline_clock_and_spans():
    deadlines = data.load("deadlines")
    clock_fig = charts.deadline_clock(deadlines, as_of="2025-01-19")
    assert f"Each of the {len(deadlines)} deadlines" in clock_fig.description
    assert clock_fig.data["days_left"].min() >= 0
    spans = charts.deadline_spans(deadlines)
    assert f"{len(deadlines)} deadlines" in spans.description
    with pytest.raises(ValueError, match="no deadline was in force"):
        charts.deadline_clock(deadlines, start="2022-01-01", end="2022-12-31")


ROW_ID = datasets.ROW_ID.pattern  # every dataset's identifiers, from the data package


def test_deadline_charts_name_deadlines_in_words_not_ids():
    deadlines = data.load("deadlines")
    named = charts.deadline_labels(deadlines)
    assert named["deadline_label"].is_unique, "two deadlines would share one row of the chart"
    assert named.loc[named["id"] == "D01", "deadline_label"].item() == "20 Sep 2020 · EO 13942"
    for fig in (charts.deadline_clock(deadlines, as_of="2025-01-19"), charts.deadline_spans(deadlines)):
        text = json.dumps({k: v for k, v in fig.spec().items() if k not in ("data", "datasets")})
        assert not re.search(ROW_ID, text), f"{fig.name}: a row id in the chart's labels"
        svg = fig.svg()
        table = fig.table_frame()
        words = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg) + list(table.columns))
        words += " " + " ".join(table.astype(str).to_numpy().ravel())
        assert not re.search(ROW_ID, words), f"{fig.name}: a row id in the static chart or its table"
        assert not re.search(r"\bid\b|set_on|resolved_on|days_left", words), "column names in the chart or table"


def test_labels_for_readers():
    from appcontest import labels

    assert labels.short_setter("Executive Order 14166") == "EO 14166"
    assert labels.short_setter("Second CFIUS extension of the divestiture deadline") == "CFIUS"
    assert labels.short_setter("Protecting Americans from Foreign Adversary Controlled Applications Act") == "Congress"
    assert labels.short_setter("Some other body") == "Some other body"
    assert labels.without_ids("revoked in June 2021 (M034), though") == "revoked in June 2021, though"
    assert labels.without_ids("see (M034; D01) and EO 14034") == "see and EO 14034"


@pytest.fixture(scope="module")
def every_chart(measures):
    """Every builder, as the chapters call them."""
    restrictions, geometry, deadlines = data.load("restrictions"), data.load_geometry(), data.load("deadlines")
    tiktok = select.measures(measures, targets=["TikTok", "ByteDance"])
    return [
        charts.measures_timeline(measures),
        charts.measures_per_year(measures),
        charts.smile_curve(),
        *(charts.restrictions_map(restrictions, geometry, kind=k) for k in sorted(labels_of_restrictions())),
        charts.deadline_clock(deadlines, as_of="2025-01-19"),
        charts.deadline_spans(deadlines),
        charts.measures_timeline(tiktok, name="tiktok-timeline", title="Measures aimed at TikTok"),
    ]


def labels_of_restrictions():
    from appcontest import labels

    return labels.RESTRICTION


def _tooltip_titles(spec) -> set[str]:
    found = set()

    def walk(node):
        if isinstance(node, dict):
            tooltip = node.get("encoding", {}).get("tooltip") if isinstance(node.get("encoding"), dict) else None
            for t in tooltip if isinstance(tooltip, list) else [tooltip] if tooltip else []:
                found.add(t.get("title", t.get("field")))
            for key, value in node.items():
                if key not in ("datasets", "data"):
                    walk(value)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return found


def test_every_static_chart_is_readable_at_phone_width(every_chart):
    for fig in every_chart:
        sizes = figures.text_sizes(fig.svg())
        small = [(text, round(size, 1)) for text, size in sizes if size < figures.MIN_TEXT_PX]
        assert sizes and not small, f"{fig.name}: text under {figures.MIN_TEXT_PX} px on a 390-px phone: {small[:5]}"
        width = float(re.search(r'<svg[^>]*width="([\d.]+)"', fig.svg()).group(1))
        assert width <= figures.PHONE_COLUMN, f"{fig.name}: the static image is wider than a phone's column"


def test_every_chart_has_a_table_of_what_its_tooltips_hold(every_chart):
    for fig in every_chart:
        table = fig.table_frame()
        titles = _tooltip_titles(fig.spec())
        assert titles, f"{fig.name}: no tooltips, so nothing to tap for details"
        assert set(table.columns) == titles, f"{fig.name}: the table's columns are not the tooltip's fields"
        assert not {"id", "iso_n3", "source_keys", figures.ROW_FIELD} & set(table.columns)
        assert len(table) > 0


def test_the_maps_list_every_country_and_enlarge_europe_when_it_has_several(every_chart):
    restrictions = data.load("restrictions")
    for fig in (f for f in every_chart if f.name.startswith("map-")):
        kind = fig.name.removeprefix("map-").replace("-", "_")
        rows = restrictions[restrictions["restriction"] == kind]
        assert sorted(fig.table_frame()["Country"]) == sorted(rows["country"]), fig.name
        panels = [p["name"] for p in fig.spec()["vconcat"]]
        in_europe = rows["iso_n3"].isin(charts.EUROPE).sum()
        assert panels == (["world", "europe"] if in_europe >= 2 else ["world"]), fig.name
        geometry = [v for v in fig.spec()["datasets"].values() if isinstance(v, dict) and v.get("type") == "Topology"]
        assert geometry, "the geometry is a named data set, which the site publishes once"


def test_the_timeline_keeps_its_axes_whatever_the_filters(measures):
    fig = charts.measures_timeline(measures)
    encoding = fig.spec()["encoding"]
    start, end = encoding["x"]["scale"]["domain"]
    assert start == {"year": int(measures["date"].min().year), "month": 1, "date": 1}
    assert end == measures["date"].max().strftime("%Y-%m-%d")
    counts = measures["target"].value_counts()
    assert encoding["y"]["scale"]["domain"] == sorted(counts.index, key=lambda t: (-counts[t], t))
    assert "Chinese telecom" in encoding["y"]["axis"]["labelExpr"], "long row labels are wrapped, not cut off"
    assert fig.empty == "No measures match these filters"
    rows = fig.data[figures.ROW_FIELD].tolist()
    assert rows == list(range(len(measures))), "the chart's data is keyed to the table's rows"
    assert fig.table_frame()["Date"].tolist() == fig.data["date"].dt.strftime("%d %b %Y").tolist()


def test_wrap_breaks_between_words():
    assert charts.wrap("Chinese telecom equipment") == ["Chinese telecom", "equipment"]
    assert charts.wrap("TikTok") == ["TikTok"]
    expr = charts.wrapped_labels(["TikTok", "Chinese technology firms"])
    assert expr == 'datum.label === "Chinese technology firms" ? ["Chinese", "technology", "firms"] : datum.label'
