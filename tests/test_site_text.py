"""What a reader sees on the built site (_build/html).

Visible text only: the page title and the body's text, without <script>, <style> and
<template> or any attribute, except the attributes a reader meets through assistive
technology or a tooltip (alt, aria-label, title), which count as text. The checks:

- no internal row identifier (M016, D01, R001, MM001, N001) in the text, except where a
  page lists rows: the identifier column of a dataset's rows table and the row
  identifiers a table links to their rows (class ``ac-id`` inside a table), and the
  fields table of a dataset (class ``ac-schema``), which documents the columns;
- no number over 10,000 written in digits in prose ("100 million", not 100,000,000); tables,
  code, bibliography entries, dates, URLs and the numbers of documents (Executive Order
  13942, 85 FR 48637) are not prose;
- no code reference (``appcontest.labels``) and no regular expression (``M\\d{3}``) outside
  code listings;
- every page has a description, its authors, and a visible publication line that agrees
  with its metadata and with CITATION.cff.

Each check is shown to fail on a copy of a page with the defect planted in it.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from appcontest.sphinxext import datasets

pytestmark = pytest.mark.build

ROOT = Path(__file__).resolve().parents[1]
ROW_ID = datasets.ROW_ID  # every dataset's identifiers, from the data package
# Digits above 10,000: 12500, 100,000,000 (not 2025-01-13, not 1.5, not part of a word).
BIG_NUMBER = re.compile(r"(?<![\w.,/-])(\d{1,3}(?:,\d{3})+|\d{5,})(?![\w]|[.,]\d)")
# The number of a document, not a quantity: Executive Order 13942, EO 14117, 85 FR 48637,
# FR Doc. 2016-05104, ISBN 9781250840554, and lists of them ("orders 13942, 13943 and 13971").
DESIGNATOR = re.compile(
    r"(?:\bexecutive orders?|\borders?|\beos?|\be\.o\.|\bfr|\bdoc\.|\bno\.|\bnos\.|\bisbn|\bpublic law|\bh\.r\.)"
    r"\s*(?:\d[\d,]*\s*(?:,|and|&)\s*)*$",
    re.I,
)
URL_OR_DATE = re.compile(r"(?:https?://|www\.)\S+|\b\d{4}-\d{2}-\d{2}\b")
CODE_REFERENCE = re.compile(
    r"\bappcontest\.[a-z_][\w.]*"  # a module of the package
    r"|\\[dDwWsSb]"  # \d, \w, \s, \b
    r"|\[(?:\^)?[a-zA-Z0-9]-[a-zA-Z0-9]"  # [a-z], [0-9]
    r"|[\]\)a-zA-Z\\d]\{\d+(?:,\d*)?\}"  # {3}, {2,4} after a character, class or group
    r"|\(\?[:=!P<]"  # (?:...)
)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SKIPPED = {"script", "style", "template"}
ASSISTIVE = ("alt", "aria-label", "title")
PUBLISHED = re.compile(r"^Published (\d{1,2} [A-Z][a-z]+ \d{4}) · version (\S+)$")


@dataclass(frozen=True)
class Piece:
    """A run of visible text and where it sits."""

    text: str
    pre: bool  # a code listing (a code cell, a literal block)
    code: bool  # inline code or a listing
    table: bool
    schema: bool  # the fields table of a dataset (class ac-schema)
    row_id: bool  # a row identifier a table shows as such (class ac-id inside a table)
    bibliography: bool
    block: int = -1  # the paragraph, cell or heading it is part of (-1: an attribute)


BLOCKS = {"p", "li", "td", "th", "dt", "dd", "caption", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "title"}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, set[str], dict]] = []
        self.serials: list[int] = []
        self.pieces: list[Piece] = []
        self.meta: dict[str, list[str]] = {}
        self.published: list[str] = []
        self.published_datetime: list[str] = []
        self._published_depth: int | None = None
        self._skip = 0
        self._in_head = False
        self._in_title = False

    def _context(self, extra: tuple[str, set[str], dict] | None = None):
        stack = self.stack + ([extra] if extra else [])
        tags = {t for t, _, _ in stack}
        classes = [c for _, c, _ in stack]
        in_table = "table" in tags
        return dict(
            pre="pre" in tags or any("highlight" in c for c in classes),
            code=bool(tags & {"pre", "code", "kbd", "samp"}),
            table=in_table,
            schema=any("ac-schema" in c for c in classes),
            row_id=in_table and "ac-id" in classes[-1] if classes else False,
            bibliography=any(a.get("role") == "doc-biblioentry" for _, _, a in stack)
            or any("citation" in c for c in classes),
        )

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "head":
            self._in_head = True
        if tag == "meta" and attrs.get("name"):
            self.meta.setdefault(attrs["name"], []).append(attrs.get("content", ""))
        if tag in SKIPPED:
            self._skip += 1
            return
        if self._skip or self._in_head and tag != "title":
            return
        if tag == "title":
            self._in_title = True
        entry = (tag, set(attrs.get("class", "").split()), attrs)
        for name in ASSISTIVE:
            if attrs.get(name, "").strip():
                self.pieces.append(Piece(attrs[name], **self._context(entry), block=-1))
        if "ac-published" in entry[1]:
            self._published_depth = len(self.stack)
            self.published.append("")
        if tag == "time" and self._published_depth is not None:
            self.published_datetime.append(attrs.get("datetime", ""))
        if tag not in VOID:
            self.stack.append(entry)
            self.serials.append(self.getpos()[0] * 100_000 + self.getpos()[1])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()
            self.serials.pop()

    def handle_endtag(self, tag):
        if tag == "head":
            self._in_head = False
        if tag in SKIPPED:
            self._skip = max(0, self._skip - 1)
            return
        if tag == "title":
            self._in_title = False
        if any(t == tag for t, _, _ in self.stack):
            while self.stack:
                self.serials.pop()
                if self.stack.pop()[0] == tag:
                    break
        if self._published_depth is not None and len(self.stack) <= self._published_depth:
            self._published_depth = None

    def handle_data(self, data):
        if self._skip or (self._in_head and not self._in_title) or not data.strip():
            return
        open_elements = zip(reversed(self.stack), reversed(self.serials), strict=True)
        block = next((n for (tag, _, _), n in open_elements if tag in BLOCKS), 0)
        self.pieces.append(Piece(data, **self._context(), block=block))
        if self._published_depth is not None:
            self.published[-1] += data

    def around(self, piece: Piece, start: int, end: int) -> str:
        """The offending text with some of its paragraph (or cell, heading) around it."""
        if piece.block < 0:
            return _around(piece.text, start, end)
        before = after = ""
        seen = False
        for p in self.pieces:
            if p.block != piece.block:
                continue
            if p is piece:
                seen = True
            elif seen:
                after += p.text
            else:
                before += p.text
        text = before + piece.text + after
        return _around(text, len(before) + start, len(before) + end)


def read(page: Path) -> _Reader:
    reader = _Reader()
    reader.feed(page.read_text(encoding="utf-8"))
    reader.close()
    return reader


def pages(site: Path) -> list[Path]:
    found = []
    for page in sorted(site.rglob("*.html")):
        if {"_static", "_sources", "_downloads"} & set(page.relative_to(site).parts):
            continue
        if 'http-equiv="Refresh"' in page.read_text(encoding="utf-8")[:2000]:
            continue  # the root index only redirects to the first page
        found.append(page)
    return found


def _around(text: str, start: int, end: int) -> str:
    return " ".join(text[max(0, start - 50) : end + 50].split())


def id_leaks(site: Path) -> list[str]:
    found = []
    for page in pages(site):
        r = read(page)
        for p in r.pieces:
            if p.pre or p.schema or (p.row_id and ROW_ID.fullmatch(p.text.strip())):
                continue
            for m in ROW_ID.finditer(p.text):
                found.append(f"{page.relative_to(site)}: row id {m.group(0)!r} in {r.around(p, *m.span())!r}")
    return found


def digit_numbers(site: Path) -> list[str]:
    found = []
    for page in pages(site):
        for p in read(page).pieces:
            if p.code or p.table or p.bibliography:
                continue
            text = URL_OR_DATE.sub(" ", p.text)
            for m in BIG_NUMBER.finditer(text):
                if int(m.group(1).replace(",", "")) <= 10_000 or DESIGNATOR.search(text[: m.start()]):
                    continue
                found.append(f"{page.relative_to(site)}: number {m.group(1)!r} in {_around(text, *m.span())!r}")
    return found


def code_references(site: Path) -> list[str]:
    found = []
    for page in pages(site):
        r = read(page)
        for p in r.pieces:
            if p.pre:
                continue
            for m in CODE_REFERENCE.finditer(p.text):
                found.append(f"{page.relative_to(site)}: code {m.group(0)!r} in {r.around(p, *m.span())!r}")
    return found


def citation() -> dict:
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def missing_page_facts(site: Path) -> list[str]:
    cff = citation()
    released, version = str(cff["date-released"]), str(cff["version"])
    found = []
    for page in pages(site):
        r, where = read(page), page.relative_to(site)
        for name in ("description", "author", "citation_author", "citation_title"):
            if not any(v.strip() for v in r.meta.get(name, [])):
                found.append(f"{where}: no <meta name={name!r}>")
        if r.meta.get("dcterms.date") != [released]:
            found.append(f"{where}: <meta name='dcterms.date'> is {r.meta.get('dcterms.date')}, not {released}")
        if r.meta.get("citation_publication_date") != [released.replace("-", "/")]:
            found.append(f"{where}: citation_publication_date is {r.meta.get('citation_publication_date')}")
        lines = [" ".join(t.split()) for t in r.published]
        match = PUBLISHED.match(lines[0]) if len(lines) == 1 else None
        if not match:
            found.append(f"{where}: no single visible 'Published <date> · version <x>' line (found {lines})")
        elif match.group(2) != version or r.published_datetime != [released]:
            found.append(f"{where}: the publication line {lines[0]!r} disagrees with CITATION.cff")
    return found


# --- The site as built ------------------------------------------------------------------


def test_no_row_id_in_the_text(site):
    found = id_leaks(site)
    assert not found, "\n".join(found[:30])


def test_no_large_number_in_digits_in_prose(site):
    found = digit_numbers(site)
    assert not found, "\n".join(found[:30])


def test_no_code_reference_or_pattern_in_the_text(site):
    found = code_references(site)
    assert not found, "\n".join(found[:30])


def test_every_page_has_a_description_authors_and_a_publication_line(site):
    found = missing_page_facts(site)
    assert not found, "\n".join(found[:30])
    assert len(pages(site)) > 10


def test_the_checks_read_the_data_pages_where_the_exceptions_apply(site):
    """The exceptions are taken, not assumed: the measures page has row ids in its rows
    table and its fields table, and the checks find them there and nowhere else."""
    pieces = read(site / "book" / "data" / "measures.html").pieces
    ids_in_rows = [p for p in pieces if p.row_id and ROW_ID.fullmatch(p.text.strip())]
    assert len({p.text for p in ids_in_rows}) >= 120
    assert any(p.schema and ROW_ID.search(p.text) for p in pieces)


def test_data_pages_stay_light(site):
    # 120 measures with their notes and sources; the page must not grow without bound.
    assert (site / "book" / "data" / "measures.html").stat().st_size < 250_000


# --- Each check fails on a planted defect, naming the page and the text ------------------


@pytest.fixture
def site_copy(site, tmp_path):
    copy = tmp_path / "html"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("_sources", "_downloads"))
    return copy


def plant(page: Path, html: str, before: str = "</article>") -> None:
    text = page.read_text(encoding="utf-8")
    assert before in text, f"{page} has no {before}"
    page.write_text(text.replace(before, html + before, 1), encoding="utf-8")


def test_a_row_id_in_prose_is_reported(site_copy):
    intro = site_copy / "book" / "intro.html"
    plant(intro, "<p>The order (M016) was signed in August.</p>")
    found = id_leaks(site_copy)
    assert any(f.startswith("book/intro.html:") and "'M016'" in f and "The order (M016)" in f for f in found), found


def test_a_row_id_in_an_attribute_or_a_caption_is_reported(site_copy):
    intro = site_copy / "book" / "intro.html"
    plant(intro, '<img src="x.png" alt="Timeline of D03 and R012"><p><a title="see MM004" href="#">x</a></p>')
    found = "\n".join(id_leaks(site_copy))
    for row_id in ("D03", "R012", "MM004"):
        assert f"book/intro.html: row id {row_id!r}" in found, found


def test_a_row_id_in_a_data_table_cell_that_is_not_an_identifier_is_reported(site_copy):
    measures = site_copy / "book" / "data" / "measures.html"
    text = measures.read_text(encoding="utf-8")
    # A plain cell of the rows table (not the identifier column, not a row link).
    cell = re.search(r'<tr id="M001">.*?<td>', text).group(0)
    measures.write_text(text.replace(cell, cell + "Replaced by N012 later. ", 1), encoding="utf-8")
    found = id_leaks(site_copy)
    assert any(f.startswith("book/data/measures.html:") and "'N012'" in f for f in found), found
    # The exceptions stay as narrow as they are: ids in the id column and fields table pass.
    assert not [f for f in found if "'N012'" not in f], found


def test_a_large_number_in_digits_is_reported(site_copy):
    clock = site_copy / "notebooks" / "clock.html"
    plant(clock, "<p>TikTok claimed 100,000,000 users and 12500 creators.</p>")
    found = digit_numbers(site_copy)
    mine = [f for f in found if f.startswith("notebooks/clock.html:")]
    assert any("'100,000,000'" in f and "TikTok claimed" in f for f in mine), found
    assert any("'12500'" in f for f in mine), found


def test_numbers_that_are_not_quantities_are_not_reported(site_copy):
    intro = site_copy / "book" / "intro.html"
    plant(
        intro,
        "<p>Executive Order 13942 (85 FR 48637) and orders 13942, 13943 and 13971, on 2025-01-13, "
        'at <a href="https://example.org/?id=95934378">https://example.org/?id=95934378</a>; 9,999 rows.</p>'
        "<table><tr><td>700,000</td></tr></table><pre>x = 100000</pre>",
    )
    assert not [f for f in digit_numbers(site_copy) if f.startswith("book/intro.html:")]


def test_a_code_reference_or_a_pattern_is_reported(site_copy):
    measures = site_copy / "book" / "data" / "measures.html"
    plant(measures, r"<p>Families (see <code>appcontest.labels</code>); ids match <code>M\d{3}</code>.</p>")
    found = code_references(site_copy)
    page = [f for f in found if f.startswith("book/data/measures.html:")]
    assert any("'appcontest.labels'" in f and "see appcontest.labels" in f for f in page), found
    assert any(r"'\\d'" in f or r"'\d'" in f for f in page), found


def test_a_page_without_description_author_or_publication_line_is_reported(site_copy):
    glossary = site_copy / "book" / "glossary.html"
    text = glossary.read_text(encoding="utf-8")
    text = re.sub(r'<meta name="(description|author)"[^>]*>', "", text)
    text = re.sub(r'<p class="ac-published">.*?</p>', "", text, flags=re.S)
    glossary.write_text(text, encoding="utf-8")
    found = "\n".join(missing_page_facts(site_copy))
    assert "book/glossary.html: no <meta name='description'>" in found, found
    assert "book/glossary.html: no <meta name='author'>" in found, found
    assert "book/glossary.html: no single visible 'Published" in found, found
    assert found.count("book/glossary.html") == 3, found


def test_a_publication_line_that_disagrees_with_the_citation_is_reported(site_copy):
    intro = site_copy / "book" / "intro.html"
    text = intro.read_text(encoding="utf-8")
    version = str(citation()["version"])
    intro.write_text(text.replace(f"· version {version}", "· version 9.9.9", 1), encoding="utf-8")
    found = missing_page_facts(site_copy)
    assert any(f.startswith("book/intro.html:") and "9.9.9" in f for f in found), found


# --- In a browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    from appcontest import browser

    try:
        executable = browser.recorded()
    except browser.Missing as exc:
        pytest.fail(str(exc), pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def console_problems(chromium, base: str, paths: tuple[str, ...]) -> list[str]:
    """Console errors and warnings, and responses of 400 or more, on a fresh visit of each page."""
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("response", lambda r: problems.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)
    for path in paths:
        page.goto(f"{base}/{path}", wait_until="load")
        page.wait_for_timeout(300)  # the favicon is requested after load
    context.close()
    return problems


def test_pages_load_without_console_errors_or_missing_files(served_site, chromium):
    """No favicon 404, no "Got invalid theme mode" from the theme."""
    problems = console_problems(chromium, served_site, ("book/intro.html", "book/data/narratives.html"))
    assert not problems, problems


def test_a_missing_favicon_or_an_invalid_theme_mode_is_reported(site_copy, chromium):
    intro = site_copy / "book" / "intro.html"
    text = intro.read_text(encoding="utf-8")
    text = re.sub(r'<link rel="icon"[^>]*>', "", text)
    intro.write_text(text.replace('|| "light"', '|| ""'), encoding="utf-8")
    handler = functools.partial(_Quiet, directory=str(site_copy))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        problems = console_problems(chromium, f"http://127.0.0.1:{server.server_address[1]}", ("book/intro.html",))
    finally:
        server.shutdown()
    # Chromium asks for /favicon.ico itself and reports the 404 on the console only.
    assert any("404" in p for p in problems), problems
    assert any("Got invalid theme mode" in p for p in problems), problems


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_the_rows_table_filters_as_the_reader_types_and_stays_inside_a_phone_screen(served_site, chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    messages = []
    page.on("console", lambda m: messages.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: messages.append(str(e)))
    page.goto(f"{served_site}/book/data/measures.html", wait_until="load")
    total = page.locator(".ac-rows tbody tr").count()
    assert total == 120
    # The page itself never scrolls sideways; the table does, inside its frame.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    frame = page.locator(".ac-rows-scroll")
    # The table is laid out when it comes near the viewport (content-visibility), as the reader scrolls.
    frame.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('.ac-rows-scroll').scrollWidth > 390")
    assert frame.evaluate("e => e.scrollWidth > e.clientWidth")
    box = page.get_by_label("Search the rows")
    box.focus()
    page.keyboard.type("huawei 5g")
    count = page.locator(".ac-rows-count")
    assert count.get_attribute("aria-live") == "polite"
    page.wait_for_function("!/^120 of/.test(document.querySelector('.ac-rows-count').textContent)")
    shown = page.locator(".ac-rows tbody tr:not([hidden])")
    n = shown.count()
    assert 0 < n < total
    assert count.inner_text() == f"{n} of {total} rows"
    for i in range(n):
        text = shown.nth(i).inner_text().lower()
        assert "huawei" in text and "5g" in text
    box.fill("")
    page.wait_for_function(f"document.querySelector('.ac-rows-count').textContent === '{total} of {total} rows'")
    context.close()
    assert not messages, messages


def test_without_javascript_the_whole_table_is_there(served_site, chromium):
    context = chromium.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{served_site}/book/data/deadlines.html", wait_until="load")
    assert page.locator(".ac-rows tbody tr").count() == 12
    assert page.locator(".ac-rows tbody tr:visible").count() == 12
    assert not page.locator(".ac-rows-search").is_visible()
    # A deadline's measures link to their rows on the measures page.
    link = page.locator('.ac-rows a.ac-id[href*="measures.html#M"]').first
    assert link.count() == 1
    context.close()
