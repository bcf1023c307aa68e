"""Chapters at build time: render the executed copy, never execute.

myst-nb's own execution is off (``execute_notebooks: off``). When Sphinx reads a chapter
in ``notebooks/``, this module hands myst-nb the copy that :mod:`appcontest.execute`
ran with papermill into ``_build/executed/``, so the book shows exactly what one
execution produced. A chapter with no executed copy, or one whose code, prose or inputs
have changed since it ran, stops the build with a message saying what to run: the site
is never built from a stale execution.

The executed copy is noted as a dependency, so a rerun after a data edit makes Sphinx
re-read that chapter even though the notebook file itself did not change. Cells papermill
injects (``injected-parameters``, in reruns) are hidden.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from sphinx.errors import ExtensionError

from .. import execute, paths, regression

HIDDEN_TAGS = {"injected-parameters"}


class FigureRecord:
    """myst-nb plugin (entry point): a figure's record is for the regression reference
    (:mod:`appcontest.regression`), never drawn; the book shows the figure's HTML."""

    mime_priority_overrides = [("*", regression.FIGURE_MIME, None)]

    @staticmethod
    def handle_mime(renderer, data, inline):
        return [] if data.mime_type == regression.FIGURE_MIME else None


def hide_injected(notebook: dict) -> dict:
    for cell in notebook.get("cells", []):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & HIDDEN_TAGS:
            cell.setdefault("metadata", {})["tags"] = sorted(tags | {"remove-cell"})
    return notebook


def executed_source(path: Path, text: str) -> str:
    """The executed copy of the chapter whose committed source is ``text``, as JSON."""
    target = execute.executed_path(path)
    rel = path.relative_to(paths.root()) if paths.root() in path.parents else path
    if not target.exists():
        raise ExtensionError(f"{rel} has not been executed: run `make book` (or `appcontest execute`)")
    source = nbformat.reads(text, as_version=4)
    executed = nbformat.read(target, as_version=4)
    if not execute.is_current(source, executed):
        raise ExtensionError(f"{rel} changed since it was executed: run `make book` (or `appcontest execute`)")
    return json.dumps(hide_injected(executed))


def _source_read(app, docname, source):
    path = Path(app.env.doc2path(docname))
    if path.suffix == ".ipynb" and path.parent.name == "notebooks":
        app.env.note_dependency(str(execute.executed_path(path)))
        source[0] = executed_source(path, source[0])


def setup(app):
    app.connect("source-read", _source_read)
