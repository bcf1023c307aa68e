"""Chart builders for the scenarios chapter (see :mod:`appcontest.scenarios`).

Each returns a :class:`~appcontest.figures.Figure`; descriptions are computed from the
data given, so a run with other parameters still describes what it shows.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from . import bibliography, scenarios, theme
from .charts import DATASET_SOURCE, DATE_FORMAT, TIME_AXIS, tooltip_table, wrapped_labels
from .figures import Figure

OUTCOME_COLOURS = {"Met": theme.PALETTE[2], "Partly met": theme.PALETTE[1], "Not met": theme.LIGHT_GREY}


def _sources(keys: pd.Series) -> pd.Series:
    return keys.fillna("").map(lambda k: bibliography.describe(k) if k else "")


def scenario_name(card: pd.DataFrame) -> pd.Series:
    """A scenario as a chart row: the seed's by its label, the others with their set's author."""
    author = card["scenario_set"].str.replace(r"\s*\(.*\)$", "", regex=True).str.replace(r"\s+\d{4}$", "", regex=True)
    return card["label"].where(card["seed"], card["label"] + " (" + author + ")")


def scorecard_chart(card: pd.DataFrame, scored: pd.DataFrame, *, name: str = "scenario-scorecard") -> Figure:
    """Stacked bars: each scenario's conditions as segments as wide as their weight,
    coloured by outcome; the scenario's credit printed at the end."""
    rows = card.assign(scenario=scenario_name(card))
    order = rows["scenario"].tolist()
    frame = scored.merge(
        rows[["id", "scenario", "credit"]].rename(columns={"id": "scenario_id", "credit": "scenario_credit"}),
        on="scenario_id",
    )
    frame = frame.assign(
        credit_text=frame["scenario_credit"].map(scenarios.share),
        weight_text=frame["weight"].map(scenarios.share),
        evidence_text=frame["evidence"].map(scenarios.without_ids),
        sources=_sources(frame["outcome_sources"]),
        order=frame.groupby("scenario_id").cumcount(),
    )
    tooltip = [
        alt.Tooltip("scenario:N", title="Scenario"),
        alt.Tooltip("condition:N", title="Condition"),
        alt.Tooltip("weight_text:N", title="Weight"),
        alt.Tooltip("outcome_label:N", title="Outcome"),
        alt.Tooltip("resolution_rule:N", title="Resolution rule"),
        alt.Tooltip("evidence_text:N", title="Evidence"),
        alt.Tooltip("sources:N", title="Source"),
        alt.Tooltip("credit_text:N", title="Scenario's credit"),
    ]
    y = alt.Y(
        "scenario:N",
        title=None,
        sort=order,
        axis=alt.Axis(labelExpr=wrapped_labels(order, chars=20), labelLimit=140, labelFontSize=11),
    )
    present = [k for k in OUTCOME_COLOURS if k in set(frame["outcome_label"])]
    bars = (
        alt.Chart(frame)
        .mark_bar(stroke="white", strokeWidth=1.5, height=18)
        .encode(
            y=y,
            x=alt.X(
                "sum(weight):Q",
                title="Weighted share of the conditions",
                scale=alt.Scale(domain=[0, 1.3]),
                axis=alt.Axis(values=[0, 0.5, 1], format="%"),
            ),
            color=alt.Color(
                "outcome_label:N",
                title="Condition",
                scale=alt.Scale(domain=present, range=[OUTCOME_COLOURS[k] for k in present]),
                legend=alt.Legend(orient="top"),
            ),
            order=alt.Order("order:Q"),
            tooltip=tooltip,
        )
    )
    labels = (
        alt.Chart(rows.assign(x=1.03, credit_text=rows["credit"].map(scenarios.share)))
        .mark_text(align="left", fontSize=11, color="#333333")
        .encode(y=alt.Y("scenario:N", sort=order), x="x:Q", text="credit_text:N")
    )
    chart = alt.layer(bars, labels).properties(width="container", height=60 * len(rows))
    seed = card[card["seed"]].sort_values("credit", ascending=False)
    description = (
        f"Bar chart of {len(card)} scenarios, each split into its conditions, coloured by whether each came about; "
        f"the figure at the end of each bar is the scenario's credit. Of the seed's four, "
        + ", ".join(
            f"{scenarios.SEED_SHORT[i]} scores {scenarios.share(c)}"
            for i, c in zip(seed["id"], seed["credit"], strict=True)
        )
        + "."
    )
    return Figure(
        chart,
        name=name,
        title="Scenarios against the outcome, condition by condition",
        subtitle="Credit: met conditions count in full, partly met ones at half, weighted as the conditions table sets",
        description=description,
        source=DATASET_SOURCE.format(name="scenarios, conditions and outcomes"),
        data=frame[["scenario_id", "id", "weight", "met", "credit"]],
        table=tooltip_table(frame, tooltip),
    )


