"""Notebook regression (pytest-notebook) and the conventions every chapter follows.

The committed outputs are the reference: a notebook is re-executed and its outputs
compared. Only volatile parts are ignored (execution counts, timings, kernel info);
a change in a chart's data changes its glued HTML and PNG and fails the test.
Refresh references deliberately with `make notebooks` after checking the change.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_notebook.nb_regression import NBRegressionFixture

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


@pytest.fixture(scope="module")
def regression():
    fixture = NBRegressionFixture(
        exec_timeout=300,
        exec_cwd=str(ROOT / "notebooks"),
        diff_ignore=(
            "/metadata/language_info",
            "/metadata/widgets",
            "/cells/*/execution_count",
            "/cells/*/metadata/execution",
            "/cells/*/outputs/*/execution_count",
        ),
        # Element ids are derived from figure names, so nothing else is volatile.
        diff_replace=(),
    )
    fixture.diff_color_words = False
    return fixture


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_outputs_match_the_committed_reference(regression, path):
    regression.check(str(path))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_conventions(path):
    all_cells = cells(path)
    code = [c for c in all_cells if c["cell_type"] == "code"]
    assert all_cells[0]["cell_type"] == "markdown" and "".join(all_cells[0]["source"]).startswith("# "), \
        "a chapter opens with its title"
    assert "remove-cell" in tags(code[0]), "the first code cell is the hidden set-up cell"
    params = [c for c in code if "parameters" in tags(c)]
    assert len(params) == 1, "exactly one cell tagged 'parameters'"
    assert code.index(params[0]) == 1, "parameters come right after the set-up cell"
    text = "\n".join("".join(c["source"]) for c in all_cells if c["cell_type"] == "markdown")
    assert ":class: tip" in text or "{admonition} Key points" in text, "a key-points box opens the chapter"
    assert "Rerun this chapter" in text
    for c in code:
        source = "".join(c["source"])
        assert "def " not in source and "class " not in source, "logic belongs in the package, not the notebook"
        assert not any(o.get("output_type") == "error" for o in c.get("outputs", [])), "committed outputs contain an error"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_glued_figure_is_placed_and_every_placed_figure_glued(path):
    all_cells = cells(path)
    glued = set()
    for c in all_cells:
        for output in c.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name and any("text/html" in k for k in output.get("data", {})):
                glued.add(name)
    text = "\n".join("".join(c["source"]) for c in all_cells if c["cell_type"] == "markdown")
    placed = {line.split()[-1] for line in text.splitlines() if line.startswith("```{glue:figure}")}
    assert glued == placed, f"glued but not placed: {glued - placed}; placed but not glued: {placed - glued}"
