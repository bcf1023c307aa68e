"""Figures: required metadata, the HTML a page carries, static renderings, the table and its CSV."""

from __future__ import annotations

import base64
import io
import json
import re

import altair as alt
import pandas as pd
import pytest

from appcontest import figures
from appcontest.figures import Figure, FigureError
from appcontest.regression import FIGURE_MIME
from appcontest.sphinxext import vega

FRAME = pd.DataFrame({"year": [2019, 2020], "measures": [3, 7]})
TOOLTIP = [alt.Tooltip("year:O", title="Year"), alt.Tooltip("measures:Q", title="Measures")]


def figure(**overrides):
    chart = (
        alt.Chart(FRAME)
        .mark_bar()
        .encode(x="year:O", y="measures:Q", tooltip=TOOLTIP)
        .properties(width="container", height=200)
    )
    args = dict(
        chart=chart,
        name="test-figure",
        title="A title",
        description="Two bars.",
        source="Test data",
        data=FRAME,
        table=pd.DataFrame({"Year": ["2019", "2020"], "Measures": ["3", "7"]}),
    )
    args.update(overrides)
    return Figure(**args)


def payload(html: str) -> dict:
    text = re.search(r'<script type="application/json" class="ac-chart-payload">(.*?)</script>', html, re.S).group(1)
    return json.loads(text.replace("<\\/", "</"))


@pytest.mark.parametrize("field", ["title", "description", "source"])
def test_a_figure_without_title_description_or_source_is_refused(field):
    with pytest.raises(FigureError, match=f"has no {field}"):
        figure(**{field: " "})


def test_a_figure_without_data_or_with_a_bad_name_is_refused():
    with pytest.raises(FigureError, match="no data rows"):
        figure(data=FRAME.iloc[0:0])
    with pytest.raises(FigureError, match="must match"):
        figure(name="Bad Name")
    with pytest.raises(FigureError, match="empty table"):
        figure(table=pd.DataFrame({"Year": []}))


def test_html_is_self_contained_and_accessible():
    html = figure().html()
    assert not re.search(r"<script[^>]+src=", html), "a figure must not load scripts itself"
    assert "cdn.jsdelivr" not in html and "https://cdn" not in html
    # The title is HTML (it wraps), and it names the chart; the description describes it.
    assert '<p class="ac-chart-title" id="ac-chart-test-figure-title">A title</p>' in html
    view = re.search(r'<div class="ac-chart-view"([^>]*)>', html).group(1)
    assert 'role="img"' in view and 'aria-labelledby="ac-chart-test-figure-title"' in view
    assert 'aria-describedby="ac-chart-test-figure-desc"' in view
    assert '<p class="ac-chart-desc" id="ac-chart-test-figure-desc">Two bars.</p>' in html
    # The static SVG is inside the labelled image and hidden from assistive technology.
    static = re.search(r'<div class="ac-chart-static"[^>]*>(<svg\b[^>]*>)', html).group(1)
    assert 'aria-hidden="true"' in static
    assert "aria-label" not in re.search(r"<svg.*</svg>", html, re.S).group(0)
    assert "Source: Test data." in html


def test_the_html_carries_no_inline_data_uri_and_the_spec_has_no_title():
    html = figure().html()
    assert "data:" not in html and "base64" not in html
    spec = payload(html)["spec"]
    assert spec["description"] == "Two bars."
    assert "title" not in spec, "the title is HTML above the chart, where it cannot be cut off"


def test_the_table_holds_the_tooltip_fields_in_reader_facing_words():
    html = figure().html()
    table = re.search(r'<details class="ac-chart-table"[^>]*>(.*?)</details>', html, re.S).group(1)
    assert "<summary>Table: the data of “A title”</summary>" in table
    assert re.findall(r'<th scope="col">([^<]*)</th>', table) == ["Year", "Measures"]
    assert re.findall(r"<tr[^>]*><td>([^<]*)</td>", table) == ["2019", "2020"]
    assert 'tabindex="0" role="region" aria-label="Table: A title"' in table, "a scrolling table is reachable by keys"


