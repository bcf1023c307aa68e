"""Scoring the scenarios for TikTok's future against what happened.

Four steps, each a function with hand-checked tests (tests/test_scenarios.py):

1. **Scorecard** (:func:`scorecard`). Each scenario of ``data/scenarios.csv`` is split
   into conditions (``data/conditions.csv``) with weights that sum to 1; each condition's
   outcome (``data/outcomes.csv``) earns :data:`CREDIT` (met 1, partly met 1/2, not met 0).
   A scenario's *credit* is the weighted sum: the share of it that came about.
2. **Words to probabilities** (:func:`verbal_forecasts`). Each likelihood phrase a
   scenario's author used is read as one level of :data:`READING` (the book's reading,
   stated in the chapter), and each level as one term of a published scale of words of
   estimative probability (``data/probability_words.csv``), which gives a range and a
   central value.
3. **Scores** (:func:`brier`, :func:`log_score`). Each scenario is scored as its own
   event against its credit (partial outcomes count in proportion); the probabilities are
   not normalised, because the scenarios, as their conditions define them, are neither
   mutually exclusive (one deal met parts of two of them) nor exhaustive.
4. **Spread** (:func:`monte_carlo`). A seeded Monte Carlo draws each probability
   uniformly from its term's range, so a score is an interval rather than a point.

The crowd (``data/forecasts.csv``) is scored by the same rules (:func:`crowd_scores`), and
:func:`base_rate` is the labelled model of how often a TikTok deadline had held as written
(``data/deadlines.csv``), by the rule of succession.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd

CREDIT = {"met": 1.0, "partly_met": 0.5, "not_met": 0.0}
OUTCOME_LABEL = {"met": "Met", "partly_met": "Partly met", "not_met": "Not met"}

# The seed (Sun and Chen) and its four scenarios.
SEED_SET = "Sun & Chen 2025"
SEED_SHORT = {
    "SC01": "Forced sale",
    "SC02": "Joint venture",
    "SC03": "Total shutdown",
    "SC04": "Legislative reversal",
}
# The seed carries no date of its own: its text was written after EO 14166 (20 Jan 2025)
# and before 5 Apr 2025, as the note of each of its rows in data/scenarios.csv says.
SEED_WRITTEN_AFTER = dt.date(2025, 1, 20)
SEED_WRITTEN_BEFORE = dt.date(2025, 4, 5)

# The book's reading of each likelihood phrase as a level of likelihood. A reading, not a
# fact: the chapter prints this table. SC01's words rank how prominent the proposal was,
# not how likely (the row's note says so), so by default it is not read as a forecast;
# SC01_READING is the reading the chapter tries as a check.
READING = {
    "SC03": "even",  # "could face the possibility of a complete ban"
    "SC04": "unlikely",  # "appears less likely"
    "SC06": "remote",  # "not going to happen"
    "SC07": "likely",  # "is likely to prohibit a sale if it comes to it"
    "SC08": "likely",  # "will still likely delay"
    "SC09": "unlikely",  # "something China is unlikely to do but might"
    "SC10": "very unlikely",  # "very unlikely"
    "SC11": "unlikely",  # "unlikely to occur by that deadline"
}
SC01_READING = "likely"
LEVELS = ("remote", "very unlikely", "unlikely", "even", "likely")
# Each level as a term of each scale. Kent's scale has no term between "probably not"
# (30%) and "almost certainly not" (7%), so "very unlikely" and "remote" share the latter.
TERMS = {
    "kent1964": {
        "remote": "almost certainly not",
        "very unlikely": "almost certainly not",
        "unlikely": "probably not",
        "even": "chances about even",
        "likely": "probable",
    },
    "ipcc_ar4_wg2": {
        "remote": "very unlikely",
        "very unlikely": "very unlikely",
        "unlikely": "unlikely",
        "even": "about as likely as not",
        "likely": "likely",
    },
    "ipcc_ar5": {
        "remote": "extremely unlikely",
        "very unlikely": "very unlikely",
        "unlikely": "unlikely",
        "even": "about as likely as not",
        "likely": "likely",
    },
    "icd203": {
        "remote": "almost no chance",
        "very unlikely": "very unlikely",
        "unlikely": "unlikely",
        "even": "roughly even chance",
        "likely": "likely",
    },
}
SCALE_LABEL = {
    "kent1964": "Kent (1964)",
    "ipcc_ar4_wg2": "IPCC AR4 (2007)",
    "ipcc_ar5": "IPCC AR5 guidance (2010)",
    "icd203": "ICD 203",
}
# The log score of a probability of 0 or 1 on an outcome that went the other way is
# infinite; probabilities are clipped to this margin for it (not for the Brier score).
LOG_CLIP = 0.01
DRAWS = 10_000
SEED = 20250120  # the Monte Carlo's random seed: the day EO 14166 was signed
INTERVAL = (2.5, 97.5)  # percentiles: a 95% interval

# The crowd: prices observed from the 2024 law's year on, read as of a date.
EPISODE_START = pd.Timestamp("2024-01-01")
BAN_QUESTION = re.compile(r"\bban", re.I)
# Reports of one day that are marked as later in it (after the Supreme Court's ruling of
# 17 Jan 2025) replace that day's earlier ones.
LATER_IN_DAY = re.compile(r"\bafter\b|afternoon", re.I)
# The book's own rule for a "ban": the seed's shutdown condition (TikTok dark for existing
# US users for more than 7 consecutive days).
SHUTDOWN_CONDITION = "C08"

ROW_REFERENCE = re.compile(r"\s*\((?:see )?(?:[A-Z]{1,2}\d{2,3})(?:[,;] ?(?:[A-Z]{1,2}\d{2,3}))*\)")


def without_ids(text: str) -> str:
    """Dataset prose for a reader: ``"... reported (see O04)."`` -> ``"... reported."``"""
    return ROW_REFERENCE.sub("", str(text))


class ScoringError(ValueError):
    """A probability or outcome outside [0, 1], or nothing to score."""


# ---- 1. the scorecard ---------------------------------------------------------------


def conditions_scored(conditions: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """One row per condition with its outcome, credit and evidence.

    Refuses a condition without an outcome, and an outcome whose evidence has no source:
    a resolution the reader cannot check is not scored.
    """
    merged = conditions.merge(
        outcomes.rename(columns={"id": "outcome_id", "source_keys": "outcome_sources", "note": "outcome_note"}),
        left_on="id",
        right_on="condition_id",
        how="left",
        validate="one_to_one",
    )
    missing = merged.loc[merged["met"].isna(), "id"].tolist()
    if missing:
        raise ScoringError(f"conditions without an outcome in data/outcomes.csv: {', '.join(missing)}")
    unsourced = merged.loc[merged["outcome_sources"].fillna("").str.strip() == "", "outcome_id"].tolist()
    if unsourced:
        raise ScoringError(f"outcomes whose resolution cites no source: {', '.join(unsourced)}")
    return merged.assign(credit=merged["met"].map(CREDIT), outcome_label=merged["met"].map(OUTCOME_LABEL))


def scorecard(scenarios: pd.DataFrame, conditions: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """One row per scenario: its credit (weighted share of its conditions that came about)
    and the counts of its conditions met, partly met and not met."""
    scored = conditions_scored(conditions, outcomes)
    weights = scored.groupby("scenario_id")["weight"].sum()
    off = weights[(weights - 1).abs() > 0.01]
    if len(off):
        raise ScoringError(f"condition weights do not sum to 1 for: {', '.join(off.index)}")
    scored = scored.assign(points=scored["weight"] * scored["credit"])
    per = scored.groupby("scenario_id").agg(
        credit=("points", "sum"),
        weight=("weight", "sum"),
        conditions=("id", "size"),
        met=("met", lambda s: int((s == "met").sum())),
        partly=("met", lambda s: int((s == "partly_met").sum())),
        not_met=("met", lambda s: int((s == "not_met").sum())),
        settled=("resolved_on", "max"),
    )
    per["credit"] = (per["credit"] / per["weight"]).round(4)
    out = scenarios.merge(per.drop(columns="weight"), left_on="id", right_index=True, how="left")
    return out.assign(seed=out["scenario_set"] == SEED_SET)


# ---- 2. words to probabilities ------------------------------------------------------


def scale_terms(words: pd.DataFrame, scale: str) -> pd.DataFrame:
    """The terms of one scale, with a central value for every term (the midpoint where the
    scale publishes only a range)."""
    terms = words[words["scale"] == scale]
    if terms.empty:
        raise KeyError(f"no scale {scale!r} in data/probability_words.csv; scales: {sorted(words['scale'].unique())}")
    central = terms["probability_central"].fillna((terms["probability_low"] + terms["probability_high"]) / 2)
    return terms.assign(central=central.round(4)).set_index("phrase")


def verbal_forecasts(
    scenarios: pd.DataFrame, words: pd.DataFrame, scale: str, *, reading: dict[str, str] | None = None
) -> pd.DataFrame:
    """One row per scenario read as a forecast: its phrase, level, the scale's term and the
    term's range (``low``, ``high``) and central value (``p``)."""
    reading = READING if reading is None else reading
    terms = scale_terms(words, scale)
    rows = []
    for sid, level in reading.items():
        term = TERMS[scale][level]
        if term not in terms.index:
            raise KeyError(f"scale {scale!r} has no term {term!r} (for level {level!r})")
        t = terms.loc[term]
        rows.append(
            {
                "id": sid,
                "level": level,
                "term": term,
                "low": float(t["probability_low"]),
                "high": float(t["probability_high"]),
                "p": float(t["central"]),
                "word_id": t["id"],
            }
        )
    frame = pd.DataFrame(rows)
    return scenarios[["id", "scenario_set", "label", "verbal_likelihood"]].merge(frame, on="id", how="inner")


