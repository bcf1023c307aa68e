"""Serve chart scripts from the site itself, and only where a page has a chart.

Figures (see :mod:`appcontest.figures`) carry their spec as inert JSON and a static SVG;
this module copies the vendored Vega, Vega-Lite and Vega-Embed builds into ``_static``
and adds them, with the small script that renders the charts, to pages whose body
contains a chart. Pages without charts load none of it.
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).parent / "static"
CHART_MARKER = 'class="ac-chart"'
SCRIPTS = (
    "vendor/vega.min.js",
    "vendor/vega-lite.min.js",
    "vendor/vega-embed.min.js",
    "appcontest-charts.js",
)


def _add_static_path(app, config):
    config.html_static_path.append(str(STATIC))


def _is_thebe(asset) -> bool:
    name = str(getattr(asset, "filename", "") or "")
    body = str(getattr(asset, "attributes", {}).get("body", ""))
    return "thebe" in name.lower() or "THEBE_JS_URL" in body


def _page_scripts(app, pagename, templatename, context, doctree):
    # Jupyter Book always loads sphinx-thebe, which declares its CDN URL twice per page
    # (a JavaScript error) and would fetch thebe from unpkg.com; the book has no live code.
    context["script_files"][:] = [s for s in context["script_files"] if not _is_thebe(s)]
    context["css_files"][:] = [c for c in context["css_files"] if not _is_thebe(c)]
    if CHART_MARKER in context.get("body", ""):
        for script in SCRIPTS:
            # Called inside html-page-context, add_js_file affects this page only.
            app.add_js_file(script, defer="defer")


def _drop_thebe_files(app, exception):
    if exception is None and app.builder.format == "html":
        for name in ("sphinx-thebe.js", "sphinx-thebe.css"):
            (Path(app.outdir) / "_static" / name).unlink(missing_ok=True)


def setup(app):
    app.connect("config-inited", _add_static_path)
    app.connect("build-finished", _drop_thebe_files)
    app.connect("html-page-context", _page_scripts)
    app.add_css_file("appcontest.css")
