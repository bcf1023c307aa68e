"""The chapters: the regression reference (pytest-notebook) and the conventions each follows.

The committed notebooks hold no output. `make book` executes them once (papermill, into
_build/executed/); these tests read that execution. The reference in tests/reference/ is
what the book quotes and draws, as text: a changed number or chart point fails
`test_glued_values_and_figures_match_the_reference` with a diff naming it. After checking
such a change, `make reference` rewrites the reference, and the diff goes into review.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from pytest_notebook.nb_regression import NBRegressionError, NBRegressionFixture

from appcontest import execute, regression

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Counterfactual pages: the parent's code with other parameters (appcontest.execute). They
# have a reference and must be current like a chapter; the conventions below are the
# parent's, checked on the parent.
VARIANTS = sorted((ROOT / "notebooks" / "variants").glob("*.ipynb"))
PAGES = sorted((ROOT / "book").rglob("*.md"))
GLUE_ROLE = re.compile(r"\{glue(?::[a-z]+)?\}`([^`]+)`")
GLUE_DIRECTIVE = re.compile(r"^```\{glue(?::[a-z]+)?\}\s+(\S+)", re.M)
KEY = re.compile(r"^[a-z][a-z0-9-]*$")


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def text(cell) -> str:
    return "".join(cell["source"])


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def glue_uses(source: str) -> set[str]:
    return set(GLUE_ROLE.findall(source)) | set(GLUE_DIRECTIVE.findall(source))


def executed(path: Path) -> dict:
    target = execute.executed_path(path)
    if not target.exists():
        pytest.fail(f"{path.name} has not been executed: run `make book` (make test does it first)")
    return nbformat.read(target, as_version=4)


def check_against(reference: dict, executed_path: Path, tmp_path: Path):
    """pytest-notebook: the reference (as a notebook) against the executed chapter's reduction."""
    initial = tmp_path / "reference.ipynb"
    nbformat.write(regression.as_notebook(reference, regression.display_name(executed_path)), initial)
    fixture = NBRegressionFixture(exec_notebook=False, post_processors=("appcontest-reference",))
    fixture.diff_color_words = False
    fixture.diff_use_color = False
    fixture.process_resources = {"appcontest": {"executed": str(executed_path)}}
    fixture.check(str(initial))


@pytest.mark.build
@pytest.mark.parametrize(
    "path", NOTEBOOKS + VARIANTS, ids=lambda p: p.relative_to(ROOT / "notebooks").with_suffix("").as_posix()
)
def test_glued_values_and_figures_match_the_reference(path, tmp_path):
    executed(path)
    reference_file = regression.reference_path(path)
    assert reference_file.exists(), f"no reference for {path.name}: run `make reference` and review it"
    check_against(regression.load(reference_file), execute.executed_path(path), tmp_path)


@pytest.mark.build
def test_the_regression_fails_on_a_changed_number_and_names_it(tmp_path):
    path = ROOT / "notebooks" / "clock.ipynb"
    executed(path)
    reference = regression.load(regression.reference_path(path))
    key = next(iter(reference["glue"]))
    reference["glue"][key] = "a value the chapter does not print"
    with pytest.raises(NBRegressionError, match="a value the chapter does not print"):
        check_against(reference, execute.executed_path(path), tmp_path)


@pytest.mark.build
@pytest.mark.parametrize(
    "path", NOTEBOOKS + VARIANTS, ids=lambda p: p.relative_to(ROOT / "notebooks").with_suffix("").as_posix()
)
def test_the_execution_is_current(path):
    executed(path)
    assert execute.current(path), f"{path.name} (or its parent) changed since `make book` executed it"


def test_every_variant_is_valid_and_a_section_of_its_parent_in_the_toc():
    from appcontest.sphinxext import notebooks

    for path in VARIANTS:
        execute.variant(path)
    notebooks.check_toc(ROOT)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_chapters_hold_no_output(path):
    size = path.stat().st_size
    assert size < 100_000, f"{path.name} is {size // 1024} KB: chapter sources hold no generated output"
    for i, cell in enumerate(cells(path)):
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"{path.name} cell {i} has outputs: strip them (make format)"
            assert cell.get("execution_count") is None, f"{path.name} cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_chapter_conventions(path):
    all_cells = cells(path)
    code = [c for c in all_cells if c["cell_type"] == "code"]
    assert all_cells[0]["cell_type"] == "markdown" and text(all_cells[0]).startswith("# "), (
        "a chapter opens with its title"
    )
    assert "remove-cell" in tags(code[0]), "the first code cell is the hidden set-up cell"
    params = [c for c in code if "parameters" in tags(c)]
    assert len(params) == 1, "exactly one cell tagged 'parameters'"
    assert code.index(params[0]) == 1, "parameters come right after the set-up cell"
    prose = "\n".join(text(c) for c in all_cells if c["cell_type"] == "markdown")
    assert ":class: tip" in prose or "{admonition} Key points" in prose, "a key-points box opens the chapter"
    assert "Rerun this chapter" in prose
    for c in code:
        assert "def " not in text(c) and "class " not in text(c), "logic belongs in the package, not the notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_prose_comes_in_section_sized_cells(path):
    for i, cell in enumerate(cells(path)):
        if cell["cell_type"] == "markdown":
            words = len(text(cell).split())
            assert words <= 700, f"{path.name} cell {i} has {words} words: split it at its sections"
            assert text(cell).count("\n## ") <= 1, f"{path.name} cell {i} holds more than one section"


@pytest.mark.build
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_figure_is_glued_next_to_where_it_is_placed(path):
    run = executed(path)["cells"]
    for i, cell in enumerate(run):
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if name and regression.GLUE_PREFIX + regression.FIGURE_MIME in output.get("data", {}):
                following = next((c for c in run[i + 1 :] if c["cell_type"] == "markdown"), None)
                assert following is not None and f"{{glue:figure}} {name}" in text(following), (
                    f"{path.name}: figure {name!r} is glued in cell {i}, not right before the prose that places it"
                )
                assert "remove-cell" in tags(cell), f"{path.name}: the cell gluing {name!r} is not hidden"


@pytest.mark.build
def test_every_glued_value_is_used_and_every_key_says_what_it_holds():
    used = set()
    for source in NOTEBOOKS:
        used |= glue_uses("\n".join(text(c) for c in cells(source) if c["cell_type"] == "markdown"))
    for page in PAGES:
        used |= glue_uses(page.read_text(encoding="utf-8"))
    problems = []
    for source in NOTEBOOKS:
        reduced = regression.reduce(executed(source))
        for key in [*reduced["glue"], *reduced["figures"]]:
            if key not in used:
                problems.append(f"{source.name}: {key!r} is glued but no page uses it")
            if not KEY.match(key) or re.fullmatch(r"[a-z]{1,2}\d{2,3}(-.*)?", key):
                problems.append(f"{source.name}: {key!r} is not a key that names its meaning")
    assert not problems, "\n".join(problems)
