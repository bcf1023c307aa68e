#!/usr/bin/env bash
# Re-create the book's shipped fonts (src/appcontest/fonts/) from Debian's fonts-noto-core
# and fonts-noto-cjk packages at pinned versions. Each .deb's sha256 is checked, so a
# re-vendor cannot silently change the glyphs; fontTools and brotli are pinned, so the same
# packages and the same book text give byte-identical files (compare the sha256 this
# prints with the committed README.md).
#
# Run it again whenever the book's data or prose gains a Chinese (CJK) character that the
# shipped font lacks: tests/test_fonts.py names the character, its file and this command.
#
# What it does to Noto Sans Regular and Bold:
#   - subsets them to the ranges below (Latin, punctuation, a few symbols), so they stay small;
#   - drops the TrueType hinting (vl-convert's renderer ignores it; phones do not need it);
#   - renames the family to "Appcontest Noto Sans", so that a different Noto Sans installed
#     on a machine can never take its place (vl-convert prefers the system's copy of a
#     family it knows twice, which would make static images differ between machines);
#   - writes each as WOFF2 (served by the site), and as TTF (registered with vl-convert)
#     with the CJK glyphs below added to it.
# What it does to Noto Sans CJK SC Regular and Bold (Debian ships them in .ttc collections):
#   - subsets them to the 3,500 characters of level 1 of the Table of General Standard
#     Chinese Characters (通用规范汉字表, 2013), taken from the Unihan database's kTGH
#     field (Debian's unicode-data package, pinned and checked like the fonts), CJK
#     punctuation and full-width forms, and every CJK character of the book's data and
#     prose (appcontest.fonts.TEXT_SOURCES, read from this checkout);
#   - converts the outlines from CFF to TrueType (quadratic) curves: smaller WOFF2 files,
#     and one outline format in the merged TTF; drops hinting, vertical metrics and the
#     vertical and locale (JP/KR/TC glyph) features, which the book never uses;
#   - renames the family to "Appcontest Noto Sans SC" and writes it as WOFF2 for the
#     site, which loads it only for the CJK ranges (unicode-range);
#   - adds the same glyphs to the Latin TTFs: vl-convert takes a character the first font
#     lacks from the system's fonts before ours, so a separate CJK TTF would lose to a
#     machine's own CJK font (see appcontest/fonts/__init__.py).
# Also writes OFL.txt (from the packages' copyright files), cjk-characters.txt and README.md.
# Needs: bash, python3 (3.9+) with venv, dpkg-deb or ar+tar, and apt-get or curl.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/src/appcontest/fonts"
package=fonts-noto-core
version=20201225-1
deb="${package}_${version}_all.deb"
sha256=58f4f0bb6720f919f92096b3508e1412a0f1544424ade6c5b5bf1eb694dd64ba
pool="https://deb.debian.org/debian/pool/main/f/fonts-noto/$deb"
cjk_package=fonts-noto-cjk
cjk_version=1:20220127+repack1-1   # Debian bookworm; the pool file drops the epoch
cjk_deb="${cjk_package}_20220127+repack1-1_all.deb"
cjk_sha256=4a2515eb6db3978b897fef9709ed0d2b1f4c6c4df4d83d6c4ef65f71f1b1f502
cjk_pool="https://deb.debian.org/debian/pool/main/f/fonts-noto-cjk/$cjk_deb"
ucd_package=unicode-data
ucd_version=15.0.0-1
ucd_deb="${ucd_package}_${ucd_version}_all.deb"
ucd_sha256=5efef23bbb1c6a133ecbdd63a2cfa07159ccacf5466a49e2426101c5ecd691fc
ucd_pool="https://deb.debian.org/debian/pool/main/u/unicode-data/$ucd_deb"
fonttools=4.68.0
brotli=1.2.1
# Requested code points. Noto Sans 2.004 has no arrows, no U+2212 and no U+22EF: they are
# asked for so that a newer source picks them up; README.md lists what the files contain.
unicodes="U+0020-007E,U+00A0-00FF,U+0100-017F,U+2000-206F,U+20AC,U+2122,U+2190-21FF,U+2212,U+22EF"
# CJK punctuation and full-width forms, on top of the characters chosen from the text.
cjk_unicodes="U+3000-303F,U+FF01-FF60,U+FFE0-FFE6"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
# fetch PACKAGE VERSION FILE SHA256 URL: the .deb as FILE, checked against SHA256.
fetch() {
  if command -v apt-get >/dev/null && apt-get download "$1=$2" 2>/dev/null; then
    # apt-get names the file with the epoch ("1%3a..."); the pool's name has none
    for f in "$1"_*_all.deb; do [ "$f" = "$3" ] || mv "$f" "$3"; done
  fi
  [ -f "$3" ] || curl -fsSLO "$5"
  echo "$4  $3" | sha256sum -c --quiet - || { echo "integrity mismatch for $3" >&2; exit 1; }
  mkdir -p "root"
  if command -v dpkg-deb >/dev/null; then
    dpkg-deb -x "$3" root
  else
    mkdir -p "x-$1" && (cd "x-$1" && ar x "../$3" && tar -xf data.tar.* -C ../root)
  fi
}
fetch "$package" "$version" "$deb" "$sha256" "$pool"
fetch "$cjk_package" "$cjk_version" "$cjk_deb" "$cjk_sha256" "$cjk_pool"
fetch "$ucd_package" "$ucd_version" "$ucd_deb" "$ucd_sha256" "$ucd_pool"

