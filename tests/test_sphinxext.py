"""The Sphinx extension: chapters rendered from their execution, repository links, dataset pages,
page metadata."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sphinx.errors import ExtensionError

from appcontest import data, execute, labels
from appcontest.sphinxext import datasets, meta, notebooks, repository

ROOT = Path(__file__).resolve().parents[1]


def notebook(*sources, tags=()):
    cells = [
        {
            "cell_type": "code",
            "id": f"c{i}",
            "source": s,
            "metadata": {"tags": list(tags)},
            "outputs": [],
            "execution_count": None,
        }
        for i, s in enumerate(sources)
    ]
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def test_injected_parameters_are_hidden_in_the_book():
    nb = notebook("x = 1", "x = 2", tags=("injected-parameters",))
    cells = notebooks.hide_injected(nb)["cells"]
    assert all("remove-cell" in c["metadata"]["tags"] for c in cells)


def test_a_chapter_without_an_execution_stops_the_build_with_what_to_run(data_copy):
    (data_copy / "notebooks").mkdir()
    path = data_copy / "notebooks" / "x.ipynb"
    with pytest.raises(ExtensionError, match=r"notebooks/x.ipynb has not been executed: run `make book`"):
        notebooks.executed_source(path, json.dumps(notebook("y = 1")))


def test_a_stale_execution_stops_the_build(data_copy):
    (data_copy / "notebooks").mkdir()
    path = data_copy / "notebooks" / "x.ipynb"
    source = notebook("y = 1")
    ran = notebook("y = 1")
    ran["metadata"][execute.KEY_FIELD] = {"key": execute.key(source)}
    target = execute.executed_path(path)
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(ran), encoding="utf-8")
    assert json.loads(notebooks.executed_source(path, json.dumps(source)))["metadata"][execute.KEY_FIELD]
    changed = notebook("y = 2")
    with pytest.raises(ExtensionError, match="changed since it was executed"):
        notebooks.executed_source(path, json.dumps(changed))


def test_repository_links_appear_only_with_a_repository():
    options = {
        "repository_url": "",
        "use_repository_button": True,
        "launch_buttons": {"colab_url": "x"},
        "extra_footer": "<p>f</p>",
    }
    off = repository.configure(options)
    assert not any(off[b] for b in repository.BUTTONS) and off["launch_buttons"] == {}
    assert off["extra_footer"] == "<p>f</p>"
    on = repository.configure(dict(options, repository_url="https://example.org/book"))
    assert all(on[b] for b in repository.BUTTONS) and on["launch_buttons"] == {"colab_url": "x"}
    assert 'href="https://example.org/book"' in on["extra_footer"]


def test_dataset_page_lists_every_field_vocabulary_and_count():
    text = "\n".join(datasets.dataset_markdown("measures") + datasets.schema_markdown("measures"))
    for field in data.resource("measures")["schema"]["fields"]:
        assert f"`{field['name']}`" in text
    assert "`executive_order`" in text
    assert f"**Rows:** {len(data.load('measures'))}" in text
    assert "{download}`data/measures.csv" in text
    assert "CC BY 4.0" in text or "Creative Commons Attribution 4.0" in text


def test_dataset_pages_describe_patterns_in_words():
    for name in data.names():
        text = "\n".join(datasets.dataset_markdown(name) + datasets.schema_markdown(name))
        for field in data.resource(name)["schema"]["fields"]:
            pattern = field.get("constraints", {}).get("pattern")
            if pattern:
                assert pattern not in text, f"{name}.{field['name']}: the pattern is shown as a regular expression"
        assert "\\d" not in text and "[a-z]" not in text and "['" not in text, name
    rules = datasets.pattern_words("deadlines", {"name": "set_by_measure_id", "constraints": {"pattern": r"M\d{3}"}})
    assert rules == "the identifier of a row of the measures dataset: M followed by three digits, such as M016"
    assert datasets.pattern_words("measures", {"name": "id", "constraints": {"pattern": r"M\d{3}"}}).startswith(
        "a row identifier: M followed by three digits, such as M0"
    )


def test_a_pattern_without_words_stops_the_build():
    with pytest.raises(ExtensionError, match=r"cannot describe the pattern '\^x\+\$' of measures.summary"):
        datasets.pattern_words("measures", {"name": "summary", "constraints": {"pattern": "^x+$"}})


def _rows_html(name, uris=None):
    uris = {n: f"{n}.html" for n in data.names()} if uris is None else uris
    return datasets.RowsWriter(name, f"book/data/{name}", dict(uris, **{name: ""})).html()


def test_rows_table_has_every_row_with_an_anchor_and_linked_sources():
    from appcontest import bibliography

    html = _rows_html("measures")
    measures = data.load("measures")
    for row_id in measures["id"]:
        assert f'<tr id="{row_id}"><th scope="row" class="ac-id">{row_id}</th>' in html
    first = bibliography.split_keys(measures["source_keys"].iloc[0])[0]
    assert f'href="{bibliography.load()[first].url}"' in html
    # A row id in a note links to its row on this page; codes are shown in words.
    assert '(<a class="ac-id" href="#M002">M002</a>)' in html
    assert "Entity listing" in html and "entity_listing" not in html
    assert '<th scope="col" class="ac-long">Summary</th>' in html and "Date precision" not in html
    # What a phone shows before any sideways scroll: the row, its date, what the measure did.
    heads = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', html)
    assert heads[:3] == ["ID", "Date", "Summary"] and heads[-1] == "Sources"
    # The search box is there for JavaScript to show; without it, the table alone.
    assert 'class="ac-rows-search" role="search" aria-label="Row search: Measures" hidden' in html
    assert 'aria-live="polite"' in html


def test_rows_table_links_foreign_keys_to_the_other_dataset():
    html = _rows_html("deadlines")
    assert '<a class="ac-id" href="measures.html#M016">M016</a>' in html
    assert "2020-09-20" in html and "20 Sep 2020" in html  # <time datetime="..."> and the date in words


def test_rows_table_folds_units_locators_and_subdivisions():
    metrics = _rows_html("migration_metrics")
    assert "170,000,000 users" in metrics and "rank 1" in metrics and ">Unit<" not in metrics
    narratives = _rows_html("narratives")
    assert '<span class="ac-sub">para 7 (Different perspectives, different narratives)</span>' in narratives
    restrictions = _rows_html("restrictions")
    assert "ISO numeric" not in restrictions and "TikTok banned nationwide" in restrictions


def test_measures_page_names_the_chart_families_in_words():
    text = (ROOT / "book" / "data" / "measures.md").read_text(encoding="utf-8").lower()
    assert "appcontest" not in text
    assert "seven families" in text and len(labels.FAMILIES) == 7
    for family in labels.FAMILIES:
        assert family.lower().replace(" & ", " and ") in text, family


def test_citation_gives_the_date_and_version_every_page_states():
    citation = meta.read_citation(ROOT / "CITATION.cff")
    assert citation["date"] == "2026-11-24" and citation["version"] == "0.1.0"
    line = meta.published_line(citation)
    assert line == (
        '<p class="ac-published">Published <time datetime="2026-11-24">24 November 2026</time> · version 0.1.0</p>'
    )
    tags = meta.metatags(citation, ["A. Author", "B. Author"], 'About "apps" & data')
    assert '<meta name="description" content="About &quot;apps&quot; &amp; data" />' in tags
    assert '<meta name="author" content="A. Author, B. Author" />' in tags
    assert tags.count('name="citation_author"') == 2
    assert '<meta name="citation_publication_date" content="2026/11/24" />' in tags
    assert '<meta name="dcterms.date" content="2026-11-24" />' in tags


def test_a_citation_without_a_date_stops_the_build(tmp_path):
    (tmp_path / "CITATION.cff").write_text("title: x\nversion: 1.0\n", encoding="utf-8")
    with pytest.raises(ExtensionError, match="CITATION.cff has no date-released"):
        meta.read_citation(tmp_path / "CITATION.cff")


def test_description_is_the_first_paragraph_of_prose():
    from docutils import nodes

    doc = nodes.document(None, None)
    section = nodes.section()
    note = nodes.admonition("", nodes.paragraph(text="Key points in a box."))
    section += [nodes.title(text="T"), note, nodes.paragraph(text="The   opening\nparagraph.")]
    doc += section
    assert meta.description({}, doc, "fallback") == "The opening paragraph."
    assert meta.description({"description": "Given."}, doc, "fallback") == "Given."
    assert meta.description({}, None, "fallback") == "fallback"
    long = meta.shorten("word " * 100)
    assert len(long) <= meta.DESCRIPTION_CHARS and long.endswith("word…")
    assert meta.authors("A; B ;") == ["A", "B"]


def test_every_dataset_has_a_page_in_the_book():
    pages = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "book").rglob("*.md"))
    for name in data.names():
        assert f"{{dataset}} {name}" in pages, f"no page documents the {name} dataset"


def test_source_quality_counts_rows_with_a_primary_source():
    from appcontest import bibliography
    from appcontest.sphinxext import reference

    rows = {r["dataset"]: r for r in reference.source_quality_rows()}
    assert set(rows) == {name for name in data.names() if data.source_column(name)}
    measures = data.load("measures")
    sources = bibliography.load()
    expected = sum(any(sources[k].primary for k in bibliography.split_keys(c)) for c in measures["source_keys"])
    assert rows["measures"] == {"dataset": "measures", "rows": len(measures), "primary": expected}


def test_bibliography_formatting_is_cached_per_entry_and_redone_when_an_entry_changes():
    from pybtex.database import parse_string
    from pybtex.style.formatting.plain import Style

    from appcontest.sphinxext import bibcache

    bibcache.BaseStyle.format_entry = bibcache._format_entry
    bib = "@misc{k, author = {Doe, Jane}, title = {First title}, year = {2020}}"
    style = Style()
    entry = parse_string(bib, "bibtex").entries["k"]
    first = style.format_entry("1", entry)
    assert style.format_entry("1", entry) is first, "an unchanged entry is not formatted again"
    edited = parse_string(bib.replace("First", "Second"), "bibtex").entries["k"]
    again = style.format_entry("1", edited)
    assert again is not first and "Second title" in again.text.render_as("text")


def test_the_icon_script_is_replaced_by_a_stub(tmp_path):
    from appcontest.sphinxext import icons

    script = tmp_path / icons.SCRIPT
    script.parent.mkdir(parents=True)
    script.write_text("x" * 100_000, encoding="utf-8")
    (script.parent / "fontawesome.js.map").write_text("{}", encoding="utf-8")
    assert icons.replace_script(tmp_path) > 99_000
    assert script.read_text(encoding="utf-8") == icons.STUB
    assert not (script.parent / "fontawesome.js.map").exists()


def test_accessibility_repairs_apply_and_report_markup_they_no_longer_find():
    from appcontest.sphinxext import a11y

    page = (
        '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">'
        '<button class="btn search-button-field search-button__button" title="Search" aria-label="Search">'
        '<summary aria-label="Toggle hidden content"><p>Show code cell source</p></summary>'
    )
    fixed, missing = a11y.repair(page, "book/intro.html")
    assert 'aria-label="Search"' not in fixed and 'role="complementary"' in fixed
    assert "<summary><p>Show code cell source</p></summary>" in fixed
    assert missing == []
    _, missing = a11y.repair("<p>a theme that changed its markup</p>", "book/intro.html")
    assert len(missing) == 2, "the repairs required on every page must say when they find nothing"


def test_the_row_id_pattern_knows_every_dataset_with_identifiers():
    # Derived from the data package, so a new dataset's ids are recognised (as links in the
    # book, as leaks in prose) without a second list to keep in step.
    for name in data.names():
        frame = data.load(name)
        if "id" in frame.columns and data.resource(name)["schema"].get("primaryKey") == ["id"]:
            ids = frame["id"].dropna().astype(str)
            assert ids.map(lambda i: bool(datasets.ROW_ID.fullmatch(i))).all(), name
    assert not datasets.ROW_ID.fullmatch("MM01") and datasets.ROW_ID.fullmatch("MM001")
