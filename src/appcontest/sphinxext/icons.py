"""Theme icons from the icon font, without the 1.5 MB script.

pydata-sphinx-theme loads Font Awesome twice over: its CSS (with the web font) draws
every ``<i class="fa-solid fa-…">`` icon, and ``fontawesome.js`` (1.49 MB, on every page)
replaces those same icons with inline SVG, which the book does not need. The script is
replaced by a one-line file after the build (the theme's template still names it), and
its source map is removed. The icons look the same: the CSS and web font draw them.
"""

from __future__ import annotations

from pathlib import Path

SCRIPT = Path("_static") / "scripts" / "fontawesome.js"
STUB = "/* Icons are drawn by the Font Awesome web font in the theme's CSS (see appcontest.sphinxext.icons). */\n"


def replace_script(outdir: Path) -> int:
    """Replace the script in a built site; return the bytes saved."""
    script = Path(outdir) / SCRIPT
    if not script.exists():
        return 0
    saved = script.stat().st_size - len(STUB)
    script.write_text(STUB, encoding="utf-8")
    script.with_name(script.name + ".map").unlink(missing_ok=True)
    return max(saved, 0)


def _build_finished(app, exception):
    if exception is None and app.builder.format == "html":
        replace_script(Path(app.outdir))


def setup(app):
    app.connect("build-finished", _build_finished)
