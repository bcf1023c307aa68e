"""How Chinese actors read the TikTok ban: counts from the coded narratives and the dated statements.

Two datasets feed the chapter. ``narratives`` holds positions as sources report them,
coded by actor group, frame, stance and topic, but undated; ``statements`` holds dated
statements by Chinese officials, state media and ByteDance/TikTok, coded with the same
codes and with a key phrase each. Everything here is a count of coded rows: it
describes the coded corpus, not the prevalence of views in any population (codebook,
section 1), and every table keeps its row counts so that a share is never read without
the number it rests on.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pandas as pd

# Reader-facing words for the codebook's codes (data/codebook.md, section 2).
ACTOR_GROUP = {
    "chinese_government": "Chinese government",
    "chinese_business": "Chinese business",
    "chinese_academia": "Chinese academia",
    "chinese_public": "Chinese public",
    "us_government": "US government",
    "us_public": "US public",
    "platforms": "Platforms",
    "commentators": "Commentators",
}
CHINESE_GROUPS = ["chinese_government", "chinese_business", "chinese_academia", "chinese_public"]
FRAME = {
    "national_security": "National security",
    "digital_sovereignty": "Digital sovereignty",
    "technological_hegemony": "Technological hegemony",
    "protectionism": "Protectionism",
    "geopolitical_rivalry": "Geopolitical rivalry",
    "risk_management": "Risk management",
    "data_protection": "Data protection",
    "free_expression": "Free expression",
    "cultural_exchange": "Cultural exchange",
    "user_agency": "User agency",
    "personal_politics": "Personal politics",
}
STANCE = {"critical": "Critical", "mixed": "Mixed", "descriptive": "Descriptive", "supportive": "Supportive"}
TOPIC = {
    "tiktok_ban": "the measures against TikTok",
    "us_china_tech_policy": "US–China tech policy",
    "rednote_migration": "the RedNote migration",
}
# Positions on the US measures (the ban and the wider tech policy), as against the migration.
MEASURE_TOPICS = ("tiktok_ban", "us_china_tech_policy")
# The frames in which a position reads a US measure as a move to keep China down or out:
# seed 000's shared core, "a deliberate and unjust effort to curtail China's global
# influence", taken as a critical position in one of these frames.
HOLD_BACK_FRAMES = ("technological_hegemony", "geopolitical_rivalry", "protectionism")
# A group with fewer rows than this is "thin": a share of five rows or fewer is not worth reading alone.
THIN_ROWS = 6
SEED_000 = "sunchen2025tiktokrednote"
# The bibliography keys of the five seed texts (000 to 004; see their entries' notes).
SEED_KEYS = frozenset(
    {
        SEED_000,
        "xingli2025rednoteutopia",
        "hklink2025tiktokxiaohongshu",
        "popularresistance2020tiktokdiplomacy",
        "zhong2020techdivide",
    }
)

# Who speaks in the statements, by office: the rows of the timeline.
VOICE = {
    "foreign_ministry": "Foreign ministry",
    "commerce_ministry": "Commerce ministry",
    "other_official": "Other officials",
    "state_media": "State media",
    "company": "ByteDance and TikTok",
}
VENUE_KIND = {
    "press_conference": "Press conference",
    "ministry_statement": "Ministry statement",
    "regulation": "Regulation",
    "readout": "Call readout",
    "remarks": "Remarks",
    "company_statement": "Company statement",
    "letter": "Letter",
    "editorial": "Editorial",
    "commentary": "Commentary",
    "interview": "Interview",
}
# Families of words in the English key phrases (the speakers' words, hence the quotation
# marks), each a regular expression matched against the lower-cased phrase.
VOCABULARY = {
    "“security”": r"security",
    "“market”, “competition”": r"market|competition",
    "“law”, “approval”": r"\blaws?\b|approv|regulations",
    "“robbery”, “seizure”": r"robb|bandit|seiz|smash and grab|gangster|trickery|plunder",
    "“hegemony”, “bully”": r"hegemon|suppress|bully",
    "“exchange”, “choice”": r"exchange|choice|choose|people-to-people",
}


def group_label(code: str) -> str:
    return ACTOR_GROUP[code]


def voice(statements: pd.DataFrame) -> pd.Series:
    """Each statement's voice (a :data:`VOICE` code), from its actor group and office."""

    def one(row) -> str:
        if row["actor_group"] == "commentators":
            return "state_media"
        if row["actor_group"] == "platforms":
            return "company"
        office = row["office"]
        if "Foreign Affairs" in office:
            return "foreign_ministry"
        if "Commerce" in office or "MOFCOM" in office:
            return "commerce_ministry"
        return "other_official"

    return statements.apply(one, axis=1)


