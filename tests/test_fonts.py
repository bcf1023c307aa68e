"""The shipped fonts: what is committed, that vl-convert draws with them, and that the site serves them."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import altair as alt
import pandas as pd
import pytest

from appcontest import fonts, theme
from appcontest.figures import VL_VERSION, Figure, FigureError
from appcontest.sphinxext import fonts as site_fonts
from appcontest.sphinxext import speed

ROOT = Path(__file__).resolve().parents[1]
README = (fonts.DIRECTORY / "README.md").read_text(encoding="utf-8")
CSS = (ROOT / "src/appcontest/sphinxext/static/appcontest.css").read_text(encoding="utf-8")
TEXTS = {"OFL.txt", fonts.CJK_CHARACTERS.name}
SHIPPED = sorted(p for p in fonts.DIRECTORY.iterdir() if p.suffix in {".ttf", ".woff2"} or p.name in TEXTS)
TTFS = (fonts.REGULAR, fonts.BOLD)
CJK_WOFF2 = ("AppcontestNotoSansSC-Regular.woff2", "AppcontestNotoSansSC-Bold.woff2")
VENDOR = "scripts/vendor-fonts.sh"


def test_the_readme_gives_the_size_and_sha256_of_every_shipped_file():
    rows = {
        m[1]: (int(m[2].replace(",", "")), m[3])
        for m in re.finditer(r"^\| `([^`]+)` \| ([\d,]+) \| `([0-9a-f]{64})` \|$", README, re.M)
    }
    assert set(rows) == {p.name for p in SHIPPED}
    for path in SHIPPED:
        assert rows[path.name] == (path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest()), (
            f"{path.name} differs from README.md: re-run scripts/vendor-fonts.sh rather than editing it"
        )


def test_the_files_are_what_they_claim_and_small():
    ttfs = [p for p in SHIPPED if p.suffix == ".ttf"]
    woff2s = [p for p in SHIPPED if p.suffix == ".woff2"]
    assert sorted(ttfs) == sorted(TTFS), "vl-convert gets one family, Latin and CJK glyphs in one font"
    latin = [p for p in woff2s if p.name not in CJK_WOFF2]
    assert {p.stem for p in ttfs} == {p.stem for p in latin}, "each Latin font as TTF (vl-convert) and WOFF2 (site)"
    assert {p.name for p in woff2s} | {"OFL.txt"} == set(fonts.WEB_FILES)
    for path in ttfs:
        assert path.read_bytes()[:4] == b"\x00\x01\x00\x00"
        assert fonts.FAMILY.encode("utf-16-be") in path.read_bytes(), "the family is renamed in the font itself"
        assert path.stat().st_size < 1_500_000
    for path in woff2s:
        assert path.read_bytes()[:4] == b"wOF2"
        if path.name in CJK_WOFF2:
            assert path.stat().st_size < 1_000_000, "a CJK web font must stay a subset under about 1 MB"
        else:
            assert path.stat().st_size < 25_000, "a Latin web font must stay a subset of a few tens of KB"
    licence = (fonts.DIRECTORY / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence
    assert "Adobe" in licence and fonts.CJK_FAMILY in licence, "the CJK glyphs' copyright is stated"


def _ranges(text: str) -> set[int]:
    points = set()
    for first, last in re.findall(r"U\+([0-9A-F]{4,6})(?:-([0-9A-F]{4,6}))?", text):
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return points


def test_coverage_reads_the_font_and_agrees_with_the_readme():
    listed = _ranges(re.search(r"^Code points the files contain \(\d+\): (.*)$", README, re.M).group(1))
    cjk = fonts.cjk_characters()
    count = re.search(r"^Characters of Appcontest Noto Sans SC: ([\d,]+), listed", README, re.M).group(1)
    assert int(count.replace(",", "")) == len(cjk)
    assert not listed & cjk and all(fonts.is_cjk(chr(p)) for p in cjk)
    for path in TTFS:
        assert fonts.coverage(path) == listed | cjk, path.name
    assert fonts.missing("Huawei’s “ban” – 5 × £3 … Ş é\n") == []
    assert fonts.missing("TikTok（抖音）、字节跳动：“国家安全”") == []
    # An arrow and a character outside the subset (龘, level 3 of the 通用规范汉字表).
    assert fonts.missing("TikTok → 龘") == ["→", "龘"]


def test_the_cjk_subset_holds_level_1_of_the_general_standard_table():
    cjk = fonts.cjk_characters()
    han = [p for p in cjk if 0x3400 <= p <= 0x9FFF or 0xF900 <= p <= 0xFAFF or p >= 0x20000]
    assert len(han) >= 3500
    # The first and last characters of level 1 (一级字表), and a few common words.
    assert {ord(c) for c in "一乙二十丁瓤罐矗中华人民共和国国家安全法商务部外交部发言人"} <= cjk
    assert {ord(c) for c in "，。、：；！？（）《》【】「」"} <= cjk, "CJK punctuation and full-width forms"
    assert "3,500 characters of level 1" in README and "kTGH" in README


def _uncovered(root: Path) -> list[str]:
    """What the shipped fonts lack of the CJK text under ``root``, as messages."""
    ttfs = [fonts.coverage(path) for path in TTFS]
    web = fonts.cjk_characters()
    return [
        f"{char!r} (U+{ord(char):04X}) in {where} is not in the shipped CJK font: "
        f"run {VENDOR} (it reads the book's text) and commit src/appcontest/fonts/"
        for char, where in fonts.repository_cjk(root).items()
        if ord(char) not in web or not all(ord(char) in covered for covered in ttfs)
    ]


def test_every_cjk_character_of_the_books_data_and_prose_is_in_the_shipped_fonts():
    found = fonts.repository_cjk(ROOT)
    assert len(found) > 100, "the book quotes Chinese names and titles; the scan should find them"
    problems = _uncovered(ROOT)
    assert not problems, "\n".join(problems)


def test_a_new_character_in_the_data_is_reported_with_its_file_and_the_command(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "book" / "data").mkdir(parents=True)
    (tmp_path / "data" / "names.csv").write_text("id,name\nx1,字节跳动\n", encoding="utf-8")
    (tmp_path / "book" / "data" / "names.md").write_text("A rare name: 龘.\n", encoding="utf-8")
    (tmp_path / "references.bib").write_text("@misc{k, title = {龘 again, 中国}}\n", encoding="utf-8")
    problems = _uncovered(tmp_path)
    assert len(problems) == 1
    assert "'龘' (U+9F98) in book/data/names.md" in problems[0] and VENDOR in problems[0]
    assert set(fonts.repository_cjk(tmp_path)) == set("字节跳动龘中国")


def test_the_theme_names_the_shipped_family_first():
    assert [f.strip() for f in theme.FONT.split(",")][:2] == [fonts.FAMILY, fonts.CJK_FAMILY]
    assert theme.theme()["config"]["font"] == theme.FONT


FRAME = pd.DataFrame({"who": ["Şirket", "“Quoted”"], "n": [3, 7]})


def figure(title="Ribbon – £5 × 3…", frame=FRAME):
    chart = alt.Chart(frame).mark_bar().encode(x=alt.X("who:N", title="Who"), y=alt.Y("n:Q", title="Count"))
    return Figure(
        chart=chart,
        name="font-test",
        title=title,
        subtitle="A subtitle, in the regular weight",
        description="Two bars.",
        source="Test data",
        data=frame,
    )


def test_a_figure_that_would_draw_a_character_the_font_lacks_is_refused():
    assert figure().png()[:4] == b"\x89PNG"
    with pytest.raises(FigureError, match=r"'→' \(U\+2192\).*lacks"):
        figure(title="Before → after").html()
    assert figure(frame=pd.DataFrame({"who": ["抖音"], "n": [1]})).png()[:4] == b"\x89PNG"  # in the subset
    with pytest.raises(FigureError, match="U\\+9F98"):  # 龘: not in the subset
        figure(frame=pd.DataFrame({"who": ["抖音龘"], "n": [1]})).png()


# Draws a Vega-Lite spec as the figure's PNG is drawn, in a fresh interpreter, where
# FONTCONFIG_FILE decides which fonts vl-convert finds on the system (it reads them once).
RENDER = textwrap.dedent("""
    import json, sys
    import vl_convert as vlc
    from appcontest import fonts
    spec, out, mode, vl_version = sys.argv[1:]
    if mode == "registered":
        fonts.register()
    png = vlc.vegalite_to_png(json.load(open(spec)), vl_version=vl_version, scale=1)
    open(out, "wb").write(png)
