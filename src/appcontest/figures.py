"""Turn an Altair chart into a figure that works offline, for every reader.

A :class:`Figure` displays (and is glued by myst-nb) as a MIME bundle with:

- ``text/html``: the chart container with the Vega-Lite spec as inert JSON, a static
  SVG inside it (the no-JavaScript fallback, and what Jupyter shows), the source line,
  and a link that downloads the chart's data as CSV from a ``data:`` URI. The book's
  Sphinx extension loads the vendored Vega libraries on pages that contain a chart and
  replaces the SVG by the interactive view. No script is ever fetched from a CDN.
- ``image/png``: a static rendering for builders that cannot run JavaScript (PDF).

Static renderings use the shipped font (:mod:`appcontest.fonts`), so they are the same on
every machine; a chart that would draw a character the font lacks is refused, because
vl-convert would take that glyph from whatever fonts the machine has.

Every figure must have a title, a plain-language description (the accessible label)
and a source line; :class:`Figure` refuses a chart without them.
"""

from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import dataclass, field

import altair as alt
import pandas as pd
import vl_convert as vlc

from . import fonts, theme

VL_VERSION = "6.4"  # Vega-Lite version that Altair 6.3 writes and vl-convert renders
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]*$")


class FigureError(ValueError):
    """A figure lacks its title, description, source or data."""


def _static_spec(spec: dict) -> dict:
    """The spec with fixed sizes: a static image has no container to fill."""
    text = json.dumps(spec)
    text = text.replace('"width": "container"', f'"width": {theme.WIDTH}')
    return json.loads(text)


def _drawn_text(svg: str) -> str:
    """The text a rendered SVG draws (not its aria labels, which are never drawn)."""
    texts = re.findall(r"<text\b[^>]*>(.*?)</text>", svg, flags=re.S)
    return "\n".join(html.unescape(re.sub(r"<[^>]+>", "", t)) for t in texts)


def _script_safe(text: str) -> str:
    # JSON inside <script> must not close the element early.
    return text.replace("</", "<\\/")


@dataclass
class Figure:
    chart: alt.TopLevelMixin
    name: str
    title: str
    description: str
    source: str
    data: pd.DataFrame
    subtitle: str = ""
    _cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not NAME_PATTERN.match(self.name):
            raise FigureError(f"figure name {self.name!r} must match {NAME_PATTERN.pattern}")
        for attr in ("title", "description", "source"):
            if not getattr(self, attr).strip():
                raise FigureError(f"figure {self.name!r} has no {attr}")
        if self.data is None or self.data.empty:
            raise FigureError(f"figure {self.name!r} has no data rows to draw")

    def _check_glyphs(self, text: str) -> None:
        lacking = fonts.missing(text)
        if lacking:
            chars = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in lacking)
            raise FigureError(
                f"figure {self.name!r} draws {chars}, which the shipped font {fonts.FAMILY!r} lacks; "
                "vl-convert would take it from the machine's fonts, so the image would differ "
                "between machines. Reword, or add the glyph (scripts/vendor-fonts.sh)."
            )

    def _titled(self, with_source: bool) -> dict:
        theme.enable()
        lines = [self.subtitle] if self.subtitle else []
        if with_source:
            lines.append(f"Source: {self.source}")
        title = alt.TitleParams(text=self.title, subtitle=lines) if lines else alt.TitleParams(text=self.title)
        return self.chart.properties(title=title, description=self.description).to_dict(validate=True)

    def spec(self) -> dict:
        """The interactive spec; its source line is HTML under the chart, where it can wrap."""
        if "spec" not in self._cache:
            self._cache["spec"] = self._titled(with_source=False)
        return self._cache["spec"]

    def svg(self) -> str:
        """Static fallback inside the HTML (which carries the source line itself)."""
        if "svg" not in self._cache:
            svg = vlc.vegalite_to_svg(_static_spec(self.spec()), vl_version=VL_VERSION)
            self._check_glyphs(_drawn_text(svg))
            self._cache["svg"] = svg
        return self._cache["svg"]

    def png_spec(self) -> dict:
        """The spec the PNG is drawn from: fixed sizes, and the source line drawn in."""
        return _static_spec(self._titled(with_source=True))

    def png(self) -> bytes:
        """Static image for builders without JavaScript (PDF): the source line is drawn in."""
        if "png" not in self._cache:
            self.svg()  # checks the glyphs of everything the PNG draws but its source line
            self._check_glyphs(f"Source: {self.source}")
            # Scale 1 keeps notebooks small; PNG (unlike vl-convert's PDF) is byte-stable
            # between runs, which the notebook regression tests rely on.
            self._cache["png"] = vlc.vegalite_to_png(self.png_spec(), vl_version=VL_VERSION, scale=1)
        return self._cache["png"]

    def csv(self) -> str:
        return self.data.to_csv(index=False, date_format="%Y-%m-%d")

    def html(self) -> str:
        element_id = f"ac-chart-{self.name}"
        csv_uri = "data:text/csv;charset=utf-8;base64," + base64.b64encode(self.csv().encode("utf-8")).decode("ascii")
        spec_json = _script_safe(json.dumps(self.spec(), separators=(",", ":"), sort_keys=True))
        svg = re.sub(r"^<\?xml[^>]*>\s*", "", self.svg())
        label = html.escape(self.description, quote=True)
        return (
            f'<div class="ac-chart" id="{element_id}" data-name="{self.name}">'
            f'<div class="ac-chart-view" role="figure" aria-label="{label}">'
            f'<div class="ac-chart-static">{svg}</div></div>'
            f'<script type="application/json" class="ac-chart-spec">{spec_json}</script>'
            f'<p class="ac-chart-meta"><span class="ac-chart-source">Source: {html.escape(self.source)}.</span> '
            f'<a class="ac-chart-download" download="{self.name}.csv" '
            f'href="{csv_uri}">Download the data (CSV)</a></p>'
            "</div>"
        )

    def record(self) -> dict:
        """What the regression reference keeps of a figure (see appcontest.regression)."""
        return {
            "title": self.title,
            "subtitle": self.subtitle,
            "description": self.description,
            "source": self.source,
            "spec": self.spec(),
        }

    def _repr_mimebundle_(self, include=None, exclude=None):
        from .regression import FIGURE_MIME

        return {
            FIGURE_MIME: self.record(),
            "text/html": self.html(),
            "image/png": base64.b64encode(self.png()).decode("ascii"),
            "text/plain": f"Figure {self.name!r}: {self.title}",
        }
