"""Sphinx extension the book loads (``extra_extensions: [appcontest.sphinxext]``).

One job per module:

- :mod:`.vega`: publish chart specs and data as files; the chart script (which loads Vega) on chart pages only.
- :mod:`.fonts`: publish the book's font (WOFF2) for the text and the charts.
- :mod:`.a11y`: accessibility repairs to the theme's own markup, on every page.
- :mod:`.icons`: theme icons from the icon font, without Font Awesome's 1.5 MB script.
- :mod:`.notebooks`: render each chapter and counterfactual page (variant) from its executed copy (never execute).
- :mod:`.repository`: repository, edit and launch buttons only when the repository exists.
- :mod:`.bibstyle`: the bibliography style: titles as written, 2018a/2018b, primary sources marked.
- :mod:`.bibcache`: keep formatted bibliography entries between builds (fast rebuilds).
- :mod:`.datasets`: the ``dataset`` directive that documents a dataset from its schema.
- :mod:`.reference`: source-quality and notebook-parameter tables for the reference pages.
- :mod:`.meta`: each page's description, authors, publication date and version (CITATION.cff).
- :mod:`.speed`: one pruned stylesheet, deferred scripts, a preloaded font: a faster first paint.
"""

from __future__ import annotations

from . import a11y, bibcache, bibstyle, datasets, fonts, icons, meta, notebooks, reference, repository, speed, vega


def setup(app):
    vega.setup(app)
    fonts.setup(app)
    notebooks.setup(app)
    datasets.setup(app)
    reference.setup(app)
    repository.setup(app)
    bibstyle.setup(app)
    bibcache.setup(app)
    icons.setup(app)
    meta.setup(app)
    a11y.setup(app)
    speed.setup(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
