"""Accessibility repairs to the theme's own markup, made once for every page.

axe-core (``tests/test_accessibility.py``) finds a few faults in what
pydata-sphinx-theme, sphinx-book-theme and sphinxcontrib-bibtex write, on every page.
They are small and fixed here after the build, by exact replacements of the theme's
markup; a replacement that no longer finds its text is reported, so a theme upgrade
that changes the markup cannot silently undo a repair.

- The search buttons are named "Search" but show "Search Ctrl+K": their accessible name
  must contain the visible text (label-content-name-mismatch), so the visible text names
  them.
- The sidebar's section toggles are empty ``<summary>`` elements (summary-name).
- The sidebar's book title sits outside any landmark (region).
- The references list uses ``doc-biblioentry``, a role the current ARIA specification
  deprecates, inside a ``list`` that then lacks its items (aria-deprecated-role,
  aria-required-children).
- myst-nb's code toggles show "Show code cell source" but are named "Toggle hidden
  content" (label-content-name-mismatch).
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

# (what to find, what to write, on which pages it must be found: "all" or a page name)
REPAIRS = [
    (re.compile(r'(<button class="btn search-button-field[^"]*"[^>]*?) aria-label="Search"'), r"\1", "all"),
    (
        re.compile(r'<summary><span class="toctree-toggle" role="presentation">'),
        '<summary aria-label="Show or hide the sections of this part">'
        '<span class="toctree-toggle" role="presentation">',
        None,
    ),
    (
        re.compile(r'<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar">'),
        '<div id="pst-primary-sidebar" class="bd-sidebar-primary bd-sidebar" role="complementary" '
        'aria-label="Book navigation">',
        "all",
    ),
    (re.compile(r' role="doc-biblioentry"'), "", "book/references.html"),
    # Without its deprecated entries, the list role would require list items it lacks.
    (re.compile(r'<div role="list" class="citation-list">'), '<div class="citation-list">', "book/references.html"),
    # myst-nb's "Show code cell source" toggle is named "Toggle hidden content".
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>", None),
]


def repair(html: str, page: str) -> tuple[str, list[str]]:
    """Apply every repair to one page; return the page and the repairs that found nothing."""
    missing = []
    for pattern, replacement, required in REPAIRS:
        html, count = pattern.subn(replacement, html)
        if count == 0 and (required == "all" or required == page):
            missing.append(pattern.pattern)
    return html, missing


def repair_site(outdir: Path) -> list[str]:
    problems = []
    for path in sorted(Path(outdir).rglob("*.html")):
        if "_static" in path.parts:
            continue
        page = path.relative_to(outdir).as_posix()
        text = path.read_text(encoding="utf-8")
        if 'http-equiv="Refresh"' in text:
            continue  # the root redirect has no theme markup
        fixed, missing = repair(text, page)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
        problems += [f"{page}: the theme markup for {m!r} was not found" for m in missing]
    return problems


def _build_finished(app, exception):
    if exception is None and app.builder.format == "html":
        for problem in repair_site(Path(app.outdir)):
            logger.warning(f"accessibility repair: {problem}")


def setup(app):
    app.connect("build-finished", _build_finished)
