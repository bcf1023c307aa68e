"""Papermill parameters: one registry of names, types, ranges and allowed values.

Each notebook declares its parameters, with defaults and a comment each, in the cell
tagged ``parameters`` (so ``papermill --help-notebook`` lists them). The rules for a
name live here, once, and apply in every notebook that uses it. Two checks use them:

- :func:`check_run` runs before papermill starts: unknown or misspelled names, wrong
  types and out-of-range values are refused with one message, and nothing runs.
- :func:`check` runs inside the notebook, right after the parameters, so a notebook
  executed some other way still refuses bad values.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

FIRST_DAY = dt.date(2015, 1, 1)
LAST_DAY = dt.date(2026, 11, 30)


# The kinds of value the chapters take. Add one (with its rules and tests) only when a
# chapter needs it.
KINDS = ("date", "list", "number", "choice")


class ParameterError(ValueError):
    """A parameter value or name was refused; the message says what is allowed."""


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # one of KINDS
    help: str
    minimum: Any = None
    maximum: Any = None
    choices: Callable[[], list[str]] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"parameter {self.name!r}: kind {self.kind!r} is not one of {', '.join(KINDS)}")

    def allowed(self) -> str:
        if self.kind == "date":
            return f"a date YYYY-MM-DD from {self.minimum} to {self.maximum}"
        if self.kind == "list":
            return "a list (comma-separated, or [] for all) of: " + ", ".join(self.choices())
        if self.kind == "choice":
            return "one of: " + ", ".join(self.choices())
        if self.kind == "number":
            whole = "a whole number" if isinstance(self.minimum, int) else "a number"
            return f"{whole} from {self.minimum:g} to {self.maximum:g}"
        raise AssertionError(f"unknown parameter kind {self.kind}")

    def coerce(self, value: Any) -> Any:
        """Return the value in its canonical type, or raise ParameterError."""
        try:
            result = self._coerce(value)
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"parameter {self.name!r}: got {value!r}; allowed: {self.allowed()}") from exc
        return result

    def _coerce(self, value: Any) -> Any:
        if self.kind == "date":
            if isinstance(value, dt.datetime):
                value = value.date()
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
            if not (self.minimum <= day <= self.maximum):
                raise ValueError("out of range")
            return day
        if self.kind == "list":
            if isinstance(value, str):
                items = [v.strip() for v in value.strip("[]").split(",") if v.strip()]
            elif isinstance(value, (list, tuple)):
                items = [str(v) for v in value]
            else:
                raise TypeError("not a list")
            allowed = set(self.choices())
            bad = [v for v in items if v not in allowed]
            if bad:
                raise ValueError(f"not allowed: {bad}")
            return items
        if self.kind == "choice":
            if not isinstance(value, str):
                raise TypeError("not a name")
            if value not in self.choices():
                raise ValueError(f"not allowed: {value!r}")
            return value
        if self.kind == "number":
            if isinstance(value, bool):
                raise TypeError("a true/false value is not a number")
            number = float(value)
            if not (self.minimum <= number <= self.maximum):
                raise ValueError("out of range")
            if isinstance(self.minimum, int):  # a count: whole numbers only
                if not number.is_integer():
                    raise ValueError("not a whole number")
                return int(number)
            return number
        raise AssertionError(f"unknown parameter kind {self.kind}")


def _vocabulary(dataset: str, column: str) -> Callable[[], list[str]]:
    def choices() -> list[str]:
        from . import data

        for f in data.resource(dataset)["schema"]["fields"]:
            if f["name"] == column and "enum" in f.get("constraints", {}):
                return list(f["constraints"]["enum"])
        # The values present, read straight from the CSV: validating the whole data package
        # (as data.load does) would cost seconds each time a page lists the parameters,
        # and every chapter already refuses invalid data when it runs.
        import csv

        with data.csv_path(dataset).open(encoding="utf-8", newline="") as handle:
            return sorted({row[column] for row in csv.DictReader(handle) if row.get(column)})

    return choices


REGISTRY: dict[str, Parameter] = {
    p.name: p
    for p in [
        Parameter("start_date", "date", "first day shown", FIRST_DAY, LAST_DAY),
        Parameter("end_date", "date", "last day shown", FIRST_DAY, LAST_DAY),
        Parameter(
            "jurisdictions", "list", "jurisdictions shown ([] = all)", choices=_vocabulary("measures", "jurisdiction")
        ),
        Parameter("instruments", "list", "instruments shown ([] = all)", choices=_vocabulary("measures", "instrument")),
        Parameter("targets", "list", "targets shown ([] = all)", choices=_vocabulary("measures", "target")),
        Parameter("as_of", "date", "date on which the clock, or the forecasts, are read", FIRST_DAY, LAST_DAY),
        Parameter(
            "probability_scale",
            "choice",
            "scale that turns words of likelihood into probabilities",
            choices=_vocabulary("probability_words", "scale"),
        ),
        Parameter("bootstrap_runs", "number", "model runs behind the uncertainty band", 20, 2000),
        Parameter("outage_days", "number", "days TikTok stays dark in the model's counterfactual run", 0.0, 365.0),
        Parameter(
            "translation_date",
            "date",
            "day RedNote's translation arrives in the counterfactual run",
            FIRST_DAY,
            LAST_DAY,
        ),
        Parameter(
            "actor_groups",
            "list",
            "actor groups compared ([] = the four Chinese groups)",
            choices=_vocabulary("narratives", "actor_group"),
        ),
    ]
}


def _unknown(name: str, known: list[str]) -> ParameterError:
    hint = difflib.get_close_matches(name, known, n=1)
    suggestion = f"; did you mean {hint[0]!r}?" if hint else ""
    return ParameterError(f"unknown parameter {name!r}{suggestion} This notebook takes: {', '.join(sorted(known))}")


def _check_pair(values: dict) -> None:
    start, end = values.get("start_date"), values.get("end_date")
    if start and end and start >= end:
        raise ParameterError(
            f"parameters 'start_date' and 'end_date': got {start} and {end}; start_date must be before end_date"
        )


def check(**values: Any) -> dict[str, Any]:
    """Validate a notebook's parameter values; return them in canonical types."""
    result = {}
    for name, value in values.items():
        if name not in REGISTRY:
            raise _unknown(name, list(REGISTRY))
        result[name] = REGISTRY[name].coerce(value)
    _check_pair(result)
    return result


