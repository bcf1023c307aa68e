"""The facts the prose quotes, checked on small hand-made tables."""

from __future__ import annotations

import pandas as pd
import pytest

from appcontest import summaries

T = pd.Timestamp
MEASURES = pd.DataFrame(
    {
        "id": ["M1", "M2", "M3", "M4"],
        "date": [T("2019-05-16"), T("2020-08-06"), T("2020-09-18"), T("2024-04-24")],
        "jurisdiction": ["United States", "United States", "India", "United States"],
        "target": ["Huawei", "TikTok", "Chinese apps", "TikTok"],
    }
)
DEADLINES = pd.DataFrame(
    {
        "id": ["D1", "D2", "D3"],
        "set_on": [T("2020-08-06"), T("2024-04-24"), T("2025-01-20")],
        "deadline": [T("2020-09-20"), T("2025-01-19"), T("2025-04-05")],
        "resolved_on": [T("2020-09-19"), T("2025-01-20"), T("2025-04-04")],
        "resolution": ["enjoined", "extended", "met"],
    }
)


def test_measures_overview_counts_and_shares():
    facts = summaries.measures_overview(MEASURES)
    assert facts["n-measures"] == 4 and facts["n-jurisdictions"] == 2
    assert facts["share-us"] == "75%"
    assert facts["first-measure"] == T("2019-05-16")


def test_busiest_year_is_said_once_when_window_and_dataset_agree():
    assert summaries.busiest_year(MEASURES, MEASURES) == {
        "busiest-year-sentence": (
            "In the window shown here, as in the whole dataset, the busiest year is 2020, with 2 measures"
        )
    }


def test_busiest_year_of_a_narrower_window():
    us = MEASURES[MEASURES["jurisdiction"] == "United States"]
    assert summaries.busiest_year(us, MEASURES)["busiest-year-sentence"] == (
        "In the window shown here the busiest year is 2019, with 1 measure; in the whole dataset it is 2020, with 2"
    )
    only_2020_us = MEASURES.iloc[[1]]
    assert summaries.busiest_year(only_2020_us, MEASURES)["busiest-year-sentence"] == (
        "In the window shown here the busiest year is 2020, with 1 measure (2 in the whole dataset)"
    )


def test_restrictions_overview_counts_countries_not_rows():
    r = pd.DataFrame(
        {
            "country": ["A", "A", "B"],
            "restriction": ["huawei_5g_exclusion"] * 2 + ["tiktok_nationwide_ban"],
            "status": ["in_force", "partial", "lifted"],
        }
    )
    facts = summaries.restrictions_overview(r)
    assert facts["n-5g-exclusions"] == 1 and facts["n-tiktok-nationwide-lifted"] == 1


def test_clock_overview():
    facts = summaries.clock_overview(DEADLINES, "2025-01-10")
    assert facts["n-deadlines"] == 3 and facts["n-deadlines-2020"] == 1 and facts["n-deadlines-since-law"] == 2
    assert facts["law-deadline"] == T("2025-01-19")
    assert facts["days-law-to-close"] == (T("2025-04-04") - T("2024-04-24")).days
    assert facts["days-added-since-law"] == (T("2025-04-05") - T("2025-01-19")).days
    assert (
        facts["as-of-reading"]
        == "On 10 January 2025, 9 days were left before the deadline then in force, 19 January 2025."
    )


def test_clock_overview_reads_a_day_with_no_deadline_in_plain_words():
    assert (
        summaries.clock_overview(DEADLINES, "2022-01-01")["as-of-reading"]
        == "On 1 January 2022 no sell-or-ban deadline was in force."
    )


def test_deadline_days_under_meaningful_keys():
    assert summaries.deadline_days(DEADLINES, {"first-days-given": "D1", "last-days-given": "D3"}) == {
        "first-days-given": 45,
        "last-days-given": 75,
    }
    with pytest.raises(KeyError, match="D9"):
        summaries.deadline_days(DEADLINES, {"x": "D9"})


def test_reported_figures_under_meaningful_keys():
    metrics = pd.DataFrame({"id": ["MM1"], "value": [1e8], "as_of": [T("2020-08-24")]})
    metrics.attrs["path"] = "data/migration_metrics.csv"
    assert summaries.reported_figures(metrics, {"users": "MM1"}) == {"users": 1e8, "users-date": T("2020-08-24")}
    with pytest.raises(KeyError, match="'MM9' in data/migration_metrics.csv"):
        summaries.reported_figures(metrics, {"users": "MM9"})


def test_every_key_a_summary_produces_is_a_valid_glue_key():
    from appcontest import chapter

    r = pd.DataFrame({"country": ["A"], "restriction": ["huawei_5g_exclusion"], "status": ["in_force"]})
    for facts in (
        summaries.measures_overview(MEASURES),
        summaries.busiest_year(MEASURES, MEASURES),
        summaries.restrictions_overview(r),
        summaries.clock_overview(DEADLINES, "2025-01-10"),
    ):
        for key in facts:
            chapter.check_key(key)