def select_groups(narratives: pd.DataFrame, groups: Sequence[str]) -> pd.DataFrame:
    """The rows of the given actor groups ([] = the four Chinese groups)."""
    groups = list(groups) or CHINESE_GROUPS
    return narratives[narratives["actor_group"].isin(groups)]


def frame_counts(narratives: pd.DataFrame, groups: Sequence[str]) -> pd.DataFrame:
    """Rows by actor group and frame, one row per cell of the grid (zeros included).

    Columns: ``actor_group``, ``frame``, ``rows``, ``group_rows`` (the group's total),
    ``share`` (rows / group_rows) and ``thin`` (the group has fewer than
    :data:`THIN_ROWS` rows). Frames that no selected group uses are left out; groups keep
    the order given.
    """
    groups = list(groups) or CHINESE_GROUPS
    chosen = select_groups(narratives, groups)
    frames = [f for f in FRAME if f in set(chosen["frame"])]
    grid = pd.MultiIndex.from_product([groups, frames], names=["actor_group", "frame"])
    counts = chosen.groupby(["actor_group", "frame"]).size().reindex(grid, fill_value=0).rename("rows").reset_index()
    totals = chosen["actor_group"].value_counts().reindex(groups, fill_value=0)
    counts["group_rows"] = counts["actor_group"].map(totals).astype(int)
    counts["share"] = (counts["rows"] / counts["group_rows"].where(counts["group_rows"] > 0)).fillna(0.0)
    counts["thin"] = counts["group_rows"] < THIN_ROWS
    return counts


def stance_counts(narratives: pd.DataFrame, groups: Sequence[str], topics: Sequence[str] = MEASURE_TOPICS):
    """Rows by actor group and stance, for positions on ``topics`` (the US measures by default).

    Columns: ``actor_group``, ``stance``, ``rows``, ``group_rows``, ``share``; every stance
    of :data:`STANCE` for every group, zeros included.
    """
    groups = list(groups) or CHINESE_GROUPS
    chosen = select_groups(narratives, groups)
    chosen = chosen[chosen["topic"].isin(topics)]
    grid = pd.MultiIndex.from_product([groups, list(STANCE)], names=["actor_group", "stance"])
    counts = chosen.groupby(["actor_group", "stance"]).size().reindex(grid, fill_value=0).rename("rows").reset_index()
    totals = chosen["actor_group"].value_counts().reindex(groups, fill_value=0)
    counts["group_rows"] = counts["actor_group"].map(totals).astype(int)
    counts["share"] = (counts["rows"] / counts["group_rows"].where(counts["group_rows"] > 0)).fillna(0.0)
    return counts


def core_reading(narratives: pd.DataFrame, groups: Sequence[str]) -> pd.DataFrame:
    """Per group, how many of its positions on the US measures carry seed 000's shared core.

    Columns: ``actor_group``; ``rows`` (all the group's rows); ``on_measures`` (rows whose
    topic is a US measure); ``critical`` (of those, critical); ``hold_back`` (critical and
    in one of :data:`HOLD_BACK_FRAMES`); ``independent`` (rows from sources other than
    seed 000 itself, which cannot test it).
    """
    groups = list(groups) or CHINESE_GROUPS
    chosen = select_groups(narratives, groups)
    on = chosen[chosen["topic"].isin(MEASURE_TOPICS)]
    result = pd.DataFrame({"actor_group": groups})
    result["rows"] = result["actor_group"].map(chosen["actor_group"].value_counts()).fillna(0).astype(int)
    result["on_measures"] = result["actor_group"].map(on["actor_group"].value_counts()).fillna(0).astype(int)
    critical = on[on["stance"] == "critical"]
    result["critical"] = result["actor_group"].map(critical["actor_group"].value_counts()).fillna(0).astype(int)
    hold = critical[critical["frame"].isin(HOLD_BACK_FRAMES)]
    result["hold_back"] = result["actor_group"].map(hold["actor_group"].value_counts()).fillna(0).astype(int)
    other = chosen[chosen["source_key"] != SEED_000]
    result["independent"] = result["actor_group"].map(other["actor_group"].value_counts()).fillna(0).astype(int)
    return result


