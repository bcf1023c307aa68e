"""The datasets: the real data validates, and every kind of bad row is caught and named."""

from __future__ import annotations

import csv
import re

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
    ("events", "event_kind", "rumour", "constraint-error"),
    ("events", "date_precision", "week", "constraint-error"),
    ("events", "related_measure_id", "M999", "foreign-key"),
    ("polls", "support_pct", "120", "constraint-error"),
    ("polls", "sample_size", "many", "type-error"),
    ("statements", "frame", "vibes", "constraint-error"),
    ("statements", "venue_kind", "tweet", "constraint-error"),
    ("statements", "date", "2019-12-31", "constraint-error"),
    ("statements", "key_phrase_en_origin", "machine", "constraint-error"),
    ("statements", "source_keys", "nosuchsource2020", "source-key-exists"),
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


TIME = r"\d{2}:\d{2} [A-Z]{2,4}"


def event_timing_problems(events: pd.DataFrame) -> list[str]:
    """Rows whose date, date_end, time and date_precision do not agree."""
    problems = []
    for _, row in events.iterrows():
        ranged, timed = row["date_precision"] == "range", row["date_precision"] in ("minute", "hour")
        has_end, has_time = pd.notna(row["date_end"]), isinstance(row["time"], str) and row["time"] != ""
        if ranged != has_end:
            problems.append(f"{row['id']}: date_end must be given exactly when date_precision is range")
        if has_end and row["date_end"] <= row["date"]:
            problems.append(f"{row['id']}: date_end must be after date")
        if timed != has_time:
            problems.append(f"{row['id']}: time must be given exactly when date_precision is minute or hour")
        if has_time and not pd.Series([row["time"]]).str.fullmatch(TIME).all():
            problems.append(f"{row['id']}: time {row['time']!r} is not HH:MM and a zone")
    return problems


def test_event_dates_times_and_precision_agree():
    assert event_timing_problems(data.load("events")) == []


def test_a_range_without_an_end_or_a_bad_time_is_caught():
    events = data.load("events").copy()
    ranged = events.index[events["date_precision"] == "range"][0]
    timed = events.index[events["date_precision"] == "minute"][0]
    events.loc[ranged, "date_end"] = pd.NaT
    events.loc[timed, "time"] = "10.30pm"
    problems = event_timing_problems(events)
    assert any(events.loc[ranged, "id"] in p and "date_end" in p for p in problems), problems
    assert any(events.loc[timed, "id"] in p and "HH:MM" in p for p in problems), problems


def test_each_survey_is_one_pollster_and_one_fieldwork():
    polls = data.load("polls")
    for survey, rows in polls.groupby("survey"):
        for column in ("pollster", "population", "fieldwork_start", "fieldwork_end", "published"):
            assert rows[column].nunique(dropna=False) == 1, (survey, column)
        assert (rows["subgroup"] == "all").sum() == 1, survey
        assert rows.loc[rows["subgroup"] != "all", "sample_size"].isna().all(), survey


def test_poll_shares_do_not_exceed_the_whole():
    polls = data.load("polls")
    total = polls[["support_pct", "oppose_pct", "unsure_pct"]].sum(axis=1, min_count=1)
    assert (total <= 102).all(), polls.loc[total > 102, "id"].tolist()
    assert polls[["support_pct", "oppose_pct"]].notna().any(axis=1).all()


# statements.csv: what its schema cannot say about the key phrases.
CJK = re.compile(r"[\u3400-\u9fff]")


def statement_problems(rows) -> list[str]:
    """Each problem names file, row (header = 1), id and column, as the validator does."""
    found = []
    for i, row in enumerate(rows):
        where = f"data/statements.csv, row {i + 2} (id {row['id']})"
        zh, en, origin = row["key_phrase_zh"], row["key_phrase_en"], row["key_phrase_en_origin"]
        if zh and not CJK.search(zh):
            found.append(f"{where}, column 'key_phrase_zh': {zh!r} has no Chinese characters")
        if bool(en) != bool(origin):
            found.append(f"{where}, column 'key_phrase_en_origin': must be given exactly when key_phrase_en is")
        if origin == "own_translation" and not zh:
            found.append(f"{where}, column 'key_phrase_en_origin': own_translation of an empty key_phrase_zh")
    return found


def _statement_rows(root=None):
    path = (root / "data" if root else data.paths.data_dir()) / "statements.csv"
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_statement_phrases_are_consistent():
    assert statement_problems(_statement_rows()) == []


@pytest.mark.parametrize(
    "column,value,complaint",
    [
        ("key_phrase_zh", "robbery", "has no Chinese characters"),
        ("key_phrase_en_origin", "", "must be given exactly when key_phrase_en is"),
    ],
)
def test_a_bad_statement_phrase_is_named(data_copy, column, value, complaint):
    rows = _rewrite(data_copy, "statements", lambda rows: rows[2].__setitem__(column, value))
    problems = statement_problems(_statement_rows(data_copy))
    assert any(
        f"data/statements.csv, row 4 (id {rows[2]['id']}), column {column!r}" in p and complaint in p for p in problems
    ), problems


def test_an_own_translation_needs_the_chinese():
    row = {
        "id": "S999",
        "key_phrase_zh": "",
        "key_phrase_en": "robber's logic",
        "key_phrase_en_origin": "own_translation",
    }
    assert statement_problems([row]) == [
        "data/statements.csv, row 2 (id S999), column 'key_phrase_en_origin': own_translation of an empty key_phrase_zh"
    ]


