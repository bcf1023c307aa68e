"""Inter-coder reliability of the narratives coding: pair the two codings, compute agreement.

Three files hold the test (their schemas are in ``data/datapackage.json``):

- ``data/narratives.csv``: the first coding, with the *final* codes, i.e. after adjudication;
- ``data/narratives_recoding.csv``: the independent second coding of a 40-row sample;
- ``data/adjudications.csv``: one row per cell on which the two codings disagreed, with the
  first coder's code before adjudication (``first_code``), the second coder's code and the
  final code.

Reliability is a property of the two codings as they were made, before anyone reconciled
them, so the first coding is rebuilt here: the codes of ``narratives.csv`` with each
adjudicated cell replaced by its ``first_code`` (:func:`first_coding`). The files are
checked against each other while this is done: an adjudication whose ``final_code`` is not
the code now in ``narratives.csv``, or whose ``second_code`` is not the recoding's code, is
an error, so the pre-adjudication coding cannot silently drift from the data.

:func:`table` gives, per variable, the number of units, raw agreement and Krippendorff's
alpha (nominal, computed with the ``krippendorff`` package, the vocabulary of the narratives
schema as the value domain). ``data/reliability.csv`` publishes it; rewrite it with
:func:`write` (``python -m appcontest.reliability``) after changing any of the three files.
tests/test_reliability.py fails when the published file no longer matches the data.

Every problem raises :class:`ReliabilityError`, whose message names the file, the id and,
where there is one, the column.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import krippendorff
import numpy as np

from . import data, paths

VARIABLES = ("actor_group", "frame", "stance", "topic")
COLUMNS = ("variable", "units", "agreement", "alpha", "computed_with")
DECIMALS = 3
BOOTSTRAP_SEED = 20261202


class ReliabilityError(ValueError):
    """The two codings cannot be paired; the message names the file, the id and the column."""


@dataclass(frozen=True)
class Pair:
    """One unit's codes for one variable: the first coding (before adjudication) and the second."""

    id: str
    variable: str
    first: str
    second: str

    @property
    def agree(self) -> bool:
        return self.first == self.second


def vocabulary() -> dict[str, list[str]]:
    """The codes allowed for each variable, from the narratives schema."""
    fields = {f["name"]: f for f in data.resource("narratives")["schema"]["fields"]}
    return {v: list(fields[v]["constraints"]["enum"]) for v in VARIABLES}


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(paths.root()))
    except ValueError:
        return str(path)


def _read(name: str) -> tuple[str, list[dict]]:
    path = data.csv_path(name)
    with path.open(newline="", encoding="utf-8") as fh:
        return _relative(path), list(csv.DictReader(fh))


def _check_code(file: str, row_id: str, column: str, variable: str, code: str, vocab: dict) -> None:
    if code not in vocab[variable]:
        raise ReliabilityError(
            f"{file}, id {row_id}, column {column!r}: {code!r} is not a code of {variable} "
            f"(allowed: {', '.join(vocab[variable])})"
        )


def second_coding() -> dict[str, dict[str, str]]:
    """The second coding: id -> variable -> code, every code checked against the vocabulary."""
    vocab = vocabulary()
    file, rows = _read("narratives_recoding")
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        row_id = row.get("id") or ""
        if row_id in out:
            raise ReliabilityError(f"{file}, id {row_id}: the unit is coded twice")
        for v in VARIABLES:
            _check_code(file, row_id, v, v, row.get(v) or "", vocab)
        out[row_id] = {v: row[v] for v in VARIABLES}
    return out


def adjudications() -> dict[tuple[str, str], dict[str, str]]:
    """(id, variable) -> the adjudication row, every code checked against its variable's vocabulary."""
    vocab = vocabulary()
    file, rows = _read("adjudications")
    out: dict[tuple[str, str], dict[str, str]] = {}
    for row in rows:
        row_id, variable = row.get("id") or "", row.get("variable") or ""
        if variable not in VARIABLES:
            raise ReliabilityError(f"{file}, id {row_id}, column 'variable': {variable!r} is not a coded variable")
        if (row_id, variable) in out:
            raise ReliabilityError(f"{file}, id {row_id}: {variable} is adjudicated twice")
        for column in ("first_code", "second_code", "final_code"):
            _check_code(file, row_id, column, variable, row.get(column) or "", vocab)
        out[(row_id, variable)] = row
    return out


