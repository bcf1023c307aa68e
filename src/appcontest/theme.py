"""The book's one chart theme.

Colours are the Okabe-Ito palette, which stays distinguishable under the common forms
of colour-vision deficiency. Type is Noto Sans (and Noto Sans CJK SC), shipped with the package
(:mod:`appcontest.fonts`) and registered with vl-convert, so a static image is the same on
every machine; the site serves the same font, so the interactive chart matches it. No
text is smaller than 11 px: static images are drawn at phone width and shown at their own
size there (see :mod:`appcontest.figures`).
"""

from __future__ import annotations

import altair as alt

from . import fonts

# Okabe & Ito (2008), "Color Universal Design", ordered so the first colours are the
# most distinct from each other; yellow comes late because it is faint on white.
PALETTE = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#CC79A7",  # reddish purple
    "#000000",  # black
    "#F0E442",  # yellow
]
GREY = "#6b6b6b"
LIGHT_GREY = "#d9d9d9"
# The shipped families first: the site serves the Latin one and, for CJK characters only
# (unicode-range), the CJK one; vl-convert draws everything with the first, whose TTFs hold
# the CJK glyphs too (see appcontest.fonts). The others only matter where the book's CSS is
# absent (a chart shown in Jupyter).
FONT = f"{fonts.FAMILY}, {fonts.CJK_FAMILY}, Noto Sans, sans-serif"
WIDTH = 640  # for the PNG (PDF builders); the inline SVG is drawn at figures.STATIC_WIDTH
HEIGHT = 320
NAME = "appcontest"


def theme() -> dict:
    return {
        "config": {
            "background": "white",
            "font": FONT,
            # No ARIA roles on marks and axes: each chart's container is the labelled image
            # (title, description) and its table holds what the marks hold, so per-mark
            # labels would only repeat it, unnamed marks (the maps' land) would be images
            # without a name, and the SVG would be larger.
            "aria": False,
            "view": {"stroke": None, "continuousWidth": WIDTH, "continuousHeight": HEIGHT},
            "range": {"category": PALETTE},
            "title": {
                "fontSize": 15,
                "fontWeight": 600,
                "anchor": "start",
                "offset": 8,
                "subtitleFontSize": 12,
                "subtitleColor": GREY,
                "subtitlePadding": 4,
            },
            "axis": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "titleFontWeight": 500,
                "labelColor": "#333333",
                "titleColor": "#333333",
                "gridColor": "#ececec",
                "domainColor": GREY,
                "tickColor": GREY,
                "labelLimit": 220,
            },
            # One column under the plot: any wider legend is clipped on a 340-pixel phone
            # column, or makes width "container" squeeze the plot to leave it room.
            "legend": {
                "labelFontSize": 12,
                "titleFontSize": 12,
                "orient": "bottom",
                "direction": "vertical",
                "columns": 1,
                "symbolType": "circle",
                "labelLimit": 200,
            },
            "header": {"labelFontSize": 12, "titleFontSize": 12},
            "text": {"fontSize": 12},
            "bar": {"color": PALETTE[0]},
            "point": {"color": PALETTE[0], "filled": True, "size": 60},
            "line": {"color": PALETTE[0], "strokeWidth": 2},
        }
    }


def enable() -> None:
    """Register the fonts with vl-convert, and register and switch on the theme (idempotent)."""
    fonts.register()
    alt.theme.register(NAME, enable=True)(theme)