def test_table_cells_link_their_web_addresses():
    table = pd.DataFrame({"Source": ["Agency, “Title” (2020) https://example.org/a?b=1#c. Then <b>"]})
    html = figure(table=table).table_html()
    assert '<a href="https://example.org/a?b=1#c">example.org</a>. Then &lt;b&gt;' in html
    assert figures.link_text("https://www.nasdaq.com/articles/x?y=1") == "nasdaq.com"


def test_a_long_table_is_left_to_its_csv_file():
    many = pd.DataFrame({"Text": ["x" * 200] * 200})
    html = figure(table=many).table_html()
    assert 'data-rows="csv"' in html and "<tbody></tbody>" in html
    assert "The 200 rows of this table are in the CSV file" in html
    assert len(html) < 2000


def test_the_csv_reads_back_with_its_notes_as_comments():
    table = pd.DataFrame({"Source": ["a, “b” https://x.org/#frag", 'say "hi"'], "N": ["1", "2"]})
    text = figure(table=table).csv(notes=["Line one, with a comma.", "Licence: CC BY 4.0."])
    assert text.splitlines()[:2] == ["# Line one, with a comma.", "# Licence: CC BY 4.0."]
    back = pd.read_csv(io.StringIO(text), comment="#", dtype=str)
    assert back.values.tolist() == table.values.tolist(), "every field is quoted, so a # in a value is not a comment"


def test_the_extension_publishes_spec_and_csv_as_files_and_keeps_a_placeholder(tmp_path):
    fig = figure()
    body = "<main>" + fig.html() + "</main>"
    out = vega.externalise(
        body, page="notebooks/x", static_dir=tmp_path, static_url="../_static/", cite="Authors (2026). Book."
    )
    assert "ac-chart-payload" not in out and "data:" not in out and "base64" not in out
    assert re.search(r'<div class="ac-chart-static"[^>]*><svg', out), "the static image stays in the page"
    assert 'data-spec="../_static/charts/notebooks/x/test-figure.vl.json"' in out
    assert 'href="../_static/charts/notebooks/x/test-figure.csv"' in out
    spec = json.loads((tmp_path / "charts/notebooks/x/test-figure.vl.json").read_text(encoding="utf-8"))
    assert spec == fig.spec()
    csv = (tmp_path / "charts/notebooks/x/test-figure.csv").read_text(encoding="utf-8-sig")
    notes = [line for line in csv.splitlines() if line.startswith("#")]
    assert notes[0] == "# A title: all 2 rows of the chart."
    assert "# Cite as: Authors (2026). Book." in notes and any("CC BY 4.0" in n for n in notes)
    back = pd.read_csv(io.StringIO(csv), comment="#", dtype=str)
    assert back.columns.tolist() == ["Year", "Measures"] and back.values.tolist() == [["2019", "3"], ["2020", "7"]]
    assert len(out) < len(fig.html()) - len(json.dumps(fig.payload())) + 1000


def test_map_geometry_is_published_once_and_referred_to_by_url(tmp_path):
    geometry = {"type": "Topology", "objects": {}, "arcs": [[[0, 0], [1, 1]]]}
    spec = {
        "datasets": {"land": geometry, "countries": geometry, "rows": [{"a": 1}]},
        "vconcat": [
            {"layer": [{"data": {"name": "land", "format": {"type": "topojson", "feature": "land"}}}]},
            {"data": {"values": geometry, "format": {"type": "topojson"}}},
        ],
    }
    out = vega.share_data(spec, tmp_path, "../_static/")
    files = list((tmp_path / "charts" / "data").glob("*.json"))
    assert len(files) == 1 and json.loads(files[0].read_text()) == geometry
    url = f"../_static/charts/data/{files[0].name}"
    assert out["vconcat"][0]["layer"][0]["data"] == {"url": url, "format": {"type": "topojson", "feature": "land"}}
    assert out["vconcat"][1]["data"] == {"url": url, "format": {"type": "topojson"}}
    assert out["datasets"] == {"rows": [{"a": 1}]}
    assert "Topology" not in json.dumps(out)


