"""Directives for the reference pages, generated from the data and the notebooks.

- ``source-quality``: per dataset, how many rows cite at least one primary source.
- ``notebook-parameters``: a chapter's parameters, defaults and what each accepts.
"""

from __future__ import annotations

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

from .. import bibliography, data, parameters, paths


def source_quality_rows() -> list[dict]:
    sources = bibliography.load()
    rows = []
    for name in data.names():
        if data.source_column(name) is None:  # rows about narratives rows, with no sources of their own
            continue
        frame = data.load(name)
        primary = frame[data.source_column(name)].map(
            lambda cell: any(sources[k].primary for k in bibliography.split_keys(cell))
        )
        rows.append({"dataset": name, "rows": len(frame), "primary": int(primary.sum())})
    return rows


class SourceQuality(SphinxDirective):
    has_content = False

    def run(self):
        self.env.note_dependency(str(paths.bibliography_file()))
        lines = ["| Dataset | Rows | Rows citing a primary source | Share |", "|---|---|---|---|"]
        total_rows = total_primary = 0
        for r in source_quality_rows():
            total_rows += r["rows"]
            total_primary += r["primary"]
            lines.append(f"| {r['dataset']} | {r['rows']} | {r['primary']} | {100 * r['primary'] / r['rows']:.0f}% |")
        lines.append(
            f"| **All** | **{total_rows}** | **{total_primary}** | **{100 * total_primary / total_rows:.0f}%** |"
        )
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source="source-quality"), self.content_offset, container)
        return container.children


class NotebookParameters(SphinxDirective):
    required_arguments = 1

    def run(self):
        path = paths.root() / self.arguments[0]
        self.env.note_dependency(str(path))
        lines = ["| Parameter | Default | Meaning | Accepts |", "|---|---|---|---|"]
        for name, info in parameters.declared(path).items():
            allowed = parameters.REGISTRY[name].allowed().replace("|", "\\|")
            lines.append(f"| `{name}` | `{info['default']}` | {info['help']} | {allowed} |")
        container = nodes.container()
        self.state.nested_parse(StringList(lines, source=f"parameters:{path.name}"), self.content_offset, container)
        return container.children


def setup(app):
    app.add_directive("source-quality", SourceQuality)
    app.add_directive("notebook-parameters", NotebookParameters)