def declared(notebook_path) -> dict[str, dict]:
    """The parameters a notebook declares in its ``parameters`` cell (via papermill)."""
    import papermill

    return papermill.inspect_notebook(str(notebook_path))


def check_run(notebook_path, given: dict[str, Any]) -> dict[str, Any]:
    """Validate parameters for a run of ``notebook_path``, before any work is done.

    Unknown names, wrong types and out-of-range values all raise one ParameterError
    whose message lists every problem. Returns the values as papermill should pass them
    (dates as ISO strings, lists as lists).
    """
    known = declared(notebook_path)
    if not known:
        raise ParameterError(f"{notebook_path} has no cell tagged 'parameters'")
    problems, clean = [], {}
    for name, value in given.items():
        if name not in known:
            problems.append(str(_unknown(name, list(known))))
            continue
        try:
            clean[name] = REGISTRY[name].coerce(value)
        except ParameterError as exc:
            problems.append(str(exc))
    if not problems:
        merged = {n: REGISTRY[n].coerce(_default(known[n])) for n in known}
        merged.update(clean)
        try:
            _check_pair(merged)
        except ParameterError as exc:
            problems.append(str(exc))
    if problems:
        raise ParameterError("\n".join(problems))
    return {n: v.isoformat() if isinstance(v, dt.date) else v for n, v in clean.items()}


def _default(info: dict) -> Any:
    import ast

    return ast.literal_eval(info["default"])
