"""The datasets: the real data validates, and every kind of bad row is caught and named."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from appcontest import data


def test_every_dataset_validates_and_loads():
    data.validate()
    for name in data.names():
        frame = data.load(name)
        assert len(frame) > 0, name


def test_loaded_types_follow_the_schema():
    measures = data.load("measures")
    assert pd.api.types.is_datetime64_any_dtype(measures["date"])
    metrics = data.load("migration_metrics")
    assert pd.api.types.is_float_dtype(metrics["value"])


def test_issue_minimum_sizes():
    assert len(data.load("measures")) >= 80


def _rewrite(root, name, mutate):
    path = root / "data" / data.resource(name)["path"]
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    mutate(rows)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def _error(root) -> str:
    with pytest.raises(data.DataError) as caught:
        data.validate()
    return str(caught.value)


# One bad cell per dataset: (dataset, column, bad value, rule that must be named).
BAD_CELLS = [
    ("measures", "instrument", "decree", "constraint-error"),
    ("measures", "date", "2020-02-30", "type-error"),
    ("measures", "date", "2031-01-01", "constraint-error"),
    ("deadlines", "resolution", "postponed", "constraint-error"),
    ("deadlines", "set_by_measure_id", "M999", "foreign-key"),
    ("migration_metrics", "value", "-5", "constraint-error"),
    ("migration_metrics", "measurer_kind", "blog", "constraint-error"),
    ("narratives", "frame", "vibes", "constraint-error"),
    ("restrictions", "iso_n3", "12", "constraint-error"),
    ("restrictions", "source_keys", "nosuchsource2020", "source-key-exists"),
    ("narratives_recoding", "stance", "neutral", "constraint-error"),
    ("narratives_recoding", "source_read", "skimmed", "constraint-error"),
    ("narratives_recoding", "id", "N999", "foreign-key"),
    ("adjudications", "variable", "paraphrase", "constraint-error"),
    ("adjudications", "final_code", "vibes", "constraint-error"),
    ("adjudications", "id", "N001", "foreign-key"),
]

# The datasets whose rows are about narratives rows (the second coding, its adjudications and
# the agreement table) and so have no source column of their own.
SOURCELESS = {"narratives_recoding", "adjudications", "reliability"}


@pytest.mark.parametrize("name,column,value,rule", BAD_CELLS)
def test_a_bad_cell_is_named_by_file_row_column_and_rule(data_copy, name, column, value, rule):
    rows = _rewrite(data_copy, name, lambda rows: rows[2].__setitem__(column, value))
    message = _error(data_copy)
    expected = f"data/{data.resource(name)['path']}, row 4 (id {rows[2]['id']})"
    lines = [line for line in message.splitlines() if expected in line]
    assert lines, message
    assert any(rule in line for line in lines), message
    if rule != "foreign-key":  # Frictionless names the key's fields, not one column
        assert any(f"column {column!r}" in line for line in lines), message


def test_a_reliability_row_out_of_range_is_refused(data_copy):
    _rewrite(data_copy, "reliability", lambda rows: rows[2].__setitem__("alpha", "1.5"))
    message = _error(data_copy)
    assert "data/reliability.csv, row 4, column 'alpha'" in message and "constraint-error" in message


def test_an_adjudication_outside_the_sample_or_twice_is_refused(data_copy):
    _rewrite(data_copy, "adjudications", lambda rows: rows.append(dict(rows[0])))
    message = _error(data_copy)
    assert "data/adjudications.csv, row 16" in message and "primary-key" in message


def test_a_duplicate_id_is_refused(data_copy):
    _rewrite(data_copy, "measures", lambda rows: rows[5].__setitem__("id", rows[4]["id"]))
    message = _error(data_copy)
    assert "unique-error" in message and "data/measures.csv, row 7" in message


def test_a_row_with_an_extra_cell_is_refused_not_dropped(data_copy):
    path = data_copy / "data" / "narratives.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3] + ",surplus"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = _error(data_copy)
    assert "data/narratives.csv, row 4" in message and "extra-cell" in message


def test_a_missing_required_value_is_refused(data_copy):
    _rewrite(data_copy, "deadlines", lambda rows: rows[0].__setitem__("source_keys", ""))
    message = _error(data_copy)
    assert "data/deadlines.csv, row 2" in message and "source_keys" in message


@pytest.mark.parametrize(
    "replacement,complaint",
    [
        ("", "has no url"),
        ("    url = {htp:/broken},", "is not a well-formed http(s) URL"),
    ],
)
def test_a_bibliography_entry_without_a_good_url_is_refused(data_copy, replacement, complaint):
    bib = data_copy / "references.bib"
    text = bib.read_text(encoding="utf-8")
    first_url = next(line for line in text.splitlines() if line.strip().lower().startswith("url"))
    bib.write_text(text.replace(first_url, replacement, 1), encoding="utf-8")
    message = _error(data_copy)
    assert "references.bib" in message and complaint in message


def test_every_narrative_cites_a_source_and_every_row_a_key():
    narratives = data.load("narratives")
    assert narratives["source_key"].str.len().min() > 0
    for name in data.names():
        column = data.source_column(name)
        if column is None:  # rows about narratives rows: their sources are those rows' sources
            assert name in SOURCELESS, f"{name} has no source column"
            continue
        frame = data.load(name)
        assert (frame[column].str.len() > 0).all(), name


def test_restrictions_are_all_on_the_map():
    restrictions = data.load("restrictions")
    ids = {g.get("id") for g in data.load_geometry()["objects"]["countries"]["geometries"]}
    missing = sorted(set(restrictions["iso_n3"]) - ids)
    assert not missing, f"iso_n3 codes with no shape in data/geo/countries-110m.json: {missing}"


def test_deadlines_are_consistent_in_time():
    deadlines = data.load("deadlines")
    assert (deadlines["set_on"] <= deadlines["deadline"]).all()
    assert (deadlines["set_on"] <= deadlines["resolved_on"]).all()


def test_summary_reports_rows_and_range():
    info = data.summary("measures")
    frame = data.load("measures")
    assert info["rows"] == len(frame)
    assert info["first"] == frame["date"].min().date().isoformat()


def test_unknown_dataset_is_named():
    with pytest.raises(KeyError, match="no dataset named 'measure'"):
        data.resource("measure")


def test_source_column_names_the_sources_of_each_dataset():
    assert data.source_column("measures") == "source_keys"
    assert data.source_column("narratives") == "source_key"


def test_copy_book_copies_what_a_build_reads(tmp_path):
    from appcontest import paths

    copy = paths.copy_book(tmp_path / "b")
    for name in paths.BOOK_SOURCES:
        assert (copy / name).exists(), name
    assert not (copy / "src").exists() and not (copy / "_build").exists()
