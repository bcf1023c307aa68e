"""Scoring the scenarios: hand-checked cases, a fixed-seed interval, and sourced resolutions."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from appcontest import data, parameters, scenario_charts, scenarios


def test_brier_score_of_a_hand_computed_case():
    # (0.5 - 0)^2 = 0.25 and (0.3 - 0)^2 = 0.09: mean 0.17; a partial outcome counts in proportion.
    assert scenarios.brier([0.5, 0.3], [0, 0]) == pytest.approx(0.17)
    assert scenarios.brier([0.75], [0.875]) == pytest.approx(0.015625)
    assert scenarios.brier([1, 0], [1, 0]) == 0
    with pytest.raises(scenarios.ScoringError, match="between 0 and 1"):
        scenarios.brier([1.2], [1])


def test_log_score_of_a_hand_computed_case():
    assert scenarios.log_score([0.5], [1]) == pytest.approx(math.log(2))
    # clipped at 1%: a certain forecast that fails costs -ln(0.01), not infinity
    assert scenarios.log_score([0.0], [1]) == pytest.approx(-math.log(0.01))


def test_monte_carlo_interval_from_a_fixed_seed():
    # One event that did not happen, p uniform on [0, 1]: Brier = p^2, whose 2.5th and
    # 97.5th percentiles are 0.025^2 and 0.975^2 exactly in the limit.
    result = scenarios.monte_carlo([0.0], [1.0], [0.0], draws=200_000, seed=1)
    assert result["brier_low"] == pytest.approx(0.025**2, abs=2e-4)
    assert result["brier_high"] == pytest.approx(0.975**2, abs=3e-3)
    again = scenarios.monte_carlo([0.0], [1.0], [0.0], draws=200_000, seed=1)
    assert again == result, "a fixed seed gives the same interval every run"
    # The chapter's own case, Kent's scale: fixed by seed 20250120.
    fixed = scenarios.monte_carlo([0.4, 0.2], [0.6, 0.4], [0.0, 0.0])
    assert (round(fixed["brier_low"], 4), round(fixed["brier_high"], 4)) == (0.1137, 0.2389)


def test_every_outcome_cites_a_source_and_a_missing_one_fails():
    conditions, outcomes = data.load("conditions"), data.load("outcomes")
    scored = scenarios.conditions_scored(conditions, outcomes)
    assert scored["outcome_sources"].str.strip().ne("").all()
    broken = outcomes.copy()
    broken.loc[0, "source_keys"] = ""
    with pytest.raises(scenarios.ScoringError, match="cites no source"):
        scenarios.conditions_scored(conditions, broken)
    with pytest.raises(scenarios.ScoringError, match="without an outcome"):
        scenarios.conditions_scored(conditions, outcomes.iloc[1:])


def test_scorecard_partial_credit_by_the_stated_rule():
    card = scenarios.scorecard(data.load("scenarios"), data.load("conditions"), data.load("outcomes"))
    credit = card.set_index("id")["credit"]
    # sale: three of four quarter-weight conditions met, the algorithm partly: 0.875
    assert credit["SC01"] == pytest.approx(0.875)
    assert credit["SC02"] == pytest.approx(0.3333, abs=1e-3)
    assert credit["SC03"] == 0 and credit["SC04"] == 0


def test_words_map_to_terms_on_every_scale():
    words, sc = data.load("probability_words"), data.load("scenarios")
    for scale in scenarios.TERMS:
        read = scenarios.verbal_forecasts(sc, words, scale)
        assert len(read) == len(scenarios.READING)
        assert (read["low"] <= read["p"]).all() and (read["p"] <= read["high"]).all()
    kent = scenarios.verbal_forecasts(sc, words, "kent1964").set_index("id")
    assert kent.loc["SC04", "term"] == "probably not" and kent.loc["SC04", "p"] == 0.3


def test_base_rate_is_the_rule_of_succession():
    deadlines = data.load("deadlines")
    early = scenarios.base_rate(deadlines, "2025-04-05")
    assert (early["held"], early["n"], early["estimate"]) == (0, 8, pytest.approx(0.1))
    # Beta(1, 9): the 95th percentile solves 1 - (1 - x)^9 = 0.95
    assert early["high"] == pytest.approx(1 - 0.05 ** (1 / 9), abs=1e-3)
    final = scenarios.base_rate(deadlines, "2026-11-30")
    assert final["estimate"] == pytest.approx(2 / 14)


def test_crowd_takes_the_latest_report_of_a_day():
    latest = scenarios.crowd_latest(data.load("forecasts"), "2025-04-05")
    poly = latest[latest["question"] == "TikTok banned in the US before May 2025?"].iloc[0]
    assert poly["probability"] == pytest.approx((0.81 + 0.84) / 2), "the after-ruling reports replace the morning's"
    assert scenarios.crowd_latest(data.load("forecasts"), "2019-01-01").empty


def test_probability_scale_parameter_is_checked():
    assert parameters.check(probability_scale="icd203") == {"probability_scale": "icd203"}
    with pytest.raises(parameters.ParameterError, match="one of: kent1964"):
        parameters.check(probability_scale="sherman")


def test_the_forecast_figure_has_four_keyboard_sliders_and_a_static_note():
    card = scenarios.scorecard(data.load("scenarios"), data.load("conditions"), data.load("outcomes"))
    fig = scenario_charts.your_forecast_chart(card, 0.17, 0.02)
    params = [p for p in fig.spec()["params"] if p.get("bind", {}).get("input") == "range"]
    assert len(params) == 4
    assert "sliders need JavaScript" in fig.html()
    assert isinstance(fig.table_frame(), pd.DataFrame)


def test_every_scenario_chart_is_readable_at_phone_width_and_names_no_row_ids():
    import re

    from appcontest import figures
    from appcontest.sphinxext import datasets

    tables = {
        n: data.load(n) for n in ("scenarios", "conditions", "outcomes", "probability_words", "forecasts", "deadlines")
    }
    result = scenarios.analysis(*tables.values(), as_of="2025-09-15", scale="icd203")
    figs = [
        scenario_charts.scorecard_chart(result["card"], result["conditions"]),
        scenario_charts.scores_chart(result["score_rows"]),
        scenario_charts.crowd_chart(tables["forecasts"], as_of="2025-09-15"),
        scenario_charts.base_rate_chart(
            scenarios.base_rate_path(tables["deadlines"]), result["base_rate"], as_of="2025-09-15"
        ),
        scenario_charts.your_forecast_chart(result["card"], 0.17, 0.02),
    ]
    for fig in figs:
        small = [(t, round(z, 1)) for t, z in figures.text_sizes(fig.svg()) if z < figures.MIN_TEXT_PX]
        assert not small, f"{fig.name}: text under {figures.MIN_TEXT_PX} px at phone width: {small[:5]}"
        words = " ".join(fig.table_frame().astype(str).to_numpy().ravel()) + " " + " ".join(fig.table_frame().columns)
        assert not re.search(datasets.ROW_ID, words), f"{fig.name}: a row id in its table"
    assert "Model" in figs[3].title and "Model output" in figs[3].description
