"""Reusable code for the book *Apps, Data and the US-China Contest*.

Modules, one job each:

- :mod:`appcontest.paths`: where the repository's files are.
- :mod:`appcontest.bibliography`: the one BibTeX file every row and chapter cites.
- :mod:`appcontest.data`: load and validate the datasets in ``data/``.
- :mod:`appcontest.theme`: the book's chart theme (palette, type, sizes).
- :mod:`appcontest.fonts`: the shipped font (Noto Sans), registered with vl-convert.
- :mod:`appcontest.figures`: turn an Altair chart into an offline, accessible figure.
- :mod:`appcontest.charts`: the chart builders the chapters call.
- :mod:`appcontest.clock`: the sell-or-ban deadline model.
- :mod:`appcontest.parameters`: papermill parameter specs and validation.
- :mod:`appcontest.cli`: ``appcontest run`` / ``validate`` / ``bench`` commands.
- :mod:`appcontest.sphinxext`: the Sphinx extension the book build loads.
"""

__version__ = "0.1.0"
