"""Figures: required metadata, offline HTML, static renderings, and the CSV download."""

from __future__ import annotations

import base64
import io
import json
import re

import altair as alt
import pandas as pd
import pytest

from appcontest.figures import Figure, FigureError
from appcontest.regression import FIGURE_MIME

FRAME = pd.DataFrame({"year": [2019, 2020], "measures": [3, 7]})


def figure(**overrides):
    chart = alt.Chart(FRAME).mark_bar().encode(x="year:O", y="measures:Q").properties(width="container")
    args = dict(
        chart=chart, name="test-figure", title="A title", description="Two bars.", source="Test data", data=FRAME
    )
    args.update(overrides)
    return Figure(**args)


@pytest.mark.parametrize("field", ["title", "description", "source"])
def test_a_figure_without_title_description_or_source_is_refused(field):
    with pytest.raises(FigureError, match=f"has no {field}"):
        figure(**{field: " "})


def test_a_figure_without_data_or_with_a_bad_name_is_refused():
    with pytest.raises(FigureError, match="no data rows"):
        figure(data=FRAME.iloc[0:0])
    with pytest.raises(FigureError, match="must match"):
        figure(name="Bad Name")


def test_html_is_self_contained_and_accessible():
    html = figure().html()
    assert not re.search(r"<script[^>]+src=", html), "a figure must not load scripts itself"
    assert "cdn.jsdelivr" not in html and "https://cdn" not in html
    assert 'aria-label="Two bars."' in html
    assert "<svg" in html and 'class="ac-chart-static"' in html
    assert "Source: Test data." in html


def test_the_spec_is_inert_json_with_description_and_title():
    html = figure().html()
    spec = json.loads(re.search(r'<script type="application/json" class="ac-chart-spec">(.*?)</script>', html).group(1))
    assert spec["description"] == "Two bars."
    assert spec["title"]["text"] == "A title"


def test_the_download_link_carries_exactly_the_data():
    html = figure().html()
    uri = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', html).group(1)
    assert pd.read_csv(io.StringIO(base64.b64decode(uri).decode("utf-8"))).equals(FRAME)


def test_static_renderings_have_fixed_width_and_the_png_is_a_png():
    fig = figure()
    assert fig.svg().lstrip().startswith(("<svg", "<?xml"))
    assert fig.png()[:8] == b"\x89PNG\r\n\x1a\n"
    bundle = fig._repr_mimebundle_()
    assert set(bundle) == {"text/html", "image/png", "text/plain", FIGURE_MIME}
    assert base64.b64decode(bundle["image/png"])[:4] == b"\x89PNG"
    record = bundle[FIGURE_MIME]
    assert record["title"] == fig.title and record["spec"] == fig.spec(), "the reference keeps what the reader sees"


def test_html_is_deterministic():
    assert figure().html() == figure().html()
