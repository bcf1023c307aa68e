"""Chapters at build time: render the executed copy, never execute.

myst-nb's own execution is off (``execute_notebooks: off``). When Sphinx reads a chapter
in ``notebooks/``, this module hands myst-nb the copy that :mod:`appcontest.execute`
ran with papermill into ``_build/executed/``, so the book shows exactly what one
execution produced. A chapter with no executed copy, or one whose code, prose or inputs
have changed since it ran, stops the build with a message saying what to run: the site
is never built from a stale execution.

The executed copy is noted as a dependency, so a rerun after a data edit makes Sphinx
re-read that chapter even though the notebook file itself did not change. Cells papermill
injects (``injected-parameters``, in reruns) are hidden.

Counterfactual pages (variants, ``notebooks/variants/<name>.ipynb``; see
:mod:`appcontest.execute`) are read the same way: the document is the descriptor, the
page is the parent chapter's run with the descriptor's parameters
(``_build/executed/variants/<name>.ipynb``), checked to be current against the parent as
it is now. :func:`render_variant` puts the descriptor's title in place of the parent's
first H1, then its paragraph and a note naming the parameters; every label the parent
declares (``:name: fig-x``, ``(label)=``) and every reference to one ({numref}, {ref},
{eq}, ``[..](#label)``) gets the variant's name as a prefix (``<name>-fig-x``), so the
page's figures are numbered and cross-referenced within it without duplicate labels;
relative links and {doc} targets are rewritten for the page's folder. A chapter with
variants gets a closing "Counterfactual pages" list linking each one. Each variant must
be a section of its parent in ``_toc.yml`` (:func:`check_toc`; the build says what to add).
"""

from __future__ import annotations

import copy
import json
import posixpath
import re
from pathlib import Path

import nbformat
from sphinx.errors import ExtensionError

from .. import execute, paths, regression

HIDDEN_TAGS = {"injected-parameters"}
# Labels a chapter declares: a directive's :name: option, a MyST target line "(label)=".
NAME_OPTION = re.compile(r"^(?P<lead>[ \t]*:name:[ \t]*)(?P<label>\S+)[ \t]*$", re.M)
TARGET = re.compile(r"^\((?P<label>[^()\s]+)\)=[ \t]*$", re.M)
# References to labels: {numref}`fig-x`, {ref}`text <label>`, ...; and [text](#label).
LABEL_ROLE = re.compile(r"\{(?P<role>numref|ref|eq|any)\}`(?P<body>[^`]*)`")
ANCHOR_LINK = re.compile(r"\]\(#(?P<label>[^)\s]+)\)")
# Paths relative to the chapter's folder, which a page one folder deeper must rewrite.
PATH_ROLE = re.compile(r"\{(?P<role>doc|download)\}`(?P<body>[^`]*)`")
LINK = re.compile(r"(?P<open>\]\()(?P<target>[^)\s#]+)(?P<rest>[^)]*\))")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


class FigureRecord:
    """myst-nb plugin (entry point): a figure's record is for the regression reference
    (:mod:`appcontest.regression`), never drawn; the book shows the figure's HTML."""

    mime_priority_overrides = [("*", regression.FIGURE_MIME, None)]

    @staticmethod
    def handle_mime(renderer, data, inline):
        return [] if data.mime_type == regression.FIGURE_MIME else None


def hide_injected(notebook: dict) -> dict:
    for cell in notebook.get("cells", []):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & HIDDEN_TAGS:
            cell.setdefault("metadata", {})["tags"] = sorted(tags | {"remove-cell"})
    return notebook


def _rel(path: Path) -> str:
    return path.relative_to(paths.root()).as_posix() if paths.root() in path.parents else str(path)


def executed_source(path: Path, text: str) -> str:
    """The executed copy of the chapter whose committed source is ``text``, as JSON."""
    target = execute.executed_path(path)
    rel = _rel(path)
    if not target.exists():
        raise ExtensionError(f"{rel} has not been executed: run `make book` (or `appcontest execute`)")
    source = nbformat.reads(text, as_version=4)
    executed = nbformat.read(target, as_version=4)
    if not execute.is_current(source, executed):
        raise ExtensionError(f"{rel} changed since it was executed: run `make book` (or `appcontest execute`)")
    return json.dumps(with_variant_links(hide_injected(executed), path))


