"""Select rows by chapter parameters (date window, jurisdictions, instruments, targets).

An empty selection is an error that names the parameters, so a run with other values
never produces an empty chart or a sentence about zero measures.
"""

from __future__ import annotations

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


def measures(frame: pd.DataFrame, *, start_date=None, end_date=None, jurisdictions=(), instruments=(), targets=()) -> pd.DataFrame:
    """Measures in the window whose jurisdiction, instrument and target are among those given ([] = all)."""
    chosen = window(frame, "date", start_date, end_date)
    for column, wanted in (("jurisdiction", jurisdictions), ("instrument", instruments), ("target", targets)):
        if wanted:
            chosen = chosen[chosen[column].isin(list(wanted))]
    if chosen.empty:
        raise EmptySelection(
            "no measures match start_date={}, end_date={}, jurisdictions={}, instruments={}, targets={}; "
            "widen the window or the lists".format(start_date, end_date, list(jurisdictions), list(instruments), list(targets))
        )
    return chosen.sort_values(["date", "id"]).reset_index(drop=True)