# ---- 3. scores ----------------------------------------------------------------------


def _check(values, what: str) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.size == 0:
        raise ScoringError(f"no {what} to score")
    if np.isnan(array).any() or (array < 0).any() or (array > 1).any():
        raise ScoringError(f"{what} must lie between 0 and 1: got {array.tolist()}")
    return array


def brier(probabilities, outcomes) -> float:
    """Mean Brier score: the mean of (p - o)^2 over the events. 0 is perfect, 1 the worst;
    an outcome may be a share (a partial credit) as well as 0 or 1."""
    p, o = _check(probabilities, "probabilities"), _check(outcomes, "outcomes")
    return float(np.mean((p - o) ** 2, axis=-1)) if p.ndim == 1 else np.mean((p - o) ** 2, axis=-1)


def log_score(probabilities, outcomes) -> float:
    """Mean log score, negatively oriented (lower is better): -[o ln p + (1 - o) ln(1 - p)],
    with p clipped to [LOG_CLIP, 1 - LOG_CLIP]. A forecast of 50% scores ln 2 = 0.693."""
    p = np.clip(_check(probabilities, "probabilities"), LOG_CLIP, 1 - LOG_CLIP)
    o = _check(outcomes, "outcomes")
    values = -(o * np.log(p) + (1 - o) * np.log(1 - p))
    return float(np.mean(values, axis=-1)) if p.ndim == 1 else np.mean(values, axis=-1)


