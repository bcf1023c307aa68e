"""Publish each chart's spec and data as files, and load the chart script only where a page has a chart.

A figure's HTML (see :mod:`appcontest.figures`) carries its Vega-Lite spec and its table
as CSV in an inert JSON payload. When a page is written, :func:`externalise` takes each
payload out of the page and writes

- ``_static/charts/<page>/<name>.vl.json``: the spec, which the chart script fetches when
  the chart comes near the viewport;
- ``_static/charts/<page>/<name>.csv``: the table, after ``#`` comment lines that say what
  it is, how to cite it and its licence (the link's target without JavaScript; with it,
  the script writes the same file for the rows the reader's filters leave);
- ``_static/charts/data/<digest>.json``: any map geometry (TopoJSON) in a spec, once for
  the whole site, named by its content; the spec refers to it by URL.

The page keeps the placeholder: title, static SVG, table and source line, with the spec's
URL in ``data-spec`` and the CSV link. Pages with a chart load ``appcontest-charts.js``
(deferred, about 20 KB); it loads the vendored Vega, Vega-Lite and Vega-Embed (copied
into ``_static/vendor``) only when a chart scrolls near, once per page. Pages without
charts load none of it.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import tempfile
from pathlib import Path

STATIC = Path(__file__).parent / "static"
CHART_MARKER = 'class="ac-chart"'
PAYLOAD_CLASS = "ac-chart-payload"  # as appcontest.figures writes it (not imported: Altair is slow to import)
SCRIPT = "appcontest-charts.js"
# What the chart script loads, in this order, when the first chart comes near.
VENDOR = ("vendor/vega.min.js", "vendor/vega-lite.min.js", "vendor/vega-embed.min.js")
CHARTS_DIR = "charts"
SHARED_DIR = "charts/data"
GEOMETRY = ("Topology", "FeatureCollection", "GeometryCollection")
LICENCE = "CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)"
PAYLOAD = re.compile(
    r'<script type="application/json" class="' + PAYLOAD_CLASS + r'">(.*?)</script>'
    r'(<p class="ac-chart-meta">.*?)(</p></div>)',
    re.S,
)


def _write(path: Path, text: str) -> None:
    """Write atomically: pages are written in parallel, and two may share a data file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    os.chmod(tmp, 0o644)  # mkstemp makes it private; a web server must read it
    os.replace(tmp, path)


def _share(values: dict, static_dir: Path, static_url: str) -> str:
    """Write geometry once under _static/charts/data/, named by its content; return its URL."""
    text = json.dumps(values, separators=(",", ":"), sort_keys=True)
    name = hashlib.sha256(text.encode()).hexdigest()[:16] + ".json"
    _write(static_dir / SHARED_DIR / name, text)
    return f"{static_url}{SHARED_DIR}/{name}"


def share_data(spec: dict, static_dir: Path, static_url: str) -> dict:
    """The spec with inline map geometry replaced by the URL of one shared file.

    Handles both forms Altair writes: ``data: {values: ..., format}`` anywhere in the spec,
    and top-level ``datasets`` referred to as ``data: {name: ..., format}``.
    """
    datasets = spec.get("datasets", {})
    shared = {
        name: _share(values, static_dir, static_url)
        for name, values in datasets.items()
        if isinstance(values, dict) and values.get("type") in GEOMETRY
    }

    def walk(node):
        if isinstance(node, dict):
            values = node.get("values")
            if isinstance(values, dict) and values.get("type") in GEOMETRY:
                rest = {k: walk(v) for k, v in node.items() if k != "values"}
                return {"url": _share(values, static_dir, static_url), **rest}
            if node.get("name") in shared and set(node) <= {"name", "format"}:
                return {"url": shared[node["name"]], **{k: v for k, v in node.items() if k != "name"}}
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    out = walk({k: v for k, v in spec.items() if k != "datasets"})
    rest = {k: v for k, v in datasets.items() if k not in shared}
    if rest:
        out["datasets"] = rest
    return out


def notes(*, title: str, source: str, cite: str, rows: str) -> list[str]:
    """The CSV's comment lines: what the file is, where it comes from, how to cite it, its licence."""
    return [
        f"{title}: {rows}.",
        f"Source: {source}.",
        f"Cite as: {cite}",
        f"Licence: {LICENCE}.",
        'Lines starting with # are notes; every field is quoted. pandas: read_csv(path, comment="#").',
    ]