def scores_chart(rows: pd.DataFrame, *, name: str = "forecast-scores") -> Figure:
    """Dot-and-interval chart of Brier scores, one row per forecaster (lower is better).

    ``rows`` has ``forecaster``, ``what`` (what was scored), ``brier``, ``low``, ``high``
    (the Monte Carlo interval; NaN for point scores) and ``kind``.
    """
    frame = rows.assign(
        brier_text=rows["brier"].map(scenarios.score_text),
        interval_text=[
            "" if pd.isna(lo) else f"{scenarios.score_text(lo)} to {scenarios.score_text(hi)}"
            for lo, hi in zip(rows["low"], rows["high"], strict=True)
        ],
    )
    order = list(dict.fromkeys(frame["forecaster"]))
    tooltip = [
        alt.Tooltip("forecaster:N", title="Forecaster"),
        alt.Tooltip("what:N", title="What is scored"),
        alt.Tooltip("brier_text:N", title="Brier score"),
        alt.Tooltip("interval_text:N", title="95% interval (Monte Carlo)"),
    ]
    kinds = list(dict.fromkeys(frame["kind"]))
    colour = alt.Color(
        "kind:N",
        title=None,
        scale=alt.Scale(domain=kinds, range=theme.PALETTE[: len(kinds)]),
        legend=alt.Legend(orient="top", columns=1),
    )
    y = alt.Y(
        "forecaster:N",
        title=None,
        sort=order,
        axis=alt.Axis(labelExpr=wrapped_labels(order, chars=18), labelLimit=130, labelFontSize=11),
    )
    x = alt.X("brier:Q", title="Brier score (0 is perfect, lower is better)", scale=alt.Scale(domain=[0, 1]))
    ranges = (
        alt.Chart(frame[frame["low"].notna()])
        .mark_rule(strokeWidth=3)
        .encode(y=y, x=alt.X("low:Q"), x2="high:Q", color=colour, tooltip=tooltip)
    )
    dots = alt.Chart(frame).mark_point(filled=True, size=80).encode(y=y, x=x, color=colour, tooltip=tooltip)
    chart = alt.layer(ranges, dots).properties(width="container", height=40 * len(order))
    best = frame.loc[frame["brier"].idxmin()]
    description = (
        f"Dot chart of Brier scores for {len(frame)} forecasters or groups of forecasts, lowest best, with a bar "
        f"for the 95% Monte Carlo interval where the probabilities come from words. The lowest is "
        f"{best['forecaster']} at {scenarios.score_text(best['brier'])}."
    )
    return Figure(
        chart,
        name=name,
        title="How well the forecasts scored",
        subtitle=(
            "Brier score of each forecaster's probabilities against the outcome; "
            "bars: 95% interval over the words' ranges"
        ),
        description=description,
        source=(
            "data/scenarios.csv, conditions.csv, outcomes.csv, forecasts.csv, probability_words.csv and deadlines.csv"
        ),
        data=frame,
        table=tooltip_table(frame, tooltip),
    )


# What a question asks, from its wording and what its Yes means; a law first (a question on
# legislation "to ban" is about the law), then a ban (or the app becoming unusable), then a sale.
QUESTION_KIND = (
    (r"legislation|become law", "A law"),
    (r"\bban|unusable", "A US ban"),
    (r"sold|acquire|partnership", "A sale"),
)


def question_kind(question: str) -> str:
    import re

    for pattern, label in QUESTION_KIND:
        if re.search(pattern, question, re.I):
            return label
    return "Other"


