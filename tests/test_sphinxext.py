"""The Sphinx extension: cache keys that see data, hidden injected cells, dataset pages."""

from __future__ import annotations

import json
from pathlib import Path

from appcontest import data
from appcontest.sphinxext import datasets, notebooks

ROOT = Path(__file__).resolve().parents[1]


def notebook(*sources, tags=()):
    cells = [{"cell_type": "code", "source": s, "metadata": {"tags": list(tags)}, "outputs": []} for s in sources]
    return {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def first_cell(text):
    return json.loads(text)["cells"][0]["source"]


def test_inputs_are_the_datasets_a_notebook_loads():
    nb = notebook('import x\nm = data.load("measures")', 'g = data.load_geometry()')
    names = [p.name for p in notebooks.notebook_inputs(nb)]
    assert "measures.csv" in names and "countries-110m.json" in names and "datapackage.json" in names
    assert "restrictions.csv" not in names


def test_the_fingerprint_changes_when_a_loaded_csv_changes_and_only_then(data_copy):
    nb = json.dumps(notebook('m = data.load("measures")'))
    before = first_cell(notebooks.prepare(nb))
    assert before.startswith(notebooks.FINGERPRINT_PREFIX)
    restrictions = data_copy / "data" / "restrictions.csv"
    restrictions.write_text(restrictions.read_text() + "", encoding="utf-8")
    (data_copy / "data" / "narratives.csv").write_text("changed", encoding="utf-8")
    assert first_cell(notebooks.prepare(nb)) == before, "an unrelated file changed the key"
    measures = data_copy / "data" / "measures.csv"
    measures.write_text(measures.read_text().replace(",", ", ", 1), encoding="utf-8")
    assert first_cell(notebooks.prepare(nb)) != before


def test_injected_parameters_are_hidden_in_the_book():
    nb = notebook("x = 1", "x = 2", tags=("injected-parameters",))
    cells = json.loads(notebooks.prepare(json.dumps(nb)))["cells"]
    assert all("remove-cell" in c["metadata"]["tags"] for c in cells)


def test_dataset_page_lists_every_field_vocabulary_and_count():
    text = "\n".join(datasets.dataset_markdown("measures"))
    for field in data.resource("measures")["schema"]["fields"]:
        assert f"`{field['name']}`" in text
    assert "`executive_order`" in text
    assert f"**Rows:** {len(data.load('measures'))}" in text
    assert "{download}`data/measures.csv" in text
    assert "CC BY 4.0" in text or "Creative Commons Attribution 4.0" in text


def test_every_dataset_has_a_page_in_the_book():
    pages = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "book").rglob("*.md"))
    for name in data.names():
        assert f"{{dataset}} {name}" in pages, f"no page documents the {name} dataset"


def test_source_quality_counts_rows_with_a_primary_source():
    from appcontest import bibliography
    from appcontest.sphinxext import reference

    rows = {r["dataset"]: r for r in reference.source_quality_rows()}
    assert set(rows) == set(data.names())
    measures = data.load("measures")
    sources = bibliography.load()
    expected = sum(any(sources[k].primary for k in bibliography.split_keys(c)) for c in measures["source_keys"])
    assert rows["measures"] == {"dataset": "measures", "rows": len(measures), "primary": expected}
