"""The bibliography: what every entry must carry, and the source line shown to readers."""

from __future__ import annotations

import pytest

from appcontest import bibliography

GOOD = """@misc{whitehouse2020eo13942,
  author = {{The White House}},
  title = {Addressing the Threat Posed by TikTok},
  publisher = {The White House},
  year = {2020},
  date = {2020-08-06},
  url = {https://www.federalregister.gov/d/2020-17699},
  keywords = {primary}
}
"""


def write(tmp_path, text):
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_complete_entry_loads(tmp_path):
    sources = bibliography.load(write(tmp_path, GOOD))
    source = sources["whitehouse2020eo13942"]
    assert source.primary and source.date == "2020-08-06" and source.publisher == "The White House"


@pytest.mark.parametrize(
    "old,new,complaint",
    [
        ("  url = {https://www.federalregister.gov/d/2020-17699},\n", "", "has no url"),
        ("https://www.federalregister.gov/d/2020-17699", "federalregister.gov", "not a well-formed"),
        ("{primary}", "{official}", "keywords must be one of"),
        ("date = {2020-08-06}", "date = {6 Aug 2020}", "is not YYYY"),
        ("date = {2020-08-06}", "date = {2021-08-06}", "disagrees with year"),
        ("  publisher = {The White House},\n", "", "neither publisher nor journal"),
        ("whitehouse2020eo13942", "WhiteHouse-2020", "must match"),
    ],
)
def test_an_incomplete_entry_is_refused_with_its_key_and_fault(tmp_path, old, new, complaint):
    with pytest.raises(bibliography.BibliographyError) as caught:
        bibliography.load(write(tmp_path, GOOD.replace(old, new)))
    assert complaint in str(caught.value)
    assert "refs.bib: entry" in str(caught.value)


def test_split_keys():
    assert bibliography.split_keys("a2020x;b2021y") == ["a2020x", "b2021y"]
    assert bibliography.split_keys("") == []


def test_describe_uses_the_real_bibliography():
    key = next(iter(bibliography.load()))
    line = bibliography.describe(key)
    source = bibliography.load()[key]
    assert source.url in line and bibliography.plain(source.title) in line


def test_describe_prints_no_latex():
    assert bibliography.plain(r"Davis Polk \& Wardwell") == "Davis Polk & Wardwell"
    assert bibliography.plain(r"{ZTE} pays 50\% more, St{\'e}phane") == "ZTE pays 50% more, Stéphane"
    line = " ".join(bibliography.describe([key]) for key in bibliography.load())
    assert "\\" not in line and "{" not in line


def test_urls_are_written_without_latex_escapes(tmp_path):
    bad = GOOD.replace("d/2020-17699", "d/2020\\_17699")
    with pytest.raises(bibliography.BibliographyError, match="url .* contains a backslash"):
        bibliography.load(write(tmp_path, bad))


def test_every_entry_is_cited_and_every_url_is_cited_once():
    """No dead weight in references.bib, and no source listed twice under two keys."""
    import re
    from pathlib import Path

    from appcontest import data

    root = Path(__file__).resolve().parents[1]
    cited = set()
    for name in data.names():
        for cell in data.load(name)[data.source_column(name)]:
            cited.update(bibliography.split_keys(cell))
    pages = list((root / "book").rglob("*.md")) + list((root / "notebooks").glob("*.ipynb"))
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    text += (root / "src" / "appcontest" / "charts.py").read_text(encoding="utf-8")
    for match in re.finditer(r"\{cite:[pt]\}`([^`]+)`", text):
        cited.update(k.strip() for k in match.group(1).split(","))
    sources = bibliography.load()
    assert not sorted(set(sources) - cited), f"entries cited nowhere: {sorted(set(sources) - cited)[:10]}"
    assert not sorted(cited - set(sources)), f"cited but missing: {sorted(cited - set(sources))[:10]}"
    urls = [s.url.rstrip("/") for s in sources.values()]
    assert len(urls) == len(set(urls)), "the same URL appears under two keys"
