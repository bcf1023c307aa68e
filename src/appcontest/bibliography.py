"""The book's one bibliography, ``references.bib``.

Every dataset row names the keys of the sources that say what the row says, and every
chapter cites the same keys, so a source is described once. This module reads the file
and checks that each entry carries what a reader needs to find the source again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pybtex.backends.plaintext import Backend as TextBackend
from pybtex.database import parse_file
from pybtex.richtext import Text

from . import paths

# Classes of source, recorded in each entry's ``keywords`` field.
SOURCE_CLASSES = ("primary", "secondary", "literature")
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9]+$")
URL_PATTERN = re.compile(r"^https?://[^\s/$.?#][^\s]*\.[^\s]*$")
DATE_PATTERN = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# Fields the bibliography style prints and links exactly as written, without reading
# LaTeX: a backslash here (``isec\_a\_00351``) would end up in the link and break it.
RAW_FIELDS = ("url", "doi")
# Fields whose LaTeX the style decodes into the text a reader sees.
TEXT_FIELDS = ("title", "publisher", "journal", "howpublished", "note", "booktitle", "series")
# What must not be left once the LaTeX is decoded: an escape or command the decoder does
# not know (``\$``, ``\\&``, ``\textit``) and TeX-style quotes.
UNDECODED = re.compile(r"\\|`")
# An unescaped % starts a LaTeX comment: everything after it silently disappears.
BARE_PERCENT = re.compile(r"(?<!\\)%")


class BibliographyError(ValueError):
    """A bibliography entry lacks what the book requires of every source."""


@dataclass(frozen=True)
class Source:
    """One entry; title and publisher as a reader sees them (LaTeX decoded)."""

    key: str
    title: str
    publisher: str
    date: str
    url: str
    source_class: str

    @property
    def primary(self) -> bool:
        return self.source_class == "primary"


def _field(entry, name: str) -> str:
    return str(entry.fields.get(name, "")).strip()


# Made once: pybtex's render_as("text") looks the backend up by scanning every installed
# package's entry points, which for ~400 entries cost seconds per chapter execution.
_TEXT = TextBackend()


def plain_text(latex: str) -> str:
    """The text a reader sees for a BibTeX value: ``Crowell \\& Moring`` gives ``Crowell & Moring``,
    ``{ZTE}`` gives ``ZTE``, ``St{\\'e}phane`` gives ``Stéphane``."""
    return Text.from_latex(latex).render(_TEXT) if latex else ""


def _raw_field_problems(name: str, value: str) -> list[str]:
    problems = []
    if "\\" in value:
        problems.append(f"field {name} '{value}' contains a backslash (write _ & % as they are: URLs are not LaTeX)")
    if re.search(r"\s", value):
        problems.append(f"field {name} '{value}' contains whitespace")
    if name == "url" and value and (urlsplit(value).hostname or "").endswith("."):
        problems.append(f"field url '{value}' has a host ending in a dot")
    return problems


def _text_field_problems(name: str, value: str) -> list[str]:
    problems = []
    if BARE_PERCENT.search(value):
        problems.append(f"field {name} '{value}' has an unescaped % (LaTeX drops the rest); write \\%")
    elif UNDECODED.search(plain_text(value)):
        problems.append(f"field {name} '{value}' would show a backslash or TeX quote to readers: '{plain_text(value)}'")
    return problems


def _authors(entry) -> str:
    people = entry.persons.get("author", [])
    return " and ".join(str(p) for p in people)


def _check_entry(key: str, entry, where: str) -> list[str]:
    problems = []
    if not KEY_PATTERN.match(key):
        problems.append(f"key {key!r} must match {KEY_PATTERN.pattern}")
    if not _authors(entry) and not _field(entry, "editor"):
        problems.append("has no author (a person or an {{Organisation}})")
    for name in ("title", "year", "date", "url"):
        if not _field(entry, name):
            problems.append(f"has no {name}")
    if not (_field(entry, "publisher") or _field(entry, "journal")):
        problems.append("has neither publisher nor journal")
    for name in RAW_FIELDS:
        problems += _raw_field_problems(name, _field(entry, name))
    for name in TEXT_FIELDS:
        problems += _text_field_problems(name, _field(entry, name))
    for role, people in entry.persons.items():
        for person in people:
            problems += _text_field_problems(role, str(person))
    url = _field(entry, "url")
    if url and not URL_PATTERN.match(url):
        problems.append(f"url {url!r} is not a well-formed http(s) URL")
    for name in ("url", "doi"):
        # Printed as written (no LaTeX parsing), so an escape would reach the link itself.
        if "\\" in _field(entry, name):
            problems.append(
                f"{name} {_field(entry, name)!r} contains a backslash; write it exactly as it is, without LaTeX escapes"
            )
    date = _field(entry, "date")
    if date and not DATE_PATTERN.match(date):
        problems.append(f"date {date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    if date and _field(entry, "year") and not date.startswith(_field(entry, "year")):
        problems.append(f"date {date!r} disagrees with year {_field(entry, 'year')!r}")
    source_class = _field(entry, "keywords")
    if source_class not in SOURCE_CLASSES:
        problems.append(f"keywords must be one of {', '.join(SOURCE_CLASSES)} (got {source_class!r})")
    return [f"{where}: entry {key!r} {p}" for p in problems]


@lru_cache(maxsize=4)
def _load(path: Path, mtime: float) -> dict[str, Source]:
    database = parse_file(str(path), bib_format="bibtex")
    problems: list[str] = []
    sources: dict[str, Source] = {}
    for key, entry in database.entries.items():
        problems += _check_entry(key, entry, path.name)
        sources[key] = Source(
            key=key,
            title=plain_text(_field(entry, "title")),
            publisher=plain_text(_field(entry, "publisher") or _field(entry, "journal")),
            date=_field(entry, "date"),
            url=_field(entry, "url"),
            source_class=_field(entry, "keywords"),
        )
    if problems:
        raise BibliographyError("\n".join(problems))
    return sources


def load(path: Path | None = None) -> dict[str, Source]:
    """All sources in the bibliography, by key; raises BibliographyError if any entry is incomplete."""
    path = Path(path or paths.bibliography_file())
    return _load(path, path.stat().st_mtime)


def split_keys(cell: str) -> list[str]:
    """The keys in a ``source_keys`` cell (``a;b``)."""
    return [k for k in cell.split(";") if k]


def describe(keys: str | list[str]) -> str:
    """A short reader-facing line for the sources behind a row: publisher, title, date, URL."""
    sources = load()
    parts = []
    for key in split_keys(keys) if isinstance(keys, str) else keys:
        s = sources[key]
        parts.append(f"{s.publisher}, “{s.title}” ({s.date}) {s.url}")
    return " | ".join(parts)
