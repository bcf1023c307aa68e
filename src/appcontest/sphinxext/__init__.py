"""Sphinx extension the book loads (``extra_extensions: [appcontest.sphinxext]``).

One job per module:

- :mod:`.vega`: publish chart specs and data as files; the chart script (which loads Vega) on chart pages only.
- :mod:`.fonts`: publish the book's font (WOFF2) for the text and the charts.
- :mod:`.notebooks`: render each chapter from its executed copy (never execute), hide injected cells.
- :mod:`.repository`: repository, edit and launch buttons only when the repository exists.
- :mod:`.datasets`: the ``dataset`` directive that documents a dataset from its schema.
- :mod:`.reference`: source-quality and notebook-parameter tables for the reference pages.
"""

from __future__ import annotations

from . import datasets, fonts, notebooks, reference, repository, vega


def setup(app):
    vega.setup(app)
    fonts.setup(app)
    notebooks.setup(app)
    datasets.setup(app)
    reference.setup(app)
    repository.setup(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
