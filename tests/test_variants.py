"""Counterfactual pages (variants): a chapter run with other parameters, rendered as a page
of the book and rebuilt with it (appcontest.execute, appcontest.sphinxext.notebooks).

Synthetic notebooks in a private root (APPCONTEST_ROOT), not the book's chapters.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from sphinx.errors import ExtensionError

from appcontest import bench, cli, execute, regression
from appcontest.sphinxext import notebooks

TITLE = "# The parent chapter\n\n```{admonition} Key points\n:class: tip\n- As of {glue:text}`as-of-day`.\n```"
BODY = (
    "(parent-intro)=\n## What it shows\n\n"
    "{numref}`fig-day` shows the day; see {ref}`the introduction <parent-intro>`, "
    "{numref}`Figure %s <fig-day>`, [the same](#fig-day), the {doc}`measures <../book/data/measures>`, "
    "[the codebook](../book/data/codebook.md#coding), {ref}`a label elsewhere <other-page-label>` "
    "and [a site](https://example.org/page).\n\n"
    "```{glue:figure} as-of-day\n:name: fig-day\n\nThe day read off.\n```"
)
PARAMETERS = 'as_of = "2025-01-01"  # date at which time left is read off'
CODE = 'from myst_nb import glue\n\nglue("as-of-day", as_of, display=False)\nprint(as_of)'


def parent(code=CODE, body=BODY):
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell(TITLE),
            nbformat.v4.new_code_cell(PARAMETERS, metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(code),
            nbformat.v4.new_markdown_cell(body),
        ]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def descriptor(of="parent.ipynb", parameters=None, cells=None):
    nb = nbformat.v4.new_notebook(
        cells=cells
        if cells is not None
        else [
            nbformat.v4.new_markdown_cell("# The parent chapter, read in mid-2024"),
            nbformat.v4.new_markdown_cell("The same chapter with `as_of` set to 1 June 2024 instead of its default."),
        ]
    )
    nb.metadata["appcontest"] = {
        "variant": {"of": of, "parameters": {"as_of": "2024-06-01"} if parameters is None else parameters}
    }
    return nb


@pytest.fixture
def book(data_copy):
    """A root with one chapter (notebooks/parent.ipynb) and its variant (notebooks/variants/mid.ipynb)."""
    (data_copy / "notebooks" / "variants").mkdir(parents=True)
    nbformat.write(parent(), data_copy / "notebooks" / "parent.ipynb")
    nbformat.write(descriptor(), data_copy / "notebooks" / "variants" / "mid.ipynb")
    return data_copy


def fake_run(root, source, name="mid"):
    """An executed copy as papermill would leave it, without a kernel: outputs and the key."""
    v = execute.variant(root / "notebooks" / "variants" / f"{name}.ipynb")
    ran = nbformat.read(source, as_version=4)
    glued = nbformat.v4.new_output(
        "display_data",
        data={regression.GLUE_PREFIX + "text/plain": "'2024-06-01'"},
        metadata={"scrapbook": {"name": "as-of-day"}},
    )
    ran.cells[2].outputs = [glued, nbformat.v4.new_output("stream", text="2024-06-01\n")]
    ran.metadata["papermill"] = {"parameters": v.parameters}
    ran.metadata[execute.KEY_FIELD] = {"key": execute.key(ran, v.parameters), "seconds": 0.5}
    target = execute.executed_path(v.path)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(ran, target)
    return v, target


@pytest.mark.parametrize(
    "nb,expected",
    [
        (descriptor(of="nowhere.ipynb"), r"notebooks/variants/bad.ipynb: parent 'nowhere.ipynb' is not a chapter"),
        (
            descriptor(parameters={"start_date": "2020-01-01"}),
            r"notebooks/variants/bad.ipynb \(a variant of parent.ipynb\): unknown parameter 'start_date'.*takes: as_of",
        ),
        (
            descriptor(parameters={"as_of": "2031-01-01"}),
            r"notebooks/variants/bad.ipynb .*parameter 'as_of': got '2031-01-01'; allowed: a date",
        ),
        (descriptor(parameters={"as_of": "soon"}), r"bad.ipynb .*parameter 'as_of': got 'soon'"),
        (descriptor(parameters={}), r"bad.ipynb: sets no parameters"),
        (
            descriptor(cells=[nbformat.v4.new_markdown_cell("# T\n\nWhat differs."), nbformat.v4.new_code_cell("1")]),
            r"bad.ipynb: a variant holds no code cells",
        ),
        (descriptor(cells=[nbformat.v4.new_markdown_cell("No title.")]), r"bad.ipynb: the first markdown cell"),
        (descriptor(cells=[nbformat.v4.new_markdown_cell("# Only a title")]), r"bad.ipynb: after the title"),
    ],
    ids=["unknown-parent", "undeclared", "out-of-range", "not-a-date", "none", "code", "no-title", "no-paragraph"],
)
def test_a_bad_descriptor_is_refused_naming_the_file_and_the_parameter(book, nb, expected, monkeypatch):
    path = book / "notebooks" / "variants" / "bad.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(execute.VariantError, match=expected):
        execute.variant(path)
    # The build refuses it before anything runs, and the command exits 2 with the message.
    monkeypatch.setattr(execute, "run_papermill", lambda *a, **k: pytest.fail("ran despite a bad descriptor"))
    with pytest.raises(execute.VariantError, match="bad.ipynb"):
        execute.refresh_all()
    assert cli.main(["execute"]) == 2


def test_a_variant_name_must_be_able_to_prefix_labels(book):
    path = book / "notebooks" / "variants" / "Mid_2024.ipynb"
    nbformat.write(descriptor(), path)
    with pytest.raises(execute.VariantError, match="Mid_2024.ipynb: a variant's file name is lower-case"):
        execute.variant(path)


def test_a_variant_runs_its_parent_with_its_parameters_and_stays_current(book, monkeypatch):
    """A real papermill run (one small cell), then: current, prose merged, code re-executes."""
    source = book / "notebooks" / "parent.ipynb"
    path = book / "notebooks" / "variants" / "mid.ipynb"
    v = execute.variant(path)
    assert v.parent == source and v.parameters == {"as_of": "2024-06-01"}
    target = execute.executed_path(path)
    assert target == book / "_build" / "executed" / "variants" / "mid.ipynb"
    assert execute.refresh(path)[0] == "executed"
    ran = nbformat.read(target, as_version=4)
    assert "2024-06-01" in json.dumps([c.get("outputs", []) for c in ran.cells]), (
        "the parent ran with the variant's value"
    )
    assert ran.metadata[execute.KEY_FIELD]["key"] == execute.key(nbformat.read(source, as_version=4), v.parameters)
    assert execute.current(path)
    assert not (book / "_build" / "executed" / "parent.ipynb").exists(), "the chapter's own copy is separate"

    def no_papermill(*args, **kwargs):
        raise AssertionError("papermill ran for a prose edit")

    monkeypatch.setattr(execute, "run_papermill", no_papermill)
    assert execute.refresh(path) == ("current", 0.0)
    nbformat.write(parent(body=BODY + "\n\nA sentence added to the parent."), source)
    assert not execute.current(path)
    assert execute.refresh(path) == ("prose", 0.0)
    assert "A sentence added to the parent." in nbformat.read(target, as_version=4).cells[-1].source
    assert execute.current(path)

    calls = []
    monkeypatch.setattr(execute, "run_papermill", lambda s, t, p=None, label=None: calls.append((s, t, p)) or 2.0)
    nbformat.write(parent(code=CODE + "\nprint('changed')"), source)
    assert not execute.current(path), "a code edit of the parent makes the variant stale"
    assert execute.refresh(path) == ("executed", 2.0)
    assert calls == [(source, target, {"as_of": "2024-06-01"})], "the parent runs, with the variant's parameters"


def test_a_changed_parameter_or_data_edit_makes_the_variant_stale(book):
    path = book / "notebooks" / "variants" / "mid.ipynb"
    fake_run(book, book / "notebooks" / "parent.ipynb")
    assert execute.current(path)
    nbformat.write(descriptor(parameters={"as_of": "2024-07-01"}), path)
    assert not execute.current(path), "the copy ran with other parameters than the descriptor's"
    nbformat.write(descriptor(), path)
    assert execute.current(path)
    measures = book / "data" / "measures.csv"
    measures.write_text(measures.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert not execute.current(path), "a data edit re-executes the variant"


def test_refresh_all_keeps_chapters_and_variants_current(book, monkeypatch):
    runs = []
    monkeypatch.setattr(execute, "run_papermill", lambda s, t, p=None, label=None: runs.append((t, p)) or 1.0)
    done = execute.refresh_all(jobs=1)
    assert [(s.relative_to(book).as_posix(), what) for s, what, _ in done] == [
        ("notebooks/parent.ipynb", "executed"),
        ("notebooks/variants/mid.ipynb", "executed"),
    ]
    assert (execute.executed_path(book / "notebooks" / "variants" / "mid.ipynb"), {"as_of": "2024-06-01"}) in runs


def test_the_variant_page_has_its_title_paragraph_and_its_own_labels(book):
    path = book / "notebooks" / "variants" / "mid.ipynb"
    fake_run(book, book / "notebooks" / "parent.ipynb")
    rendered = json.loads(notebooks.executed_variant_source(path, path.read_text(encoding="utf-8")))
    prose = "\n".join("".join(c["source"]) for c in rendered["cells"] if c["cell_type"] == "markdown")
    first = "".join(rendered["cells"][0]["source"])
    assert first.startswith("# The parent chapter, read in mid-2024\n\nThe same chapter with `as_of` set to 1 June")
    assert "{doc}`../parent` run with `as_of` = `2024-06-01`" in first, "the page names its parent and values"
    assert "Key points" in first and prose.count("\n# ") + prose.startswith("# ") == 1, "one title, the variant's"
    assert "# The parent chapter\n" not in prose
    for new in (
        ":name: mid-fig-day",
        "(mid-parent-intro)=",
        "{numref}`mid-fig-day`",
        "{ref}`the introduction <mid-parent-intro>`",
        "{numref}`Figure %s <mid-fig-day>`",
        "[the same](#mid-fig-day)",
    ):
        assert new in prose, new
    assert notebooks.declared_labels(rendered) == {"mid-fig-day", "mid-parent-intro"}, "no label of the parent"
    assert "{ref}`a label elsewhere <other-page-label>`" in prose, "labels the parent does not declare are kept"
    assert "{doc}`measures <../../book/data/measures>`" in prose, "relative paths resolve from variants/"
    assert "[the codebook](../../book/data/codebook.md#coding)" in prose
    assert "(https://example.org/page)" in prose
    assert "{glue:figure} as-of-day" in prose, "glue keys are per page and stay"


def test_a_stale_or_unexecuted_variant_stops_the_build(book):
    path = book / "notebooks" / "variants" / "mid.ipynb"
    with pytest.raises(ExtensionError, match=r"notebooks/variants/mid.ipynb has not been executed: run `make book`"):
        notebooks.executed_variant_source(path, path.read_text(encoding="utf-8"))
    fake_run(book, book / "notebooks" / "parent.ipynb")
    nbformat.write(parent(code=CODE + "\nprint('changed')"), book / "notebooks" / "parent.ipynb")
    with pytest.raises(ExtensionError, match=r"mid.ipynb \(a variant of parent.ipynb\) changed, or its parent did"):
        notebooks.executed_variant_source(path, path.read_text(encoding="utf-8"))


def test_the_parent_chapter_links_its_variants(book):
    source = book / "notebooks" / "parent.ipynb"
    ran = nbformat.read(source, as_version=4)
    ran.metadata[execute.KEY_FIELD] = {"key": execute.key(ran)}
    execute.executed_path(source).parent.mkdir(parents=True)
    nbformat.write(ran, execute.executed_path(source))
    rendered = json.loads(notebooks.executed_source(source, source.read_text(encoding="utf-8")))
    last = "".join(rendered["cells"][-1]["source"])
    assert last.startswith("## Counterfactual pages") and "- {doc}`variants/mid`: The same chapter" in last


def test_a_variant_must_be_a_section_of_its_parent_in_the_toc(book):
    (book / "_toc.yml").write_text("format: jb-book\nroot: intro\nchapters:\n  - file: notebooks/parent\n")
    with pytest.raises(ExtensionError, match="notebooks/variants/mid.ipynb is not a section of notebooks/parent"):
        notebooks.check_toc(book)
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nparts:\n  - caption: C\n    chapters:\n      - file: notebooks/parent.ipynb\n"
        "        sections:\n          - file: notebooks/variants/mid\n"
    )
    notebooks.check_toc(book)


def test_bench_reports_variants_and_the_reference_includes_them(book, capsys):
    """Deliberately included: a variant's execution time is reported like a chapter's, and
    `make reference` writes tests/reference/variants/<name>.json, checked like a chapter's."""
    v, target = fake_run(book, book / "notebooks" / "parent.ipynb")
    chapter = nbformat.read(book / "notebooks" / "parent.ipynb", as_version=4)
    chapter.metadata[execute.KEY_FIELD] = {"key": execute.key(chapter), "seconds": 1.25}
    nbformat.write(chapter, execute.executed_path(book / "notebooks" / "parent.ipynb"))
    assert bench._execution_seconds(book) == [
        ["notebooks/parent.ipynb", "1.2"],
        ["notebooks/variants/mid.ipynb", "0.5"],
    ]
    log = "notebooks/parent.ipynb: executed in 3.0 s\nnotebooks/variants/mid.ipynb: executed in 2.0 s\n"
    assert bench.EXECUTED.findall(log) == ["parent.ipynb", "variants/mid.ipynb"]
    assert regression.reference_path(target) == book / "tests" / "reference" / "variants" / "mid.json"
    assert regression.reference_path(v.path) == regression.reference_path(target)
    assert cli.main(["reference"]) == 0
    assert (book / "tests" / "reference" / "parent.json").exists()
    assert (book / "tests" / "reference" / "variants" / "mid.json").exists()


