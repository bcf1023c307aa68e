"""Chart builders: every figure is complete, and its description follows the data given."""

from __future__ import annotations

import json

import pytest

from appcontest import charts, concepts, data, select
from appcontest.figures import Figure


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


ROW_ID = r"\b(?:MM|[MDRN])\d{2,3}\b"


def test_deadline_charts_name_deadlines_in_words_not_ids():
    import re

    deadlines = data.load("deadlines")
    named = charts.deadline_labels(deadlines)
    assert named["deadline_label"].is_unique, "two deadlines would share one row of the chart"
    assert named.loc[named["id"] == "D01", "deadline_label"].item() == "20 Sep 2020 · EO 13942"
    for fig in (charts.deadline_clock(deadlines, as_of="2025-01-19"), charts.deadline_spans(deadlines)):
        text = json.dumps({k: v for k, v in fig.spec().items() if k not in ("data", "datasets")})
        assert not re.search(ROW_ID, text), f"{fig.name}: a row id in the chart's labels"
        svg = fig.svg()
        words = " ".join(re.findall(r'aria-label="([^"]*)"', svg) + re.findall(r"<text[^>]*>([^<]*)</text>", svg))
        assert not re.search(ROW_ID, words), f"{fig.name}: a row id in the static chart or its screen-reader text"
        assert not re.search(r"\bid:|set_on|resolved_on|days_left", words), "column names in the screen-reader text"


def test_labels_for_readers():
    from appcontest import labels

    assert labels.short_setter("Executive Order 14166") == "EO 14166"
    assert labels.short_setter("Second CFIUS extension of the divestiture deadline") == "CFIUS"
    assert labels.short_setter("Protecting Americans from Foreign Adversary Controlled Applications Act") == "Congress"
    assert labels.short_setter("Some other body") == "Some other body"
    assert labels.without_ids("revoked in June 2021 (M034), though") == "revoked in June 2021, though"
    assert labels.without_ids("see (M034; D01) and EO 14034") == "see and EO 14034"
