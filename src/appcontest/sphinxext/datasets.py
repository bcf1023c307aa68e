"""The ``dataset`` directive: a dataset's documentation, generated from its schema.

Usage in a MyST page::

    ```{dataset} measures
    ```

It writes the description, row count, date range, licence, a download link and a table
of fields with their types, rules and closed vocabularies, all read from
``data/datapackage.json`` and the validated data, so the page cannot drift from them.
"""

from __future__ import annotations

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

from .. import data, paths

TYPE_WORDS = {
    "string": "text",
    "date": "date (YYYY-MM-DD)",
    "number": "number",
    "integer": "integer",
    "boolean": "true/false",
}


def _rules(field: dict) -> str:
    c = field.get("constraints", {})
    parts = ["required" if c.get("required") else "optional"]
    if c.get("unique"):
        parts.append("unique")
    if "pattern" in c:
        parts.append(f"pattern `{c['pattern']}`")
    if "minimum" in c:
        parts.append(f"from {c['minimum']}")
    if "maximum" in c:
        parts.append(f"to {c['maximum']}")
    if "enum" in c:
        parts.append("one of: " + ", ".join(f"`{v}`" for v in c["enum"]))
    if field["name"] in data.SOURCE_COLUMNS:
        parts.append("every key must exist in `references.bib`")
    return "; ".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def dataset_markdown(name: str) -> list[str]:
    res = data.resource(name)
    info = data.summary(name)
    licence = data.descriptor()["licenses"][0]
    lines = [res["description"], ""]
    facts = [
        f"- **File:** {{download}}`data/{res['path']} </data/{res['path']}>` (CSV, UTF-8)",
        f"- **Rows:** {info['rows']}",
    ]
    if info["date_column"]:
        facts.append(f"- **Date range** (`{info['date_column']}`): {info['first']} to {info['last']}")
    facts.append(f"- **Licence:** [{licence['title']}]({licence['path']})")
    facts.append("- **Schema:** `data/datapackage.json`, resource `" + name + "` (Frictionless Data Package)")
    lines += facts + ["", "| Field | Type | Description | Rules |", "|---|---|---|---|"]
    for field in res["schema"]["fields"]:
        lines.append(
            f"| `{field['name']}` | {TYPE_WORDS.get(field['type'], field['type'])} | "
            f"{_cell(field.get('description', ''))} | {_cell(_rules(field))} |"
        )
    for fk in res["schema"].get("foreignKeys", []):
        lines.append("")
        lines.append(
            f"`{fk['fields']}` must name an existing `{fk['reference']['fields']}` "
            f"of the `{fk['reference']['resource']}` dataset."
        )
    return lines


class DatasetDirective(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self):
        name = self.arguments[0]
        res = data.resource(name)
        self.env.note_dependency(str(paths.datapackage_file()))
        self.env.note_dependency(str(paths.data_dir() / res["path"]))
        container = nodes.container(classes=["ac-dataset"])
        self.state.nested_parse(
            StringList(dataset_markdown(name), source=f"dataset:{name}"), self.content_offset, container
        )
        return container.children


def setup(app):
    app.add_directive("dataset", DatasetDirective)