python3 -m venv venv
venv/bin/python -m pip install --quiet --disable-pip-version-check "fonttools==$fonttools" "brotli==$brotli"

mkdir -p "$dest"
rm -f "$dest"/*.ttf "$dest"/*.woff2
venv/bin/python - "$tmp/root" "$dest" "$unicodes" "$package" "$version" "$sha256" "$fonttools" "$brotli" \
  "$here" "$cjk_unicodes" "$cjk_package" "$cjk_version" "$cjk_sha256" "$ucd_package" "$ucd_version" "$ucd_sha256" <<'PY'
import bz2
import hashlib
import importlib.util
import re
import sys
import textwrap
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

(root, dest, unicodes, package, version, deb_sha256, fonttools, brotli,
 repo, cjk_unicodes, cjk_package, cjk_version, cjk_sha256, ucd_package, ucd_version, ucd_sha256) = sys.argv[1:]
root, dest, repo = Path(root), Path(dest), Path(repo)
# The package's own definitions (what counts as CJK, which files are the book's text),
# loaded from this checkout without importing the package and its dependencies.
spec = importlib.util.spec_from_file_location("shipped_fonts", repo / "src/appcontest/fonts/__init__.py")
shipped = importlib.util.module_from_spec(spec)
spec.loader.exec_module(shipped)
FAMILY, CJK_FAMILY = shipped.FAMILY, shipped.CJK_FAMILY
STYLES = ["Regular", "Bold"]
noto = root / "usr/share/fonts/truetype/noto"
noto_cjk = root / "usr/share/fonts/opentype/noto"

# Level 1 of the 通用规范汉字表 (2013): the characters whose kTGH position is 1-3500.
unihan = bz2.open(root / "usr/share/unicode/Unihan_OtherMappings.txt.bz2", "rt", encoding="utf-8").read()
positions = {}
for point, value in re.findall(r"^U\+([0-9A-F]+)\tkTGH\t(.+)$", unihan, re.M):
    for entry in value.split():
        year, number = entry.split(":")
        if year == "2013":
            positions[int(number)] = int(point, 16)
assert sorted(positions) == list(range(1, 8106)), "kTGH should number the table's 8,105 characters"
level1 = {positions[n] for n in range(1, 3501)}
from_text = shipped.repository_cjk(repo)
cjk_wanted = level1 | set(subset.parse_unicodes(cjk_unicodes)) | {ord(c) for c in from_text}


def _options(flavor=None):
    options = subset.Options()
    options.name_IDs = ["*"]          # keep the copyright, licence and licence URL records
    options.hinting = False
    options.drop_tables += ["DSIG"]
    options.recalc_timestamp = False  # the source's head.modified stays: same input, same bytes
    options.flavor = flavor
    return options


def _rename(font, family, style, source, note):
    source_version = font["name"].getDebugName(5).split(";")[0]
    postscript = family.replace(" ", "") + "-" + style
    names = {1: family, 3: f"{source_version.split()[-1]};appcontest;{postscript}",
             4: f"{family} {style}", 6: postscript,
             5: f"{source_version}; subset of {source} for appcontest from Debian {note}"}
    for record in font["name"].names:
        if record.nameID in names:
            record.string = names[record.nameID]
    return postscript, source_version


def _to_truetype(font):
    """CFF outlines to TrueType ones (cubic to quadratic curves within 1 unit)."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyph = glyf.glyphs[name] = pen.glyph()
        glyph.recalcBounds(glyf)
        width, _ = font["hmtx"].metrics[name]
        font["hmtx"].metrics[name] = (width, glyph.xMin if glyph.numberOfContours else 0)
    del font["CFF "]
    font["glyf"], font["loca"] = glyf, newTable("loca")
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements", "maxPoints",
                 "maxContours", "maxCompositePoints", "maxCompositeContours", "maxComponentDepth"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 3.0, [], {}
    font.sfntVersion = "\x00\x01\x00\x00"
    font.recalcBBoxes = True


def _add_glyphs(font, extra):
    """Append the glyphs of ``extra`` (TrueType outlines) to ``font`` with their cmap
    entries, for the code points ``font`` lacks; ``font``'s own glyphs, metrics and
    vertical metrics stay as they are."""
    cmap = font.getBestCmap()
    names = {}
    for point, glyph in sorted(extra.getBestCmap().items()):
        if point not in cmap:
            names.setdefault(glyph, f"sc{len(names) + 1:05d}")
    order = font.getGlyphOrder()
    for old, new in names.items():
        font["glyf"].glyphs[new] = extra["glyf"][old]
        font["hmtx"].metrics[new] = extra["hmtx"].metrics[old]
        order.append(new)
    font.setGlyphOrder(order)
    font["glyf"].glyphOrder = order
    added = {p: names[g] for p, g in extra.getBestCmap().items() if g in names and p not in cmap}
    tables = [t for t in font["cmap"].tables if t.format == 4]
    for table in tables:
        table.cmap.update({p: g for p, g in added.items() if p <= 0xFFFF})
    if any(p > 0xFFFF for p in added):
        full = {**cmap, **added}
        for platform, encoding in ((0, 4), (3, 10)):
            table = CmapSubtable.newSubtable(12)
            table.platformID, table.platEncID, table.language, table.cmap = platform, encoding, 0, dict(full)
            font["cmap"].tables.append(table)
    font["OS/2"].recalcUnicodeRanges(font)
    font.recalcBBoxes = True


written, coverage, cjk_coverage, notices = [], None, None, {}
for style in STYLES:
    # The CJK face (index 2 of the collection is Noto Sans CJK SC), as TrueType.
    options = _options()
    options.font_number = 2
    options.drop_tables += ["vhea", "vmtx", "VORG"]
    options.layout_features = [f for f in options.layout_features
                               if f not in {"locl", "vert", "vrt2", "vkrn", "vpal", "valt", "vhal", "vchw"}]
    cjk = subset.load_font(str(noto_cjk / f"NotoSansCJK-{style}.ttc"), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=cjk_wanted)
    subsetter.subset(cjk)
    _to_truetype(cjk)
    cjk_postscript, cjk_source_version = _rename(cjk, CJK_FAMILY, style, "Noto Sans CJK SC",
                                                 f"{cjk_package} {cjk_version}")
    notices[CJK_FAMILY] = cjk["name"].getDebugName(0)
    options.flavor = "woff2"
    path = dest / f"{cjk_postscript}.woff2"
    subset.save_font(cjk, str(path), options)
    written.append(path)
    cjk = TTFont(str(path))  # as the site gets it (compiled: a consistent glyph order)
    cjk.flavor = None
    if cjk_coverage is None:
        cjk_coverage = sorted(cjk.getBestCmap())
    assert sorted(cjk.getBestCmap()) == cjk_coverage, "Regular and Bold cover the same characters"
    # The Latin face: WOFF2 as it is; the TTF with the CJK glyphs added.
    for flavor, ext in (("woff2", "woff2"), (None, "ttf")):
        options = _options(flavor)
        font = subset.load_font(str(noto / f"NotoSans-{style}.ttf"), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=subset.parse_unicodes(unicodes))
        subsetter.subset(font)
        note = f"{package} {version}"
        if ext == "ttf":
            note += f", with the glyphs of Appcontest Noto Sans SC ({cjk_package} {cjk_version})"
        postscript, source_version = _rename(font, FAMILY, style, "Noto Sans", note)
        notices[FAMILY] = font["name"].getDebugName(0)
        if ext == "ttf":
            _add_glyphs(font, cjk)
        path = dest / f"{postscript}.{ext}"
        subset.save_font(font, str(path), options)
        written.append(path)
        if ext == "woff2" and coverage is None:
            latin = TTFont(str(path))
            coverage = sorted(latin.getBestCmap())
written.sort(key=lambda p: (p.suffix != ".ttf", "SC" in p.name, "Bold" in p.name))

missing = {c: f for c, f in from_text.items() if ord(c) not in cjk_coverage}
if missing:
    raise SystemExit("Noto Sans CJK SC lacks " + ", ".join(f"{c} (U+{ord(c):04X}, {f})" for c, f in missing.items()))


def ranges(points):
    out, start = [], None
    for i, p in enumerate(points):
        if start is None:
            start = p
        if i + 1 == len(points) or points[i + 1] != p + 1:
            out.append(f"U+{start:04X}" + (f"-{p:04X}" if p != start else ""))
            start = None
    return ", ".join(out)


# OFL.txt: the licence text exactly as fonts-noto-core carries it (debian/copyright,
# stanza "License: OFL-1.1"; fonts-noto-cjk carries the same licence), unfolded from
# Debian's layout, under the fonts' copyright lines.
def _copyright(pkg):
    return (root / "usr/share/doc" / pkg / "copyright").read_text(encoding="utf-8")


copyright_file = _copyright(package)
stanza = re.search(r"^License: OFL-1\.1\n((?: .*\n)+)", copyright_file, re.M).group(1)
paragraphs = [" ".join(line.strip() for line in block.splitlines())
              for block in re.split(r"^ \.\n", stanza, flags=re.M)]
holders = re.search(r"^Files: \*\nCopyright:\n((?:  .*\n)+)", copyright_file, re.M).group(1)
cjk_holders = re.search(r"^Files: \*\nCopyright: (.*)\n", _copyright(cjk_package), re.M).group(1)
assert "SIL OPEN FONT LICENSE Version 1.1" in _copyright(cjk_package)
licence = [f"{FAMILY} (Latin glyphs; Noto Sans):", notices[FAMILY],
           *("Copyright " + h.strip() for h in holders.splitlines()), "",
           f"{CJK_FAMILY}, and the CJK glyphs of the {FAMILY} TTF files (Noto Sans CJK SC):",
           notices[CJK_FAMILY], "Copyright " + cjk_holders.strip(), "",
           "This Font Software is licensed under the SIL Open Font License, Version 1.1.",
           "This license is copied below, and is also available with a FAQ at:",
           "https://openfontlicense.org", "",
           "-" * 59, "SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007", "-" * 59, ""]
for paragraph in paragraphs:
    licence += textwrap.wrap(paragraph, 78, break_on_hyphens=False) + [""]
(dest / "OFL.txt").write_text("\n".join(licence).rstrip() + "\n", encoding="utf-8")
written.append(dest / "OFL.txt")

# cjk-characters.txt: what the CJK files draw, 50 characters a line, for a reader to search.
chars = "".join(chr(p) for p in cjk_coverage)
(dest / "cjk-characters.txt").write_text(
    f"# The {len(cjk_coverage)} characters of {CJK_FAMILY} (and of the CJK part of the {FAMILY} TTFs),\n"
    "# in code point order. Written by scripts/vendor-fonts.sh; do not edit.\n"
    + "".join(chars[i:i + 50] + "\n" for i in range(0, len(chars), 50)), encoding="utf-8")
written.append(dest / "cjk-characters.txt")

han = [p for p in cjk_coverage if 0x3400 <= p <= 0x9FFF or 0x20000 <= p or 0xF900 <= p <= 0xFAFF]
other = [p for p in cjk_coverage if p not in set(han)]
text_only = sorted(ord(c) for c in from_text if ord(c) not in level1)
sizes = {p.name: p.stat().st_size for p in written}
rows = "\n".join(f"| `{p.name}` | {p.stat().st_size:,} | `{hashlib.sha256(p.read_bytes()).hexdigest()}` |"
                 for p in written)
readme = f"""# Fonts shipped with the book

Written by `scripts/vendor-fonts.sh`; do not edit by hand, re-run the script.

**{FAMILY}** is Noto Sans ({source_version}, Regular and Bold) from the Debian package
`{package}` {version} (`{package}_{version}_all.deb`, sha256 `{deb_sha256}`).

**{CJK_FAMILY}** is Noto Sans CJK SC ({cjk_source_version}, Regular and Bold, face 2 of
`NotoSansCJK-Regular.ttc` and `NotoSansCJK-Bold.ttc`) from the Debian package
`{cjk_package}` {cjk_version} (`{cjk_package}_{cjk_version.split(":")[-1]}_all.deb`, sha256
`{cjk_sha256}`), with its outlines converted from CFF to TrueType curves.

Both are subset with fontTools {fonttools} (WOFF2 compressed with brotli {brotli}), with
their hinting removed and their families renamed so that no other copy of Noto Sans or
Noto Sans CJK can stand in for them. Licence: SIL Open Font License 1.1 (`OFL.txt`);
neither declares a Reserved Font Name in the fonts ("Source", reserved by Adobe for
Source Han Sans, is not used).

- `AppcontestNotoSans-*.ttf`: registered with vl-convert (`appcontest.fonts.register`),
  which draws the static SVG and PNG images of every chart. They hold the Latin glyphs
  and, added after them, the glyphs of {CJK_FAMILY}: vl-convert takes a character the
  first font lacks from the machine's fonts before ours, so a separate CJK TTF would lose
  to a machine's own CJK font.
- `AppcontestNotoSans-*.woff2` (Latin) and `AppcontestNotoSansSC-*.woff2` (CJK): the
  fonts for the site; the Sphinx extension copies them, with `OFL.txt`, to
  `_static/fonts/`, and `appcontest.css` declares them with `@font-face`, the CJK family
  with a `unicode-range`, so a page without Chinese never downloads it. The CJK WOFF2
  files are {sizes[f"{CJK_FAMILY.replace(' ', '')}-Regular.woff2"]:,} and {sizes[f"{CJK_FAMILY.replace(' ', '')}-Bold.woff2"]:,} bytes; a page with Chinese loads one
  or both once, from this site only.

Requested code points of {FAMILY}: {unicodes.replace(",", ", ")}.

Code points the files contain ({len(coverage)}): {ranges(coverage)}.

Noto Sans 2.004 has no arrows, no minus sign U+2212 and no U+22EF; a chart that draws a
character the shipped fonts lack is refused (see `appcontest.figures`), because vl-convert
would take that glyph from whatever font the machine has.

Characters of {CJK_FAMILY}: {len(cjk_coverage):,}, listed in `cjk-characters.txt`:

- the {len(level1):,} characters of level 1 (一级字表, the common characters) of the Table of
  General Standard Chinese Characters (通用规范汉字表, State Council of the PRC, 2013),
  i.e. positions 1-3500 of the Unihan database's `kTGH` field, from the Debian package
  `{ucd_package}` {ucd_version} (`{ucd_package}_{ucd_version}_all.deb`, sha256 `{ucd_sha256}`,
  file `Unihan_OtherMappings.txt`);
- CJK punctuation and full-width forms: {cjk_unicodes.replace(",", ", ")} (those the font has);
- every CJK character of the book's data and prose ({", ".join(f"`{g}`" for g in shipped.TEXT_SOURCES)}):
  {len(from_text)} characters when this was written, {len(text_only)} of them not in level 1
  ({"".join(chr(p) for p in text_only)}).

Han characters: {len(han):,}; the others ({len(other)}): {ranges(other)}.

When the data or prose gains a CJK character outside this set, `tests/test_fonts.py` names
it and its file: re-run `scripts/vendor-fonts.sh` (needs the network for the three
packages) and commit this directory.

| File | Bytes | sha256 |
|---|---:|---|
{rows}
"""
(dest / "README.md").write_text(readme, encoding="utf-8")
for p in written:
    print(hashlib.sha256(p.read_bytes()).hexdigest(), p.name)
PY
