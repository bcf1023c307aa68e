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


def repair_pages(outdir: Path, pages: list[str]) -> list[str]:
    """Repair the pages this build wrote (an incremental build leaves the others, already
    repaired, as they are); return the repairs that found nothing."""
    problems = []
    for page in sorted(pages):
        path = Path(outdir) / page
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        fixed, missing = repair(text, page)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
        problems += [f"{page}: the theme markup for {m!r} was not found" for m in missing]
    return problems


def _page_written(app, pagename, templatename, context, doctree):
    # Every page the theme renders passes here (genindex and search too); the root
    # redirect that Jupyter Book writes does not, and has no theme markup to repair.
    app.env.appcontest_a11y_pages = getattr(app.env, "appcontest_a11y_pages", set())
    app.env.appcontest_a11y_pages.add(pagename + app.builder.out_suffix)


def _build_finished(app, exception):
    if exception is None and app.builder.format == "html":
        pages = getattr(app.env, "appcontest_a11y_pages", set())
        for problem in repair_pages(Path(app.outdir), list(pages)):
            logger.warning(f"accessibility repair: {problem}")
        app.env.appcontest_a11y_pages = set()


def setup(app):
    app.connect("html-page-context", _page_written)
    app.connect("build-finished", _build_finished)
