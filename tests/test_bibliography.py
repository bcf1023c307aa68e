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


URL = "https://www.federalregister.gov/d/2020-17699"


@pytest.mark.parametrize(
    "old,new,complaint",
    [
        # A LaTeX escape in a URL ends up in the link: https://doi.org/10.1162/isec\_a\_00351
        (
            URL,
            URL + "?a=1\\&b\\_c",
            "field url 'https://www.federalregister.gov/d/2020-17699?a=1\\&b\\_c' contains a backslash",
        ),
        (URL, URL + "/\\%22x\\%22", "field url"),
        (
            "  keywords",
            "  doi = {10.1162/isec\\_a\\_00351},\n  keywords",
            "field doi '10.1162/isec\\_a\\_00351' contains a backslash",
        ),
        (
            URL,
            "https://www.federalregister.gov/d/2020 17699",
            "field url 'https://www.federalregister.gov/d/2020 17699' contains whitespace",
        ),
        ("  keywords", "  doi = {10.1162/isec a},\n  keywords", "field doi '10.1162/isec a' contains whitespace"),
        (URL, "https://en.wikisource.org./wiki/Page:X.pdf/1", "has a host ending in a dot"),
    ],
)
def test_a_url_with_a_backslash_or_whitespace_is_refused_naming_key_and_field(tmp_path, old, new, complaint):
    with pytest.raises(bibliography.BibliographyError) as caught:
        bibliography.load(write(tmp_path, GOOD.replace(old, new)))
    message = str(caught.value)
    assert "refs.bib: entry 'whitehouse2020eo13942' field " in message
    assert complaint in message


@pytest.mark.parametrize(
    "old,new,complaint",
    [
        ("Addressing the Threat", "Addressing \\$1.7T the Threat", "field title"),
        ("{The White House}", "{Notice \\\\& Comment}", "field author"),
        ("  publisher = {The White House}", "  publisher = {New Media \\\\& Society}", "field publisher"),
        ("Addressing the Threat", "Addressing `the' Threat", "TeX quote"),
        ("Addressing the Threat", "Addressing \\textit{the} Threat", "field title"),
        ("Addressing the Threat", "A 50% Threat", "unescaped %"),
    ],
)
def test_text_that_would_show_latex_to_readers_is_refused(tmp_path, old, new, complaint):
    with pytest.raises(bibliography.BibliographyError) as caught:
        bibliography.load(write(tmp_path, GOOD.replace(old, new)))
    assert "entry 'whitehouse2020eo13942' " in str(caught.value) and complaint in str(caught.value)


def test_latex_that_decodes_cleanly_is_accepted_and_decoded(tmp_path):
    text = (
        GOOD.replace("Addressing the Threat", "Addressing the {U.S.} 50\\% ``Threat''")
        .replace("  publisher = {The White House}", "  publisher = {Crowell \\& Moring}")
        .replace("https://www.federalregister.gov/d/2020-17699", "https://example.org/a_b?c=1&d=%22")
    )
    source = bibliography.load(write(tmp_path, text))["whitehouse2020eo13942"]
    assert source.publisher == "Crowell & Moring"
    assert source.title == "Addressing the U.S. 50% “Threat” Posed by TikTok"
    assert source.url == "https://example.org/a_b?c=1&d=%22"


def test_split_keys():
    assert bibliography.split_keys("a2020x;b2021y") == ["a2020x", "b2021y"]
    assert bibliography.split_keys("") == []


def test_describe_uses_the_real_bibliography():
    key = next(iter(bibliography.load()))
    line = bibliography.describe(key)
    source = bibliography.load()[key]
    assert source.url in line and bibliography.plain_text(source.title) in line


def test_describe_prints_no_latex():
    assert bibliography.plain_text(r"Davis Polk \& Wardwell") == "Davis Polk & Wardwell"
    assert bibliography.plain_text(r"{ZTE} pays 50\% more, St{\'e}phane") == "ZTE pays 50% more, Stéphane"
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
        if data.source_column(name) is None:  # rows about narratives rows, no sources of their own
            continue
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