def test_the_payload_class_is_the_one_the_extension_looks_for():
    assert figures.PAYLOAD_CLASS == vega.PAYLOAD_CLASS


def test_sized_fills_the_width_and_sizes_panels():
    single = figures.sized({"width": "container", "height": 100}, 340)
    assert single["width"] == 340 and single["autosize"] == {"type": "fit-x", "contains": "padding"}
    spec = {
        "usermeta": {"appcontest": {"panels": {"a": {"aspect": 0.5}, "b": {"aspect": 1, "maxWidth": 200}}}},
        "vconcat": [
            {"name": "a", "width": "container", "height": 10, "projection": {"type": "equalEarth"}},
            {"name": "b", "width": "container", "height": 10},
        ],
    }
    a, b = figures.sized(spec, 510)["vconcat"]
    assert (a["width"], a["height"]) == (500, 250)
    assert a["projection"]["clipExtent"] == [[0, 0], [500, 250]], "a map panel draws nothing outside itself"
    assert (b["width"], b["height"]) == (200, 200)
    assert spec["vconcat"][0]["width"] == "container", "the spec itself is left alone"


def test_compact_svg_rounds_and_keeps_the_shapes():
    svg = (
        '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" '
        'viewBox="0 0 100 50"><g role="graphics-object" aria-roledescription="x" class="mark">'
        '<path aria-label="a: 1" transform="translate(0,0)" d="M10.123,20.456L30.987,40.012L30.987,40.012Z"/>'
        '<text x="1.23456" font-size="12px">Hi</text></g></svg>'
    )
    out = figures.compact_svg(svg)
    assert out.startswith('<svg aria-hidden="true" focusable="false"')
    assert not re.search(r"role=|aria-label|aria-roledescription|class=|translate\(0,0\)|<\?xml", out)
    assert 'd="m10.1,20.5l20.9,19.5z"' in out, "relative, a tenth of a pixel, repeated points dropped"
    assert 'x="1.2"' in out and ">Hi</text>" in out


def test_static_text_is_readable_on_a_phone():
    sizes = figures.text_sizes(figure().svg())
    assert sizes and min(size for _, size in sizes) >= figures.MIN_TEXT_PX
    # The measure can fail: the same image squeezed into a 200-px column is too small.
    assert min(size for _, size in figures.text_sizes(figure().svg(), column=200)) < figures.MIN_TEXT_PX
    assert figures.text_sizes('<svg width="680" viewBox="0 0 680 10"><text font-size="12px">x</text></svg>') == [
        ("x", pytest.approx(12 * 342 / 680))
    ]


def test_static_renderings_have_fixed_width_and_the_png_is_a_png():
    fig = figure()
    assert fig.svg().startswith("<svg")
    assert re.search(r'<svg[^>]*width="340"', fig.svg()), "drawn at phone width"
    assert fig.png()[:8] == b"\x89PNG\r\n\x1a\n"
    bundle = fig._repr_mimebundle_()
    assert set(bundle) == {"text/html", "image/png", "text/plain", FIGURE_MIME}
    assert base64.b64decode(bundle["image/png"])[:4] == b"\x89PNG"
    record = bundle[FIGURE_MIME]
    assert record["title"] == fig.title and record["spec"] == fig.spec(), "the reference keeps what the reader sees"
    assert fig.png_spec()["title"]["text"] == "A title", "the PNG (for PDF) draws its title and source"
    assert fig.png_spec()["title"]["subtitle"] == ["Source: Test data"]


def test_html_is_deterministic():
    assert figure().html() == figure().html()
