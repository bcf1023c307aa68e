"""The chapters' regression reference: what the book quotes and draws, as small text.

For each chapter, ``tests/reference/<chapter>.json`` holds every glued value (the text
the prose prints) and every figure (title, description, source and the Vega-Lite spec
the reader's browser draws), reduced from the executed chapter. It holds
no image bytes and no random ids, so a data edit shows in review as a diff of exactly
the numbers and points that changed.

pytest-notebook compares it (``tests/test_notebooks.py``): the reference, as a notebook
of one cell per value (:func:`as_notebook`), is the "initial" notebook, and
:func:`post_processor` turns it into the same reduction of the chapter as ``make book``
last executed it, so the chapter is not run a second way for the test.
``make reference`` rewrites the reference after a change you have checked.

Counterfactual pages (variants, see :mod:`appcontest.execute`) have a reference of their
own, ``tests/reference/variants/<name>.json``: the same keys as the parent's, with the
values the other parameters give, so a change to a counterfactual's numbers is reviewed too.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import json
from pathlib import Path

import nbformat

from . import paths

GLUE_PREFIX = "application/papermill.record/"
FIGURE_MIME = "application/vnd.appcontest.figure+json"
# Map geometry is kept as a digest: a change still fails the test, without 100 KB of
# coordinates in the diff.
GEOMETRY = ("Topology", "FeatureCollection", "GeometryCollection")


def reference_dir() -> Path:
    return paths.root() / "tests" / "reference"


def reference_path(chapter: Path) -> Path:
    """``tests/reference/<chapter>.json``; a counterfactual page's (a variant's executed copy
    or descriptor, in a ``variants/`` folder) is ``tests/reference/variants/<name>.json``."""
    chapter = Path(chapter)
    folder = reference_dir() / "variants" if chapter.parent.name == "variants" else reference_dir()
    return folder / (chapter.stem + ".json")


def display_name(executed_path: Path) -> str:
    """``clock.ipynb``, or ``variants/<name>.ipynb`` for a counterfactual page's run."""
    executed_path = Path(executed_path)
    return f"variants/{executed_path.name}" if executed_path.parent.name == "variants" else executed_path.name


def _digest(value) -> dict:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return {"sha256": hashlib.sha256(text.encode()).hexdigest(), "bytes": len(text)}


def normalise_spec(spec: dict) -> dict:
    """The spec with Altair's content-hash dataset names replaced by their order.

    ``data-<hash of the rows>`` would make every data edit also rename the dataset in
    two places; ``dataset-1``, ``dataset-2`` keep the diff to the values that changed.
    """
    spec = copy.deepcopy(spec)
    names = {old: f"dataset-{i}" for i, old in enumerate(spec.get("datasets", {}), start=1)}
    text = json.dumps(spec, sort_keys=True)
    for old, new in names.items():
        text = text.replace(json.dumps(old), json.dumps(new))
    spec = _shrink(json.loads(text))
    for name, rows in spec.get("datasets", {}).items():
        spec["datasets"][name] = _in_stable_order(rows)
    return spec


def _in_stable_order(rows):
    """Rows by id (or by content): an edit that moves a row in the chart's sort order
    then shows as the one changed value, not as rows swapping places in the diff.
    The order a chart draws in comes from its encoding, not from the row order."""
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        return rows
    if all("id" in r for r in rows):
        return sorted(rows, key=lambda r: str(r["id"]))

    # Chart rows carry their position (ac_row), which moves when a date edit re-sorts them;
    # order by what identifies a row rather than by position or date, so a changed date
    # shows as that date (and the positions it moved), not as rows trading places.
    def identity(row):
        return json.dumps({k: v for k, v in row.items() if k != "ac_row" and "date" not in k}, sort_keys=True)

    return sorted(rows, key=identity)


def _shrink(node):
    """Replace inline map geometry by its digest."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if isinstance(value, dict) and value.get("type") in GEOMETRY:
                out[key] = _digest(value)
            else:
                out[key] = _shrink(value)
        return out
    if isinstance(node, list):
        return [_shrink(v) for v in node]
    return node


def reduce(executed: dict) -> dict:
    """The glued values and figures of an executed chapter."""
    glued, figures = {}, {}
    for cell in executed["cells"]:
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            data = output.get("data", {})
            if not name:
                continue
            if GLUE_PREFIX + FIGURE_MIME in data:
                figure = dict(data[GLUE_PREFIX + FIGURE_MIME])
                figure["spec"] = normalise_spec(figure["spec"])
                figures[name] = figure
            elif GLUE_PREFIX + "text/plain" in data:
                glued[name] = ast.literal_eval(data[GLUE_PREFIX + "text/plain"])
    return {"glue": glued, "figures": figures}


def as_notebook(reduced: dict, chapter: str) -> nbformat.NotebookNode:
    """The reduction as a notebook: pytest-notebook's unit of comparison."""
    cells = [
        nbformat.v4.new_markdown_cell(
            f"Regression reference for `notebooks/{chapter}`: the values and figures the chapter glues.\n"
            "Written by `make reference` from the executed chapter; review its diff, do not edit it by hand."
        )
    ]
    for name, value in sorted(reduced["glue"].items()):
        cell = nbformat.v4.new_code_cell(f"glue: {name}")
        # The key is part of the text, so a failing diff names the value that changed.
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": f"{name}: {value}"})]
        cells.append(cell)
    for name, figure in sorted(reduced["figures"].items()):
        cell = nbformat.v4.new_code_cell(f"figure: {name}")
        cell.outputs = [nbformat.v4.new_output("display_data", data={"application/json": {name: figure}})]
        cells.append(cell)
    notebook = nbformat.v4.new_notebook(cells=cells)
    # Cell ids would be random on every write; the position is id enough here.
    for i, cell in enumerate(notebook.cells):
        cell["id"] = f"c{i:03d}"
    return notebook


def reduce_file(executed_path: Path) -> dict:
    return reduce(nbformat.read(executed_path, as_version=4))


def dumps(reduced: dict) -> str:
    # One value per line, keys sorted, text as written: a diff shows just what changed.
    return json.dumps(reduced, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def load(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write(executed_path: Path, target: Path | None = None) -> Path:
    target = target or reference_path(executed_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(dumps(reduce_file(executed_path)), encoding="utf-8")
    return target


def post_processor(notebook, resources):
    """pytest-notebook post-processor (entry point ``appcontest-reference``).

    Returns the reduction of the executed chapter named in
    ``resources["appcontest"]["executed"]``, to compare with the committed reference.
    """
    executed = Path(resources["appcontest"]["executed"])
    return as_notebook(reduce_file(executed), display_name(executed)), resources