# ----- the book's bibliography style (appcontest.sphinxext.bibstyle) -----------------

PAIR = """@misc{hine2018b,
  author = {{Thompson Hine}}, title = {ZTE Corporation Moves Closer to Removal of Denial Order},
  howpublished = {SmarTrade blog}, publisher = {Thompson Hine}, year = {2018}, date = {2018-07},
  url = {https://example.org/b}, keywords = {secondary}
}
@misc{hine2018a,
  author = {{Thompson Hine}}, title = {Department of Commerce Terminates Denial Order Against ZTE Corporation},
  howpublished = {SmarTrade blog}, publisher = {Thompson Hine}, year = {2018}, date = {2018-07},
  url = {https://example.org/a}, keywords = {secondary}
}
@misc{fcc2022ban,
  author = {Bartz, Diane and Shakil, Ismail}, title = {U.S. bans Huawei, ZTE equipment sales},
  publisher = {MarketScreener}, year = {2022}, month = {nov}, date = {2022-11-25},
  url = {https://example.org/c?utm_medium=RSS&utm_content=1}, keywords = {primary}
}
"""


def formatted(text=PAIR):
    from pybtex.database import parse_string

    from appcontest.sphinxext import bibstyle

    entries = parse_string(text, "bibtex").entries
    style = bibstyle.Style()
    ordered = style.sort(entries.values())
    result = {}
    for label, entry in zip(style.format_labels(ordered), ordered, strict=True):
        fe = style.format_entry(label, entry)
        result[entry.key] = (fe, fe.text.render_as("text"))
    return entries, result


def test_the_style_keeps_titles_as_written_and_prints_dates_and_plain_links():
    _, result = formatted()
    fe, text = result["fcc2022ban"]
    assert "U.S. bans Huawei, ZTE equipment sales." in text  # plain gave "U.s. bans huawei, zte"
    assert "MarketScreener, 25 November 2022." in text  # plain gave "nov 2022", no publisher
    # No full stop glued to a URL that ends the entry (plain printed "...content=1.").
    assert "URL: https://example.org/c?utm_medium=RSS&utm_content=1 Primary source." in text
    assert fe.year == "2022"


def test_the_style_letters_same_author_and_year_in_list_order():
    entries, result = formatted()
    assert result["hine2018a"][0].year == "2018a" and result["hine2018b"][0].year == "2018b"
    # The publisher is the author here, so it is not repeated before the date.
    assert "SmarTrade blog, July 2018a." in result["hine2018a"][1]
    from appcontest.sphinxext import bibstyle

    cited = bibstyle.year.format_data({"entry": entries["hine2018b"], "formatted_entry": result["hine2018b"][0]})
    assert cited.render_as("text") == "2018b"


def test_the_style_letters_by_date_before_title():
    later_but_first_by_title = PAIR.replace(
        "date = {2018-07},\n  url = {https://example.org/a}", "date = {2018-08},\n  url = {https://example.org/a}"
    )
    _, result = formatted(later_but_first_by_title)
    assert result["hine2018b"][0].year == "2018a" and result["hine2018a"][0].year == "2018b"


def test_the_style_marks_primary_sources_only():
    _, result = formatted()
    assert result["fcc2022ban"][1].endswith("Primary source.")
    assert "Primary source" not in result["hine2018a"][1]


def test_the_book_uses_the_style():
    import pybtex.plugin
    import yaml
    from sphinxcontrib.bibtex.plugin import find_plugin

    from appcontest import paths
    from appcontest.sphinxext import bibstyle

    config = yaml.safe_load((paths.root() / "_config.yml").read_text(encoding="utf-8"))
    sphinx = config["sphinx"]["config"]
    assert sphinx["bibtex_default_style"] == sphinx["bibtex_reference_style"] == bibstyle.NAME
    bibstyle.register()
    assert pybtex.plugin.find_plugin("pybtex.style.formatting", bibstyle.NAME) is bibstyle.Style
    assert find_plugin("sphinxcontrib.bibtex.style.referencing", bibstyle.NAME) is bibstyle.ReferenceStyle