def monte_carlo(low, high, outcomes, *, draws: int = DRAWS, seed: int = SEED) -> dict:
    """The Brier and log scores when each probability is drawn uniformly from [low, high].

    Returns the central (median) score and the 95% interval (2.5th and 97.5th percentiles)
    of the mean Brier score and of the mean log score over ``draws`` draws, from a
    generator seeded with ``seed``, so a run gives the same interval every time.
    """
    low, high = _check(low, "lower bounds"), _check(high, "upper bounds")
    outcomes = _check(outcomes, "outcomes")
    if (low > high).any():
        raise ScoringError("a lower bound exceeds its upper bound")
    rng = np.random.default_rng(seed)
    sample = rng.uniform(low, high, size=(draws, len(low)))
    briers = brier(sample, np.broadcast_to(outcomes, sample.shape))
    logs = log_score(sample, np.broadcast_to(outcomes, sample.shape))
    lo, hi = INTERVAL
    return {
        "brier": float(np.median(briers)),
        "brier_low": float(np.percentile(briers, lo)),
        "brier_high": float(np.percentile(briers, hi)),
        "log": float(np.median(logs)),
        "log_low": float(np.percentile(logs, lo)),
        "log_high": float(np.percentile(logs, hi)),
        "draws": draws,
        "seed": seed,
    }


