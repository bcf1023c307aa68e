"""What a reader sees of the bibliography, across the built site (_build/html).

Each check reads every page's visible text, link targets and tooltips, and returns the
problems it finds; each has a twin that plants the defect in a copy of a page and
asserts the check reports it.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

from appcontest import bibliography

pytestmark = pytest.mark.build

# LaTeX that should have been decoded: \& \_ \% \$ \#, {\'e}, \textit{...}, \emph, \url.
LATEX = re.compile(r"\\[&_%$#]|\{\\|\\(?:text[a-z]{2,}|emph|url|href|mbox)\b")
SKIPPED = {"script", "style", "template"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Page:
    path: Path
    text: str = ""
    hrefs: list[str] = field(default_factory=list)
    tooltips: list[str] = field(default_factory=list)
    #: The link texts of each bracketed citation (``span.bibtex-citation``).
    citations: list[list[str]] = field(default_factory=list)
    #: Each References list entry (``div.citation``): its text and its links.
    entries: list[tuple[str, list[str]]] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self, page: Page):
        super().__init__(convert_charrefs=True)
        self.page = page
        self.stack: list[tuple[str, set[str]]] = []
        self.text: list[str] = []
        self.skip = 0
        self.citation: list[str] | None = None
        self.citation_depth = 0
        self.link: list[str] | None = None
        self.entry: tuple[list[str], list[str]] | None = None
        self.entry_depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = set((attrs.get("class") or "").split())
        if tag == "a" and attrs.get("href") is not None:
            self.page.hrefs.append(attrs["href"])
            if self.entry is not None:
                self.entry[1].append(attrs["href"])
        if attrs.get("title"):
            self.page.tooltips.append(attrs["title"])
        if tag in VOID:
            return
        self.stack.append((tag, classes))
        if tag in SKIPPED:
            self.skip += 1
        if tag == "span" and "bibtex-citation" in classes and self.citation is None:
            self.citation, self.citation_depth = [], len(self.stack)
        if tag == "div" and "citation" in classes and self.entry is None:
            self.entry, self.entry_depth = ([], []), len(self.stack)
        if tag == "a" and self.citation is not None:
            self.link = []

    def handle_endtag(self, tag):
        if tag in VOID or not any(t == tag for t, _ in self.stack):
            return
        while self.stack:
            depth = len(self.stack)
            top, _ = self.stack.pop()
            if top in SKIPPED:
                self.skip -= 1
            if top == "a" and self.link is not None:
                self.citation.append("".join(self.link).strip())
                self.link = None
            if self.citation is not None and depth == self.citation_depth:
                self.page.citations.append(self.citation)
                self.citation = None
            if self.entry is not None and depth == self.entry_depth:
                self.page.entries.append((" ".join("".join(self.entry[0]).split()), self.entry[1]))
                self.entry = None
            if top == tag:
                break

    def handle_data(self, data):
        if self.skip:
            return
        self.text.append(data)
        if self.link is not None:
            self.link.append(data)
        if self.entry is not None:
            self.entry[0].append(data)


def read(path: Path) -> Page:
    stat = path.stat()
    return _read(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _read(path: Path, mtime_ns: int, size: int) -> Page:
    page = Page(path)
    reader = _Reader(page)
    reader.feed(path.read_text(encoding="utf-8"))
    reader.close()
    page.text = " ".join("".join(reader.text).split())
    return page


def pages(site: Path) -> list[Page]:
    return [read(p) for p in sorted(site.rglob("*.html")) if "_static" not in p.parts]


def references_page(site: Path) -> Page:
    return read(site / "book" / "references.html")


# ----- the checks -------------------------------------------------------------------


def backslashes_in_links(site: Path) -> list[str]:
    return [f"{p.path.relative_to(site)}: {href}" for p in pages(site) for href in p.hrefs if "\\" in href]


def latex_in_text(site: Path) -> list[str]:
    problems = []
    for page in pages(site):
        for where, text in [("text", page.text)] + [("tooltip", t) for t in page.tooltips]:
            for match in LATEX.finditer(text):
                context = text[max(0, match.start() - 40) : match.end() + 40]
                problems.append(f"{page.path.relative_to(site)} ({where}): …{context}…")
    return problems


def repeated_citation_labels(site: Path) -> list[str]:
    problems = []
    for page in pages(site):
        for labels in page.citations:
            repeated = sorted({label for label in labels if labels.count(label) > 1})
            if repeated:
                problems.append(f"{page.path.relative_to(site)}: [{', '.join(labels)}] repeats {repeated}")
    return problems


def entries_by_url(site: Path) -> dict[str, str]:
    """Text of each References entry, by the bibliography URL it links to."""
    found = {}
    for text, hrefs in references_page(site).entries:
        for href in hrefs:
            found.setdefault(href, text)
    return found


def titles_not_as_written(site: Path) -> list[str]:
    """Every entry is listed with its title as the bibliography writes it (case included)."""
    listed = entries_by_url(site)
    problems = []
    for source in bibliography.load().values():
        text = listed.get(source.url)
        title = " ".join(source.title.split())
        if text is None:
            problems.append(f"{source.key}: no entry links to {source.url}")
        elif title not in text:
            problems.append(f"{source.key}: title {title!r} not in {text[:160]!r}")
    return problems


def primary_marks_wrong(site: Path) -> list[str]:
    listed = entries_by_url(site)
    problems = []
    for source in bibliography.load().values():
        marked = "Primary source" in listed.get(source.url, "")
        if marked != source.primary:
            problems.append(f"{source.key} ({source.source_class}) {'is' if marked else 'is not'} marked primary")
    return problems


# ----- on the built site ------------------------------------------------------------


def test_no_link_has_a_backslash(site):
    problems = backslashes_in_links(site)
    assert not problems, "\n".join(problems[:20])


def test_no_latex_escape_in_visible_text_or_tooltips(site):
    problems = latex_in_text(site)
    assert not problems, "\n".join(problems[:20])


def test_no_citation_repeats_a_label(site):
    assert any(references_page(site).entries), "no References entries found: has the markup changed?"
    assert sum(len(p.citations) for p in pages(site)) > 20, "too few citations found: has the markup changed?"
    problems = repeated_citation_labels(site)
    assert not problems, "\n".join(problems[:20])


def test_every_reference_title_keeps_the_case_it_has_in_the_bibliography(site):
    problems = titles_not_as_written(site)
    assert not problems, "\n".join(problems[:20])
    text = references_page(site).text
    assert "U.S. bans Huawei, ZTE" in text and "TikTok Inc. v. Garland, 604 U.S. ___" in text


def test_primary_sources_are_marked_and_only_they(site):
    problems = primary_marks_wrong(site)
    assert not problems, "\n".join(problems[:20])


def test_same_author_and_year_get_letters_in_citation_and_entry(site):
    page = next(p for p in pages(site) if p.path.name == "containment.html")
    labels = {label for labels in page.citations for label in labels}
    assert {"Thompson Hine, 2018a", "Thompson Hine, 2018b"} <= labels, sorted(labels)[:40]
    listed = entries_by_url(site)
    source = bibliography.load()["thompsonhine2018ztelifted"]
    assert "July 2018a." in listed[source.url]


def test_hosts_are_printed_as_written(site):
    text = references_page(site).text
    assert "wikisource.org./" not in text and "https://en.wikisource.org/wiki/" in text


# ----- each check reports the defect it is for ------------------------------------


@pytest.fixture
def site_copy(site, tmp_path):
    """The site's pages (without _static) in a private folder, for planting defects."""
    copy = tmp_path / "html"
    shutil.copytree(site, copy, ignore=shutil.ignore_patterns("_static", "_sources", "_images", "*.js", "*.png"))
    return copy


