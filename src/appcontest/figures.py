"""Turn an Altair chart into a figure that works offline, for every reader.

A :class:`Figure` displays (and is glued by myst-nb) as a MIME bundle with:

- ``text/html``: the chart as a reader meets it without JavaScript, and the placeholder
  the book's script turns into the interactive view:

  - the title (and subtitle) as HTML, above the chart, where it wraps instead of being
    cut off;
  - the static SVG, drawn at phone width (:data:`STATIC_WIDTH`) so that its text is at
    least :data:`MIN_TEXT_PX` pixels on a 390-pixel phone, with its coordinates rounded
    and its per-mark screen-reader labels dropped (the container is the accessible image:
    its name is the title, its description the figure's description);
  - a data table of what the tooltips hold, in reader-facing words, inside a
    ``<details>`` that needs no script (the script turns it into a "Table" tab);
  - the source line;
  - an inert JSON payload (the Vega-Lite spec and the table as CSV) that the Sphinx
    extension (:mod:`appcontest.sphinxext.vega`) takes out of the page and publishes as
    files, so that a page carries no spec, no map geometry and no CSV inline.

- ``image/png``: a static rendering for builders that cannot run JavaScript (PDF), with
  the title and source drawn in.

Static renderings use the shipped font (:mod:`appcontest.fonts`), so they are the same on
every machine; a chart that would draw a character the font lacks is refused, because
vl-convert would take that glyph from whatever fonts the machine has.

Every figure must have a title, a plain-language description (the accessible label)
and a source line; :class:`Figure` refuses a chart without them.

Sizes: builders give ``width="container"`` and a fixed height. :func:`sized` turns that
into numbers for one width, exactly as ``appcontest-charts.js`` does in the browser with
the width of the chart's column; a concatenated chart (the maps' world and Europe panels)
sizes each panel, and ``usermeta.appcontest.panels`` ({panel name: {"aspect": height / width,
"maxWidth": pixels}}) lets a panel's height follow its width.
"""

from __future__ import annotations

import base64
import copy
import csv
import html
import io
import json
import re
from dataclasses import dataclass, field

import altair as alt
import pandas as pd
import vl_convert as vlc

from . import fonts, theme

VL_VERSION = "6.4"  # Vega-Lite version that Altair 6.3 writes and vl-convert renders
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]*$")
# The text column of the book's theme is 342 px wide on a 390-px phone. The static image
# is drawn a little narrower, so it is shown at its own size there: 11-px text stays 11 px.
PHONE_COLUMN = 342
STATIC_WIDTH = 340
MIN_TEXT_PX = 11
PADDING = 5  # Vega-Lite's default padding on each side
# The column that ties a drawn mark (its datum) to its row of the data table, so the
# script can show the rows a filtered chart still draws (see keyed()).
ROW_FIELD = "ac_row"
EMPTY_MESSAGE = "Nothing matches these filters"
# A table whose rows take more HTML than this is not inlined: the page says where its CSV
# is, and the script fills the table from that file (the timeline's 120 measures, with
# summaries and sources, would otherwise be a third of the page).
INLINE_TABLE_BYTES = 24_000
PAYLOAD_CLASS = "ac-chart-payload"
CONCAT = ("vconcat", "hconcat", "concat")
URL = re.compile(r"https?://[^\s|<>\"]+[^\s|<>\".,;:)\]]")


class FigureError(ValueError):
    """A figure lacks its title, description, source or data."""


