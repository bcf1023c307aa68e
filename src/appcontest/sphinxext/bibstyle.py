"""The bibliography style of the book: pybtex's ``plain``, corrected for what readers see.

Two plugins, registered at start-up and named in ``_config.yml``:

- ``bibtex_default_style: appcontest`` (pybtex formatting style) for the References
  list. Unlike ``plain`` it keeps titles in the case the bibliography gives them
  ("U.S. bans Huawei, ZTE ...", not "U.s. bans huawei, zte ..."), prints the date from
  the ``date`` field ("20 July 2018", not "jul 2018"), names the publisher of a
  ``@misc`` entry when neither the author nor ``howpublished`` already does, and ends
  each primary source (``keywords = {primary}``) with "Primary source.". It never puts a
  full stop straight after a URL.
- ``bibtex_reference_style: appcontest`` (sphinxcontrib-bibtex referencing style) for
  the citations: author-year, as sphinxcontrib-bibtex's ``author_year``, except that
  items which would otherwise cite identically ("Thompson Hine, 2018" twice) get a
  letter after the year, 2018a and 2018b. The letters follow the order of the list
  (author, year, then date and title: 2020a is the earlier item), and the list entry
  shows the same year with the same letter.

The letters are worked out over the entries of a bibliography when the style sorts
them, so a citation always agrees with the entry it links to.
"""

from __future__ import annotations

import re
import string
from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace

import pybtex.plugin
from pybtex.backends.plaintext import Backend as TextBackend
from pybtex.database import Entry
from pybtex.richtext import Tag, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.formatting.unsrt import date as _month_year
from pybtex.style.template import field, optional, sentence
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style import template
from sphinxcontrib.bibtex.style.referencing import GroupReferenceStyle, PersonStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
    BasicAuthorYearParentheticalReferenceStyle,
    BasicAuthorYearTextualReferenceStyle,
)
from sphinxcontrib.bibtex.style.referencing.extra_author import ExtraAuthorReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_empty import ExtraEmptyReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_label import ExtraLabelReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_year import ExtraYearReferenceStyle

from ..bibliography import plain_text

NAME = "appcontest"
PRIMARY_MARK = "Primary source"
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class AuthorYearEntry(FormattedEntry):
    """A formatted list entry that also carries the year its citations show (``2018a``)."""

    def __init__(self, key, text, label=None, year=""):
        super().__init__(key, text, label)
        self.year = year


# One of each, made once: pybtex looks plugins up by scanning every installed package's
# entry points, and doing that per entry cost half a minute per build for ~400 entries.
_TEXT = TextBackend()


def citation_author(entry: Entry, person: PersonStyle | None = None) -> str:
    """The author part of an author-year citation of ``entry``, as plain text."""
    person = person or PersonStyle()
    node = person.author_or_editor_or_title(full=False)
    return node.format_data({"entry": entry, "style": SimpleNamespace(person=person)}).render(_TEXT)


def _letters(n: int) -> list[str]:
    letters = list(string.ascii_lowercase)
    while len(letters) < n:
        letters += [a + b for a in string.ascii_lowercase for b in string.ascii_lowercase]
    return letters[:n]


def year_labels(entries) -> dict[str, str]:
    """Citation year by key: the year, plus a letter where author and year alone would repeat.

    ``entries`` in list order; letters are given in that order within each author-year.
    """
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    person = PersonStyle()
    for entry in entries:
        groups[(citation_author(entry, person), entry.fields.get("year", ""))].append(entry.key)
    labels = {}
    for (_, year), keys in groups.items():
        suffixes = _letters(len(keys)) if len(keys) > 1 else [""]
        for key, suffix in zip(keys, suffixes, strict=True):
            labels[key] = (year or "n.d.") + suffix
    return labels


def _display_date(entry: Entry, year: str) -> str | None:
    """ "20 July 2018a" from date = {2018-07-20}; None when the entry has no usable date."""
    match = DATE.match(str(entry.fields.get("date", "")).strip())
    if not match:
        return None
    _, month, day = match.groups()
    parts = [str(int(day))] if day else []
    if month:
        parts.append(MONTHS[int(month) - 1])
    return " ".join(parts + [year])


