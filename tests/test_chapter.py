"""Glue helpers: what the prose prints, and that myst-nb reads it back unchanged."""

from __future__ import annotations

import ast

import pandas as pd
import pytest

from appcontest import chapter


@pytest.fixture
def glued(monkeypatch):
    """What the helpers hand to myst-nb, by key."""
    seen = {}
    monkeypatch.setattr("myst_nb.glue", lambda name, v, display=False: seen.setdefault(name, v))
    return seen


def test_dates_and_numbers_are_written_as_prose():
    assert chapter.day(pd.Timestamp("2020-08-06")) == "6 August 2020"
    assert chapter.number(1_250) == "1,250"
    assert chapter.number(2.25) == "2.2"


@pytest.mark.parametrize(
    "value,text",
    [
        (100_000_000, "100 million"),
        (170_000_000, "170 million"),
        (1_200_000_000, "1.2 billion"),
        (1_000_000, "1 million"),
        (2_500_000_000_000, "2.5 trillion"),
        (-3_000_000, "-3 million"),
    ],
)
def test_large_round_numbers_are_written_in_words(value, text):
    assert chapter.in_words(value) == text
    assert chapter.number(value) == text


@pytest.mark.parametrize(
    "value,text",
    [
        (123_456_789, "123,456,789"),  # not round: never rounded on the way into the prose
        (1_234_000, "1,234,000"),
        (45_000, "45,000"),  # under a million: digits read at a glance
        (10_000, "10,000"),
        (7, "7"),
    ],
)
def test_other_numbers_keep_their_digits(value, text):
    assert chapter.number(value) == text


@pytest.mark.parametrize("value", [100_000_000, pd.Timestamp("2025-01-19"), "48%", "2020", 7])
def test_glued_text_survives_myst_nb_literal_eval(glued, value):
    printed = chapter.glue("x", value)
    # myst-nb's {glue:text} does literal_eval(repr(value)); it must give back the printed text.
    assert ast.literal_eval(repr(glued["x"])) == printed


@pytest.mark.parametrize("key", ["eo13942-signed", "first-deadline-days-left", "n-5g-exclusions", "x"])
def test_meaningful_keys_are_accepted(glued, key):
    chapter.glue(key, 1)
    assert key in glued


@pytest.mark.parametrize(
    "key,why",
    [
        ("M016", "lowercase"),
        ("D01-days", "lowercase"),
        ("MM036", "lowercase"),
        ("m016", "row id"),
        ("d01-days", "row id"),
        ("mm036-date", "row id"),
        ("r001", "row id"),
        ("first_measure", "lowercase"),
        ("First-measure", "lowercase"),
        ("-x", "lowercase"),
        ("", "lowercase"),
    ],
)
def test_keys_that_are_row_ids_or_break_the_pattern_are_refused(glued, key, why):
    with pytest.raises(ValueError, match=why):
        chapter.glue(key, 1)
    assert not glued


def test_glue_dates_takes_meaningful_keys_for_row_ids(glued):
    frame = pd.DataFrame({"id": ["M001", "M002"], "date": [pd.Timestamp("2016-03-08"), pd.Timestamp("2017-03-07")]})
    chapter.glue_dates(frame, {"zte-listed": "M001", "zte-plea": "M002"})
    assert glued == {"zte-listed": "8 March 2016", "zte-plea": "7 March 2017"}


def test_glue_dates_refuses_unknown_ids_naming_the_id_and_the_file(glued):
    frame = pd.DataFrame({"id": ["M001"], "date": [pd.Timestamp("2016-03-08")]})
    frame.attrs["path"] = "data/measures.csv"
    with pytest.raises(KeyError, match=r"no row with id 'M999' in data/measures.csv \(wanted for 'zte-listed'\)"):
        chapter.glue_dates(frame, {"zte-listed": "M999"})
    assert not glued, "nothing is glued when one id is wrong"


def test_glue_source_dates_uses_the_bibliography(glued):
    from appcontest import bibliography

    key = next(k for k, s in bibliography.load().items() if len(s.date) == 10)
    chapter.glue_source_dates({"source-published": key})
    assert glued == {"source-published": chapter.day(pd.Timestamp(bibliography.load()[key].date))}
    with pytest.raises(KeyError, match="nosuchkey2099.* in references.bib"):
        chapter.glue_source_dates({"other": "nosuchkey2099"})


def test_glue_fields_glues_any_column_under_its_key(glued):
    frame = pd.DataFrame({"id": ["M1"], "summary": ["A deal closed."]})
    chapter.glue_fields(frame, {"deal-summary": "M1"}, column="summary")
    assert glued == {"deal-summary": "A deal closed."}


def test_glue_figure_checks_the_figure_name(glued):
    class Named:
        name = "D01-clock"

    with pytest.raises(ValueError, match="lowercase"):
        chapter.glue_figure(Named())