def plant(copy: Path, name: str, html: str) -> Path:
    page = next(p for p in copy.rglob(name))
    text = page.read_text(encoding="utf-8")
    assert "</main>" in text
    page.write_text(text.replace("</main>", html + "</main>", 1), encoding="utf-8")
    return page


def test_the_link_check_reports_a_backslash(site_copy):
    plant(site_copy, "intro.html", '<a href="https://doi.org/10.1162/isec\\_a\\_00351">doi</a>')
    assert any("isec\\_a\\_00351" in p for p in backslashes_in_links(site_copy))


@pytest.mark.parametrize(
    "escape", ["New Media \\& Society", "isec\\_a", "{\\'e}", "\\textit{Trump v. TikTok}", "50\\% stake", "\\$1.7T"]
)
def test_the_text_check_reports_a_latex_escape(site_copy, escape):
    plant(site_copy, "intro.html", f"<p>{escape}</p>")
    assert any(escape in p and "(text)" in p for p in latex_in_text(site_copy))


def test_the_text_check_reads_tooltips(site_copy):
    plant(site_copy, "intro.html", '<a href="#" title="Notice \\&amp; Comment">x</a>')
    assert any("(tooltip)" in p and "Notice \\& Comment" in p for p in latex_in_text(site_copy))


def test_the_citation_check_reports_a_repeated_label(site_copy):
    plant(
        site_copy,
        "intro.html",
        '<p><span class="bibtex-citation">[<a class="reference internal" href="references.html#id1">'
        'Thompson Hine, 2018</a>, <a class="reference internal" href="references.html#id2">'
        "Thompson Hine, 2018</a>]</span></p>",
    )
    problems = repeated_citation_labels(site_copy)
    assert any("intro.html" in p and "repeats ['Thompson Hine, 2018']" in p for p in problems), problems


def test_the_title_check_reports_a_lower_cased_title(site_copy):
    page = site_copy / "book" / "references.html"
    html = page.read_text(encoding="utf-8")
    assert "U.S. bans Huawei, ZTE" in html
    page.write_text(html.replace("U.S. bans Huawei, ZTE", "U.s. bans huawei, zte"), encoding="utf-8")
    problems = titles_not_as_written(site_copy)
    assert any(p.startswith("reuters2022fccban: title 'U.S. bans Huawei, ZTE") for p in problems), problems


def test_the_primary_check_reports_a_missing_mark(site_copy):
    page = site_copy / "book" / "references.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("<strong>Primary source.</strong>", "", 1), encoding="utf-8")
    problems = primary_marks_wrong(site_copy)
    assert len(problems) == 1 and "(primary) is not marked primary" in problems[0], problems