def score_forecasts(forecasts: pd.DataFrame, card: pd.DataFrame) -> pd.DataFrame:
    """Verbal forecasts with their outcome (the scenario's credit) and scores at the central value."""
    out = forecasts.merge(card[["id", "credit"]], on="id")
    return out.assign(
        brier=(out["p"] - out["credit"]) ** 2,
        log=[log_score([p], [c]) for p, c in zip(out["p"], out["credit"], strict=True)],
    )


def forecaster_scores(scored: pd.DataFrame, **mc) -> dict:
    """Central and Monte Carlo scores of a set of scored verbal forecasts."""
    result = monte_carlo(scored["low"], scored["high"], scored["credit"], **mc)
    result.update(
        central_brier=brier(scored["p"], scored["credit"]),
        central_log=log_score(scored["p"], scored["credit"]),
        n=len(scored),
    )
    return result


# ---- the crowd ----------------------------------------------------------------------


def crowd_latest(forecasts: pd.DataFrame, as_of) -> pd.DataFrame:
    """Each crowd question's latest price on or before ``as_of`` (from 2024 on): the mean of
    the rows observed on its latest day (two reports of one day can differ)."""
    as_of = pd.Timestamp(as_of)
    seen = forecasts[forecasts["observed_on"].notna()]
    seen = seen[(seen["observed_on"] >= EPISODE_START) & (seen["observed_on"] <= as_of)]
    if seen.empty:
        return seen.assign(reports=pd.Series(dtype=int))
    latest = seen.groupby(["platform", "question"])["observed_on"].transform("max")
    last = seen[seen["observed_on"] == latest]
    later = last["observed_time"].fillna("").str.contains(LATER_IN_DAY)
    has_later = later.groupby([last["platform"], last["question"]]).transform("any")
    last = last[later | ~has_later]
    grouped = last.groupby(["platform", "question"], sort=False)
    out = grouped.agg(
        observed_on=("observed_on", "first"),
        observed_on_precision=("observed_on_precision", "first"),
        probability=("probability", "mean"),
        reports=("id", "size"),
        ids=("id", lambda s: ";".join(s)),
        resolved_as=("resolved_as", "first"),
        question_close=("question_close", "first"),
        probability_of=("probability_of", "first"),
    ).reset_index()
    return out.assign(probability=out["probability"].round(4))


def crowd_scores(latest: pd.DataFrame, shutdown_credit: float) -> pd.DataFrame:
    """The crowd's questions scored by the same rules as the scenarios: each against its own
    resolution (where known) and each "ban" question also against the seed's shutdown
    condition (``shutdown_credit``, the credit of :data:`SHUTDOWN_CONDITION`)."""
    own = latest["resolved_as"].map({"yes": 1.0, "no": 0.0})
    is_ban = latest["question"].str.contains(BAN_QUESTION) & latest["probability_of"].str.startswith("Yes")
    book = pd.Series(np.where(is_ban, shutdown_credit, np.nan), index=latest.index)
    p = latest["probability"]
    return latest.assign(
        own_outcome=own,
        ban=is_ban,
        book_outcome=book,
        brier_own=(p - own) ** 2,
        brier_book=(p - book) ** 2,
    )


# ---- the base-rate model ------------------------------------------------------------


def beta_quantiles(a: float, b: float, qs=(0.05, 0.95), points: int = 20_001) -> list[float]:
    """Quantiles of a Beta(a, b) distribution by numerical integration on a fine grid
    (deterministic; accurate to about 1e-4, enough for a chart)."""
    x = np.linspace(0, 1, points)
    with np.errstate(divide="ignore", invalid="ignore"):
        logd = np.where(a == 1, 0.0, (a - 1) * np.log(x)) + np.where(b == 1, 0.0, (b - 1) * np.log1p(-x))
    d = np.exp(logd - np.nanmax(logd[np.isfinite(logd)]))
    d[~np.isfinite(d)] = 0.0
    cdf = np.concatenate([[0], np.cumsum((d[1:] + d[:-1]) / 2)])
    cdf /= cdf[-1]
    return [float(np.interp(q, cdf, x)) for q in qs]


