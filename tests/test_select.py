"""Selecting measures by chapter parameters."""

from __future__ import annotations

import pandas as pd
import pytest

from appcontest import select

M = pd.DataFrame(
    {
        "id": ["M1", "M2", "M3"],
        "date": pd.to_datetime(["2018-04-15", "2020-08-06", "2024-04-24"]),
        "jurisdiction": ["United States", "India", "United States"],
        "instrument": ["export_control", "app_ban", "statute"],
        "target": ["ZTE", "Chinese apps", "TikTok"],
    }
)


def test_window_and_lists():
    assert select.measures(M, start_date="2019-01-01")["id"].tolist() == ["M2", "M3"]
    assert select.measures(M, jurisdictions=["United States"], instruments=["statute"])["id"].tolist() == ["M3"]
    assert select.measures(M, targets=[])["id"].tolist() == ["M1", "M2", "M3"]


def test_an_empty_selection_names_the_parameters():
    with pytest.raises(select.EmptySelection, match=r"jurisdictions=\['India'\], instruments=\['statute'\]"):
        select.measures(M, jurisdictions=["India"], instruments=["statute"])
