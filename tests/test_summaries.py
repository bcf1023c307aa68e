"""The facts the prose quotes, checked on small hand-made tables."""

from __future__ import annotations

import pandas as pd
import pytest

from appcontest import summaries

T = pd.Timestamp
MEASURES = pd.DataFrame({
    "id": ["M1", "M2", "M3", "M4"],
    "date": [T("2019-05-16"), T("2020-08-06"), T("2020-09-18"), T("2024-04-24")],
    "jurisdiction": ["United States", "United States", "India", "United States"],
    "target": ["Huawei", "TikTok", "Chinese apps", "TikTok"],
})
DEADLINES = pd.DataFrame({
    "id": ["D1", "D2", "D3"],
    "set_on": [T("2020-08-06"), T("2024-04-24"), T("2025-01-20")],
    "deadline": [T("2020-09-20"), T("2025-01-19"), T("2025-04-05")],
    "resolved_on": [T("2020-09-19"), T("2025-01-20"), T("2025-04-04")],
    "resolution": ["enjoined", "extended", "met"],
})


def test_measures_overview_counts_and_shares():
    facts = summaries.measures_overview(MEASURES)
    assert facts["n-measures"] == 4 and facts["n-jurisdictions"] == 2
    assert facts["busiest-year"] == "2020" and facts["busiest-year-count"] == 2
    assert facts["share-us"] == "75%"
    assert facts["first-measure"] == T("2019-05-16")


def test_restrictions_overview_counts_countries_not_rows():
    r = pd.DataFrame({"country": ["A", "A", "B"], "restriction": ["huawei_5g_exclusion"] * 2 + ["tiktok_nationwide_ban"],
                      "status": ["in_force", "partial", "lifted"]})
    facts = summaries.restrictions_overview(r)
    assert facts["n-5g-exclusions"] == 1 and facts["n-tiktok-nationwide-lifted"] == 1


def test_clock_overview():
    facts = summaries.clock_overview(DEADLINES, "2025-01-10")
    assert facts["n-deadlines"] == 3 and facts["n-deadlines-2020"] == 1 and facts["n-deadlines-since-law"] == 2
    assert facts["law-deadline"] == T("2025-01-19")
    assert facts["days-law-to-close"] == (T("2025-04-04") - T("2024-04-24")).days
    assert facts["days-added-since-law"] == (T("2025-04-05") - T("2025-01-19")).days
    assert facts["as-of-reading"] == "On 10 January 2025 9 days were left before the deadline then in force, 19 January 2025 (D2)."


def test_clock_overview_reads_a_day_with_no_deadline_in_plain_words():
    assert summaries.clock_overview(DEADLINES, "2022-01-01")["as-of-reading"] == \
        "On 1 January 2022 no sell-or-ban deadline was in force."


def test_deadline_days():
    assert summaries.deadline_days(DEADLINES) == {"D1-days": 45, "D2-days": 270, "D3-days": 75}


def test_figures_by_id():
    metrics = pd.DataFrame({"id": ["MM1"], "value": [1e8], "as_of": [T("2020-08-24")]})
    assert summaries.figures_by_id(metrics, ["MM1"]) == {"MM1": 1e8, "MM1-date": T("2020-08-24")}
    with pytest.raises(KeyError, match="MM9"):
        summaries.figures_by_id(metrics, ["MM9"])