def held_as_written(deadlines: pd.DataFrame) -> pd.Series:
    """Whether each deadline held as written: its requirement carried out by the date set,
    with no extension, injunction, lapse or supersession (resolution ``met``)."""
    return deadlines["resolution"] == "met"


def base_rate(deadlines: pd.DataFrame, as_of, *, prior: tuple[float, float] = (1.0, 1.0)) -> dict:
    """The rule-of-succession (beta-binomial) model of the chance that the next TikTok
    deadline holds as written, from the deadlines resolved on or before ``as_of``.

    Model: each deadline is an independent trial with one unknown chance θ of holding; θ has
    a Beta(1, 1) (uniform) prior; after k held of n, θ is Beta(1 + k, 1 + n - k) and the
    chance that the next one holds is (k + 1) / (n + 2).
    """
    as_of = pd.Timestamp(as_of)
    known = deadlines[deadlines["resolved_on"] <= as_of]
    n, k = len(known), int(held_as_written(known).sum())
    a, b = prior[0] + k, prior[1] + n - k
    low, high = beta_quantiles(a, b)
    return {"n": n, "held": k, "estimate": a / (a + b), "low": low, "high": high, "a": a, "b": b}


def base_rate_path(deadlines: pd.DataFrame, *, end=None) -> pd.DataFrame:
    """The model's estimate after each resolution, as steps: one row per day a deadline
    was resolved (and the start, before any), with the 90% credible interval."""
    days = sorted(deadlines["resolved_on"].dropna().unique())
    start = pd.Timestamp(deadlines["set_on"].min())
    rows = []
    for when in [start, *days]:
        r = base_rate(deadlines, when)
        rows.append({"date": pd.Timestamp(when), **{k: r[k] for k in ("n", "held", "estimate", "low", "high")}})
    if end is not None and pd.Timestamp(end) > rows[-1]["date"]:
        rows.append({**rows[-1], "date": pd.Timestamp(end)})
    return pd.DataFrame(rows)


# ---- prose --------------------------------------------------------------------------


def share(value: float) -> str:
    """A probability or credit as a percentage for prose: 87.5% -> '88%'."""
    return f"{100 * value:.0f}%"


def score_text(value: float) -> str:
    """A score for prose, to two decimals: 0.1700 -> '0.17'."""
    if not math.isfinite(value):
        raise ScoringError(f"score {value} is not finite")
    return f"{value:.2f}"


# ---- what the chapter glues ---------------------------------------------------------