def keyed(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with :data:`ROW_FIELD` numbering its rows 0, 1, ... in order.

    A chart whose menus filter what it draws is given its data keyed, and its table in
    the same row order, so that the script can show exactly the rows still drawn.
    """
    return frame.reset_index(drop=True).assign(**{ROW_FIELD: range(len(frame))})


def sized(spec: dict, width: int) -> dict:
    """The spec with ``"container"`` widths replaced for a chart ``width`` pixels wide overall.

    A single or layered view fits its whole width, axes and legend included (autosize
    ``fit-x``); the panels of a concatenated chart (which Vega-Lite cannot fit) each get
    the width less the padding and any ``inset`` (room for axis labels), at most a panel's
    ``maxWidth`` and, given an ``aspect``
    (height / width), a height in proportion, both from ``usermeta.appcontest.panels``
    ({panel name: {...}}). Map panels are clipped to their size (:func:`_clip`).
    ``appcontest-charts.js`` (``sizeSpec``) does the same in the browser.
    """
    spec = copy.deepcopy(spec)
    panels = spec.get("usermeta", {}).get("appcontest", {}).get("panels", {})
    key = next((k for k in CONCAT if k in spec), None)
    if key:
        for panel in spec[key]:
            hints = panels.get(panel.get("name"), {})
            if panel.get("width") == "container":
                panel["width"] = min(width - 2 * PADDING - hints.get("inset", 0), hints.get("maxWidth", width))
            if "aspect" in hints and isinstance(panel.get("width"), (int, float)):
                panel["height"] = round(panel["width"] * hints["aspect"])
            _clip(panel)
    elif spec.get("width") == "container":
        spec["width"] = width
        spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    return spec


def _clip(panel: dict) -> None:
    """Clip a map panel's projection to the panel, so that it draws (and its image holds)
    no outline outside it: the Europe panel would otherwise carry the whole world's coasts."""
    projection = panel.get("projection")
    if isinstance(projection, dict) and all(isinstance(panel.get(k), (int, float)) for k in ("width", "height")):
        panel["projection"] = {**projection, "clipExtent": [[0, 0], [panel["width"], panel["height"]]]}


def _drawn_text(svg: str) -> str:
    """The text a rendered SVG draws (not its aria labels, which are never drawn)."""
    texts = re.findall(r"<text\b[^>]*>(.*?)</text>", svg, flags=re.S)
    return "\n".join(html.unescape(re.sub(r"<[^>]+>", "", t)) for t in texts)


def _script_safe(text: str) -> str:
    # JSON inside <script> must not close the element early.
    return text.replace("</", "<\\/")


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
# Outlines with more points than this (map borders) are rounded to whole pixels, which at
# the size they are drawn cannot be seen; everything else keeps a tenth of a pixel.
_LONG_PATH = 200


def _number(value: float, digits: int) -> str:
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _path(d: str) -> str:
    """Path data rounded, and written relative when it is only lines (M, L, Z)."""
    if re.search(r"[^MLZ0-9.,\-e\s]", d):  # curves and arcs (symbols): round in place
        return _NUMBER.sub(lambda m: _number(float(m.group()), 1), d)
    commands = re.findall(r"([MLZ])([^MLZ]*)", d)
    points = sum(len(_NUMBER.findall(a)) for _, a in commands) // 2
    digits = 0 if points > _LONG_PATH else 1
    scale = 10**digits
    out, x0, y0, start = [], 0.0, 0.0, (0.0, 0.0)
    for command, args in commands:
        if command == "Z":
            out.append("z")
            x0, y0 = start
            continue
        values = [float(v) for v in _NUMBER.findall(args)]
        for i in range(0, len(values) - 1, 2):
            x, y = round(values[i] * scale) / scale, round(values[i + 1] * scale) / scale
            dx, dy = x - x0, y - y0
            if command == "L" and abs(dx) < 1e-9 and abs(dy) < 1e-9:
                continue  # a point that rounding made equal to the last one
            sy = _number(dy, digits)
            out.append(("m" if command == "M" else "l") + _number(dx, digits) + ("" if sy[0] == "-" else ",") + sy)
            x0, y0 = x, y
            if command == "M":
                start = (x, y)
    return "".join(out)


def compact_svg(svg: str) -> str:
    """A vl-convert SVG made small enough to inline: numbers rounded, paths relative,
    no screen-reader attributes (the figure's container is the labelled image), and the
    whole image hidden from assistive technology."""
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    svg = re.sub(r' d="([^"]*)"', lambda m: f' d="{_path(m.group(1))}"', svg)
    svg = svg.replace(' transform="translate(0,0)"', "")
    svg = re.sub(
        r' (transform|x|y|x1|x2|y1|y2|width|height|r|stroke-width)="([^"]*)"',
        lambda m: f' {m.group(1)}="{_NUMBER.sub(lambda n: _number(float(n.group()), 1), m.group(2))}"',
        svg,
    )
    svg = re.sub(r' (?:role|aria-[a-z]+|class)="[^"]*"', "", svg)
    svg = re.sub(r' (xmlns:xlink|version)="[^"]*"', "", svg)
    return re.sub(r"^<svg\b", '<svg aria-hidden="true" focusable="false"', svg, count=1)


def _intrinsic_size(svg: str) -> str:
    """The static image's height as the size its box keeps while the browser skips laying
    it out off screen (``content-visibility: auto`` in appcontest.css), so that the page
    does not jump when it is drawn."""
    match = re.search(r'<svg\b[^>]*\bheight="([\d.]+)', svg)
    return f' style="contain-intrinsic-block-size: auto {round(float(match.group(1)))}px"' if match else ""


def text_sizes(svg: str, column: float = PHONE_COLUMN) -> list[tuple[str, float]]:
    """Each text of an SVG with the pixel size it is shown at in a ``column`` px wide column,
    where the image is scaled down to fit if it is wider (never up)."""
    width = float(re.search(r'<svg\b[^>]*\bwidth="([\d.]+)', svg).group(1))
    view = re.search(r'<svg\b[^>]*\bviewBox="([^"]+)"', svg)
    units = float(view.group(1).split()[2]) if view else width
    scale = min(1.0, column / width) * width / units
    sizes = []
    for attrs, text in re.findall(r"<text\b([^>]*)>(.*?)</text>", svg, flags=re.S):
        size = re.search(r'font-size="([\d.]+)(?:px)?"', attrs)
        sizes.append((html.unescape(re.sub(r"<[^>]+>", "", text)), float(size.group(1)) * scale if size else 16.0))
    return sizes


def link_text(url: str) -> str:
    """What a link in a table shows: the site's name (``nasdaq.com``), not a 100-character address.
    The CSV (and the script's CSV of a filtered view) keeps the whole address."""
    host = re.sub(r"^https?://", "", url).split("/")[0].split("?")[0]
    return host.removeprefix("www.")


def _cell(value) -> str:
    """A table cell's HTML: the text, escaped, with web addresses as links named by their site."""
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    out, last = [], 0
    for match in URL.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        url = match.group(0)
        out.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(link_text(url))}</a>')
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def _reader_table(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame for a reader: dates as dates, no row key, missing values blank."""
    frame = frame.drop(columns=[ROW_FIELD], errors="ignore").copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    return frame.astype(object).where(frame.notna(), "")


@dataclass
class Figure:
    chart: alt.TopLevelMixin
    name: str
    title: str
    description: str
    source: str
    data: pd.DataFrame
    subtitle: str = ""
    # What the tooltips hold, one row per thing drawn, under reader-facing column names:
    # the chart's table view and its CSV download. Defaults to ``data``.
    table: pd.DataFrame | None = None
    # Shown in place of the chart when its menus leave nothing to draw.
    empty: str = EMPTY_MESSAGE
    # Said under the static image only (the script removes it with the image): what the
    # interactive view adds, such as sliders that need JavaScript.
    static_note: str = ""
    _cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if not NAME_PATTERN.match(self.name):
            raise FigureError(f"figure name {self.name!r} must match {NAME_PATTERN.pattern}")
        for attr in ("title", "description", "source"):
            if not getattr(self, attr).strip():
                raise FigureError(f"figure {self.name!r} has no {attr}")
        if self.data is None or self.data.empty:
            raise FigureError(f"figure {self.name!r} has no data rows to draw")
        if self.table is not None and self.table.empty:
            raise FigureError(f"figure {self.name!r} has an empty table")

    def _check_glyphs(self, text: str) -> None:
        lacking = fonts.missing(text)
        if lacking:
            chars = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in lacking)
            raise FigureError(
                f"figure {self.name!r} draws {chars}, which the shipped font {fonts.FAMILY!r} lacks; "
                "vl-convert would take it from the machine's fonts, so the image would differ "
                "between machines. Reword, or add the glyph (a CJK character: put it in the "
                "book's data or prose and re-run scripts/vendor-fonts.sh)."
            )

    def spec(self) -> dict:
        """The interactive spec. Title, subtitle and source are HTML around the chart, where
        they wrap; the description is the chart's accessible description."""
        if "spec" not in self._cache:
            theme.enable()
            self._cache["spec"] = self.chart.properties(description=self.description).to_dict(validate=True)
        return self._cache["spec"]

    def svg(self) -> str:
        """Static fallback inside the HTML, drawn at phone width (the HTML carries the title and source)."""
        if "svg" not in self._cache:
            raw = vlc.vegalite_to_svg(sized(self.spec(), STATIC_WIDTH), vl_version=VL_VERSION)
            self._check_glyphs(_drawn_text(raw))
            self._check_glyphs(self.title + self.subtitle)
            self._cache["svg"] = compact_svg(raw)
        return self._cache["svg"]

    def png_spec(self) -> dict:
        """The spec the PNG is drawn from: the theme's width, with the title and source drawn in."""
        theme.enable()
        lines = [self.subtitle] if self.subtitle else []
        lines.append(f"Source: {self.source}")
        titled = self.chart.properties(title=alt.TitleParams(text=self.title, subtitle=lines))
        return sized(titled.properties(description=self.description).to_dict(validate=True), theme.WIDTH)

    def png(self) -> bytes:
        """Static image for builders without JavaScript (PDF): the source line is drawn in."""
        if "png" not in self._cache:
            self.svg()  # checks the glyphs of everything the PNG draws but its source line
            self._check_glyphs(f"Source: {self.source}")
            # Scale 1 keeps notebooks small; PNG (unlike vl-convert's PDF) is byte-stable
            # between runs, which the notebook regression tests rely on.
            self._cache["png"] = vlc.vegalite_to_png(self.png_spec(), vl_version=VL_VERSION, scale=1)
        return self._cache["png"]

    def table_frame(self) -> pd.DataFrame:
        """The table view's rows and columns, as text."""
        return _reader_table(self.data if self.table is None else self.table)

    def csv(self, notes: list[str] | tuple[str, ...] = ()) -> str:
        """The table as CSV, every field quoted, after ``notes`` as ``#`` comment lines.

        Quoting every field keeps a ``#`` inside a value (a URL's fragment) from being read
        as a comment: ``pandas.read_csv(path, comment="#")`` reads the file back.
        """
        out = io.StringIO()
        for note in notes:
            out.write("# " + " ".join(note.split()) + "\n")
        self.table_frame().to_csv(out, index=False, quoting=csv.QUOTE_ALL, lineterminator="\n")
        return out.getvalue()

    def table_html(self) -> str:
        frame = self.table_frame()
        keyed_rows = self.table is not None and len(self.table) == len(frame)
        head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in frame.columns)
        rows = []
        for i, values in enumerate(frame.itertuples(index=False)):
            key = f' data-row="{i}"' if keyed_rows else ""
            rows.append(f"<tr{key}>" + "".join(f"<td>{_cell(v)}</td>" for v in values) + "</tr>")
        body, note, source = "".join(rows), "", ""
        if len(body) > INLINE_TABLE_BYTES:
            body, source = "", ' data-rows="csv"'
            note = (
                f'<p class="ac-chart-table-note">The {len(frame)} rows of this table are in the CSV file '
                "linked under the chart.</p>"
            )
        return (
            f'<details class="ac-chart-table" id="ac-chart-{self.name}-table">'
            f"<summary>Table: the data of “{html.escape(self.title)}”</summary>{note}"
            f'<div class="ac-chart-table-scroll" tabindex="0" role="region" '
            f'aria-label="Table: {html.escape(self.title, quote=True)}">'
            f"<table{source}><caption>{html.escape(self.title)}: {len(frame)} rows</caption>"
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></details>"
        )

    def payload(self) -> dict:
        """What the Sphinx extension publishes as files: the spec and the table as CSV."""
        return {"name": self.name, "title": self.title, "source": self.source, "spec": self.spec(), "csv": self.csv()}

    def html(self) -> str:
        base = f"ac-chart-{self.name}"
        payload = _script_safe(json.dumps(self.payload(), separators=(",", ":"), sort_keys=True, ensure_ascii=False))
        subtitle = f'<p class="ac-chart-subtitle">{html.escape(self.subtitle)}</p>' if self.subtitle else ""
        empty = html.escape(self.empty, quote=True)
        svg = self.svg()
        note = f'<p class="ac-chart-static-note">{html.escape(self.static_note)}</p>' if self.static_note else ""
        return (
            f'<div class="ac-chart" id="{base}" data-name="{self.name}" data-empty="{empty}">'
            f'<p class="ac-chart-title" id="{base}-title">{html.escape(self.title)}</p>{subtitle}'
            f'<div class="ac-chart-view" role="img" aria-labelledby="{base}-title" aria-describedby="{base}-desc">'
            f'<div class="ac-chart-static"{_intrinsic_size(svg)}>{svg}</div></div>{note}'
            f'<p class="ac-chart-desc" id="{base}-desc">{html.escape(self.description)}</p>'
            f"{self.table_html()}"
            f'<script type="application/json" class="{PAYLOAD_CLASS}">{payload}</script>'
            f'<p class="ac-chart-meta"><span class="ac-chart-source">Source: {html.escape(self.source)}.</span></p>'
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
