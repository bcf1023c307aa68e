"""Who wrote a page, when the book was published, and what the page is about, on every page.

- ``<meta name="description">``: the page's front-matter ``description`` if it has one,
  else its first paragraph of prose (not a box, list or table), else the book's abstract.
- ``<meta name="author">`` and ``citation_author``: ``author`` in ``_config.yml``
  (several people: separate them with semicolons).
- ``<meta name="dcterms.date">``, ``citation_title``, ``citation_publication_date`` and
  ``citation_version``, and a visible "Published <date> · version <x>" line in the footer:
  ``date-released`` and ``version`` of ``CITATION.cff``, the one place they are set.

``CITATION.cff`` is read from the book's folder; a copy of the book's sources that has no
copy of it (``appcontest run`` renders one) uses the repository's the package comes from.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.errors import ExtensionError

REPOSITORY = Path(__file__).resolve().parents[3]
DESCRIPTION_CHARS = 200
# Containers whose paragraphs are not the page's opening prose.
NOT_PROSE = (nodes.Admonition, nodes.table, nodes.list_item, nodes.definition_list, nodes.footnote, nodes.citation)


def citation_file(srcdir: Path) -> Path:
    for folder in (Path(srcdir), REPOSITORY):
        if (folder / "CITATION.cff").is_file():
            return folder / "CITATION.cff"
    raise ExtensionError(f"no CITATION.cff in {srcdir} or {REPOSITORY}: the book's date and version are set there")


def read_citation(path: Path) -> dict:
    """The fields of ``CITATION.cff`` the pages use: title, abstract, version, date (ISO)."""
    cff = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    missing = [k for k in ("title", "version", "date-released") if not cff.get(k)]
    if missing:
        raise ExtensionError(f"{path.name} has no {', '.join(missing)}: every page states them")
    released = cff["date-released"]
    if isinstance(released, str):
        try:
            released = dt.date.fromisoformat(released)
        except ValueError:
            raise ExtensionError(f"{path.name}: date-released {released!r} is not YYYY-MM-DD") from None
    return {
        "title": str(cff["title"]).strip(),
        "abstract": " ".join(str(cff.get("abstract", "")).split()),
        "version": str(cff["version"]).strip(),
        "date": released.isoformat(),
    }


def long_date(iso: str) -> str:
    """``2026-11-24`` -> ``24 November 2026``."""
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def published_line(citation: dict) -> str:
    return (
        f'<p class="ac-published">Published <time datetime="{citation["date"]}">{long_date(citation["date"])}</time>'
        f" · version {escape(citation['version'])}</p>"
    )


def authors(config_author: str) -> list[str]:
    return [a.strip() for a in (config_author or "").split(";") if a.strip()]


def shorten(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:(–— ")
    return cut + "…"


def first_paragraph(doctree) -> str:
    """The text of the page's first paragraph of prose, or ''."""
    if doctree is None:
        return ""
    for para in doctree.findall(nodes.paragraph):
        parent, inside = para.parent, False
        while parent is not None:
            if isinstance(parent, NOT_PROSE):
                inside = True
                break
            parent = parent.parent
        text = " ".join(para.astext().split())
        if not inside and text:
            return text
    return ""


def description(front_matter: dict, doctree, fallback: str) -> str:
    given = str((front_matter or {}).get("description", "") or "").strip()
    return shorten(given or first_paragraph(doctree) or fallback)


def metatags(citation: dict, names: list[str], text: str) -> str:
    tag = lambda name, content: f'<meta name="{name}" content="{escape(content, quote=True)}" />'
    tags = [tag("description", text)]
    if names:
        tags.append(tag("author", ", ".join(names)))
    tags.append(tag("dcterms.date", citation["date"]))
    tags.append(tag("citation_title", citation["title"]))
    tags += [tag("citation_author", name) for name in names]
    tags.append(tag("citation_publication_date", citation["date"].replace("-", "/")))
    tags.append(tag("citation_version", citation["version"]))
    return "\n".join(tags) + "\n"


def _config_inited(app, config):
    citation = read_citation(citation_file(app.srcdir))
    config.appcontest_citation = citation
    options = dict(config.html_theme_options)
    options["extra_footer"] = published_line(citation) + options.get("extra_footer", "")
    config.html_theme_options = options


def _page_context(app, pagename, templatename, context, doctree):
    citation = app.config.appcontest_citation
    text = description(context.get("meta") or {}, doctree, citation["abstract"] or citation["title"])
    names = authors(app.config.author)
    # The theme writes context["metatags"] into <head>; Sphinx's own metatags come first.
    context["metatags"] = context.get("metatags", "") + metatags(citation, names, text)


def setup(app):
    # Set from CITATION.cff at config-inited; a change re-writes every page.
    app.add_config_value("appcontest_citation", {}, "html", types=[dict])
    app.connect("config-inited", _config_inited)
    app.connect("html-page-context", _page_context)