def analysis(
    scenarios_: pd.DataFrame,
    conditions: pd.DataFrame,
    outcomes: pd.DataFrame,
    words: pd.DataFrame,
    forecasts: pd.DataFrame,
    deadlines: pd.DataFrame,
    *,
    as_of,
    scale: str,
) -> dict:
    """Everything the chapter shows: the scorecard, the scored forecasts, the crowd, the
    base rate, the rows of the scores chart and the facts the prose quotes (``facts``)."""
    as_of = pd.Timestamp(as_of)
    card = scorecard(scenarios_, conditions, outcomes)
    scored_conditions = conditions_scored(conditions, outcomes)
    credit = card.set_index("id")["credit"]
    verbal = score_forecasts(verbal_forecasts(scenarios_, words, scale), card)
    seed = verbal[verbal["id"].isin(SEED_SHORT)]
    others = verbal[~verbal["id"].isin(SEED_SHORT)]
    seed_score, other_score = forecaster_scores(seed), forecaster_scores(others)
    with_sc01 = score_forecasts(
        verbal_forecasts(scenarios_, words, scale, reading={"SC01": SC01_READING, **READING}), card
    )
    with_sc01 = with_sc01[with_sc01["id"].isin(SEED_SHORT)]
    by_scale = {
        s: forecaster_scores(score_forecasts(verbal_forecasts(scenarios_, words, s), card).query("id in @SEED_SHORT"))
        for s in TERMS
    }
    shutdown = float(scored_conditions.set_index("id").loc[SHUTDOWN_CONDITION, "credit"])
    crowd = crowd_scores(crowd_latest(forecasts, as_of), shutdown)
    own = crowd[crowd["own_outcome"].notna()]
    book = crowd[crowd["book_outcome"].notna()]
    rate = base_rate(deadlines, as_of)
    shutdown_p = float(seed.set_index("id").loc["SC03", "p"]) if "SC03" in set(seed["id"]) else float("nan")

    rows = []
    for s, result in by_scale.items():
        chosen = ", chosen" if s == scale else ""
        rows.append(
            {
                "forecaster": f"Seed, {SCALE_LABEL[s]}{chosen}",
                "what": f"{result['n']} worded scenarios (shutdown, reversal), central value",
                "brier": result["central_brier"],
                "low": result["brier_low"],
                "high": result["brier_high"],
                "kind": "Seed (words on a scale)",
            }
        )
    rows.append(
        {
            "forecaster": f"Other analysts, {SCALE_LABEL[scale]}",
            "what": f"{other_score['n']} worded scenarios of five other sets",
            "brier": other_score["central_brier"],
            "low": other_score["brier_low"],
            "high": other_score["brier_high"],
            "kind": "Other analysts (words)",
        }
    )
    if len(own):
        rows.append(
            {
                "forecaster": "Markets, by their own rules",
                "what": f"{len(own)} questions with a known resolution, latest price by {day_text(as_of)}",
                "brier": float(own["brier_own"].mean()),
                "low": float("nan"),
                "high": float("nan"),
                "kind": "Markets",
            }
        )
    if len(book):
        rows.append(
            {
                "forecaster": "Markets' ban questions, by the shutdown rule",
                "what": f"{len(book)} ban questions scored as the seed's shutdown condition (dark over 7 days)",
                "brier": float(book["brier_book"].mean()),
                "low": float("nan"),
                "high": float("nan"),
                "kind": "Markets",
            }
        )
    rows.append(
        {
            "forecaster": "Base-rate model, shutdown",
            "what": "the model's chance that a deadline holds, as the chance of a shutdown",
            "brier": (rate["estimate"] - credit["SC03"]) ** 2,
            "low": float("nan"),
            "high": float("nan"),
            "kind": "Model",
        }
    )
    score_rows = pd.DataFrame(rows)

    seed_card = card[card["seed"]].set_index("id")
    best_seed = seed_card["credit"].idxmax()
    polymarket = crowd[crowd["question"].str.startswith("TikTok banned in the US before May 2025")]
    facts = {
        "as-of": as_of,
        "probability-scale": SCALE_LABEL[scale],
        "n-scenarios": len(card),
        "n-scenario-sets": count_text(card["scenario_set"].nunique()),
        "n-conditions": len(scored_conditions),
        "n-conditions-settled-by-as-of": int((scored_conditions["resolved_on"] <= as_of).sum()),
        "sale-credit": share(seed_card.loc["SC01", "credit"]),
        "jv-credit": share(seed_card.loc["SC02", "credit"]),
        "shutdown-credit": share(seed_card.loc["SC03", "credit"]),
        "reversal-credit": share(seed_card.loc["SC04", "credit"]),
        "best-seed-scenario": SEED_SHORT[best_seed].lower(),
        "n-seed-worded": count_text(len(seed)),
        "seed-shutdown-term": seed.set_index("id").loc["SC03", "term"],
        "seed-shutdown-p": share(shutdown_p),
        "seed-reversal-term": seed.set_index("id").loc["SC04", "term"],
        "seed-reversal-p": share(float(seed.set_index("id").loc["SC04", "p"])),
        "seed-brier": score_text(seed_score["central_brier"]),
        "seed-brier-low": score_text(seed_score["brier_low"]),
        "seed-brier-high": score_text(seed_score["brier_high"]),
        "seed-log": score_text(seed_score["central_log"]),
        "seed-log-low": score_text(seed_score["log_low"]),
        "seed-log-high": score_text(seed_score["log_high"]),
        "seed-brier-with-sale": score_text(brier(with_sc01["p"], with_sc01["credit"])),
        "sale-reading-term": with_sc01.set_index("id").loc["SC01", "term"],
        "seed-brier-range-over-scales": (
            f"{score_text(min(r['central_brier'] for r in by_scale.values()))} to "
            f"{score_text(max(r['central_brier'] for r in by_scale.values()))}"
        ),
        "n-other-worded": count_text(len(others)),
        "others-brier": score_text(other_score["central_brier"]),
        "others-brier-low": score_text(other_score["brier_low"]),
        "others-brier-high": score_text(other_score["brier_high"]),
        "mc-draws": f"{DRAWS:,}",
        "n-crowd-questions": count_text(len(crowd)),
        "crowd-last-priced": last_priced(crowd),
        "n-crowd-own": count_text(len(own)),
        "crowd-brier-own": score_text(float(own["brier_own"].mean())) if len(own) else "not computable",
        "n-crowd-ban": count_text(len(book)),
        "crowd-brier-book": score_text(float(book["brier_book"].mean())) if len(book) else "not computable",
        "polymarket-ban-price": share(float(polymarket["probability"].iloc[0])) if len(polymarket) else "no price",
        "n-forecasts-undated": count_text(int(forecasts["observed_on"].isna().sum())),
        "base-rate-n": count_text(rate["n"]),
        "base-rate-held": count_text(rate["held"]),
        "base-rate-estimate": share(rate["estimate"]),
        "base-rate-low": share(rate["low"]),
        "base-rate-high": share(rate["high"]),
        "base-rate-shutdown-brier": score_text((rate["estimate"] - credit["SC03"]) ** 2),
        "seed-shutdown-brier": score_text((shutdown_p - credit["SC03"]) ** 2),
        "seed-written-window": f"{day_text(SEED_WRITTEN_AFTER)} and {day_text(SEED_WRITTEN_BEFORE)}",
        "seed-on-as-of": (
            "after the seed was written"
            if as_of.date() >= SEED_WRITTEN_BEFORE
            else "before the seed was written"
            if as_of.date() < SEED_WRITTEN_AFTER
            else "while the seed was being written"
        ),
    }
    return {
        "card": card,
        "conditions": scored_conditions,
        "verbal": verbal,
        "seed": seed_score,
        "others": other_score,
        "by_scale": by_scale,
        "crowd": crowd,
        "base_rate": rate,
        "score_rows": score_rows,
        "crowd_score": float(own["brier_own"].mean()) if len(own) else float("nan"),
        "facts": facts,
    }


