"""Executing chapters: the key that decides whether a chapter must run again."""

from __future__ import annotations

import nbformat

from appcontest import execute


def chapter(code="x = 1", prose="Some prose."):
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(prose), nbformat.v4.new_code_cell(code)])


def test_the_key_changes_with_code_parameters_data_and_bibliography(data_copy):
    nb = chapter()
    before = execute.key(nb)
    assert execute.key(chapter(prose="Other prose.")) == before, "prose is not an input of the execution"
    assert execute.key(chapter(code="x = 2")) != before
    assert execute.key(nb, {"as_of": "2025-01-01"}) != before
    restrictions = data_copy / "data" / "restrictions.csv"
    restrictions.write_text(restrictions.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after_data = execute.key(nb)
    assert after_data != before, "a data edit must re-execute"
    bib = data_copy / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert execute.key(nb) != after_data, "a bibliography edit must re-execute (charts and dates read it)"


def test_a_prose_edit_updates_the_executed_copy_without_running_it(data_copy, monkeypatch):
    (data_copy / "notebooks").mkdir()
    source = data_copy / "notebooks" / "x.ipynb"
    nb = chapter()
    nbformat.write(nb, source)
    ran = chapter()
    ran.cells[1].outputs = [nbformat.v4.new_output("stream", text="1\n")]
    ran.metadata[execute.KEY_FIELD] = {"key": execute.key(nb)}
    target = execute.executed_path(source)
    target.parent.mkdir(parents=True)
    nbformat.write(ran, target)

    def no_papermill(*args, **kwargs):
        raise AssertionError("papermill ran for a prose edit")

    monkeypatch.setattr(execute, "run_papermill", no_papermill)
    assert execute.refresh(source) == ("current", 0.0)
    nbformat.write(chapter(prose="New prose."), source)
    assert execute.refresh(source)[0] == "prose"
    updated = nbformat.read(target, as_version=4)
    assert updated.cells[0].source == "New prose." and updated.cells[1].outputs, "outputs kept, prose new"
    assert execute.is_current(nbformat.read(source, as_version=4), updated)


def test_a_code_edit_runs_the_chapter_again(data_copy, monkeypatch):
    (data_copy / "notebooks").mkdir()
    source = data_copy / "notebooks" / "x.ipynb"
    nbformat.write(chapter(), source)
    calls = []
    monkeypatch.setattr(execute, "run_papermill", lambda s, t, p=None, label=None: calls.append(s) or 1.5)
    assert execute.refresh(source) == ("executed", 1.5)
    assert calls == [source]


def test_a_failing_chapter_names_the_notebook_and_the_error(data_copy):
    (data_copy / "notebooks").mkdir()
    source = data_copy / "notebooks" / "boom.ipynb"
    nbformat.write(chapter(code="raise ValueError('no rows for these parameters')"), source)
    try:
        execute.run_papermill(source, data_copy / "out.ipynb")
    except execute.ExecutionError as exc:
        assert "boom.ipynb" in str(exc) and "ValueError: no rows for these parameters" in str(exc)
    else:
        raise AssertionError("a raising chapter did not stop")
    assert not (data_copy / "out.ipynb").exists(), "a failed run left a file that looks complete"
