"""Select rows by chapter parameters (date window, jurisdictions, instruments, targets).

An empty selection is an error that names the parameters, so a run with other values
never produces an empty chart or a sentence about zero measures.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


class EmptySelection(ValueError):
    """The parameters leave no rows to show."""


def window(frame: pd.DataFrame, column: str, start=None, end=None) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index)
    if start is not None:
        keep &= frame[column] >= pd.Timestamp(start)
    if end is not None:
        keep &= frame[column] <= pd.Timestamp(end)
    return frame[keep]


def measures(
    frame: pd.DataFrame, *, start_date=None, end_date=None, jurisdictions=(), instruments=(), targets=()
) -> pd.DataFrame:
    """Measures in the window whose jurisdiction, instrument and target are among those given ([] = all)."""
    chosen = window(frame, "date", start_date, end_date)
    for column, wanted in (("jurisdiction", jurisdictions), ("instrument", instruments), ("target", targets)):
        if wanted:
            chosen = chosen[chosen[column].isin(list(wanted))]
    if chosen.empty:
        raise EmptySelection(
            f"no measures match start_date={start_date}, end_date={end_date}, "
            f"jurisdictions={list(jurisdictions)}, instruments={list(instruments)}, targets={list(targets)}; "
            "widen the window or the lists"
        )
    return chosen.sort_values(["date", "id"]).reset_index(drop=True)


def by_id(frame: pd.DataFrame, wanted: Mapping[str, str], column: str) -> dict:
    """``column`` of the rows named in ``wanted``, a mapping of meaningful name -> row id.

    Returns ``{name: value}``. A row id that is not in the table is a KeyError that names
    the id, the file and the name it was wanted for, so a mistyped id stops the chapter
    instead of printing some other row's value.
    """
    indexed = frame.set_index("id")
    missing = {name: i for name, i in wanted.items() if i not in indexed.index}
    if missing:
        where = frame.attrs.get("path", "the table")
        raise KeyError(
            f"no row with id {', '.join(repr(i) for i in missing.values())} in {where} "
            f"(wanted for {', '.join(repr(n) for n in missing)})"
        )
    return {name: indexed.at[i, column] for name, i in wanted.items()}
