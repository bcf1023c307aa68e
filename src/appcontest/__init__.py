"""Reusable code for the book *Apps, Data and the US-China Contest*.

Modules, one job each:

- :mod:`appcontest.paths`: where the repository's files are.
- :mod:`appcontest.bibliography`: the one BibTeX file every row and chapter cites.
- :mod:`appcontest.data`: load and validate the datasets in ``data/``.
- :mod:`appcontest.labels`: reader-facing words for the codes in the data.
- :mod:`appcontest.select`: rows chosen by a chapter's parameters.
- :mod:`appcontest.summaries`: the facts the prose quotes, computed from the data.
- :mod:`appcontest.clock`: the sell-or-ban deadline model.
- :mod:`appcontest.concepts`: conceptual shapes drawn as illustrations, not data.
- :mod:`appcontest.theme`: the book's chart theme (palette, type, sizes).
- :mod:`appcontest.fonts`: the shipped fonts (Noto Sans, Noto Sans CJK SC), registered with vl-convert.
- :mod:`appcontest.figures`: turn an Altair chart into an offline, accessible figure.
- :mod:`appcontest.charts`: the chart builders the chapters call.
- :mod:`appcontest.chapter`: glue values and figures into a chapter's prose.
- :mod:`appcontest.parameters`: papermill parameter specs and validation.
- :mod:`appcontest.execute`: run chapters with papermill, only when their inputs changed.
- :mod:`appcontest.build`: execute, then build the book with Jupyter Book.
- :mod:`appcontest.regression`: the chapters' regression reference, as text.
- :mod:`appcontest.bench`: build timings and page sizes (``make bench``).
- :mod:`appcontest.cli`: the ``appcontest`` command.
- :mod:`appcontest.sphinxext`: the Sphinx extension the book build loads.
"""

__version__ = "0.1.0"
