"""The shipped font: what is committed, that vl-convert draws with it, and that the site serves it."""

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

ROOT = Path(__file__).resolve().parents[1]
README = (fonts.DIRECTORY / "README.md").read_text(encoding="utf-8")
CSS = (ROOT / "src/appcontest/sphinxext/static/appcontest.css").read_text(encoding="utf-8")
SHIPPED = sorted(p for p in fonts.DIRECTORY.iterdir() if p.suffix in {".ttf", ".woff2"} or p.name == "OFL.txt")


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
    assert {p.stem for p in ttfs} == {p.stem for p in woff2s}, "each font as TTF (vl-convert) and WOFF2 (site)"
    assert {p.name for p in woff2s} | {"OFL.txt"} == set(fonts.WEB_FILES)
    for path in ttfs:
        assert path.read_bytes()[:4] == b"\x00\x01\x00\x00"
        assert fonts.FAMILY.encode("utf-16-be") in path.read_bytes(), "the family is renamed in the font itself"
    for path in woff2s:
        assert path.read_bytes()[:4] == b"wOF2"
        assert path.stat().st_size < 25_000, "a web font must stay a subset of a few tens of KB"
    assert "SIL OPEN FONT LICENSE Version 1.1" in (fonts.DIRECTORY / "OFL.txt").read_text(encoding="utf-8")


def _ranges(text: str) -> set[int]:
    points = set()
    for first, last in re.findall(r"U\+([0-9A-F]{4,6})(?:-([0-9A-F]{4,6}))?", text):
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return points


def test_coverage_reads_the_font_and_agrees_with_the_readme():
    listed = _ranges(re.search(r"^Code points the files contain \(\d+\): (.*)$", README, re.M).group(1))
    for path in (p for p in SHIPPED if p.suffix == ".ttf"):
        assert fonts.coverage(path) == listed, path.name
    assert fonts.missing("Huawei’s “ban” – 5 × £3 … Ş é\n") == []
    assert fonts.missing("TikTok → 抖音") == ["→", "抖", "音"]


def test_the_theme_names_the_shipped_family_first():
    assert theme.FONT.split(",")[0].strip() == fonts.FAMILY
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
    with pytest.raises(FigureError, match="U\\+6296"):
        figure(frame=pd.DataFrame({"who": ["抖音"], "n": [1]})).png()


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
    assert len(faces) == 2
    urls = set()
    for face in faces:
        assert f'font-family: "{fonts.FAMILY}"' in face
        assert "font-display: swap" in face
        urls.update(re.findall(r'url\("([^"]+)"\)', face))
    assert urls == {f"fonts/{name}" for name in fonts.WEB_FILES if name.endswith(".woff2")}
    assert f'--pst-font-family-base: "{fonts.FAMILY}"' in CSS


def test_the_extension_publishes_the_web_fonts_and_their_licence_only(tmp_path):
    app = SimpleNamespace(outdir=str(tmp_path), builder=SimpleNamespace(format="html"))
    site_fonts._copy_fonts(app, None)
    published = sorted(p.name for p in (tmp_path / "_static" / "fonts").iterdir())
    assert published == sorted(fonts.WEB_FILES)
    for name in published:
        assert (tmp_path / "_static/fonts" / name).read_bytes() == (fonts.DIRECTORY / name).read_bytes()
