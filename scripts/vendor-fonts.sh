#!/usr/bin/env bash
# Re-create the book's shipped fonts (src/appcontest/fonts/) from Debian's fonts-noto-core
# package at a pinned version. The .deb's sha256 is checked, so a re-vendor cannot
# silently change the glyphs; fontTools and brotli are pinned, so the same package gives
# byte-identical files (compare the sha256 this prints with the committed README.md).
#
# What it does to Noto Sans Regular and Bold:
#   - subsets them to the ranges below (Latin, punctuation, a few symbols), so they stay small;
#   - drops the TrueType hinting (vl-convert's renderer ignores it; phones do not need it);
#   - renames the family to "Appcontest Noto Sans", so that a different Noto Sans installed
#     on a machine can never take its place (vl-convert prefers the system's copy of a
#     family it knows twice, which would make static images differ between machines);
#   - writes each as TTF (registered with vl-convert) and WOFF2 (served by the site),
#     plus OFL.txt (from the package's copyright file) and README.md.
# Needs: bash, python3 (3.9+) with venv, dpkg-deb or ar+tar, and apt-get or curl.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dest="$here/src/appcontest/fonts"
package=fonts-noto-core
version=20201225-1
deb="${package}_${version}_all.deb"
sha256=58f4f0bb6720f919f92096b3508e1412a0f1544424ade6c5b5bf1eb694dd64ba
pool="https://deb.debian.org/debian/pool/main/f/fonts-noto/$deb"
fonttools=4.68.0
brotli=1.2.1
# Requested code points. Noto Sans 2.004 has no arrows, no U+2212 and no U+22EF: they are
# asked for so that a newer source picks them up; README.md lists what the files contain.
unicodes="U+0020-007E,U+00A0-00FF,U+0100-017F,U+2000-206F,U+20AC,U+2122,U+2190-21FF,U+2212,U+22EF"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
if command -v apt-get >/dev/null && apt-get download "$package=$version" 2>/dev/null && [ -f "$deb" ]; then
  :
else
  curl -fsSLO "$pool"
fi
echo "$sha256  $deb" | sha256sum -c --quiet - || { echo "integrity mismatch for $deb" >&2; exit 1; }
mkdir root
if command -v dpkg-deb >/dev/null; then
  dpkg-deb -x "$deb" root
else
  ar x "$deb" && tar -xf data.tar.* -C root
fi

python3 -m venv venv
venv/bin/python -m pip install --quiet --disable-pip-version-check "fonttools==$fonttools" "brotli==$brotli"