class Style(PlainStyle):
    """pybtex ``plain`` with the book's corrections (see the module docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._years: dict[str, str] = {}
        # BaseStyle.__init__ binds self.sort to the sorting plugin; wrap it, so that the
        # letters are worked out on the entries in the order of the list.
        self._sort_entries = self.sort
        self.sort = self._sort_and_letter

    def _sort_and_letter(self, entries):
        # plain's order (author, year, title), but by date within one author and year, so
        # that 2020a is the earlier item; a stable sort keeps title order for equal dates.
        entries = list(self._sort_entries(entries))
        key = self.sorting_style.sorting_key
        entries.sort(key=lambda e: (*key(e)[:2], str(e.fields.get("date", ""))))
        self._years = year_labels(entries)
        return entries

    def format_title(self, e, which_field, as_sentence=True):
        # plain applies text.capitalize(), which lower-cases everything after the first
        # letter that is not braced. The bibliography's titles are written in their case.
        title = field(which_field)
        return sentence[title] if as_sentence else title

    def format_web_refs(self, e):
        # As plain, but no full stop straight after a bare URL ("URL: https://host/x."),
        # which readers and auto-linkers take as part of the address.
        ends_with_url = "url" in e.fields and not any(
            name in e.fields for name in ("urldate", "eprint", "pubmed", "doi")
        )
        return sentence(add_period=not ends_with_url)[
            optional[self.format_url(e), optional[" (visited on ", field("urldate"), ")"]],
            optional[self.format_eprint(e)],
            optional[self.format_pubmed(e)],
            optional[self.format_doi(e)],
        ]

    def get_misc_template(self, e):
        # The publisher, unless the author or howpublished already names it
        # ("{Thompson Hine}"; "Reuters report carried by MarketScreener").
        people = " ".join(str(p) for role in ("author", "editor") for p in e.persons.get(role, []))
        said = plain_text(people + " " + e.fields.get("howpublished", "")).casefold()
        publisher = plain_text(e.fields.get("publisher", ""))
        show_publisher = bool(publisher) and publisher.casefold() not in said
        return toplevel[
            optional[sentence[self.format_names("author")]],
            optional[self.format_title(e, "title")],
            sentence[
                optional[field("howpublished")],
                optional[field("publisher")] if show_publisher else "",
                optional[_month_year],
            ],
            sentence[optional[field("note")]],
            self.format_web_refs(e),
        ]

    def format_entry(self, label, entry, bib_data=None):
        year = self._years.get(entry.key) or str(entry.fields.get("year", ""))
        shown = _display_date(entry, year)
        # The templates print the date as "<month> <year>"; give them the day and month
        # name in "month" and the lettered year in "year", on a copy of the entry.
        fields = dict(entry.fields)
        if shown:
            fields["month"], _, fields["year"] = shown.rpartition(" ")
            if not fields["month"]:
                del fields["month"]
        elif year:
            fields["year"] = year
        copy = Entry(entry.type, fields=fields, persons=entry.persons)
        copy.key = entry.key
        text = super().format_entry(label, copy, bib_data).text
        if str(entry.fields.get("keywords", "")).strip() == "primary":
            text = Text(text, " ", Tag("strong", PRIMARY_MARK + "."))
        return AuthorYearEntry(entry.key, text, label, year)


# ----- citations ------------------------------------------------------------------


@template.node
def year(children, data):
    """The year of a citation, with its letter, from the list entry it links to."""
    assert not children
    formatted = data.get("formatted_entry")
    if getattr(formatted, "year", ""):
        return Text(formatted.year)
    return template.year.format_data(data)


@dataclass
class _Parenthetical(BasicAuthorYearParentheticalReferenceStyle):
    def inner(self, role_name):
        return template.join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
            template.pre_text,
            template.reference[
                template.join(sep=self.author_year_sep)[
                    self.person.author_or_editor_or_title(full="s" in role_name),
                    year,
                ]
            ],
            template.post_text,
        ]


@dataclass
class _Textual(BasicAuthorYearTextualReferenceStyle):
    def inner(self, role_name):
        return template.join(sep=self.text_reference_sep)[
            self.person.author_or_editor_or_title(full="s" in role_name),
            template.join[
                self.bracket.left,
                template.join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
                    template.pre_text,
                    template.reference[year],
                    template.post_text,
                ],
                self.bracket.right,
            ],
        ]


@dataclass
class _Year(ExtraYearReferenceStyle):
    def inner(self, role_name):
        return template.reference[year]


@dataclass
class ReferenceStyle(AuthorYearReferenceStyle):
    """sphinxcontrib-bibtex's ``author_year`` with lettered years (see the module docstring)."""

    def __post_init__(self):
        self.styles.extend(
            [
                _Parenthetical(
                    bracket=self.bracket_parenthetical,
                    person=self.person,
                    author_year_sep=self.author_year_sep,
                    pre_text_sep=self.pre_text_sep,
                    post_text_sep=self.post_text_sep,
                ),
                _Textual(
                    bracket=self.bracket_textual,
                    person=self.person,
                    text_reference_sep=self.text_reference_sep,
                    pre_text_sep=self.pre_text_sep,
                    post_text_sep=self.post_text_sep,
                ),
                ExtraAuthorReferenceStyle(bracket=self.bracket_author, person=self.person),
                ExtraLabelReferenceStyle(bracket=self.bracket_label),
                _Year(bracket=self.bracket_year),
                ExtraEmptyReferenceStyle(),
            ]
        )
        GroupReferenceStyle.__post_init__(self)


def register() -> None:
    pybtex.plugin.register_plugin("pybtex.style.formatting", NAME, Style)
    register_plugin("sphinxcontrib.bibtex.style.referencing", NAME, ReferenceStyle)


def setup(app):
    register()