""")


def _fontconfig(tmp_path: Path, name: str, directory: Path) -> Path:
    conf = tmp_path / f"{name}.conf"
    conf.write_text(f'<?xml version="1.0"?>\n<fontconfig><dir>{directory}</dir></fontconfig>\n', encoding="utf-8")
    return conf


def _decoy(directory: Path) -> Path:
    """A CJK font of another family on the "system": the shipped Bold TTF, its names
    changed (same length, so the file stays valid), so its CJK glyphs are bolder."""
    directory.mkdir()
    data = fonts.BOLD.read_bytes()
    for old, new in ((fonts.FAMILY, "Decoyfonts Noto Sans"), (fonts.FAMILY.replace(" ", ""), "DecoyfontsNotoSans")):
        data = data.replace(old.encode("utf-16-be"), new.encode("utf-16-be")).replace(old.encode(), new.encode())
    assert fonts.FAMILY.encode("utf-16-be") not in data
    (directory / "DecoyCJK.ttf").write_bytes(data)
    return directory


@pytest.mark.skipif(sys.platform != "linux", reason="vl-convert reads FONTCONFIG_FILE only on Linux")
def test_a_static_image_with_chinese_text_is_drawn_with_the_shipped_font(tmp_path):
    frame = pd.DataFrame({"who": ["华为 Huawei", "字节跳动（TikTok）"], "n": [3, 7]})
    fig = figure(title="抖音与 TikTok：“国家安全”", frame=frame)
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(fig.png_spec()), encoding="utf-8")
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    decoy = _decoy(tmp_path / "decoy")
    runs = {  # name: (fonts the renderer finds on the "system", register the shipped fonts?)
        "no-system-fonts": (empty, "registered"),
        "no-fonts-at-all": (empty, "unregistered"),
        "another-cjk-font-on-the-system": (decoy, "registered"),
        "only-that-font": (decoy, "unregistered"),
    }
    procs = {}
    for name, (directory, mode) in runs.items():
        env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig(tmp_path, name, directory)))
        procs[name] = subprocess.Popen(
            [sys.executable, "-c", RENDER, str(spec), str(tmp_path / f"{name}.png"), mode, VL_VERSION],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
    machine = hashlib.sha256(fig.png()).hexdigest()  # this process, the machine's own fonts
    for name, proc in procs.items():
        assert proc.wait(timeout=300) == 0, f"{name}: {proc.stderr.read()}"
    png = {name: hashlib.sha256((tmp_path / f"{name}.png").read_bytes()).hexdigest() for name in runs}
    # The Chinese text is drawn with the shipped glyphs: without them it comes out otherwise...
    assert png["no-fonts-at-all"] != png["no-system-fonts"]
    # ...a machine's own CJK font, which would draw it otherwise, is not asked for it...
    assert png["only-that-font"] != png["no-system-fonts"]
    assert png["another-cjk-font-on-the-system"] == png["no-system-fonts"], "a system CJK font drew Chinese text"
    # ...and this machine's fonts play no part in the figure's image.
    assert machine == png["no-system-fonts"], "a static image used a font of this machine"


@pytest.mark.skipif(sys.platform != "linux", reason="vl-convert reads FONTCONFIG_FILE only on Linux")
def test_a_static_image_does_not_depend_on_the_machines_fonts(tmp_path):
    fig = figure()
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(fig.png_spec()), encoding="utf-8")
    empty = tmp_path / "no-fonts"
    empty.mkdir()
    runs = {  # name: (fonts the renderer finds on the "system", register the shipped fonts?)
        "no-system-fonts": (empty, "registered"),
        "no-fonts-at-all": (empty, "unregistered"),
        "shipped-as-system": (fonts.DIRECTORY, "unregistered"),
    }
    procs = {}
    for name, (directory, mode) in runs.items():
        env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig(tmp_path, name, directory)))
        procs[name] = subprocess.Popen(
            [sys.executable, "-c", RENDER, str(spec), str(tmp_path / f"{name}.png"), mode, VL_VERSION],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
    machine = hashlib.sha256(fig.png()).hexdigest()  # this process, the machine's own fonts
    for name, proc in procs.items():
        assert proc.wait(timeout=300) == 0, f"{name}: {proc.stderr.read()}"
    png = {name: hashlib.sha256((tmp_path / f"{name}.png").read_bytes()).hexdigest() for name in runs}
    # The renderer takes its system fonts from FONTCONFIG_FILE: given only the shipped
    # files as system fonts, it draws exactly what registering them draws...
    assert png["shipped-as-system"] == png["no-system-fonts"]
    # ...and without them the text comes out differently (in a fallback font).
    assert png["no-fonts-at-all"] != png["no-system-fonts"]
    # So, byte for byte, the machine's own fonts play no part in the figure's image.
    assert machine == png["no-system-fonts"], "a static image used a font of this machine"


def test_the_site_declares_the_shipped_files_with_relative_urls():
    faces = re.findall(r"@font-face\s*\{(.*?)\}", CSS, re.S)
    assert len(faces) == 4
    urls = set()
    latin_points = fonts.coverage(fonts.REGULAR) - fonts.cjk_characters()
    for face in faces:
        family = re.search(r'font-family: "([^"]+)"', face).group(1)
        assert family in (fonts.FAMILY, fonts.CJK_FAMILY)
        assert "font-display: swap" in face
        (url,) = re.findall(r'url\("([^"]+)"\)', face)
        assert not re.match(r"^(/|[a-z]+:)", url), "relative to the stylesheet: works offline and in any folder"
        urls.add(url)
        declared = re.search(r"unicode-range:\s*([^;]+);", face)
        if family == fonts.FAMILY:
            assert declared is None and "SC-" not in url
        else:
            # Only the CJK ranges, so a page without Chinese never downloads the file...
            points = _ranges(declared.group(1))
            assert "SC-" in url and not points & latin_points
            assert all(fonts.is_cjk(chr(p)) for p in (min(points), max(points)))
            # ...and every character the file holds is in them.
            assert fonts.cjk_characters() <= points
    assert urls == {f"fonts/{name}" for name in fonts.WEB_FILES if name.endswith(".woff2")}
    for stack in ("--pst-font-family-base", "--pst-font-family-heading"):
        assert f'{stack}: "{fonts.FAMILY}", "{fonts.CJK_FAMILY}",' in CSS
    assert not [f for f in speed.PRELOAD_FONTS if "SC-" in f], "the CJK font is loaded only where a page needs it"


def test_the_extension_publishes_the_web_fonts_and_their_licence_only(tmp_path):
    app = SimpleNamespace(outdir=str(tmp_path), builder=SimpleNamespace(format="html"))
    site_fonts._copy_fonts(app, None)
    published = sorted(p.name for p in (tmp_path / "_static" / "fonts").iterdir())
    assert published == sorted(fonts.WEB_FILES)
    for name in published:
        assert (tmp_path / "_static/fonts" / name).read_bytes() == (fonts.DIRECTORY / name).read_bytes()