mkdir -p "$dest"
rm -f "$dest"/*.ttf "$dest"/*.woff2
venv/bin/python - "$tmp/root" "$dest" "$unicodes" "$package" "$version" "$sha256" "$fonttools" "$brotli" <<'PY'
import hashlib
import re
import sys
import textwrap
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

root, dest, unicodes, package, version, deb_sha256, fonttools, brotli = sys.argv[1:]
root, dest = Path(root), Path(dest)
FAMILY = "Appcontest Noto Sans"
STYLES = ["Regular", "Bold"]
noto = root / "usr/share/fonts/truetype/noto"

options = subset.Options()
options.name_IDs = ["*"]          # keep the copyright, licence and licence URL records
options.hinting = False
options.drop_tables += ["DSIG"]
options.recalc_timestamp = False  # the source's head.modified stays: same input, same bytes
wanted = subset.parse_unicodes(unicodes)
written, coverage = [], None
for style in STYLES:
    for flavor, ext in ((None, "ttf"), ("woff2", "woff2")):
        options.flavor = flavor
        font = subset.load_font(str(noto / f"NotoSans-{style}.ttf"), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=wanted)
        subsetter.subset(font)
        source_version = font["name"].getDebugName(5).split(";")[0]
        postscript = FAMILY.replace(" ", "") + "-" + style
        names = {1: FAMILY, 3: f"{source_version.split()[-1]};appcontest;{postscript}",
                 4: f"{FAMILY} {style}", 6: postscript,
                 5: f"{source_version}; subset of Noto Sans for appcontest from Debian {package} {version}"}
        for record in font["name"].names:
            if record.nameID in names:
                record.string = names[record.nameID]
        path = dest / f"{postscript}.{ext}"
        subset.save_font(font, str(path), options)
        written.append(path)
        if coverage is None:
            coverage = sorted(TTFont(str(path)).getBestCmap())
        copyright_notice = font["name"].getDebugName(0)


def ranges(points):
    out, start = [], None
    for i, p in enumerate(points):
        if start is None:
            start = p
        if i + 1 == len(points) or points[i + 1] != p + 1:
            out.append(f"U+{start:04X}" + (f"-{p:04X}" if p != start else ""))
            start = None
    return ", ".join(out)


# OFL.txt: the licence text exactly as the package carries it (debian/copyright, stanza
# "License: OFL-1.1"), unfolded from Debian's layout, under the fonts' copyright lines.
copyright_file = (root / "usr/share/doc" / package / "copyright").read_text(encoding="utf-8")
stanza = re.search(r"^License: OFL-1\.1\n((?: .*\n)+)", copyright_file, re.M).group(1)
paragraphs = [" ".join(line.strip() for line in block.splitlines())
              for block in re.split(r"^ \.\n", stanza, flags=re.M)]
holders = re.search(r"^Files: \*\nCopyright:\n((?:  .*\n)+)", copyright_file, re.M).group(1)
licence = [copyright_notice, *("Copyright " + h.strip() for h in holders.splitlines()), "",
           "This Font Software is licensed under the SIL Open Font License, Version 1.1.",
           "This license is copied below, and is also available with a FAQ at:",
           "https://openfontlicense.org", "",
           "-" * 59, "SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007", "-" * 59, ""]
for paragraph in paragraphs:
    licence += textwrap.wrap(paragraph, 78, break_on_hyphens=False) + [""]
(dest / "OFL.txt").write_text("\n".join(licence).rstrip() + "\n", encoding="utf-8")
written.append(dest / "OFL.txt")

rows = "\n".join(f"| `{p.name}` | {p.stat().st_size:,} | `{hashlib.sha256(p.read_bytes()).hexdigest()}` |"
                 for p in written)
readme = f"""# Fonts shipped with the book

Written by `scripts/vendor-fonts.sh`; do not edit by hand, re-run the script.

**{FAMILY}** is Noto Sans ({source_version}, Regular and Bold) from the Debian package
`{package}` {version} (`{package}_{version}_all.deb`, sha256 `{deb_sha256}`),
subset with fontTools {fonttools} (WOFF2 compressed with brotli {brotli}), with its
TrueType hinting removed and its family renamed so that no other copy of Noto Sans can
stand in for it. Licence: SIL Open Font License 1.1 (`OFL.txt`); Noto declares no
Reserved Font Name.

- `*.ttf`: registered with vl-convert (`appcontest.fonts.register`), which draws the
  static SVG and PNG images of every chart.
- `*.woff2`: the same fonts for the site; the Sphinx extension copies them, with
  `OFL.txt`, to `_static/fonts/` and `appcontest.css` declares them with `@font-face`.

Requested code points: {unicodes.replace(",", ", ")}.

Code points the files contain ({len(coverage)}): {ranges(coverage)}.

Noto Sans 2.004 has no arrows, no minus sign U+2212 and no U+22EF; a chart that draws a
character the font lacks is refused (see `appcontest.figures`), because vl-convert would
take that glyph from whatever font the machine has.

| File | Bytes | sha256 |
|---|---:|---|
{rows}
"""
(dest / "README.md").write_text(readme, encoding="utf-8")
for p in written:
    print(hashlib.sha256(p.read_bytes()).hexdigest(), p.name)
PY
