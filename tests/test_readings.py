"""The readings chapter's counts, from small frames with known answers, and its charts."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from appcontest import data, figures, parameters, readings
from appcontest import readings_charts as charts

ROOT = Path(__file__).resolve().parents[1]


def positions(*rows: tuple[str, str, str, str, str]) -> pd.DataFrame:
    """Coded positions as (actor_group, frame, stance, topic, source_key)."""
    frame = pd.DataFrame(rows, columns=["actor_group", "frame", "stance", "topic", "source_key"])
    return frame.assign(id=[f"N{i:03d}" for i in range(1, len(frame) + 1)])


SMALL = positions(
    ("chinese_government", "digital_sovereignty", "critical", "tiktok_ban", "a"),
    ("chinese_government", "technological_hegemony", "critical", "tiktok_ban", readings.SEED_000),
    ("chinese_government", "cultural_exchange", "supportive", "rednote_migration", "b"),
    ("chinese_government", "protectionism", "mixed", "tiktok_ban", "c"),
    ("chinese_academia", "geopolitical_rivalry", "critical", "us_china_tech_policy", readings.SEED_000),
    ("chinese_academia", "digital_sovereignty", "critical", "tiktok_ban", "d"),
    ("us_government", "national_security", "supportive", "tiktok_ban", "e"),
)


def statement_rows(*rows: tuple[str, str, str, str, str, str]) -> pd.DataFrame:
    """Statements as (date, actor_group, office, frame, stance, key_phrase_en)."""
    frame = pd.DataFrame(rows, columns=["date", "actor_group", "office", "frame", "stance", "key_phrase_en"])
    return frame.assign(
        date=pd.to_datetime(frame["date"]),
        id=[f"S{i:03d}" for i in range(1, len(frame) + 1)],
        key_phrase_zh="",
    )


STATEMENTS = statement_rows(
    (
        "2020-08-31",
        "chinese_government",
        "Ministry of Foreign Affairs spokesperson",
        "protectionism",
        "critical",
        "no different from seizing by trickery and force",
    ),
    (
        "2020-09-21",
        "commentators",
        "Global Times (unsigned editorial)",
        "technological_hegemony",
        "critical",
        "a clear robbery",
    ),
    (
        "2023-03-23",
        "chinese_government",
        "Ministry of Commerce spokesperson",
        "digital_sovereignty",
        "critical",
        "in accordance with the law",
    ),
    (
        "2025-09-18",
        "chinese_government",
        "Ministry of Commerce spokesperson",
        "digital_sovereignty",
        "mixed",
        "will review and approve in accordance with laws and regulations",
    ),
    (
        "2026-01-23",
        "chinese_government",
        "Ministry of Foreign Affairs spokesperson",
        "digital_sovereignty",
        "descriptive",
        "consistent and clear",
    ),
    ("2026-01-27", "commentators", "Global Times", "cultural_exchange", "supportive", ""),
)


def test_frame_counts_fill_the_grid_with_zeros_and_mark_thin_groups():
    counts = readings.frame_counts(SMALL, ["chinese_government", "chinese_academia"])
    frames = [
        "digital_sovereignty",
        "technological_hegemony",
        "protectionism",
        "geopolitical_rivalry",
        "cultural_exchange",
    ]
    assert len(counts) == 2 * len(frames), "every group x every frame used by the selection"
    assert sorted(counts["frame"].unique()) == sorted(frames), "frames no selected group uses are left out"
    cell = counts.set_index(["actor_group", "frame"])
    assert cell.loc[("chinese_government", "digital_sovereignty"), "rows"] == 1
    assert cell.loc[("chinese_academia", "cultural_exchange"), "rows"] == 0
    assert cell.loc[("chinese_government", "protectionism"), "share"] == pytest.approx(0.25)
    assert cell.loc[("chinese_academia", "digital_sovereignty"), "share"] == pytest.approx(0.5)
    assert counts.groupby("actor_group")["share"].sum().round(9).eq(1).all()
    assert counts["thin"].all(), "four and two rows are both under the thin threshold"
    assert counts["actor_group"].drop_duplicates().tolist() == ["chinese_government", "chinese_academia"]


def test_an_empty_group_list_means_the_four_chinese_groups():
    counts = readings.frame_counts(SMALL, [])
    assert counts["actor_group"].drop_duplicates().tolist() == readings.CHINESE_GROUPS
    assert counts.loc[counts["actor_group"] == "chinese_public", "rows"].sum() == 0
    assert (counts.loc[counts["actor_group"] == "chinese_public", "share"] == 0).all(), "no division by zero"


def test_stance_counts_keep_to_the_us_measures():
    counts = readings.stance_counts(SMALL, ["chinese_government"]).set_index("stance")
    assert counts["rows"].to_dict() == {"critical": 2, "mixed": 1, "descriptive": 0, "supportive": 0}
    assert (counts["group_rows"] == 3).all(), "the migration row is left out"


def test_core_reading_counts_critical_hold_back_and_independent_rows():
    core = readings.core_reading(SMALL, ["chinese_government", "chinese_academia"]).set_index("actor_group")
    government = core.loc["chinese_government"]
    assert (government["rows"], government["on_measures"], government["critical"]) == (4, 3, 2)
    assert government["hold_back"] == 1, "only the critical technological-hegemony row"
    assert government["independent"] == 3
    academia = core.loc["chinese_academia"]
    assert (academia["critical"], academia["hold_back"], academia["independent"]) == (2, 1, 1)


def test_overlap_of_frame_profiles():
    two = positions(
        ("chinese_government", "protectionism", "critical", "tiktok_ban", "a"),
        ("chinese_government", "digital_sovereignty", "critical", "tiktok_ban", "a"),
        ("chinese_academia", "protectionism", "critical", "tiktok_ban", "a"),
        ("chinese_academia", "user_agency", "critical", "tiktok_ban", "a"),
        ("chinese_public", "cultural_exchange", "supportive", "rednote_migration", "a"),
    )
    counts = readings.frame_counts(two, ["chinese_government", "chinese_academia", "chinese_public"])
    pairs = readings.overlap(counts).set_index(["first", "second"])["overlap"]
    assert pairs[("chinese_government", "chinese_academia")] == pytest.approx(0.5)
    assert pairs[("chinese_government", "chinese_public")] == pytest.approx(0.0)
    facts = readings.overlap_facts(counts)
    assert facts["most-alike-groups"] == "Chinese government with Chinese academia"
    assert facts["most-alike-overlap"] == "0.50"
    assert facts["least-alike-groups"] == (
        "Chinese government with Chinese public and Chinese academia with Chinese public"
    )
    assert facts["least-alike-overlap"] == "0.00"


def test_an_identical_mix_of_frames_overlaps_fully():
    same = positions(
        ("chinese_government", "protectionism", "critical", "tiktok_ban", "a"),
        ("chinese_academia", "protectionism", "critical", "tiktok_ban", "a"),
        ("chinese_academia", "protectionism", "mixed", "tiktok_ban", "a"),
    )
    pairs = readings.overlap(readings.frame_counts(same, ["chinese_government", "chinese_academia"]))
    assert pairs["overlap"].tolist() == [pytest.approx(1.0)]


def test_statements_by_voice_window_year_and_vocabulary():
    assert readings.voice(STATEMENTS).tolist() == [
        "foreign_ministry",
        "state_media",
        "commerce_ministry",
        "commerce_ministry",
        "foreign_ministry",
        "state_media",
    ]
    window = readings.in_window(STATEMENTS, "2023-01-01", "2025-12-31")
    assert window["id"].tolist() == ["S003", "S004"]
    with pytest.raises(ValueError, match="no statement is dated between"):
        readings.in_window(STATEMENTS, "2021-01-01", "2021-12-31")
    years = readings.frames_by_year(readings.official(STATEMENTS))
    assert years["year"].drop_duplicates().tolist() == [2020, 2021, 2022, 2023, 2024, 2025, 2026]
    cell = years.set_index(["year", "frame"])["rows"]
    assert cell[(2026, "digital_sovereignty")] == 1 and cell[(2021, "protectionism")] == 0
    assert years.groupby("year")["year_rows"].first().to_dict()[2023] == 1
    words = readings.vocabulary(STATEMENTS).set_index(["year", "family"])
    seizure = "\u201crobbery\u201d, \u201cseizure\u201d"
    law = "\u201claw\u201d, \u201capproval\u201d"
    assert words.loc[(2020, seizure), "rows"] == 2
    assert words.loc[(2025, law), "rows"] == 1 and words.loc[(2023, law), "rows"] == 1
    assert words.loc[(2026, "\u201cexchange\u201d, \u201cchoice\u201d"), "year_rows"] == 1, (
        "the empty phrase is not counted"
    )
    assert readings.matches("entirely a robber's logic", seizure)
    assert not readings.matches("a lawful market", law), "'lawful' is not 'law'"


def test_barometer_facts_split_at_the_framework():
    facts = readings.barometer_facts(STATEMENTS, "2025-09-15", "2026-01-22")
    assert facts["official-before-framework"] == 2 and facts["official-critical-before-framework"] == 2
    assert facts["official-since-framework"] == 2 and facts["official-critical-since-framework"] == 0
    assert facts["official-mixed-since-framework"] == 1 and facts["official-descriptive-since-framework"] == 1
    assert facts["statements-after-closing"] == 2 and facts["official-after-closing"] == 1


def test_milestones_are_numbered_in_date_order():
    measures = pd.DataFrame({"id": ["M2", "M1"], "date": pd.to_datetime(["2025-01-20", "2020-08-06"])})
    events = readings.milestones(measures, {"M2": "later", "M1": "earlier"})
    assert events["event"].tolist() == ["earlier", "later"] and events["number"].tolist() == [1, 2]


def test_reliability_facts_print_three_decimals():
    table = pd.DataFrame(
        {"variable": ["frame", "stance"], "units": [40, 40], "agreement": [0.8, 0.9], "alpha": [0.7771, 0.843]}
    )
    assert readings.reliability_facts(table) == {
        "frame-alpha": "0.777",
        "frame-agreement": "0.800",
        "stance-alpha": "0.843",
        "recoded-units": "40",
    }


def test_claim_facts_on_the_data_add_up():
    narratives, statements = data.load("narratives"), data.load("statements")
    facts = readings.claim_facts(narratives, statements)
    groups = ("government", "business", "academia", "public")
    assert facts["chinese-rows"] == sum(facts[f"{g}-rows"] for g in groups)
    assert facts["chinese-hold-back"] == sum(facts[f"{g}-hold-back"] for g in groups)
    assert facts["chinese-from-seed"] + facts["chinese-independent"] == facts["chinese-rows"]
    assert facts["chinese-critical"] <= facts["chinese-on-measures"] <= facts["chinese-rows"]
    assert facts["official-rows"] + facts["state-media-rows"] + facts["company-rows"] == facts["statements-rows"]


def test_actor_groups_are_a_checked_parameter():
    assert parameters.check(actor_groups="chinese_government,us_public")["actor_groups"] == [
        "chinese_government",
        "us_public",
    ]
    assert parameters.check(actor_groups=[])["actor_groups"] == []
    with pytest.raises(parameters.ParameterError, match="parameter 'actor_groups'"):
        parameters.check(actor_groups="chinese_goverment")


# --- Charts --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def every_chart():
    narratives, statements, measures = data.load("narratives"), data.load("statements"), data.load("measures")
    events = readings.milestones(measures, {"M016": "Executive Order 13942 signed", "M057": "joint venture closed"})
    groups = ["chinese_government", "chinese_business", "chinese_academia", "chinese_public", "us_government"]
    return [
        charts.frames_by_group(readings.frame_counts(narratives, [])),
        charts.frames_by_group(readings.frame_counts(narratives, groups), name="frames-by-five-groups"),
        charts.stance_by_group(readings.stance_counts(narratives, [])),
        charts.statements_timeline(statements, events),
        charts.frames_by_year(readings.frames_by_year(readings.official(statements))),
        charts.vocabulary_by_year(readings.vocabulary(statements)),
    ]


def _tooltip_titles(spec) -> set[str]:
    found = set()

    def walk(node):
        if isinstance(node, dict):
            encoding = node.get("encoding")
            tooltip = encoding.get("tooltip") if isinstance(encoding, dict) else None
            for t in tooltip if isinstance(tooltip, list) else []:
                found.add(t.get("title", t.get("field")))
            for key, value in node.items():
                if key not in ("datasets", "data"):
                    walk(value)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(spec)
    return found


def test_the_charts_are_readable_at_phone_width_and_draw_no_code(every_chart):
    for fig in every_chart:
        svg = fig.svg()
        sizes = figures.text_sizes(svg)
        small = [(t, round(s, 1)) for t, s in sizes if s < figures.MIN_TEXT_PX]
        assert sizes and not small, f"{fig.name}: text under {figures.MIN_TEXT_PX} px: {small[:5]}"
        width = float(re.search(r'<svg[^>]*width="([\d.]+)"', svg).group(1))
        assert width <= figures.PHONE_COLUMN, f"{fig.name} is wider than a phone's column"
        drawn = " ".join(t for t, _ in sizes)
        assert not re.search(r"[a-z]+_[a-z]+", drawn), f"{fig.name} draws a code: {drawn[:200]}"


def test_the_tables_hold_what_the_tooltips_hold(every_chart):
    for fig in every_chart:
        table = fig.table_frame()
        assert set(table.columns) == _tooltip_titles(fig.spec()), fig.name
        assert len(table) > 0 and not {"id", "source_keys", figures.ROW_FIELD} & set(table.columns)


def test_the_heatmaps_print_every_count_and_name_thin_groups(every_chart):
    heat = every_chart[0]
    drawn = [t for t, _ in figures.text_sizes(heat.svg())]
    assert any("3 rows, thin" in t for t in drawn), "the business column is labelled thin"
    assert "Chinese business" in heat.description and "Thin groups" in heat.description
    cells = len(heat.data)
    assert sum(t.isdigit() for t in drawn) >= cells, "every cell prints its count, zeros included"
    spec = json.dumps(heat.spec())
    assert "datum.thin" in spec, "thin groups are drawn pale"


def test_the_timeline_marks_the_milestones_and_lists_key_phrases(every_chart):
    timeline = every_chart[3]
    assert "1 Executive Order 13942 signed" in timeline.description
    table = timeline.table_frame()
    assert "Key phrase (English)" in table.columns and len(table) == len(data.load("statements"))


def test_a_run_with_other_actor_groups_and_years_draws_them():
    """The chapter run by papermill with non-default parameters (as tests/test_run.py does for the others)."""
    cli = [str(Path(sys.executable).with_name("appcontest")), "run", "--no-html"]
    args = ["-p", "actor_groups", "chinese_government,chinese_academia,us_government", "-p", "start_date", "2024-01-01"]
    result = subprocess.run(
        cli + [str(ROOT / "notebooks" / "readings.ipynb"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = ROOT / result.stdout.split("wrote ")[1].split()[0]
    text = out.read_text(encoding="utf-8")
    assert "Traceback" not in text
    assert "US government 19" in text, "the heatmap compares the groups asked for"
    assert "Timeline of 29 dated statements from March 2024" in text, "the timeline starts at start_date"
