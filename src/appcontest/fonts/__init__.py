"""The typefaces the book ships, so that charts look the same everywhere.

This directory holds Noto Sans, subset and renamed **Appcontest Noto Sans**, and Noto Sans
CJK SC, subset and renamed **Appcontest Noto Sans SC** (see ``README.md`` here and
``scripts/vendor-fonts.sh``):

- ``AppcontestNotoSans-*.ttf``, for vl-convert, which draws the static SVG and PNG
  images: the Latin glyphs *and* the CJK ones in one font (why: below);
- ``AppcontestNotoSans-*.woff2`` (Latin) and ``AppcontestNotoSansSC-*.woff2`` (CJK) for
  the site, which declares the CJK family with a ``unicode-range``, so that a page without
  Chinese never downloads it.

With the TTFs registered and the theme naming the family first, a static image does not
depend on the fonts of the machine that made it.

Two caveats, both from how vl-convert (1.9) picks glyphs:

- It loads the system's fonts before ours and prefers the first copy of a family, which
  is why the families are renamed: a machine's own "Noto Sans" cannot stand in for them.
- It draws a text in the first family of the font list that it has, and takes a
  character that font lacks from the first font, system fonts first, that has it: not
  from the next family of the list. A separate CJK TTF would therefore lose to a
  machine's own CJK font (Noto Sans CJK JP, say, with Japanese glyph shapes), so the TTF
  it draws with carries the CJK glyphs itself. :func:`missing` finds the characters it
  lacks; :mod:`appcontest.figures` refuses them.

The CJK glyphs cover the 3,500 characters of level 1 of the 通用规范汉字表 (2013), CJK
punctuation and full-width forms, and every CJK character of the book's data and prose
(:func:`repository_cjk`); a test fails when new text needs a re-vendor.
"""

from __future__ import annotations

import functools
import struct
import threading
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent
FAMILY = "Appcontest Noto Sans"
CJK_FAMILY = "Appcontest Noto Sans SC"
REGULAR = DIRECTORY / "AppcontestNotoSans-Regular.ttf"
BOLD = DIRECTORY / "AppcontestNotoSans-Bold.ttf"
WEB_FILES = (
    "AppcontestNotoSans-Regular.woff2",
    "AppcontestNotoSans-Bold.woff2",
    "AppcontestNotoSansSC-Regular.woff2",
    "AppcontestNotoSansSC-Bold.woff2",
    "OFL.txt",
)
# The characters of the CJK WOFF2 files (and of the TTFs' CJK part), written by the script.
CJK_CHARACTERS = DIRECTORY / "cjk-characters.txt"
# Unicode blocks of CJK scripts: Han (with radicals, strokes, compatibility ideographs and
# the supplementary planes), CJK punctuation and symbols, kana, bopomofo, Hangul, vertical
# and compatibility forms, half- and full-width forms. The site's unicode-range for the
# CJK family lies inside these; no Latin text falls in them.
CJK_RANGES = (
    (0x1100, 0x11FF),
    (0x2E80, 0x2FDF),
    (0x2FF0, 0x303F),
    (0x3040, 0x30FF),
    (0x3100, 0x312F),
    (0x3130, 0x318F),
    (0x3190, 0x31FF),
    (0x3200, 0x33FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7FF),
    (0xF900, 0xFAFF),
    (0xFE10, 0xFE1F),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFFEF),
    (0x20000, 0x3FFFF),
)
# The book's data and prose, whose CJK characters the shipped font must cover.
TEXT_SOURCES = ("data/*.csv", "data/*.md", "book/**/*.md", "notebooks/*.ipynb", "references.bib")

_lock = threading.Lock()
_registered = False


def register() -> None:
    """Register the shipped fonts with vl-convert, once per process (idempotent).

    vl-convert keeps every font it is given, so registering twice would only waste memory;
    fonts registered after some rendering still apply to every later rendering.
    """
    global _registered
    import vl_convert as vlc  # here, so the Sphinx extension can import this module cheaply

    with _lock:
        if not _registered:
            vlc.register_font_directory(str(DIRECTORY))
            _registered = True


@functools.cache
def coverage(path: Path = REGULAR) -> frozenset[int]:
    """The code points a TrueType font maps to a glyph (its best Unicode ``cmap``)."""
    data = path.read_bytes()
    (tables,) = struct.unpack_from(">H", data, 4)
    offsets = {data[12 + 16 * i : 16 + 16 * i]: struct.unpack_from(">I", data, 20 + 16 * i)[0] for i in range(tables)}
    cmap = offsets[b"cmap"]
    (count,) = struct.unpack_from(">H", data, cmap + 2)
    subtables = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        subtables[(platform, encoding)] = cmap + offset
    for key in ((3, 10), (0, 4), (0, 6)):  # format 12: full Unicode
        if key in subtables:
            start = subtables[key]
            (groups,) = struct.unpack_from(">I", data, start + 12)
            points = set()
            for g in range(groups):
                first, last, _glyph = struct.unpack_from(">III", data, start + 16 + 12 * g)
                points.update(range(first, last + 1))
            return frozenset(points)
    for key in ((3, 1), (0, 3)):  # format 4: the Basic Multilingual Plane
        if key in subtables:
            start = subtables[key]
            (segments,) = struct.unpack_from(">H", data, start + 6)
            segments //= 2
            ends = struct.unpack_from(f">{segments}H", data, start + 14)
            starts = struct.unpack_from(f">{segments}H", data, start + 16 + 2 * segments)
            deltas = struct.unpack_from(f">{segments}h", data, start + 16 + 4 * segments)
            range_at = start + 16 + 6 * segments
            range_offsets = struct.unpack_from(f">{segments}H", data, range_at)
            points = set()
            for s, (first, last, delta, ro) in enumerate(zip(starts, ends, deltas, range_offsets, strict=True)):
                for c in range(first, last + 1):
                    if ro == 0:
                        glyph = (c + delta) & 0xFFFF
                    else:
                        at = range_at + 2 * s + ro + 2 * (c - first)
                        (glyph,) = struct.unpack_from(">H", data, at)
                        glyph = (glyph + delta) & 0xFFFF if glyph else 0
                    if glyph:
                        points.add(c)
            return frozenset(points)
    raise ValueError(f"{path.name} has no Unicode cmap")


def missing(text: str) -> list[str]:
    """Characters of ``text`` the shipped font cannot draw (control characters aside)."""
    covered = coverage()
    return sorted({c for c in text if ord(c) not in covered and ord(c) >= 0x20 and c != "\x7f"})


def is_cjk(char: str) -> bool:
    """Whether ``char`` belongs to a CJK script block (:data:`CJK_RANGES`)."""
    point = ord(char)
    return any(first <= point <= last for first, last in CJK_RANGES)


def repository_cjk(root: Path) -> dict[str, str]:
    """Every CJK character of the book's data and prose (:data:`TEXT_SOURCES` under
    ``root``), mapped to the first file, relative to ``root``, that holds it."""
    found: dict[str, str] = {}
    for pattern in TEXT_SOURCES:
        for path in sorted(root.glob(pattern)):
            text = path.read_text(encoding="utf-8")
            for char in sorted(set(text)):
                if is_cjk(char):
                    found.setdefault(char, path.relative_to(root).as_posix())
    return dict(sorted(found.items()))


def cjk_characters() -> frozenset[int]:
    """The code points of the CJK WOFF2 files, as the vendoring script listed them."""
    text = CJK_CHARACTERS.read_text(encoding="utf-8")
    return frozenset(ord(c) for line in text.splitlines() if not line.startswith("#") for c in line)
