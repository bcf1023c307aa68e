"""Glue helpers: what the prose prints, and that myst-nb reads it back unchanged."""

from __future__ import annotations

import ast

import pandas as pd
import pytest

from appcontest import chapter


def test_dates_and_numbers_are_written_as_prose():
    assert chapter.day(pd.Timestamp("2020-08-06")) == "6 August 2020"
    assert chapter.number(100_000_000) == "100,000,000"
    assert chapter.number(2.25) == "2.2"


@pytest.mark.parametrize("value", [100_000_000, pd.Timestamp("2025-01-19"), "48%", "2020", 7])
def test_glued_text_survives_myst_nb_literal_eval(monkeypatch, value):
    seen = {}
    monkeypatch.setattr("myst_nb.glue", lambda name, v, display=False: seen.setdefault(name, v))
    printed = chapter.glue("x", value)
    # myst-nb's {glue:text} does literal_eval(repr(value)); it must give back the printed text.
    assert ast.literal_eval(repr(seen["x"])) == printed


def test_glue_dates_refuses_unknown_ids():
    frame = pd.DataFrame({"id": ["M001"], "date": [pd.Timestamp("2016-03-08")]})
    with pytest.raises(KeyError, match=r"no rows with id \['M999'\]"):
        chapter.glue_dates(frame, ["M999"])


def test_glue_source_dates_uses_the_bibliography(monkeypatch):
    from appcontest import bibliography

    seen = {}
    monkeypatch.setattr("myst_nb.glue", lambda name, v, display=False: seen.setdefault(name, v))
    key = next(k for k, s in bibliography.load().items() if len(s.date) == 10)
    chapter.glue_source_dates([key])
    assert seen[key] == chapter.day(pd.Timestamp(bibliography.load()[key].date))


def test_glue_fields_glues_any_column_under_id_and_suffix(monkeypatch):
    seen = {}
    monkeypatch.setattr("myst_nb.glue", lambda name, v, display=False: seen.setdefault(name, v))
    frame = pd.DataFrame({"id": ["M1"], "summary": ["A deal closed."]})
    chapter.glue_fields(frame, ["M1"], column="summary", suffix="-summary")
    assert seen == {"M1-summary": "A deal closed."}