def crowd_chart(forecasts: pd.DataFrame, *, as_of, name: str = "crowd-over-time") -> Figure:
    """Every dated crowd probability, coloured by what the question asked, shaped by how
    it resolved, with the day the forecasts are read on."""
    seen = forecasts[forecasts["observed_on"].notna()].copy()
    resolved = {"yes": "Resolved yes", "no": "Resolved no", "unknown": "Resolution not found"}
    seen = seen.assign(
        kind=(seen["question"] + " " + seen["probability_of"].fillna("")).map(question_kind),
        resolved_label=seen["resolved_as"].map(resolved),
        observed_text=seen["observed_on"].dt.strftime(DATE_FORMAT),
        share_text=seen["probability"].map(scenarios.share),
        sources=_sources(seen["source_keys"]),
    ).sort_values("observed_on", kind="stable")
    tooltip = [
        alt.Tooltip("platform:N", title="Platform"),
        alt.Tooltip("question:N", title="Question"),
        alt.Tooltip("observed_text:N", title="Observed"),
        alt.Tooltip("share_text:N", title="Probability"),
        alt.Tooltip("probability_of:N", title="Probability of"),
        alt.Tooltip("resolved_label:N", title="Resolution"),
        alt.Tooltip("sources:N", title="Source"),
    ]
    kinds = [k for k in ("A US ban", "A sale", "A law", "Other") if k in set(seen["kind"])]
    shapes = [v for v in resolved.values() if v in set(seen["resolved_label"])]
    points = (
        alt.Chart(seen)
        .mark_point(filled=True, size=70, opacity=0.85)
        .encode(
            x=alt.X("observed_on:T", title="Observed", axis=TIME_AXIS),
            y=alt.Y(
                "probability:Q", title="Probability of Yes", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
            ),
            color=alt.Color(
                "kind:N", title="Question about", scale=alt.Scale(domain=kinds, range=theme.PALETTE[: len(kinds)])
            ),
            shape=alt.Shape(
                "resolved_label:N",
                title="Resolution",
                scale=alt.Scale(domain=shapes, range=["circle", "square", "triangle-up"][: len(shapes)]),
            ),
            tooltip=tooltip,
        )
    )
    when = pd.DataFrame(
        {"date": [pd.Timestamp(as_of)], "label": [f"read on {pd.Timestamp(as_of).day} {pd.Timestamp(as_of):%b %Y}"]}
    )
    rule = alt.Chart(when).mark_rule(color=theme.GREY, strokeDash=[4, 3]).encode(x="date:T")
    # The label on the side of the line with room: left of it late in the span, right early.
    late = pd.Timestamp(as_of) > seen["observed_on"].min() + (seen["observed_on"].max() - seen["observed_on"].min()) / 2
    label = (
        alt.Chart(when)
        .mark_text(align="right" if late else "left", dx=-4 if late else 4, fontSize=11, color="#333333")
        .encode(x="date:T", y=alt.value(10), text="label:N")
    )
    chart = alt.layer(points, rule, label).properties(width="container", height=theme.HEIGHT)
    description = (
        f"Scatter chart of {len(seen)} crowd probabilities from {seen['observed_on'].min():%B %Y} to "
        f"{seen['observed_on'].max():%B %Y} on {seen['question'].nunique()} questions, coloured by what the "
        f"question asked and shaped by how it resolved; a dashed line marks the day the forecasts are read on."
    )
    return Figure(
        chart,
        name=name,
        title="Prediction markets and forecasters on a ban or a sale",
        subtitle="Each point is a probability a report gave for a question's Yes; the questions' rules differ",
        description=description,
        source=DATASET_SOURCE.format(name="forecasts"),
        data=seen[["id", "observed_on", "platform", "question", "probability", "resolved_as"]],
        table=tooltip_table(seen, tooltip),
    )


