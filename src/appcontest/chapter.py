"""What every chapter notebook needs besides data and charts: gluing results into prose.

Numbers, dates and figures reach the text only through myst-nb ``glue``, so the prose
and the charts are computed from the same run and cannot disagree.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .figures import Figure


class Text(str):
    """A string that displays without quotes when glued with ``{glue:text}``."""

    def __repr__(self) -> str:
        return str(self)


def day(value) -> Text:
    """A date as prose: 6 August 2020."""
    value = pd.Timestamp(value)
    return Text(f"{value.day} {value:%B %Y}")


def number(value: float) -> Text:
    """A count as prose, with thousands separators: 1,250."""
    if float(value).is_integer():
        return Text(f"{int(value):,}")
    return Text(f"{value:,.1f}")


def glue(name: str, value, *, display: bool = False):
    """Glue a value for the prose; dates and numbers are formatted as the book writes them."""
    from myst_nb import glue as nb_glue

    if isinstance(value, (pd.Timestamp, dt.date)):
        value = day(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        value = number(value)
    elif isinstance(value, str) and not isinstance(value, Text):
        value = Text(value)
    nb_glue(name, value, display=display)
    return value


def glue_figure(figure: Figure) -> None:
    """Glue a figure under its name, for a ``{glue:figure}`` directive in the prose.

    Returns nothing, so the figure is not displayed a second time as the cell's output.
    """
    from myst_nb import glue as nb_glue

    nb_glue(figure.name, figure, display=False)