def test_a_descriptor_is_not_run_directly(book):
    with pytest.raises(SystemExit, match="is a counterfactual page of parent.ipynb"):
        cli.run(str(book / "notebooks" / "variants" / "mid.ipynb"), [], html=False)


def test_sphinx_reads_the_variant_again_when_its_run_or_its_parent_changes(book):
    """The page depends on its executed copy and on its parent; every chapter on the descriptors."""
    fake_run(book, book / "notebooks" / "parent.ipynb")
    noted = []

    class Env:
        found_docs = {"intro", "notebooks/parent", "notebooks/variants/mid"}

        def doc2path(self, docname):
            return str(book / f"{docname}.ipynb")

        def note_dependency(self, path):
            noted.append(path)

    class App:
        env = Env()

    path = book / "notebooks" / "variants" / "mid.ipynb"
    source = [path.read_text(encoding="utf-8")]
    notebooks._source_read(App(), "notebooks/variants/mid", source)
    assert set(noted) == {str(execute.executed_path(path)), str(book / "notebooks" / "parent.ipynb")}
    assert "# The parent chapter, read in mid-2024" in source[0]
    # A variant added or removed: the chapters are read again, for their closing list.
    assert notebooks._outdated(App(), Env(), {"notebooks/variants/new"}, set(), set()) == ["notebooks/parent"]
    assert notebooks._outdated(App(), Env(), set(), {"notebooks/variants/mid"}, set()) == []


def test_a_variant_is_checked_against_its_own_reference(book, tmp_path):
    """The regression reference machinery works for a variant's run as for a chapter's."""
    from pytest_notebook.nb_regression import NBRegressionError
    from test_notebooks import check_against  # the very check `make test` runs on chapters

    _, target = fake_run(book, book / "notebooks" / "parent.ipynb")
    written = regression.write(target)
    assert written == book / "tests" / "reference" / "variants" / "mid.json"
    reference = regression.load(written)
    assert reference["glue"] == {"as-of-day": "2024-06-01"}
    check_against(reference, target, tmp_path)
    reference["glue"]["as-of-day"] = "2025-01-01"
    with pytest.raises(NBRegressionError, match="2025-01-01"):
        check_against(reference, target, tmp_path)