def variants_of(chapter: Path) -> list[execute.Variant]:
    """The validated variants whose parent is ``chapter`` (a descriptor error stops the build)."""
    found = []
    for descriptor in execute.variants():
        try:
            v = execute.variant(descriptor)
        except execute.VariantError as exc:
            raise ExtensionError(str(exc)) from None
        if v.parent.name == Path(chapter).name:
            found.append(v)
    return found


def with_variant_links(notebook: dict, chapter: Path) -> dict:
    """The chapter with a closing list of its counterfactual pages, if it has any."""
    found = variants_of(chapter)
    if not found:
        return notebook
    items = "\n".join(f"- {{doc}}`{execute.VARIANTS}/{v.name}`: {_one_line(v.paragraph)}" for v in found)
    cell = nbformat.v4.new_markdown_cell(
        "## Counterfactual pages\n\n"
        "This chapter is also rendered with other parameters; each page is rebuilt with it, "
        f"from the same code and data.\n\n{items}\n"
    )
    cell["id"] = "appcontest-variants"
    notebook["cells"].append(cell)
    return notebook


def _one_line(text: str) -> str:
    return " ".join(text.split())


def executed_variant_source(path: Path, text: str) -> str:
    """The page of the variant whose descriptor is ``text``: its parent's run, retitled, as JSON."""
    rel = _rel(path)
    v = _variant(path, text)
    target = execute.executed_path(path)
    if not target.exists():
        raise ExtensionError(f"{rel} has not been executed: run `make book` (or `appcontest execute`)")
    executed = nbformat.read(target, as_version=4)
    if not execute.is_current(nbformat.read(v.parent, as_version=4), executed, v.parameters):
        raise ExtensionError(
            f"{rel} (a variant of {v.parent.name}) changed, or its parent did, since it was executed: "
            "run `make book` (or `appcontest execute`)"
        )
    return json.dumps(render_variant(hide_injected(executed), v))


def _variant(path: Path, text: str) -> execute.Variant:
    try:
        return execute.variant(path, nbformat.reads(text, as_version=4))
    except execute.VariantError as exc:
        raise ExtensionError(str(exc)) from None


def declared_labels(notebook: dict) -> set[str]:
    labels = set()
    for text in _markdown_texts(notebook):
        labels |= {m["label"] for m in NAME_OPTION.finditer(text)}
        labels |= {m["label"] for m in TARGET.finditer(text)}
    return labels


