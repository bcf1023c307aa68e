"""The reliability test of the narratives coding: known answers, refusals, and published figures that cannot drift."""

from __future__ import annotations

import csv
import random
import re
from collections import Counter

import pytest

from appcontest import data, paths, reliability


def _read(name):
    with data.csv_path(name).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _rewrite(name, mutate):
    path = data.csv_path(name)
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    mutate(rows)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _set(rows, row_id, column, value):
    next(r for r in rows if r["id"] == row_id)[column] = value


# --- Known answers ------------------------------------------------------------------------


def test_perfect_agreement_gives_alpha_one():
    codes = ["a", "b", "c", "a", "b"]
    assert reliability.alpha(codes, list(codes), ["a", "b", "c"]) == pytest.approx(1.0)
    assert reliability.agreement(codes, list(codes)) == 1.0


def test_a_hand_computed_case():
    # Two coders, four units, codes x/y:   unit  1  2  3  4
    #                                 first      x  y  x  y
    #                                 second     x  y  y  y
    # Pairable values n = 8: x appears 3 times, y 5 times. Each unit adds its ordered pairs
    # to the coincidence matrix: o(x,x) = 2 (unit 1), o(y,y) = 2 + 2 (units 2, 4), and unit 3
    # adds o(x,y) = o(y,x) = 1. Observed disagreement D_o = (o(x,y) + o(y,x)) / n = 2/8.
    # Expected disagreement D_e = (n_x n_y + n_y n_x) / (n (n - 1)) = 30/56.
    # alpha = 1 - D_o / D_e = 1 - (2/8) / (30/56) = 1 - 14/30 = 16/30 = 0.5333...
    first, second = ["x", "y", "x", "y"], ["x", "y", "y", "y"]
    assert reliability.alpha(first, second, ["x", "y"]) == pytest.approx(16 / 30)
    # Codes of the vocabulary that nobody used do not change a nominal alpha.
    assert reliability.alpha(first, second, ["x", "y", "z"]) == pytest.approx(16 / 30)
    assert reliability.agreement(first, second) == 0.75


def test_systematic_disagreement_is_below_chance():
    # Each unit x/y: o(x,y) = o(y,x) = 2, n_x = n_y = 2, n = 4; D_o = 1, D_e = 8/12; alpha = 1 - 12/8 = -0.5.
    assert reliability.alpha(["x", "y"], ["y", "x"], ["x", "y"]) == pytest.approx(-0.5)


def test_alpha_without_variation_is_refused():
    with pytest.raises(reliability.ReliabilityError, match="undefined"):
        reliability.alpha(["x", "x"], ["x", "x"], ["x", "y"])


# --- The real test ------------------------------------------------------------------------


def test_the_sample_is_the_seeded_draw():
    narratives = _read("narratives")
    drawn = sorted(r["id"] for r in random.Random(20261202).sample(narratives, 40))
    assert [r["id"] for r in _read("narratives_recoding")] == drawn


def test_raw_agreement_on_the_coding_as_made():
    counts = Counter(p.variable for p in reliability.pairs() if p.agree)
    assert counts == {"actor_group": 40, "frame": 32, "stance": 36, "topic": 38}


def test_every_disagreement_is_adjudicated_and_nothing_else():
    cells = {(p.id, p.variable) for p in reliability.disagreements()}
    assert cells == set(reliability.adjudications())
    assert Counter(v for _, v in cells) == {"frame": 8, "stance": 4, "topic": 2}


def test_the_final_codes_are_in_the_narratives():
    narratives = {r["id"]: r for r in _read("narratives")}
    for (row_id, variable), adj in reliability.adjudications().items():
        assert narratives[row_id][variable] == adj["final_code"], (row_id, variable)


def test_published_reliability_is_current():
    """data/reliability.csv equals what the two codings give; if this fails, run
    `python -m appcontest.reliability` (appcontest.reliability.write()) and commit the file."""
    published = data.csv_path("reliability").read_text(encoding="utf-8")
    assert published == reliability.render(), "data/reliability.csv is stale: run `python -m appcontest.reliability`"


def test_the_codebook_repeats_the_published_figures_and_adjudications():
    text = (paths.data_dir() / "codebook.md").read_text(encoding="utf-8")
    section = text[text.index("## 5. Reliability and adjudication") :]
    for row in _read("reliability"):
        line = f"| {row['variable']} | {row['units']} | {row['agreement']} | {row['alpha']} |"
        assert line in section, f"the codebook's reliability table differs from data/reliability.csv: {line}"
    for row in _read("adjudications"):
        line = f"| {row['id']} | {row['variable']} | {row['first_code']} | {row['second_code']} | {row['final_code']} |"
        assert line in section, f"the codebook's adjudication table differs from data/adjudications.csv: {line}"
    adj = _read("adjudications")
    kept = sum(r["final_code"] == r["first_code"] for r in adj)
    taken = sum(r["final_code"] == r["second_code"] for r in adj)
    third = len(adj) - kept - taken
    assert f"The coders disagreed on {len(adj)} cells" in section
    assert f"The first code was kept in {kept} cases and the second taken in {taken}" in section
    assert third == 0 and "no third code was needed" in section


