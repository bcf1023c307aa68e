"""What every chapter notebook needs besides data and charts: gluing results into prose.

Numbers, dates and figures reach the text only through myst-nb ``glue``, so the prose
and the charts are computed from the same run and cannot disagree.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .figures import Figure


def day(value) -> str:
    """A date as prose: 6 August 2020."""
    value = pd.Timestamp(value)
    return f"{value.day} {value:%B %Y}"


def number(value: float) -> str:
    """A count as prose, with thousands separators: 1,250."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def glue(name: str, value, *, display: bool = False) -> str:
    """Glue a value for the prose as the text the book prints (dates and numbers formatted).

    Everything is glued as a ``str``: ``{glue:text}`` reads the value back with
    ``ast.literal_eval`` of its repr, which returns a string exactly, whereas a bare
    ``100,000,000`` would come back as the tuple ``(100, 0, 0)``.
    """
    from myst_nb import glue as nb_glue

    if isinstance(value, (pd.Timestamp, dt.date)):
        value = day(value)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        value = number(value)
    value = str(value)
    nb_glue(name, value, display=display)
    return value


def glue_all(values: dict, prefix: str = "") -> None:
    """Glue every entry of a summaries dict under its own name (after ``prefix``)."""
    for name, value in values.items():
        glue(prefix + name, value)


def glue_fields(frame: pd.DataFrame, ids: list[str], column: str, suffix: str = "") -> None:
    """Glue ``column`` of each row named by id, under ``<id><suffix>``.

    A missing id is an error here, in the notebook, rather than a hole in the prose.
    """
    indexed = frame.set_index("id")
    missing = [i for i in ids if i not in indexed.index]
    if missing:
        raise KeyError(f"no rows with id {missing} in {frame.attrs.get('path', 'the table')}")
    for i in ids:
        glue(i + suffix, indexed.at[i, column])


def glue_dates(frame: pd.DataFrame, ids: list[str], column: str = "date") -> None:
    """Glue the date of each row named by id, under the id itself (``{glue:text}`M016```)."""
    glue_fields(frame, ids, column)


def glue_source_dates(keys: list[str]) -> None:
    """Glue the date of each bibliography entry under its key, for events known only
    from a cited document (no dataset row), so that their dates are not typed by hand."""
    from . import bibliography

    sources = bibliography.load()
    for key in keys:
        glue(key, pd.Timestamp(sources[key].date))


def glue_figure(figure: Figure) -> None:
    """Glue a figure under its name, for a ``{glue:figure}`` directive in the prose.

    Returns nothing, so the figure is not displayed a second time as the cell's output.
    """
    from myst_nb import glue as nb_glue

    nb_glue(figure.name, figure, display=False)
