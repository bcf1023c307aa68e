"""The migration chapter's own code: facts for the prose, chart builders, the model-label rule."""

from __future__ import annotations

import copy
import json

import pandas as pd
import pytest

from appcontest import data, execute, migration_charts, migration_facts, model_labels


@pytest.fixture(scope="module")
def metrics():
    return data.load("migration_metrics")


@pytest.fixture(scope="module")
def events():
    return data.load("events")


def test_user_counts_read_as_prose():
    assert migration_facts.users(300_000) == "300,000"
    assert migration_facts.users(3_400_000) == "3.4 million"
    assert migration_facts.users(170_000_000) == "170 million"


def test_the_outage_is_timed_across_time_zones(events):
    # 22:30 ET on 18 January to 09:30 PST (12:30 ET) on 19 January: 14 hours.
    facts = migration_facts.outage(events)
    assert facts["outage-hours"] == "14"
    assert facts["tiktok-dark-when"] == "18 January 2025 at 22:30 ET"


def test_an_event_without_a_clock_time_cannot_be_timed(events):
    with pytest.raises(ValueError, match="E009 in data/events.csv has no clock time"):
        migration_facts.event_time(events, "E009")


def test_a_survey_with_no_single_all_adult_row_is_named():
    polls = data.load("polls")
    with pytest.raises(KeyError, match="survey 'no-such-survey' has 0 all-adult rows"):
        migration_facts.polls_overview(polls, {"x": "no-such-survey"})


def _layers(spec):
    for layer in spec.get("layer", [spec]):
        yield from _layers(layer) if "layer" in layer else [layer]


def test_the_timeline_never_joins_measured_points(metrics, events):
    fig = migration_charts.migration_timeline(metrics, events)
    marks = {
        (layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]) for layer in _layers(fig.spec())
    }
    assert "line" not in marks and "point" in marks
    # every figure keeps its measurer and definition in the reader's table
    assert {"Measured by", "What was counted", "Source"} <= set(fig.table.columns)


def test_the_platform_comparison_keeps_one_measurer(metrics):
    fig = migration_charts.platforms_compared(metrics)
    assert set(fig.data["id"]) <= set(metrics.loc[metrics["measured_by"] == "Similarweb", "id"])
    with pytest.raises(ValueError, match="no daily-active-user estimates by 'Nobody'"):
        migration_charts.platforms_compared(metrics, measured_by="Nobody")


def test_a_window_without_figures_is_refused(metrics, events):
    with pytest.raises(ValueError, match="no counted figure falls between 2016-01-01 and 2016-02-01"):
        migration_charts.migration_timeline(metrics, events, start="2016-01-01", end="2016-02-01")


def test_poll_intervals_are_published_or_computed_and_say_which():
    polls = data.load("polls")
    frame = migration_charts.poll_intervals(polls)
    wapo = frame[frame["id"] == "P030"].iloc[0]
    assert wapo["margin"] == 3.5 and wapo["margin_kind"] == "published margin of error"
    pew = frame[frame["id"] == "P001"].iloc[0]
    # 1.96 * sqrt(0.5 * 0.5 / 3576) = 1.64 percentage points
    assert pew["margin"] == pytest.approx(1.6, abs=0.05) and pew["margin_kind"].startswith("computed")
    sub = frame[frame["id"] == "P002"].iloc[0]
    assert pd.isna(sub["margin"]) and sub["margin_kind"] == "not published"


def _executed(name):
    path = execute.executed_path(execute.chapters()[[p.name for p in execute.chapters()].index(name)])
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.build
def test_every_model_figure_of_every_chapter_says_it_is_a_model():
    for chapter in execute.chapters():
        path = execute.executed_path(chapter)
        notebook = json.loads(path.read_text(encoding="utf-8"))
        assert model_labels.problems(notebook, chapter.name) == []
    # the migration chapter has the two model figures the issue asks for
    records = model_labels.figure_records(_executed("migration.ipynb"))
    assert {"model-fit", "model-what-if"} <= set(records)


@pytest.mark.build
def test_a_tampered_model_label_is_caught():
    notebook = _executed("migration.ipynb")
    tampered = copy.deepcopy(notebook)
    for cell in tampered["cells"]:
        for output in cell.get("outputs", []):
            for mime, value in output.get("data", {}).items():
                if mime.endswith(model_labels.FIGURE_MIME) and value["title"].startswith("Model:"):
                    value["title"] = value["title"].replace("Model: ", "")
    assert any("title of model-fit" in p for p in model_labels.problems(tampered))
    tampered = copy.deepcopy(notebook)
    for cell in tampered["cells"]:
        if cell["cell_type"] == "markdown":
            text = "".join(cell["source"])
            cell["source"] = text.replace("**Model output, not data.** A band", "A band").replace("model runs", "runs")
    assert any("caption of model-fit" in p for p in model_labels.problems(tampered))
