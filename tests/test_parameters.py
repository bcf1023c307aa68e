"""Parameters: the registry's rules, and refusal of bad runs before any work."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from appcontest import parameters
from appcontest.parameters import ParameterError

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


def test_dates_are_checked_for_form_and_range():
    assert parameters.check(start_date="2018-01-01")["start_date"] == dt.date(2018, 1, 1)
    with pytest.raises(ParameterError, match=r"parameter 'start_date': got '2030-01-01'; allowed: a date"):
        parameters.check(start_date="2030-01-01")
    with pytest.raises(ParameterError, match="start_date"):
        parameters.check(start_date="1 Jan 2018")


def test_start_must_precede_end():
    with pytest.raises(ParameterError, match="start_date must be before end_date"):
        parameters.check(start_date="2021-01-01", end_date="2020-01-01")


def test_lists_accept_commas_or_lists_and_check_every_item():
    assert parameters.check(instruments="statute, court_ruling")["instruments"] == ["statute", "court_ruling"]
    assert parameters.check(instruments=[])["instruments"] == []
    with pytest.raises(ParameterError, match=r"parameter 'instruments': got \['statute', 'decree'\]"):
        parameters.check(instruments=["statute", "decree"])
    with pytest.raises(ParameterError, match="allowed: a list"):
        parameters.check(instruments=5)


def test_jurisdictions_come_from_the_data():
    from appcontest import data

    one = sorted(data.load("measures")["jurisdiction"].unique())[0]
    assert parameters.check(jurisdictions=[one])["jurisdictions"] == [one]
    with pytest.raises(ParameterError, match="jurisdictions"):
        parameters.check(jurisdictions=["Atlantis"])


def test_unknown_names_are_refused_with_a_suggestion():
    with pytest.raises(ParameterError, match="unknown parameter 'start_dte'; did you mean 'start_date'"):
        parameters.check(start_dte="2020-01-01")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_parameter_is_registered_documented_and_its_default_valid(notebook):
    declared = parameters.declared(notebook)
    assert declared, f"{notebook.name} has no cell tagged 'parameters'"
    for name, info in declared.items():
        assert name in parameters.REGISTRY, f"{notebook.name}: parameter {name!r} is not in the registry"
        assert info["help"].strip(), f"{notebook.name}: parameter {name!r} has no comment"
        parameters.REGISTRY[name].coerce(parameters._default(info))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_check_run_refuses_everything_wrong_at_once(notebook):
    name = next(iter(parameters.declared(notebook)))
    with pytest.raises(ParameterError) as caught:
        parameters.check_run(notebook, {"no_such_parameter": 1, name: "not-a-valid-value-%"})
    message = str(caught.value)
    assert "unknown parameter 'no_such_parameter'" in message
    assert f"parameter {name!r}: got 'not-a-valid-value-%'" in message


def test_only_the_kinds_the_chapters_use_can_be_registered():
    assert set(parameters.KINDS) == {p.kind for p in parameters.REGISTRY.values()}
    with pytest.raises(ValueError, match="kind 'int' is not one of date, list"):
        parameters.Parameter("year", "int", "a year", 2015, 2026)


def test_numbers_are_checked_for_type_range_and_whole_counts():
    assert parameters.check(outage_days="30")["outage_days"] == 30.0
    assert parameters.check(bootstrap_runs=200)["bootstrap_runs"] == 200
    for name, value, allowed in (
        ("outage_days", 400, "a number from 0 to 365"),
        ("outage_days", True, "a number from 0 to 365"),
        ("bootstrap_runs", 200.5, "a whole number from 20 to 2000"),
        ("bootstrap_runs", "many", "a whole number from 20 to 2000"),
    ):
        with pytest.raises(parameters.ParameterError, match=f"parameter '{name}': got .*; allowed: {allowed}"):
            parameters.check(**{name: value})