def overlap(counts: pd.DataFrame) -> pd.DataFrame:
    """How alike two groups' frame profiles are: for each pair, the sum over frames of the
    smaller of their two shares (1 = the same mix of frames, 0 = no frame in common).

    ``counts`` is :func:`frame_counts`; groups without rows are left out. Columns:
    ``first``, ``second``, ``overlap``, in the order the groups were given.
    """
    shares = counts.pivot(index="frame", columns="actor_group", values="share")
    groups = [g for g in dict.fromkeys(counts["actor_group"]) if counts.loc[counts["actor_group"] == g, "rows"].sum()]
    pairs = [
        {"first": a, "second": b, "overlap": float(shares[[a, b]].min(axis=1).sum())}
        for i, a in enumerate(groups)
        for b in groups[i + 1 :]
    ]
    return pd.DataFrame(pairs, columns=["first", "second", "overlap"])


def in_window(statements: pd.DataFrame, start=None, end=None) -> pd.DataFrame:
    """Statements dated from ``start`` to ``end`` (inclusive), in date order."""
    keep = pd.Series(True, index=statements.index)
    if start is not None:
        keep &= statements["date"] >= pd.Timestamp(start)
    if end is not None:
        keep &= statements["date"] <= pd.Timestamp(end)
    chosen = statements[keep].sort_values(["date", "id"], kind="stable")
    if chosen.empty:
        raise ValueError(f"no statement is dated between {start} and {end}; widen the window")
    return chosen


def official(statements: pd.DataFrame) -> pd.DataFrame:
    """The statements of Chinese officials (actor group chinese_government)."""
    return statements[statements["actor_group"] == "chinese_government"]


def frames_by_year(statements: pd.DataFrame) -> pd.DataFrame:
    """Statements by frame and year, every cell of the grid (zeros included).

    Columns: ``year``, ``frame``, ``rows``, ``year_rows``. Years run from the first to the
    last statement given; frames are those used at least once.
    """
    years = list(range(int(statements["date"].dt.year.min()), int(statements["date"].dt.year.max()) + 1))
    frames = [f for f in FRAME if f in set(statements["frame"])]
    grid = pd.MultiIndex.from_product([years, frames], names=["year", "frame"])
    counts = (
        statements.assign(year=statements["date"].dt.year)
        .groupby(["year", "frame"])
        .size()
        .reindex(grid, fill_value=0)
        .rename("rows")
        .reset_index()
    )
    counts["year_rows"] = counts["year"].map(statements["date"].dt.year.value_counts()).fillna(0).astype(int)
    return counts


def vocabulary(statements: pd.DataFrame, families: Mapping[str, str] = VOCABULARY) -> pd.DataFrame:
    """Statements whose English key phrase uses each family of words, by year.

    Columns: ``year``, ``family``, ``rows`` (statements whose phrase matches),
    ``year_rows`` (statements with an English key phrase that year). A phrase can match
    several families.
    """
    phrased = statements[statements["key_phrase_en"].fillna("").str.strip() != ""]
    years = list(range(int(statements["date"].dt.year.min()), int(statements["date"].dt.year.max()) + 1))
    text = phrased["key_phrase_en"].str.lower()
    rows = []
    for family, pattern in families.items():
        hits = phrased[text.str.contains(pattern, regex=True)]
        per_year = hits["date"].dt.year.value_counts()
        rows += [{"year": y, "family": family, "rows": int(per_year.get(y, 0))} for y in years]
    result = pd.DataFrame(rows, columns=["year", "family", "rows"])
    result["year_rows"] = result["year"].map(phrased["date"].dt.year.value_counts()).fillna(0).astype(int)
    return result


def matches(phrase: str, family: str) -> bool:
    """Whether an English key phrase uses a :data:`VOCABULARY` family."""
    return bool(re.search(VOCABULARY[family], str(phrase).lower()))


