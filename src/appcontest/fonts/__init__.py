"""The typeface the book ships, so that charts look the same everywhere.

This directory holds Noto Sans, subset and renamed **Appcontest Noto Sans** (see
``README.md`` here and ``scripts/vendor-fonts.sh``): TTF files for vl-convert, which
draws the static SVG and PNG images, and WOFF2 files for the site. With the TTFs
registered and the theme naming the family first, a static image does not depend on the
fonts of the machine that made it.

Two caveats, both from how vl-convert (1.9) picks glyphs:

- It loads the system's fonts before ours and prefers the first copy of a family, which
  is why the family is renamed: a machine's own "Noto Sans" cannot stand in for it.
- A character the font lacks is taken from the first font, system fonts first, that has
  it. :func:`missing` finds such characters; :mod:`appcontest.figures` refuses them.
  More fonts (a CJK face for Chinese text, say) go in this directory and are registered
  with it; text that needs one must name that family as its font, and :data:`FAMILY`
  and :func:`missing` must learn about it.
"""

from __future__ import annotations

import functools
import struct
import threading
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent
FAMILY = "Appcontest Noto Sans"
REGULAR = DIRECTORY / "AppcontestNotoSans-Regular.ttf"
WEB_FILES = ("AppcontestNotoSans-Regular.woff2", "AppcontestNotoSans-Bold.woff2", "OFL.txt")

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