COUNT_WORDS = ("none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def count_text(n: int) -> str:
    """A small count in words, as prose writes it: 0 -> 'none', 2 -> 'two', 12 -> '12'."""
    return COUNT_WORDS[n] if 0 <= n < len(COUNT_WORDS) else f"{n:,}"


def last_priced(crowd: pd.DataFrame) -> str:
    """When the crowd was last priced, as precisely as the record dates it: "on 17 January 2025", "in March 2025"."""
    if crowd.empty:
        return "on no day on record"
    row = crowd.loc[crowd["observed_on"].idxmax()]
    when = pd.Timestamp(row["observed_on"])
    return f"in {when:%B %Y}" if row["observed_on_precision"] == "month" else f"on {day_text(when)}"


def day_text(value) -> str:
    value = pd.Timestamp(value)
    return f"{value.day} {value:%B %Y}"


def reading_table(verbal: pd.DataFrame) -> str:
    """The crosswalk from the authors' words to the scale, as a Markdown table for the prose."""
    lines = ["| Scenario | Words used | Read as | Term of the scale | Probability (range) |", "|---|---|---|---|---|"]
    for r in verbal.itertuples():
        lines.append(
            f"| {r.label} ({r.scenario_set}) | {r.verbal_likelihood} | {r.level} | {r.term} | "
            f"{share(r.p)} ({share(r.low)} to {share(r.high)}) |"
        )
    return "\n".join(lines)