def base_rate_chart(path: pd.DataFrame, reading: dict, *, as_of, name: str = "deadline-base-rate") -> Figure:
    """The rule-of-succession model's estimate over time, with its 90% credible band."""
    frame = path.assign(
        date_text=path["date"].dt.strftime(DATE_FORMAT),
        record=[f"{h} of {n}" for h, n in zip(path["held"], path["n"], strict=True)],
        estimate_text=path["estimate"].map(scenarios.share),
        band_text=[
            f"{scenarios.share(lo)} to {scenarios.share(hi)}" for lo, hi in zip(path["low"], path["high"], strict=True)
        ],
    )
    tooltip = [
        alt.Tooltip("date_text:N", title="From"),
        alt.Tooltip("record:N", title="Deadlines held as written, of those resolved"),
        alt.Tooltip("estimate_text:N", title="Model: chance the next one holds"),
        alt.Tooltip("band_text:N", title="90% credible interval"),
    ]
    x = alt.X("date:T", title=None, axis=TIME_AXIS)
    band = (
        alt.Chart(frame)
        .mark_area(interpolate="step-after", color=theme.PALETTE[4], opacity=0.35)
        .encode(
            x=x,
            y=alt.Y(
                "low:Q",
                title="Chance the next deadline holds (model)",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            y2="high:Q",
        )
    )
    line = (
        alt.Chart(frame)
        .mark_line(interpolate="step-after", color=theme.PALETTE[0], strokeWidth=2.5, point=True)
        .encode(x=x, y="estimate:Q", tooltip=tooltip)
    )
    when = pd.DataFrame(
        {
            "date": [pd.Timestamp(as_of)],
            "label": [f"{pd.Timestamp(as_of).day} {pd.Timestamp(as_of):%b %Y}: {scenarios.share(reading['estimate'])}"],
        }
    )
    rule = alt.Chart(when).mark_rule(color=theme.GREY, strokeDash=[4, 3]).encode(x="date:T")
    late = pd.Timestamp(as_of) > frame["date"].min() + (frame["date"].max() - frame["date"].min()) / 2
    label = (
        alt.Chart(when)
        .mark_text(align="right" if late else "left", dx=-4 if late else 4, fontSize=11, color="#333333")
        .encode(x="date:T", y=alt.value(10), text="label:N")
    )
    chart = alt.layer(band, line, rule, label).properties(width="container", height=theme.HEIGHT)
    description = (
        f"Model output. Step chart of the rule-of-succession estimate that the next TikTok deadline holds as written, "
        f"updated as each of {int(frame['n'].max())} deadlines was resolved, with a shaded 90% credible interval. "
        f"On the day the forecasts are read the record was {reading['held']} of {reading['n']} and the estimate "
        f"{scenarios.share(reading['estimate'])}."
    )
    return Figure(
        chart,
        name=name,
        title="Model: how often a TikTok deadline held as written",
        subtitle=(
            "Rule of succession (uniform prior) on the deadlines resolved so far; a model, not a forecast anyone made"
        ),
        description=description,
        source=DATASET_SOURCE.format(name="deadlines") + "; model: beta-binomial with a uniform prior",
        data=frame[["date", "n", "held", "estimate", "low", "high"]],
        table=tooltip_table(frame, tooltip),
    )


SLIDER_START = 0.5


def your_forecast_chart(
    card: pd.DataFrame, seed_score: float, crowd_score: float, *, name: str = "your-forecast"
) -> Figure:
    """The reader's forecast: four sliders (Vega-Lite params bound to range inputs) set a
    probability for each of the seed's scenarios; the chart shows them against the outcome
    and the reader's Brier score beside the seed's and the markets'. No kernel: the
    arithmetic is in Vega expressions, in the page."""
    seed = card[card["seed"]].reset_index(drop=True)
    keys = [f"p_{i + 1}" for i in range(len(seed))]
    sliders = [
        alt.param(
            name=key,
            value=round(100 * SLIDER_START),
            bind=alt.binding_range(min=0, max=100, step=5, name=f"{scenarios.SEED_SHORT[sid]} (%) "),
        )
        for key, sid in zip(keys, seed["id"], strict=True)
    ]
    frame = pd.DataFrame(
        {
            "slot": range(1, len(seed) + 1),
            "scenario": [scenarios.SEED_SHORT[i] for i in seed["id"]],
            "credit": seed["credit"].round(4),
            "credit_text": seed["credit"].map(scenarios.share),
            "scored_by_seed": seed["id"].isin(scenarios.READING),
        }
    )
    pick = "".join(f"datum.slot === {i} ? {k} : " for i, k in enumerate(keys, start=1)) + "0"
    yours = (
        alt.Chart(frame)
        .transform_calculate(p=f"({pick}) / 100")
        .transform_calculate(p_text="format(datum.p, '.0%')", sq="pow(datum.p - datum.credit, 2)")
    )
    tooltip = [
        alt.Tooltip("scenario:N", title="Scenario"),
        alt.Tooltip("p_text:N", title="Your probability"),
        alt.Tooltip("credit_text:N", title="Outcome (credit)"),
    ]
    names = frame["scenario"].tolist()
    y = alt.Y(
        "scenario:N",
        title=None,
        sort=names,
        axis=alt.Axis(labelExpr=wrapped_labels(names, chars=14), labelLimit=105, minExtent=110, maxExtent=110),
    )
    x = alt.X(
        "p:Q",
        title="Probability (tick: outcome)",
        scale=alt.Scale(domain=[0, 1]),
        axis=alt.Axis(format="%"),
    )
    bars = yours.mark_bar(color=theme.PALETTE[0], height=16).encode(y=y, x=x, tooltip=tooltip)
    ticks = (
        alt.Chart(frame)
        .mark_tick(color="#000000", thickness=3, size=24)
        .encode(
            y=y,
            x=alt.X("credit:Q"),
            tooltip=[
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("credit_text:N", title="Outcome (credit)"),
            ],
        )
    )
    top = alt.layer(bars, ticks).properties(width="container", height=36 * len(frame), name="probabilities")
    # The scores: the reader's over the four scenarios, beside the fixed ones.
    fixed = pd.DataFrame(
        {
            "who": [f"Seed ({int(frame['scored_by_seed'].sum())} worded scenarios)", "Markets (own questions)"],
            "score": [seed_score, crowd_score],
        }
    )
    fixed = fixed[fixed["score"].notna()].assign(score=lambda f: f["score"].round(4))  # no markets priced yet
    mine = (
        alt.Chart(frame)
        .transform_calculate(p=f"({pick}) / 100")
        .transform_calculate(sq="pow(datum.p - datum.credit, 2)")
        .transform_aggregate(score="mean(sq)")
        .transform_calculate(who="'You (four scenarios)'")
    )
    order = ["You (four scenarios)", *fixed["who"]]
    score_y = alt.Y(
        "who:N",
        title=None,
        sort=order,
        axis=alt.Axis(labelExpr=wrapped_labels(order, chars=14), labelLimit=105, minExtent=110, maxExtent=110),
    )
    score_x = alt.X("score:Q", title="Brier score (lower is better)", scale=alt.Scale(domain=[0, 1]))
    score_tip = [alt.Tooltip("who:N", title="Forecaster"), alt.Tooltip("score_text:N", title="Brier score")]
    mine_bar = (
        mine.transform_calculate(score_text="format(datum.score, '.2f')")
        .mark_bar(color=theme.PALETTE[1], height=16)
        .encode(y=score_y, x=score_x, tooltip=score_tip)
    )
    fixed_bar = (
        alt.Chart(fixed.assign(score_text=fixed["score"].map(scenarios.score_text)))
        .mark_bar(color=theme.GREY, height=16)
        .encode(y=score_y, x=score_x, tooltip=score_tip)
    )
    score_labels = (
        mine.transform_calculate(score_text="format(datum.score, '.2f')")
        .mark_text(align="left", dx=4, fontSize=11)
        .encode(y=score_y, x=score_x, text="score_text:N")
    )
    fixed_labels = (
        alt.Chart(fixed.assign(score_text=fixed["score"].map(scenarios.score_text)))
        .mark_text(align="left", dx=4, fontSize=11)
        .encode(y=score_y, x=score_x, text="score_text:N")
    )
    bottom = alt.layer(mine_bar, fixed_bar, score_labels, fixed_labels).properties(
        width="container", height=48 * len(order), name="scores"
    )
    # Each panel is as wide as the column less room for its row labels (figures.sized).
    panels = {"probabilities": {"inset": 125}, "scores": {"inset": 125}}
    chart = (
        alt.vconcat(top, bottom, spacing=24)
        .add_params(*sliders)
        .properties(usermeta={"appcontest": {"panels": panels}})
    )
    table = frame.assign(p_text=scenarios.share(SLIDER_START))
    description = (
        "Interactive chart with four sliders, one per scenario of the seed, each setting a probability from 0 to 100%. "
        "Bars show the probabilities set, black ticks the outcome (each scenario's credit), and a second panel the "
        "reader's Brier score over the four scenarios beside the seed's and the markets'. All sliders start at 50%."
    )
    return Figure(
        chart,
        name=name,
        title="Your forecast: set a probability for each scenario",
        subtitle=(
            "Move the sliders above the chart (keyboard: Tab to a slider, then the arrow keys); "
            "the score updates at once"
        ),
        description=description,
        source="data/scenarios.csv, conditions.csv, outcomes.csv; the seed's and the markets' scores as in the chapter",
        data=frame,
        table=tooltip_table(table, tooltip),
        static_note=(
            "The sliders need JavaScript. Without it this image shows every scenario at 50%, a Brier score of "
            f"{scenarios.score_text(scenarios.brier([SLIDER_START] * len(frame), frame['credit']))}."
        ),
    )
