"""Running chapters with parameters through the project's command (papermill underneath)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUNS = ROOT / "_build" / "runs"
CLI = [str(Path(sys.executable).with_name("appcontest")), "run"]

# One non-default set per notebook: a narrower window and a subset that still has data.
NON_DEFAULT = {
    "containment": [
        "-p",
        "start_date",
        "2018-01-01",
        "-p",
        "end_date",
        "2020-12-31",
        "-p",
        "jurisdictions",
        "United States,India",
    ],
    "clock": ["-p", "start_date", "2024-01-01", "-p", "as_of", "2025-03-01"],
    "scenarios": ["-p", "as_of", "2025-09-15", "-p", "probability_scale", "icd203"],
    # A later window and a smaller model band: fewer figures, other interval ends.
    "migration": ["-p", "start_date", "2025-01-13", "-p", "bootstrap_runs", "50"],
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(CLI + ["--no-html", *args], capture_output=True, text=True, cwd=ROOT, timeout=600)


def outputs_of(path: Path) -> str:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return json.dumps([c.get("outputs", []) for c in notebook["cells"]])


@pytest.mark.parametrize("stem", sorted(NON_DEFAULT))
def test_defaults_and_a_non_default_set_both_run_without_touching_the_source(stem):
    source = ROOT / "notebooks" / f"{stem}.ipynb"
    before = digest(source)
    default = run(str(source))
    assert default.returncode == 0, default.stderr[-3000:]
    other = run(str(source), *NON_DEFAULT[stem])
    assert other.returncode == 0, other.stderr[-3000:]
    assert digest(source) == before, "the source notebook was modified"
    default_out = ROOT / default.stdout.split("wrote ")[1].split()[0]
    other_out = ROOT / other.stdout.split("wrote ")[1].split()[0]
    assert default_out.parent == other_out.parent == RUNS and default_out != other_out
    injected = [
        c
        for c in json.loads(other_out.read_text())["cells"]
        if "injected-parameters" in c.get("metadata", {}).get("tags", [])
    ]
    assert injected and NON_DEFAULT[stem][1] in "".join(injected[0]["source"])
    # Different parameters give a different chapter, not the same outputs relabelled.
    assert outputs_of(default_out) != outputs_of(other_out)
    assert "Traceback" not in outputs_of(other_out)


@pytest.mark.parametrize(
    "args,expected",
    [
        (
            ["-p", "start_date", "2031-01-01"],
            "parameter 'start_date': got '2031-01-01'; allowed: a date YYYY-MM-DD from 2015-01-01 to 2026-11-30",
        ),
        (["-p", "start_date", "yesterday"], "parameter 'start_date': got 'yesterday'"),
        (["-p", "instruments", "statute,decree"], "parameter 'instruments'"),
        (["-p", "strat_date", "2020-01-01"], "unknown parameter 'strat_date'; did you mean 'start_date'?"),
    ],
)
def test_bad_values_and_unknown_names_stop_before_any_work(args, expected):
    source = ROOT / "notebooks" / "containment.ipynb"
    before = digest(source)
    existing = set(RUNS.glob("*")) if RUNS.exists() else set()
    result = run(str(source), *args)
    assert result.returncode == 2
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert digest(source) == before
    assert (set(RUNS.glob("*")) if RUNS.exists() else set()) == existing, "a refused run wrote output"


def test_a_run_renders_as_a_book_page_with_everything_resolved():
    """The HTML of a run is the chapter as the book renders it: glued text, figures, references."""
    source = ROOT / "notebooks" / "clock.ipynb"
    result = subprocess.run(
        CLI + [str(source), "-p", "as_of", "2025-09-20"], capture_output=True, text=True, cwd=ROOT, timeout=900
    )
    assert result.returncode == 0, result.stderr[-3000:]
    page = ROOT / result.stdout.split("open ")[1].split()[0]
    html = page.read_text(encoding="utf-8")
    assert "{glue" not in html and "{numref" not in html and "{cite" not in html
    assert "On 20 September 2025" in html, "the as_of reading reflects the parameter"
    assert html.count('class="ac-chart"') == 3