def test_the_codebook_counts_and_examples_match_the_narratives():
    text = (paths.data_dir() / "codebook.md").read_text(encoding="utf-8")
    narratives = _read("narratives")
    for variable in reliability.VARIABLES:
        table = text[text.index(f"### {variable}\n") :].split("\n\n")[1]
        seen = set()
        for line in table.splitlines()[2:]:
            cells = [c.strip() for c in line.strip("|").split("|")]
            code = cells[0].strip("`")
            ids = {r["id"] for r in narratives if r[variable] == code}
            assert cells[-2] == str(len(ids)), f"codebook: {variable} {code} has {len(ids)} rows, not {cells[-2]}"
            for example in re.findall(r"N\d{3}", cells[-1]):
                assert example in ids, f"codebook: example {example} is not coded {variable} = {code}"
            seen.add(code)
        assert seen == set(reliability.vocabulary()[variable]), variable


def test_the_page_states_the_sample_as_the_data_has_it():
    page = (paths.root() / "book" / "data" / "narratives_recoding.md").read_text(encoding="utf-8")
    recoding, narratives = _read("narratives_recoding"), _read("narratives")
    read = Counter(r["source_read"] for r in recoding)
    assert f"{len(recoding)} of the {len(narratives)} rows" in page
    assert f"For {read['full']} of the {len(recoding)} units" in page and f"for {read['excerpt']} an excerpt" in page
    assert read["paraphrase_only"] == 0  # the page would have to say so
    assert "{dataset} narratives_recoding" in page and "python -m appcontest.reliability" in page


def test_bootstrap_interval_is_seeded_and_brackets_alpha():
    low, high = reliability.bootstrap_ci("frame", draws=300)
    assert (low, high) == reliability.bootstrap_ci("frame", draws=300)
    point = float(next(r["alpha"] for r in _read("reliability") if r["variable"] == "frame"))
    assert -1 <= low <= point <= high <= 1


# --- Refusals: a tampered file is named with the id --------------------------------------


def test_a_recoded_id_not_in_the_narratives_is_named(data_copy):
    _rewrite("narratives_recoding", lambda rows: _set(rows, "N008", "id", "N999"))
    with pytest.raises(reliability.ReliabilityError) as caught:
        reliability.pairs()
    assert "data/narratives_recoding.csv, id N999" in str(caught.value)
    assert "not in data/narratives.csv" in str(caught.value) or "no such id" in str(caught.value)


def test_a_recoded_code_outside_the_vocabulary_is_named(data_copy):
    _rewrite("narratives_recoding", lambda rows: _set(rows, "N009", "frame", "vibes"))
    with pytest.raises(reliability.ReliabilityError, match=r"data/narratives_recoding.csv, id N009, column 'frame'"):
        reliability.pairs()


def test_an_adjudicated_code_of_another_variable_is_named(data_copy):
    # "critical" is a code, but of stance, not of frame: the schema's enum cannot tell, the pairing does.
    _rewrite("adjudications", lambda rows: _set(rows, "N025", "final_code", "critical"))
    with pytest.raises(reliability.ReliabilityError, match=r"data/adjudications.csv, id N025, column 'final_code'"):
        reliability.pairs()


def test_an_adjudication_out_of_step_with_the_narratives_is_named(data_copy):
    # Someone edits the final code in narratives.csv but not the adjudication.
    _rewrite("narratives", lambda rows: _set(rows, "N025", "frame", "national_security"))
    with pytest.raises(reliability.ReliabilityError, match=r"data/adjudications.csv, id N025, column 'final_code'"):
        reliability.pairs()


def test_an_adjudication_out_of_step_with_the_recoding_is_named(data_copy):
    _rewrite("narratives_recoding", lambda rows: _set(rows, "N025", "frame", "digital_sovereignty"))
    with pytest.raises(reliability.ReliabilityError, match=r"data/adjudications.csv, id N025, column 'second_code'"):
        reliability.pairs()


def test_a_disagreement_without_adjudication_is_caught(data_copy):
    _rewrite("narratives_recoding", lambda rows: _set(rows, "N009", "frame", "user_agency"))
    cells = {(p.id, p.variable) for p in reliability.disagreements()}
    assert ("N009", "frame") in cells and ("N009", "frame") not in reliability.adjudications()


def test_a_changed_coding_makes_the_published_file_stale_and_write_renews_it(data_copy):
    _rewrite("narratives_recoding", lambda rows: _set(rows, "N009", "frame", "user_agency"))
    assert data.csv_path("reliability").read_text(encoding="utf-8") != reliability.render()
    path = reliability.write()
    assert path.read_text(encoding="utf-8") == reliability.render()
    frame = next(r for r in _read("reliability") if r["variable"] == "frame")
    assert frame["agreement"] == f"{31 / 40:.3f}"