def stance_between(statements: pd.DataFrame, start=None, end=None) -> dict[str, int]:
    """Statements by stance code between two dates (inclusive; None = open), zeros included."""
    keep = pd.Series(True, index=statements.index)
    if start is not None:
        keep &= statements["date"] >= pd.Timestamp(start)
    if end is not None:
        keep &= statements["date"] <= pd.Timestamp(end)
    counts = statements[keep]["stance"].value_counts()
    return {s: int(counts.get(s, 0)) for s in STANCE}


def share_text(part: int, whole: int) -> str:
    """``3 of 4``, the way the chapter gives a share: never a percentage of a handful."""
    return f"{part} of {whole}"


def milestones(measures: pd.DataFrame, events: Mapping[str, str]) -> pd.DataFrame:
    """The clock chapter's milestones as numbered events: ``{measures row id: what happened}``,
    in date order. Columns ``number`` (1, 2, ...), ``date``, ``event``."""
    rows = measures.set_index("id").loc[list(events), ["date"]].reset_index()
    rows["event"] = rows["id"].map(events)
    rows = rows.sort_values("date", kind="stable").reset_index(drop=True)
    rows["number"] = range(1, len(rows) + 1)
    return rows[["number", "date", "event"]]


def _pairs_text(pairs: pd.DataFrame) -> str:
    names = [f"{ACTOR_GROUP[a]} with {ACTOR_GROUP[b]}" for a, b in zip(pairs["first"], pairs["second"], strict=True)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def overlap_facts(counts: pd.DataFrame) -> dict[str, str]:
    """The most and the least alike pairs of groups by :func:`overlap`, as prose (ties listed)."""
    pairs = overlap(counts)
    if pairs.empty:
        return {
            "most-alike-groups": "no pair",
            "most-alike-overlap": "n/a",
            "least-alike-groups": "no pair",
            "least-alike-overlap": "n/a",
        }
    rounded = pairs.assign(overlap=pairs["overlap"].round(2))
    high, low = rounded["overlap"].max(), rounded["overlap"].min()
    return {
        "most-alike-groups": _pairs_text(rounded[rounded["overlap"] == high]),
        "most-alike-overlap": f"{high:.2f}",
        "least-alike-groups": _pairs_text(rounded[rounded["overlap"] == low]),
        "least-alike-overlap": f"{low:.2f}",
    }


SHORT = {
    "chinese_government": "government",
    "chinese_business": "business",
    "chinese_academia": "academia",
    "chinese_public": "public",
}
# The frames the chapter counts for each Chinese group, as ``<group>-<frame>`` keys.
GROUP_FRAMES = {
    "chinese_government": ("technological_hegemony", "national_security", "digital_sovereignty"),
    "chinese_business": ("risk_management",),
    "chinese_academia": ("geopolitical_rivalry", "digital_sovereignty", "user_agency"),
    "chinese_public": ("cultural_exchange",),
}
# The frames the chapter counts in the officials' statements, as ``official-<frame>`` keys.
OFFICIAL_FRAMES = (
    "digital_sovereignty",
    "protectionism",
    "national_security",
    "technological_hegemony",
    "geopolitical_rivalry",
)
COMPANY_FRAMES = ("risk_management", "free_expression", "digital_sovereignty")


def _key(*parts: str) -> str:
    return "-".join(p.replace("_", "-") for p in parts)


def claim_facts(narratives: pd.DataFrame, statements: pd.DataFrame) -> dict[str, object]:
    """The counts the chapter states against seed 000's claims, over the four Chinese groups
    and the whole statements file, whatever the parameters (the prose names the groups).

    Per group (``government``, ``business``, ``academia``, ``public``): ``-rows``,
    ``-on-measures``, ``-hold-back`` and ``-independent`` (see :func:`core_reading`), and the
    frames of :data:`GROUP_FRAMES`. Totals over the four: ``chinese-rows``,
    ``chinese-on-measures``, ``chinese-critical``, ``chinese-supportive`` (on the measures),
    ``chinese-hold-back``, ``chinese-independent``, ``chinese-from-seed``. Then the
    statements: totals by voice, first and last date, the frames of :data:`OFFICIAL_FRAMES`
    and :data:`COMPANY_FRAMES`, and state media's statements in the hold-back frames.
    """
    core = core_reading(narratives, CHINESE_GROUPS).set_index("actor_group")
    chinese = select_groups(narratives, CHINESE_GROUPS)
    frames = chinese.groupby(["actor_group", "frame"]).size()
    facts: dict[str, object] = {}
    for code, short in SHORT.items():
        for column in ("rows", "on_measures", "hold_back", "independent"):
            facts[_key(short, column)] = int(core.loc[code, column])
        for frame in GROUP_FRAMES[code]:
            facts[_key(short, frame)] = int(frames.get((code, frame), 0))
    facts["academia-critical"] = int(core.loc["chinese_academia", "critical"])
    facts["largest-cell"] = int(frames.max())
    government = chinese[chinese["actor_group"] == "chinese_government"]
    facts["government-frames"] = int(government["frame"].nunique())
    facts["government-migration"] = int((government["topic"] == "rednote_migration").sum())
    public = chinese[chinese["actor_group"] == "chinese_public"]
    facts["public-from-seed"] = int((public["source_key"] == SEED_000).sum())
    on = chinese[chinese["topic"].isin(MEASURE_TOPICS)]
    facts.update(
        {
            "narratives-rows": len(narratives),
            "narratives-other-sources": len(set(narratives["source_key"]) - SEED_KEYS),
            "chinese-rows": len(chinese),
            "chinese-on-measures": len(on),
            "chinese-critical": int((on["stance"] == "critical").sum()),
            "chinese-supportive": int((on["stance"] == "supportive").sum()),
            "chinese-hold-back": int(core["hold_back"].sum()),
            "chinese-independent": int(core["independent"].sum()),
            "chinese-from-seed": int(len(chinese) - core["independent"].sum()),
        }
    )
    off = official(statements)
    media = statements[statements["actor_group"] == "commentators"]
    company = statements[statements["actor_group"] == "platforms"]
    facts.update(
        {
            "statements-rows": len(statements),
            "official-rows": len(off),
            "state-media-rows": len(media),
            "company-rows": len(company),
            "first-statement": statements["date"].min(),
            "last-statement": statements["date"].max(),
            "state-media-hold-back": int(media["frame"].isin(HOLD_BACK_FRAMES).sum()),
        }
    )
    for frame in OFFICIAL_FRAMES:
        facts[_key("official", frame)] = int((off["frame"] == frame).sum())
    for frame in COMPANY_FRAMES:
        facts[_key("company", frame)] = int((company["frame"] == frame).sum())
    return facts


def barometer_facts(statements: pd.DataFrame, framework, closing) -> dict[str, object]:
    """Stance of statements before the Madrid framework, from it on, and after the closing.

    ``framework`` and ``closing`` are the dates of the framework announcement and of the
    joint venture's closing (from the measures dataset).
    """
    framework, closing = pd.Timestamp(framework), pd.Timestamp(closing)
    off = official(statements)
    before = stance_between(off, end=framework - pd.Timedelta(days=1))
    since = stance_between(off, start=framework)
    after = statements[statements["date"] > closing]
    return {
        "official-before-framework": sum(before.values()),
        "official-critical-before-framework": before["critical"],
        "official-since-framework": sum(since.values()),
        "official-critical-since-framework": since["critical"],
        "official-mixed-since-framework": since["mixed"],
        "official-descriptive-since-framework": since["descriptive"],
        "statements-after-closing": len(after),
        "official-after-closing": int((after["actor_group"] == "chinese_government").sum()),
    }


def reliability_facts(reliability: pd.DataFrame, agreement: Sequence[str] = ("frame",)) -> dict[str, str]:
    """Alpha per coded variable (``frame-alpha``), raw agreement for the variables named in
    ``agreement`` (``frame-agreement``), as printed (three decimals), and the units coded twice."""
    facts: dict[str, str] = {}
    for row in reliability.itertuples():
        name = row.variable.replace("_", "-")
        facts[f"{name}-alpha"] = f"{row.alpha:.3f}"
        if row.variable in agreement:
            facts[f"{name}-agreement"] = f"{row.agreement:.3f}"
    facts["recoded-units"] = str(int(reliability["units"].iloc[0]))
    return facts
