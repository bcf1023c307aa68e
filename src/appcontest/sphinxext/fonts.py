"""Serve the book's fonts from the site itself, so the page and the chart images match.

The WOFF2 files of :mod:`appcontest.fonts` (Latin, and CJK) and their licence are copied
to ``_static/fonts/``; ``appcontest.css`` declares them with ``@font-face`` (relative URLs,
``font-display: swap``; the CJK family only for the CJK ranges, so that a page without
Chinese never downloads it) and uses the families for the text and the charts. The TTFs,
which only vl-convert needs, are not published.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from .. import fonts


def _copy_fonts(app, exception):
    if exception is None and app.builder.format == "html":
        target = Path(app.outdir) / "_static" / "fonts"
        target.mkdir(parents=True, exist_ok=True)
        for name in fonts.WEB_FILES:
            shutil.copyfile(fonts.DIRECTORY / name, target / name)


def setup(app):
    app.connect("build-finished", _copy_fonts)
