"""Load and validate the datasets in ``data/``.

This is the one place the book reads its data. The schemas live beside the data in
``data/datapackage.json`` (a Frictionless Data Package); Frictionless checks types,
closed vocabularies, patterns, date ranges, unique ids and the links between files.
On top of that this module checks what a Data Package cannot express: that every source
key a row names exists in ``references.bib``.

Any problem raises :class:`DataError`, whose message names the file, the row (the line
number in the CSV, header = 1, and the row's id), the column and the rule broken.
"""

from __future__ import annotations

import csv
import json
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import bibliography, paths


class DataError(ValueError):
    """A dataset breaks its schema; the message names file, row, column and rule."""


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    row_id: str | None
    column: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}" + (f" (id {self.row_id})" if self.row_id else "")
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.message} [rule: {self.rule}]"


def descriptor() -> dict:
    return json.loads(paths.datapackage_file().read_text(encoding="utf-8"))


def names() -> list[str]:
    """The datasets, in the order the data package lists them."""
    return [r["name"] for r in descriptor()["resources"]]


def resource(name: str) -> dict:
    for r in descriptor()["resources"]:
        if r["name"] == name:
            return r
    raise KeyError(f"no dataset named {name!r}; the datasets are: {', '.join(names())}")


def csv_path(name: str) -> Path:
    return paths.data_dir() / resource(name)["path"]


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(paths.root()))
    except ValueError:
        return str(path)


def _rows(path: Path) -> list[dict]:
    # The csv module, not pandas: a malformed row must reach the validator's report
    # (which names it) instead of stopping the read with a parser error.
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _row_ids(path: Path) -> dict[int, str]:
    """Map CSV row number (header = 1) to the row's id, for error messages."""
    return {i + 2: row.get("id") or "" for i, row in enumerate(_rows(path))}


def _message(error) -> str:
    # Frictionless's own message repeats the row and field; keep the value and the rule.
    cell, note = getattr(error, "cell", None), getattr(error, "note", "")
    if cell is not None and note:
        return f"value {cell!r} breaks the rule: {note}"
    return error.message


def _frictionless_problems() -> list[Problem]:
    # Imported here: frictionless is slow to import and only needed when validating.
    from frictionless import Package, system

    problems: list[Problem] = []
    with system.use_context(trusted=True), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        package = Package(str(paths.datapackage_file()))
        report = package.validate()
    for task in report.tasks:
        path = paths.data_dir() / Path(task.place).name if task.place else paths.datapackage_file()
        ids = _row_ids(path) if path.suffix == ".csv" and path.exists() else {}
        for error in task.errors:
            row = getattr(error, "row_number", None)
            problems.append(
                Problem(
                    file=_relative(path),
                    row=row,
                    row_id=ids.get(row) if row else None,
                    column=getattr(error, "field_name", None),
                    rule=error.type,
                    message=_message(error),
                )
            )
    for error in report.errors:
        problems.append(Problem(_relative(paths.datapackage_file()), None, None, None, error.type, error.message))
    return problems


SOURCE_COLUMNS = ("source_keys", "source_key")


def source_column(name: str) -> str | None:
    """The column of dataset ``name`` that names its sources (``source_keys``, or
    ``source_key`` in narratives, where each row is one position in one source).

    None for the datasets about the narratives coding itself (the second coding, the
    adjudications, the reliability table): their rows are about narratives rows, whose
    sources they share, and have no sources of their own."""
    fields = [f["name"] for f in resource(name)["schema"]["fields"]]
    return next((c for c in SOURCE_COLUMNS if c in fields), None)


def _source_key_problems() -> list[Problem]:
    try:
        sources = bibliography.load()
    except bibliography.BibliographyError as exc:
        return [Problem(_relative(paths.bibliography_file()), None, None, None, "bibliography-entry", str(exc))]
    problems = []
    for res in descriptor()["resources"]:
        path = paths.data_dir() / res["path"]
        if not path.exists():
            continue
        column = source_column(res["name"])
        if column is None:
            continue
        for i, row in enumerate(_rows(path)):
            row_id, cell = row.get("id") or "", row.get(column) or ""
            for key in bibliography.split_keys(cell):
                if key not in sources:
                    problems.append(
                        Problem(
                            _relative(path),
                            i + 2,
                            row_id,
                            column,
                            "source-key-exists",
                            f"source key {key!r} is not in references.bib",
                        )
                    )
    return problems


def problems() -> list[Problem]:
    """Every problem in the data package and its links to the bibliography."""
    return _frictionless_problems() + _source_key_problems()


def _fingerprint() -> tuple:
    files = [paths.datapackage_file(), paths.bibliography_file()]
    files += [paths.data_dir() / r["path"] for r in descriptor()["resources"]]
    return tuple((str(f), f.stat().st_mtime_ns if f.exists() else None) for f in files)


@lru_cache(maxsize=2)
def _validated(fingerprint: tuple) -> None:
    found = problems()
    if found:
        head = f"{len(found)} problem(s) in the data; fix the first and run `make validate`:"
        raise DataError("\n".join([head] + [f"  {p}" for p in found]))


def validate() -> None:
    """Raise DataError naming every problem; cached until a data file changes."""
    _validated(_fingerprint())


_PANDAS_TYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean"}


def load(name: str) -> pd.DataFrame:
    """The dataset ``name``, validated, with dates as datetimes and numbers as numbers."""
    res = resource(name)
    validate()
    frame = pd.read_csv(paths.data_dir() / res["path"], dtype=str, keep_default_na=False)
    for field in res["schema"]["fields"]:
        column, kind = field["name"], field["type"]
        if kind == "date":
            frame[column] = pd.to_datetime(frame[column].replace("", None), format="%Y-%m-%d")
        elif kind in _PANDAS_TYPES:
            frame[column] = pd.to_numeric(frame[column].replace("", None)).astype(_PANDAS_TYPES[kind])
    frame.attrs["dataset"] = name
    frame.attrs["path"] = _relative(paths.data_dir() / res["path"])
    return frame


def geometry_path() -> Path:
    """The shipped world-map geometry (TopoJSON, Natural Earth 1:110m via world-atlas)."""
    return paths.data_dir() / "geo" / "countries-110m.json"


def load_geometry() -> dict:
    """The world map as TopoJSON; the ``countries`` object's ids are ISO 3166-1 numeric codes."""
    return json.loads(geometry_path().read_text(encoding="utf-8"))


def summary(name: str) -> dict:
    """Row count, date range and date column of a dataset, for its documentation page."""
    frame = load(name)
    dates = [f["name"] for f in resource(name)["schema"]["fields"] if f["type"] == "date"]
    info = {"rows": len(frame), "date_column": dates[0] if dates else None, "first": None, "last": None}
    if dates and len(frame):
        info["first"] = frame[dates[0]].min().date().isoformat()
        info["last"] = frame[dates[0]].max().date().isoformat()
    return info