def first_coding() -> dict[str, dict[str, str]]:
    """The first coding as it was before adjudication: id -> variable -> code.

    The codes of narratives.csv, with each adjudicated cell replaced by the adjudication's
    ``first_code``; an adjudication whose ``final_code`` is not the code in narratives.csv
    is refused (the adjudication and the data disagree).
    """
    vocab = vocabulary()
    file, rows = _read("narratives")
    coding = {}
    for row in rows:
        row_id = row.get("id") or ""
        for v in VARIABLES:
            _check_code(file, row_id, v, v, row.get(v) or "", vocab)
        coding[row_id] = {v: row[v] for v in VARIABLES}
    adj_file = _relative(data.csv_path("adjudications"))
    for (row_id, variable), adj in adjudications().items():
        if row_id not in coding:
            raise ReliabilityError(f"{adj_file}, id {row_id}: no such id in {file}")
        if coding[row_id][variable] != adj["final_code"]:
            raise ReliabilityError(
                f"{adj_file}, id {row_id}, column 'final_code': {adj['final_code']!r} is not the {variable} "
                f"in {file} ({coding[row_id][variable]!r}); update one of them"
            )
        coding[row_id][variable] = adj["first_code"]
    return coding


def pairs() -> list[Pair]:
    """Every (unit, variable) coded by both coders, in the recoding's order.

    Refused, naming the file and id: a recoded id that is not in narratives.csv, a code
    outside the vocabulary, an adjudication of a cell on which the coders agree, and an
    adjudication whose second_code is not the recoding's code.
    """
    first, second, adj = first_coding(), second_coding(), adjudications()
    rec_file = _relative(data.csv_path("narratives_recoding"))
    adj_file = _relative(data.csv_path("adjudications"))
    out = []
    for row_id, codes in second.items():
        if row_id not in first:
            raise ReliabilityError(f"{rec_file}, id {row_id}: no such id in data/narratives.csv")
        for v in VARIABLES:
            out.append(Pair(row_id, v, first[row_id][v], codes[v]))
    for (row_id, variable), row in adj.items():
        if row_id not in second:
            raise ReliabilityError(f"{adj_file}, id {row_id}: the unit is not in {rec_file}")
        if row["second_code"] != second[row_id][variable]:
            raise ReliabilityError(
                f"{adj_file}, id {row_id}, column 'second_code': {row['second_code']!r} is not the {variable} "
                f"in {rec_file} ({second[row_id][variable]!r})"
            )
        if row["first_code"] == row["second_code"]:
            raise ReliabilityError(f"{adj_file}, id {row_id}: the coders agree on {variable}; nothing to adjudicate")
    return out


def alpha(first: list[str], second: list[str], domain: list[str]) -> float:
    """Krippendorff's alpha (nominal) for two coders, with ``domain`` as the codes' order."""
    index = {code: i for i, code in enumerate(domain)}
    matrix = np.array([[index[c] for c in first], [index[c] for c in second]], dtype=float)
    if len(np.unique(matrix)) < 2:
        raise ReliabilityError("alpha is undefined when every unit has the same code (no variation)")
    codes = list(range(len(domain)))
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal", value_domain=codes))


def agreement(first: list[str], second: list[str]) -> float:
    """The share of units given the same code by both coders."""
    return sum(a == b for a, b in zip(first, second, strict=True)) / len(first)


def disagreements() -> list[Pair]:
    """The cells on which the two codings differ (the cells adjudications.csv must cover)."""
    return [p for p in pairs() if not p.agree]


def computed_with() -> str:
    return f"krippendorff {version('krippendorff')} (nominal)"


def table() -> list[dict]:
    """Per variable: units, raw agreement and alpha, rounded as data/reliability.csv holds them."""
    vocab, all_pairs = vocabulary(), pairs()
    out = []
    for v in VARIABLES:
        ps = [p for p in all_pairs if p.variable == v]
        first, second = [p.first for p in ps], [p.second for p in ps]
        out.append(
            {
                "variable": v,
                "units": len(ps),
                "agreement": f"{agreement(first, second):.{DECIMALS}f}",
                "alpha": f"{alpha(first, second, vocab[v]):.{DECIMALS}f}",
                "computed_with": computed_with(),
            }
        )
    return out


def bootstrap_ci(variable: str, draws: int = 2000, level: float = 0.95, seed: int = BOOTSTRAP_SEED):
    """A percentile bootstrap interval for alpha: units resampled with replacement, seeded.

    Resamples in which every unit has the same code (alpha undefined) are skipped. Not
    published in reliability.csv; a rough guide to how much 40 units can tell.
    """
    vocab = vocabulary()[variable]
    ps = [p for p in pairs() if p.variable == variable]
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(draws):
        sample = [ps[i] for i in rng.integers(0, len(ps), len(ps))]
        try:
            values.append(alpha([p.first for p in sample], [p.second for p in sample], vocab))
        except ReliabilityError:
            continue
    low, high = np.quantile(values, [(1 - level) / 2, 1 - (1 - level) / 2])
    return float(low), float(high)


def render() -> str:
    """data/reliability.csv as it should be, from the three data files."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table())
    return buffer.getvalue()


def reliability_path() -> Path:
    return data.csv_path("reliability")


def write() -> Path:
    """Rewrite data/reliability.csv from the data; returns its path."""
    path = reliability_path()
    path.write_text(render(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"wrote {_relative(write())}")
    print(render(), end="")