def _csv(text: str, lines: list[str]) -> str:
    # A byte-order mark, so that spreadsheet programs read the file as UTF-8.
    return "\ufeff" + "".join("# " + " ".join(line.split()) + "\n" for line in lines) + text


def externalise(body: str, *, page: str, static_dir: Path, static_url: str, cite: str) -> str:
    """Take every chart payload out of a page's HTML and publish it as files.

    ``page`` is the page's name (``notebooks/containment``), ``static_dir`` the site's
    ``_static`` folder and ``static_url`` its URL relative to the page (``../_static/``).
    """

    def replace(match: re.Match) -> str:
        payload = json.loads(match.group(1).replace("<\\/", "</"))
        name = payload["name"]
        folder = f"{CHARTS_DIR}/{page}"
        spec = share_data(payload["spec"], static_dir, static_url)
        _write(static_dir / folder / f"{name}.vl.json", json.dumps(spec, separators=(",", ":"), ensure_ascii=False))
        rows = payload["csv"].count("\n") - 1
        lines = notes(
            title=payload.get("title", name),
            source=payload.get("source", ""),
            cite=cite,
            rows=f"all {rows} rows of the chart",
        )
        _write(static_dir / folder / f"{name}.csv", _csv(payload["csv"], lines))
        link = (
            f' <a class="ac-chart-download" download="{name}.csv" href="{static_url}{folder}/{name}.csv">'
            "Download the data (CSV)</a>"
        )
        return match.group(2) + link + match.group(3)

    names = re.findall(r'<div class="ac-chart" id="ac-chart-[^"]+" data-name="([^"]+)"', body)
    body = PAYLOAD.sub(replace, body)
    for name in names:
        url = f"{static_url}{CHARTS_DIR}/{page}/{name}.vl.json"
        cite_attr = html.escape(cite, quote=True)
        body = body.replace(
            f'id="ac-chart-{name}" data-name="{name}"',
            f'id="ac-chart-{name}" data-name="{name}" data-spec="{url}" data-cite="{cite_attr}"',
            1,
        )
    return body


def citation(config, page_title: str = "") -> str:
    """How to cite a chart of the book: authors (year). Book. Chapter: title.

    Jupyter Book puts the book's title in ``html_title`` (``project`` stays Sphinx's
    placeholder); the year is the first of ``copyright``.
    """
    book = getattr(config, "html_title", "") or getattr(config, "project", "") or ""
    year = str(getattr(config, "copyright", "") or "").split(",")[0].strip()
    author = getattr(config, "author", "") or ""
    text = f"{author} ({year}). {book}." if author else f"{book} ({year})."
    title = " ".join(re.sub(r"<[^>]+>", "", html.unescape(page_title or "")).split())
    return text + (f" Chapter: {title}." if title else "")


def _add_static_path(app, config):
    config.html_static_path.append(str(STATIC))


def _is_thebe(asset) -> bool:
    name = str(getattr(asset, "filename", "") or "")
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return "thebe" in name.lower() or "THEBE_JS_URL" in body


def _page_context(app, pagename, templatename, context, doctree):
    # Jupyter Book always loads sphinx-thebe, which declares its CDN URL twice per page
    # (a JavaScript error) and would fetch thebe from unpkg.com; the book has no live code.
    context["script_files"][:] = [s for s in context["script_files"] if not _is_thebe(s)]
    context["css_files"][:] = [c for c in context["css_files"] if not _is_thebe(c)]
    body = context.get("body", "")
    if CHART_MARKER not in body:
        return
    if app.builder.format == "html" and PAYLOAD_CLASS in body:
        static_url = context["pathto"]("_static/", 1)
        context["body"] = externalise(
            body,
            page=pagename,
            static_dir=Path(app.outdir) / "_static",
            static_url=static_url,
            cite=citation(app.config, context.get("title", "")),
        )
    # Called inside html-page-context, add_js_file affects this page only. The script
    # is deferred and small; it fetches the Vega libraries itself, when they are needed.
    app.add_js_file(SCRIPT, defer="defer")


def _drop_thebe_files(app, exception):
    if exception is None and app.builder.format == "html":
        for name in ("sphinx-thebe.js", "sphinx-thebe.css"):
            (Path(app.outdir) / "_static" / name).unlink(missing_ok=True)


def setup(app):
    app.connect("config-inited", _add_static_path)
    app.connect("build-finished", _drop_thebe_files)
    app.connect("html-page-context", _page_context)
    app.add_css_file("appcontest.css")
