"""``appcontest bench`` (``make bench``): build timings and page sizes, printed as tables.

A benchmark, not a test: the figures depend on the machine and its load, so targets are
printed beside the measurements, never asserted. ``make book`` is timed as a writer runs
it, on a temporary copy of the book (APPCONTEST_ROOT points the package at it), so the
prose and data edits it times never touch your files. ``make test`` is timed in place.
Counterfactual pages (``notebooks/variants/``) are included: they execute with the book,
and their papermill times are listed after the chapters'.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import paths

SCRIPT = re.compile(r"""<script\b[^>]*\bsrc=["']([^"'#?]+)""")
# Only links that fetch something (not rel="next", "prev", "index", "search" pages).
LINK = re.compile(
    r"""<link\b(?=[^>]*\brel=["'](?:stylesheet|preload|icon|modulepreload)["'])[^>]*\bhref=["']([^"'#?]+)"""
)
# Chapters and counterfactual pages (notebooks/variants/<name>.ipynb) alike.
EXECUTED = re.compile(r"notebooks/((?:variants/)?[\w-]+\.ipynb): executed")
# What a writer waits for (issue 7); printed beside each measurement, never asserted.
TARGETS = {"clean": 30.0, "nothing": 1.0, "prose": 4.0}


def _make_book(root: Path) -> tuple[float, list[str]]:
    """Time `make book` in the copy, as a writer runs it; return seconds and chapters run."""
    env = dict(os.environ, APPCONTEST_ROOT=str(root))
    venv = Path(sys.executable).parent.parent
    start = time.perf_counter()
    result = subprocess.run(
        ["make", "--no-print-directory", "book", f"VENV={venv}"], cwd=root, capture_output=True, text=True, env=env
    )
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"build failed in {root}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return seconds, sorted(set(EXECUTED.findall(result.stdout + result.stderr)))


def _append_to_last_markdown_cell(path: Path) -> None:
    import nbformat

    notebook = nbformat.read(path, as_version=4)
    cell = [c for c in notebook.cells if c.cell_type == "markdown"][-1]
    cell.source += "\n\nA sentence added by the benchmark."
    nbformat.write(notebook, path)


def _execution_seconds(root: Path) -> list[list[str]]:
    """Each chapter's papermill time, then each counterfactual page's (a run of its parent)."""
    import nbformat

    executed = root / "_build" / "executed"
    rows = []
    for pattern in ("*.ipynb", "variants/*.ipynb"):
        for path in sorted(executed.glob(pattern)):
            if path.name.endswith(".partial.ipynb"):
                continue
            seconds = nbformat.read(path, as_version=4).metadata.get("appcontest", {}).get("seconds")
            rows.append(
                [f"notebooks/{path.relative_to(executed).as_posix()}", f"{seconds:.1f}" if seconds is not None else "?"]
            )
    return rows


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
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [line(r) for r in rows])


def main(run_tests: bool = True) -> None:
    timings = []

    def step(label: str, target: str | None = None) -> None:
        seconds, executed = _make_book(root)
        goal = f"≤ {TARGETS[target]:.0f}" if target else ""
        verdict = ("met" if seconds <= TARGETS[target] else "MISSED") if target else ""
        timings.append([label, f"{seconds:.1f}", goal, verdict, ", ".join(executed) or "none"])

    with tempfile.TemporaryDirectory() as tmp:
        root = paths.copy_book(Path(tmp) / "book")
        for name in ("Makefile", "requirements.lock", "pyproject.toml"):
            # copy2 keeps the times, so make sees the environment as installed already.
            shutil.copy2(paths.root() / name, root / name)
        step("clean build (every chapter executed, in parallel)", "clean")
        step("make book, nothing changed", "nothing")
        intro = root / "book" / "intro.md"
        intro.write_text(intro.read_text(encoding="utf-8") + "\nA sentence added by the benchmark.\n", encoding="utf-8")
        step("make book after a prose edit (book/intro.md)", "prose")
        _append_to_last_markdown_cell(root / "notebooks" / "clock.ipynb")
        step("make book after a prose edit in a chapter (clock)", "prose")
        restrictions = root / "data" / "restrictions.csv"
        lines = restrictions.read_text(encoding="utf-8").splitlines()
        lines[1] = (
            lines[1].replace("all users", "all users (benchmark edit)", 1)
            if "all users" in lines[1]
            else lines[1] + " "
        )
        restrictions.write_text("\n".join(lines) + "\n", encoding="utf-8")
        step("make book after a data edit (data/restrictions.csv)")
        executions = _execution_seconds(root)
        sizes = _page_sizes(root / "_build" / "html")
    if run_tests:
        start = time.perf_counter()
        result = subprocess.run(["make", "test"], cwd=paths.root(), capture_output=True, text=True)
        outcome = "passed" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
        timings.append(
            ["make test (in place, environment installed)", f"{time.perf_counter() - start:.1f}", "", "", outcome]
        )
    print(f"Build and test timings (seconds; this machine: {os.cpu_count()} cores, this load)\n")
    print(_table(["step", "seconds", "target", "", "chapters executed / result"], timings))
    print(
        "\nExecution time of each chapter and counterfactual page (seconds, papermill, as recorded in its"
        " executed copy)\n"
    )
    print(_table(["chapter or counterfactual page", "seconds"], executions))
    print(
        "\nTransfer size of each built page: the HTML alone, and with the scripts and stylesheets it loads"
        " (KiB; fonts and images that stylesheets load on demand are not counted)\n"
    )
    kib = lambda n: f"{n / 1024:.0f}"
    print(
        _table(
            ["page", "html raw", "html gzip", "with assets raw", "with assets gzip"],
            [[p, kib(a), kib(b), kib(c), kib(d)] for p, a, b, c, d in sizes],
        )
    )
