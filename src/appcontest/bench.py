"""``appcontest bench`` (``make bench``): build timings and page sizes, printed as tables.

A benchmark, not a test: the figures depend on the machine and its load. Builds run on
a temporary copy of the repository (APPCONTEST_ROOT points the package at it), so the
prose and data edits it times never touch your files. ``make test`` is timed in place.
"""

from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import paths

STRICT = ["--all", "-n", "-W", "--keep-going"]
SCRIPT = re.compile(r"""<script\b[^>]*\bsrc=["']([^"'#?]+)""")
# Only links that fetch something (not rel="next", "prev", "index", "search" pages).
LINK = re.compile(r"""<link\b(?=[^>]*\brel=["'](?:stylesheet|preload|icon|modulepreload)["'])[^>]*\bhref=["']([^"'#?]+)""")


def _build(root: Path) -> tuple[float, list[str]]:
    exe = Path(sys.executable).with_name("jupyter-book")
    env = dict(os.environ, APPCONTEST_ROOT=str(root))
    start = time.perf_counter()
    result = subprocess.run([str(exe), "build", str(root), *STRICT], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"build failed in {root}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    executed = sorted(set(re.findall(r"/([\w-]+\.ipynb): Executing notebook", result.stdout + result.stderr)))
    return seconds, executed


def _page_sizes(site: Path) -> list[tuple[str, int, int, int, int]]:
    site = site.resolve()
    rows = []
    for page in sorted(p for p in site.rglob("*.html") if "_static" not in p.parts):
        html = page.read_bytes()
        total_raw, total_gz = len(html), len(gzip.compress(html, 6))
        text = html.decode("utf-8", errors="replace")
        assets = {(page.parent / ref).resolve() for ref in SCRIPT.findall(text) + LINK.findall(text)}
        for asset in assets:
            if asset.is_file() and site in asset.parents:
                data = asset.read_bytes()
                total_raw += len(data)
                total_gz += len(gzip.compress(data, 6))
        rows.append((str(page.relative_to(site)), len(html), len(gzip.compress(html, 6)), total_raw, total_gz))
    return rows


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [line(r) for r in rows])


def main(run_tests: bool = True) -> None:
    timings = []
    with tempfile.TemporaryDirectory() as tmp:
        root = paths.copy_book(Path(tmp) / "book")
        seconds, executed = _build(root)
        timings.append(["clean build (strict, all notebooks executed)", f"{seconds:.1f}", ", ".join(executed) or "none"])
        seconds, executed = _build(root)
        timings.append(["rebuild, nothing changed", f"{seconds:.1f}", ", ".join(executed) or "none"])
        intro = root / "book" / "intro.md"
        intro.write_text(intro.read_text(encoding="utf-8") + "\nA sentence added by the benchmark.\n", encoding="utf-8")
        seconds, executed = _build(root)
        timings.append(["rebuild after a prose edit (book/intro.md)", f"{seconds:.1f}", ", ".join(executed) or "none"])
        restrictions = root / "data" / "restrictions.csv"
        lines = restrictions.read_text(encoding="utf-8").splitlines()
        lines[1] = lines[1].replace("all users", "all users (benchmark edit)", 1) if "all users" in lines[1] else lines[1] + " "
        restrictions.write_text("\n".join(lines) + "\n", encoding="utf-8")
        seconds, executed = _build(root)
        timings.append(["rebuild after a data edit (data/restrictions.csv)", f"{seconds:.1f}", ", ".join(executed) or "none"])
        sizes = _page_sizes(root / "_build" / "html")
    if run_tests:
        start = time.perf_counter()
        result = subprocess.run(["make", "test"], cwd=paths.root(), capture_output=True, text=True)
        outcome = "passed" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
        timings.append(["make test (in place, environment already installed)", f"{time.perf_counter() - start:.1f}", outcome])
    print("Build and test timings (seconds; this machine, this load)\n")
    print(_table(["step", "seconds", "notebooks executed / result"], timings))
    print("\nTransfer size of each built page: the HTML alone, and with the scripts and stylesheets it loads"
          " (KiB; fonts and images that stylesheets load on demand are not counted)\n")
    kib = lambda n: f"{n / 1024:.0f}"
    print(_table(["page", "html raw", "html gzip", "with assets raw", "with assets gzip"],
                 [[p, kib(a), kib(b), kib(c), kib(d)] for p, a, b, c, d in sizes]))
