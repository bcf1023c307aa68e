"""What every chapter notebook needs besides data and charts: gluing results into prose.

Numbers, dates and figures reach the text only through myst-nb ``glue``, so the prose
and the charts are computed from the same run and cannot disagree.

Glue keys say what they hold (``eo13942-signed``, ``first-deadline-days-left``), never
which row they came from: a key such as ``M016`` would print a valid date for any
mistyped id, and the prose could not be read without the dataset beside it. The helpers
that take values from dataset rows are therefore given a mapping of key -> row id.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import pandas as pd

from . import select
from .figures import Figure

KEY_PATTERN = re.compile(r"[a-z][a-z0-9-]*")
# A dataset row id (M016, D01, MM036, R001, N012) at the start of a key, in either case.
ROW_ID = re.compile(r"[A-Za-z]{1,2}\d{2,3}(?!\d)")

# Numbers from here up are written in words when they are round (170 million), so that
# the reader does not have to count digits.
LARGE = 10_000
SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))


def day(value) -> str:
    """A date as prose: 6 August 2020."""
    value = pd.Timestamp(value)
    return f"{value.day} {value:%B %Y}"


def in_words(value: float) -> str | None:
    """A large round number in words: 170 million, 1.2 billion; None if it is not one.

    "Round" means exact to one decimal of its scale (million, billion, trillion), so no
    figure is rounded on the way into the prose: 123,456,789 is not round and stays in
    digits. Numbers below a million are read at a glance in digits (45,000), so they
    have no word form either.
    """
    for scale, word in SCALES:
        if abs(value) >= scale:
            tenths = value * 10 / scale
            if abs(tenths - round(tenths)) > 1e-9:
                return None
            amount = round(tenths) / 10
            text = f"{int(amount):,}" if amount.is_integer() else f"{amount:,.1f}"
            return f"{text} {word}"
    return None


def number(value: float) -> str:
    """A count as prose: 1,250; over 10,000 a round number is written in words (100 million)."""
    if abs(value) > LARGE and (words := in_words(value)):
        return words
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def check_key(name: str) -> str:
    """Refuse a glue key that is not lowercase-hyphenated or that is a bare row id."""
    if not KEY_PATTERN.fullmatch(name):
        raise ValueError(
            f"glue key {name!r} must be lowercase words joined by hyphens "
            f"(pattern ^{KEY_PATTERN.pattern}$), e.g. 'eo13942-signed'"
        )
    if ROW_ID.match(name):
        raise ValueError(
            f"glue key {name!r} looks like a dataset row id; name what the value "
            "means instead (e.g. 'tiktok-act-signed', not 'm046')"
        )
    return name


def glue(name: str, value, *, display: bool = False) -> str:
    """Glue a value for the prose as the text the book prints (dates and numbers formatted).

    Everything is glued as a ``str``: ``{glue:text}`` reads the value back with
    ``ast.literal_eval`` of its repr, which returns a string exactly, whereas a bare
    ``100,000,000`` would come back as the tuple ``(100, 0, 0)``.
    """
    from myst_nb import glue as nb_glue

    check_key(name)
    if isinstance(value, (pd.Timestamp, dt.date)):
        value = day(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        value = number(value)
    value = str(value)
    nb_glue(name, value, display=display)
    return value


def glue_all(values: Mapping[str, object]) -> None:
    """Glue every entry of a mapping (a summaries dict, say) under its own key."""
    for name, value in values.items():
        glue(name, value)


def glue_fields(frame: pd.DataFrame, keys: Mapping[str, str], column: str) -> None:
    """Glue ``column`` of dataset rows, given as ``{glue key: row id}``.

    ``glue_fields(measures, {"jv-closed-summary": "M057"}, "summary")``. A row id that is
    not in the table is a KeyError naming the id and the file.
    """
    glue_all(select.by_id(frame, keys, column))


def glue_dates(frame: pd.DataFrame, keys: Mapping[str, str], column: str = "date") -> None:
    """Glue the date of dataset rows, given as ``{glue key: row id}``:
    ``glue_dates(measures, {"eo13942-signed": "M016"})``."""
    glue_fields(frame, keys, column)


def glue_source_dates(keys: Mapping[str, str]) -> None:
    """Glue the date of bibliography entries, given as ``{glue key: bibliography key}``, for
    events known only from a cited document (no dataset row), so that their dates are not
    typed by hand."""
    from . import bibliography

    sources = bibliography.load()
    missing = [k for k in keys.values() if k not in sources]
    if missing:
        raise KeyError(f"no entry {', '.join(map(repr, missing))} in references.bib")
    for name, key in keys.items():
        glue(name, pd.Timestamp(sources[key].date))


def glue_figure(figure: Figure) -> None:
    """Glue a figure under its name, for a ``{glue:figure}`` directive in the prose.

    Returns nothing, so the figure is not displayed a second time as the cell's output.
    """
    from myst_nb import glue as nb_glue

    nb_glue(check_key(figure.name), figure, display=False)