def _markdown_texts(notebook: dict) -> list[str]:
    return [execute._text(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"]


def prefix_labels(text: str, labels: set[str], prefix: str) -> str:
    """``text`` with each of ``labels``, where declared or referred to, as ``<prefix>-<label>``."""

    def new(label: str) -> str:
        return f"{prefix}-{label}" if label in labels else label

    text = NAME_OPTION.sub(lambda m: m["lead"] + new(m["label"]), text)
    text = TARGET.sub(lambda m: f"({new(m['label'])})=", text)

    def role(m: re.Match) -> str:
        body = m["body"]
        inner = re.fullmatch(r"(?P<title>.*?)\s*<(?P<label>[^<>]+)>", body, re.S)
        if inner:
            body = body[: inner.start("label")] + new(inner["label"]) + body[inner.end("label") :]
        else:
            body = new(body.strip())
        return f"{{{m['role']}}}`{body}`"

    text = LABEL_ROLE.sub(role, text)
    return ANCHOR_LINK.sub(lambda m: f"](#{new(m['label'])})", text)


def relocate_paths(text: str, source_dir: str, page_dir: str) -> str:
    """Relative {doc}/{download} targets and link targets of ``text``, written from
    ``source_dir`` (posix, relative to the book), rewritten to resolve from ``page_dir``."""

    def move(target: str) -> str:
        if not target or target.startswith(("/", "#")) or SCHEME.match(target):
            return target
        return posixpath.relpath(posixpath.normpath(posixpath.join(source_dir, target)), page_dir)

    def role(m: re.Match) -> str:
        body = m["body"]
        inner = re.fullmatch(r"(?P<title>.*?)\s*<(?P<target>[^<>]+)>", body, re.S)
        if inner:
            body = body[: inner.start("target")] + move(inner["target"]) + body[inner.end("target") :]
        else:
            body = move(body.strip())
        return f"{{{m['role']}}}`{body}`"

    text = PATH_ROLE.sub(role, text)
    return LINK.sub(lambda m: m["open"] + move(m["target"]) + m["rest"], text)


def render_variant(executed: dict, v: execute.Variant) -> dict:
    """The parent's run as the variant's page: title, paragraph, parameter note, own labels."""
    page = copy.deepcopy(executed)
    labels = declared_labels(page)
    root = paths.root()
    source_dir = v.parent.parent.relative_to(root).as_posix() if root in v.parent.parents else "notebooks"
    page_dir = posixpath.join(source_dir, execute.VARIANTS)
    values = ", ".join(f"`{name}` = `{value}`" for name, value in sorted(v.parameters.items()))
    note = (
        "```{note}\n"
        f"This page is {{doc}}`../{v.parent.stem}` run with {values}, and is rebuilt with that chapter "
        "from the same code and data.\n```"
    )
    retitled = False
    for cell in page["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        text = relocate_paths(prefix_labels(execute._text(cell["source"]), labels, v.name), source_dir, page_dir)
        if not retitled:
            lines = text.split("\n")
            heading = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
            if heading is not None:
                lines[heading : heading + 1] = [v.title, "", v.paragraph, "", note]
                text = "\n".join(lines)
                retitled = True
        cell["source"] = text
    if not retitled:
        raise ExtensionError(f"{_rel(v.path)}: its parent {v.parent.name} has no '# ' title for the variant to replace")
    return page


def check_toc(root: Path | None = None) -> None:
    """Every variant is a section of its parent chapter in ``_toc.yml``; else say what to add.

    The book builds only the files its table of contents lists, so a variant left out would
    silently not appear.
    """
    import yaml

    root = root or paths.root()
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    sections: dict[str, set[str]] = {}

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                sections.setdefault(_doc(node["file"]), set()).update(
                    _doc(s["file"]) for s in node.get("sections", []) if isinstance(s, dict) and "file" in s
                )
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(toc)
    problems = []
    for descriptor in execute.variants():
        try:
            v = execute.variant(descriptor)
        except execute.VariantError as exc:
            raise ExtensionError(str(exc)) from None
        parent = f"notebooks/{v.parent.stem}"
        doc = f"notebooks/{execute.VARIANTS}/{v.name}"
        if doc not in sections.get(parent, set()):
            problems.append(
                f"{doc}.ipynb is not a section of {parent} in _toc.yml; add it:\n"
                f"      - file: {parent}\n        sections:\n          - file: {doc}"
            )
    if problems:
        raise ExtensionError("\n".join(problems))


def _doc(name: str) -> str:
    name = str(name)
    return name[: -len(Path(name).suffix)] if Path(name).suffix in (".ipynb", ".md") else name


def _source_read(app, docname, source):
    path = Path(app.env.doc2path(docname))
    if path.suffix != ".ipynb":
        return
    if path.parent.name == "notebooks":
        app.env.note_dependency(str(execute.executed_path(path)))
        # The closing list of counterfactual pages reads the descriptors.
        for descriptor in execute.variants():
            app.env.note_dependency(str(descriptor))
        source[0] = executed_source(path, source[0])
    elif execute.is_variant(path):
        # Re-read the page when its run is refreshed, and when its parent changes (so a
        # stale run stops the build rather than leaving the old page in place).
        app.env.note_dependency(str(execute.executed_path(path)))
        app.env.note_dependency(str(_variant(path, source[0]).parent))
        source[0] = executed_variant_source(path, source[0])


def _builder_inited(app):
    check_toc(Path(app.srcdir))


def _outdated(app, env, added, changed, removed):
    """Chapters are read again when a variant is added or removed (their closing list).

    An edited descriptor needs nothing here: every chapter notes the descriptors as
    dependencies when it is read.
    """
    prefix = f"notebooks/{execute.VARIANTS}/"
    if not any(d.startswith(prefix) for d in (*added, *removed)):
        return []
    return sorted(d for d in env.found_docs if d.startswith("notebooks/") and d.count("/") == 1)


def setup(app):
    app.connect("builder-inited", _builder_inited)
    app.connect("source-read", _source_read)
    app.connect("env-get-outdated", _outdated)