def test_statements_cover_the_years_and_the_chinese_originals():
    s = data.load("statements")
    assert len(s) >= 36
    years = s["date"].dt.year.value_counts()
    for year in (2020, 2023, 2024, 2025):
        assert years.get(year, 0) >= 3, year
    assert years.get(2026, 0) >= 2
    assert (s["key_phrase_zh"] != "").sum() >= 12
    assert {"chinese_government", "platforms", "commentators"} <= set(s["actor_group"])
    assert list(s["id"]) == sorted(s["id"]) and s["date"].is_monotonic_increasing


# ----- the scenarios chapter: scenarios, conditions, outcomes, forecasts, probability words -----


def test_every_outcome_cites_a_source_and_every_condition_has_one_outcome():
    from appcontest import bibliography

    outcomes = data.load("outcomes")
    conditions = data.load("conditions")
    sources = bibliography.load()
    for _, row in outcomes.iterrows():
        keys = bibliography.split_keys(row["source_keys"])
        assert keys, f"outcome {row['id']} cites no source"
        assert all(k in sources for k in keys), row["id"]
    assert sorted(outcomes["condition_id"]) == sorted(conditions["id"]), "a condition without exactly one outcome"


def test_an_outcome_without_a_source_is_refused(data_copy):
    _rewrite(data_copy, "outcomes", lambda rows: rows[2].__setitem__("source_keys", ""))
    message = _error(data_copy)
    lines = [line for line in message.splitlines() if "data/outcomes.csv, row 4 (id O03)" in line]
    assert lines and any("source_keys" in line and "required" in line for line in lines), message


def test_scenario_links_resolve():
    scenarios = data.load("scenarios")
    conditions = data.load("conditions")
    outcomes = data.load("outcomes")
    assert set(conditions["scenario_id"]) <= set(scenarios["id"])
    assert set(outcomes["condition_id"]) <= set(conditions["id"])
    assert set(scenarios["id"]) == set(conditions["scenario_id"]), "a scenario without conditions"


@pytest.mark.parametrize(
    "name,column,value",
    [("conditions", "scenario_id", "SC99"), ("outcomes", "condition_id", "C99")],
)
def test_a_dangling_scenario_link_is_refused(data_copy, name, column, value):
    rows = _rewrite(data_copy, name, lambda rows: rows[2].__setitem__(column, value))
    message = _error(data_copy)
    expected = f"data/{name}.csv, row 4 (id {rows[2]['id']})"
    assert any(expected in line and "foreign-key" in line for line in message.splitlines()), message


def test_condition_weights_sum_to_one_per_scenario():
    conditions = data.load("conditions")
    sums = conditions.groupby("scenario_id")["weight"].sum()
    assert ((sums - 1).abs() < 0.001).all(), sums[(sums - 1).abs() >= 0.001].to_dict()


def _range_problems(words: pd.DataFrame) -> list[str]:
    """Ids of probability-word rows whose low end is above the high end or whose central value lies outside."""
    bad = words["probability_low"] > words["probability_high"]
    central = words["probability_central"]
    outside = central.notna() & ~central.between(words["probability_low"], words["probability_high"])
    return words.loc[bad | outside, "id"].tolist()


def test_probabilities_are_shares_and_ranges_are_ordered():
    forecasts = data.load("forecasts")
    assert forecasts["probability"].between(0, 1).all()
    words = data.load("probability_words")
    for column in ("probability_low", "probability_high"):
        assert words[column].between(0, 1).all(), column
    assert _range_problems(words) == []


def test_a_range_with_low_above_high_is_caught():
    words = data.load("probability_words").copy()
    first = words["id"].iloc[0]
    words.loc[0, ["probability_low", "probability_high"]] = [0.9, 0.1]
    assert _range_problems(words) == [first]
    words = data.load("probability_words").copy()
    words.loc[1, "probability_central"] = 0.0
    assert words.loc[1, "probability_low"] > 0 and _range_problems(words) == [words["id"].iloc[1]]


@pytest.mark.parametrize(
    "name,column,value",
    [
        ("forecasts", "probability", "1.2"),
        ("forecasts", "probability", "-0.1"),
        ("probability_words", "probability_high", "1.5"),
        ("outcomes", "met", "partial"),
        ("forecasts", "resolved_as", "maybe"),
    ],
)
def test_a_probability_outside_zero_one_or_an_unknown_code_is_refused(data_copy, name, column, value):
    rows = _rewrite(data_copy, name, lambda rows: rows[2].__setitem__(column, value))
    message = _error(data_copy)
    expected = f"data/{name}.csv, row 4 (id {rows[2]['id']})"
    lines = [line for line in message.splitlines() if expected in line]
    assert lines and any(f"column {column!r}" in line and "constraint-error" in line for line in lines), message


def test_forecast_resolutions_are_explained():
    forecasts = data.load("forecasts")
    unknown = forecasts["resolved_as"] == "unknown"
    assert (forecasts.loc[unknown, "resolution_basis"] == "not_found").all()
    assert (forecasts.loc[~unknown, "resolution_basis"] != "not_found").all()
    no_rule = forecasts["resolution_rule"] == ""
    assert forecasts.loc[no_rule, "note"].str.len().gt(0).all(), "a forecast without a rule must say why in its note"
