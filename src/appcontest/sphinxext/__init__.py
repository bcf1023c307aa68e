"""Sphinx extension the book loads (``extra_extensions: [appcontest.sphinxext]``).

Three jobs, one module each:

- :mod:`.charts`: ship the vendored Vega libraries and load them only on pages with charts.
- :mod:`.notebooks`: make the execution cache see data files, and hide injected cells.
- :mod:`.datasets`: the ``dataset`` directive that documents a dataset from its schema.
- :mod:`.reference`: source-quality and notebook-parameter tables for the reference pages.
"""

from __future__ import annotations

from . import bibstyle, charts, datasets, notebooks, reference


def setup(app):
    charts.setup(app)
    notebooks.setup(app)
    datasets.setup(app)
    reference.setup(app)
    bibstyle.setup(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
