"""The ``dataset`` directive: a dataset's documentation and its rows, generated from the data.

Usage in a MyST page::

    ```{dataset} measures
    ```

It writes the description, row count, date range, licence and a download link; a table of
every row, which a search box filters as the reader types (``appcontest-tables.js``; with
no JavaScript the whole table is there); and a table of fields with their types, rules and
closed vocabularies. All of it is read from ``data/datapackage.json`` and the validated
data, so the page cannot drift from them.

Row identifiers are the one code a reader needs here: the rows table shows them in its
first column (``ac-id``), and a row identifier in a cell (a note's "(M002)", a deadline's
measure, the codebook's example rows) links to that row on its dataset's page. The fields
table is marked ``ac-schema``: it documents columns, so it names them as the CSV does.
Patterns are described in words, never as regular expressions.
"""

from __future__ import annotations

import csv
import datetime as dt
import posixpath
import re
from functools import lru_cache
from html import escape
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective

from .. import bibliography, data, labels, paths

STATIC = Path(__file__).parent / "static"
SCRIPT = "appcontest-tables.js"
ROWS_MARKER = 'class="ac-rows"'

TYPE_WORDS = {
    "string": "text",
    "date": "date (YYYY-MM-DD)",
    "number": "number",
    "integer": "integer",
    "boolean": "true/false",
}
DIGITS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}
# Patterns other than "letters and digits" (row identifiers), in words.
PATTERN_WORDS = {
    r"\d{3}": "three digits",
    r"[a-z][a-z0-9]+": "a bibliography key: a lower-case letter, then lower-case letters or digits",
    r"[a-z][a-z0-9]+(;[a-z][a-z0-9]+)*": (
        "bibliography keys separated by semicolons, each a lower-case letter, then lower-case letters or digits"
    ),
    r"\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}": "two dates (YYYY-MM-DD) separated by a slash",
}


def _row_id_pattern() -> re.Pattern:
    """Any dataset's row identifier, from the ``id`` patterns of the data package (a prefix
    and digits), longer prefixes first so that MM001 is not read as M001."""
    found = {
        field["constraints"]["pattern"]
        for resource in data.descriptor()["resources"]
        for field in resource["schema"]["fields"]
        if field["name"] == "id" and re.fullmatch(r"[A-Z]+\\d\{\d\}", field.get("constraints", {}).get("pattern", ""))
    }
    ordered = sorted(found, key=lambda p: (-len(p.split("\\")[0]), p))
    return re.compile(r"\b(?:" + "|".join(ordered) + r")\b")


ROW_ID = _row_id_pattern()
# Codes shown to a reader in words (the charts' labels where there are some).
VALUE_LABELS = {
    "instrument": labels.INSTRUMENT,
    "status": labels.STATUS,
    "resolution": labels.RESOLUTION,
    "restriction": labels.RESTRICTION,
}
WORDS = {"us": "US", "tiktok": "TikTok", "rednote": "RedNote", "china": "China", "chinese": "Chinese"}
# Columns shown inside another column's cell, and columns a reader does not need.
FOLDED = {
    "date_precision": "date",
    "date_kind": "date",
    "as_of_precision": "as_of",
    "subdivision": "jurisdiction",
    "unit": "value",
    "locator": "source_key",
}
ROW_HEIGHT = 96  # px: a rough height of a table row on a phone, where long cells wrap
HIDDEN = {"iso_n3"}  # the map's country code; the country is in the next column
# The columns a reader needs first, so that a phone shows them before any sideways scroll;
# the rest follow in the schema's order.
LEAD = {
    "measures": ("id", "date", "summary"),
    "deadlines": ("id", "deadline", "requirement"),
    "narratives": ("id", "paraphrase"),
}


def _fields(name: str) -> list[dict]:
    return data.resource(name)["schema"]["fields"]


def _foreign_keys(name: str) -> dict[str, str]:
    """Column -> the dataset whose identifiers it holds."""
    out = {}
    for fk in data.resource(name)["schema"].get("foreignKeys", []):
        fields = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
        for field in fields:
            out[field] = fk["reference"]["resource"]
    return out


@lru_cache(maxsize=16)
def _read(path: Path, mtime: int) -> tuple[dict, ...]:
    with path.open(newline="", encoding="utf-8") as fh:
        return tuple(csv.DictReader(fh))


def rows(name: str) -> tuple[dict, ...]:
    """The dataset's rows as the CSV has them (text), after validation."""
    data.validate()
    path = data.csv_path(name)
    return _read(path, path.stat().st_mtime_ns)


def owns_ids(name: str) -> bool:
    """Whether the dataset's ``id`` column holds its own row identifiers (its primary key, not
    another dataset's identifiers: the second coding and adjudications of narratives rows use
    the narratives ids, and the reliability table has no id column)."""
    return data.resource(name)["schema"].get("primaryKey") == ["id"] and "id" not in _foreign_keys(name)


def row_ids() -> dict[str, str]:
    """Every row identifier in the data -> its dataset."""
    return {row["id"]: name for name in data.names() if owns_ids(name) for row in rows(name) if row.get("id")}


def pattern_words(name: str, field: dict) -> str:
    pattern = field["constraints"]["pattern"]
    example = next((r[field["name"]] for r in rows(name) if r.get(field["name"])), "")
    ident = re.fullmatch(r"([A-Z]+)\\d\{(\d)\}", pattern)
    if ident:
        letters, n = ident.group(1), int(ident.group(2))
        target = _foreign_keys(name).get(field["name"])
        what = f"the identifier of a row of the {target} dataset" if target else "a row identifier"
        return f"{what}: {letters} followed by {DIGITS.get(n, n)} digits, such as {example}"
    if pattern not in PATTERN_WORDS:
        raise ExtensionError(
            f"the dataset page cannot describe the pattern {pattern!r} of {name}.{field['name']} in words: "
            "add it to PATTERN_WORDS in appcontest/sphinxext/datasets.py"
        )
    words = PATTERN_WORDS[pattern]
    return f"{words}, such as {example}" if example and len(example) <= 25 else words


def _rules(name: str, field: dict) -> str:
    c = field.get("constraints", {})
    parts = ["required" if c.get("required") else "optional"]
    if c.get("unique"):
        parts.append("unique")
    if "pattern" in c:
        parts.append(pattern_words(name, field))
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


def long_date(iso: str, precision: str = "day", month: str = "%B") -> str:
    day = dt.date.fromisoformat(iso)
    if precision == "year":
        return str(day.year)
    if precision == "month":
        return f"{day:{month} %Y}"
    return f"{day.day} {day:{month} %Y}"


def dataset_markdown(name: str) -> list[str]:
    """The facts about a dataset, in MyST Markdown."""
    res = data.resource(name)
    info = data.summary(name)
    licence = data.descriptor()["licenses"][0]
    lines = [res["description"], ""]
    lines.append(f"- **File:** {{download}}`data/{res['path']} </data/{res['path']}>` (CSV, UTF-8)")
    lines.append(f"- **Rows:** {info['rows']}")
    if info["date_column"]:
        lines.append(
            f"- **Date range:** {long_date(info['first'])} to {long_date(info['last'])} "
            f"(column `{info['date_column']}`)"
        )
    lines.append(f"- **Licence:** [{licence['title']}]({licence['path']})")
    lines.append("- **Schema:** `data/datapackage.json`, resource `" + name + "` (Frictionless Data Package)")
    return lines


def schema_markdown(name: str) -> list[str]:
    """The table of fields, in MyST Markdown."""
    res = data.resource(name)
    lines = ["| Field | Type | Description | Rules |", "|---|---|---|---|"]
    for field in res["schema"]["fields"]:
        lines.append(
            f"| `{field['name']}` | {TYPE_WORDS.get(field['type'], field['type'])} | "
            f"{_cell(field.get('description', ''))} | {_cell(_rules(name, field))} |"
        )
    for column, target in _foreign_keys(name).items():
        lines += ["", f"Each `{column}` is the identifier of an existing row of the {target} dataset."]
    return lines


# --- The rows table ----------------------------------------------------------------------


class dataset_rows(nodes.General, nodes.Element):
    """Placeholder for a dataset's rows; written as HTML once every dataset page is known."""


def _label(field: str, value: str) -> str:
    if field in VALUE_LABELS and value in VALUE_LABELS[field]:
        return VALUE_LABELS[field][value]
    words = [WORDS.get(w, w) for w in value.split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _number(value: str) -> str:
    number = float(value)
    return f"{int(number):,}" if number.is_integer() else f"{number:,}"


class RowsWriter:
    """The HTML of one dataset's rows table, for the page ``docname``."""

    def __init__(self, name: str, docname: str, uri_of: dict[str, str]):
        self.name, self.docname, self.uri_of = name, docname, uri_of
        self.fields = _fields(name)
        self.kinds = {f["name"]: f for f in self.fields}
        self.fks = _foreign_keys(name)
        self.ids = row_ids()
        self.sources = bibliography.load()
        self.source_col = data.source_column(name)
        self.owns_ids = owns_ids(name)

    def link_id(self, row_id: str) -> str:
        dataset = self.ids.get(row_id)
        if dataset is None or dataset not in self.uri_of:
            return f'<span class="ac-id">{row_id}</span>'
        return f'<a class="ac-id" href="{self.uri_of[dataset]}#{row_id}">{row_id}</a>'

    def text(self, value: str) -> str:
        out, last = [], 0
        for m in ROW_ID.finditer(value):
            out += [escape(value[last : m.start()]), self.link_id(m.group(0))]
            last = m.end()
        return "".join(out + [escape(value[last:])])

    def sub(self, text: str) -> str:
        return f'<span class="ac-sub">{text}</span>' if text else ""

    def date(self, iso: str, precision: str = "day") -> str:
        if not iso:
            return ""
        return f'<time datetime="{iso}">{long_date(iso, precision or "day", "%b")}</time>'

    def value(self, field: str, row: dict) -> str:
        value = row.get(field, "")
        kind = self.kinds[field]
        if field in self.fks:
            return self.link_id(value) if value else ""
        if field == self.source_col:
            links = []
            for key in bibliography.split_keys(value):
                s = self.sources[key]
                who = escape(s.publisher)  # already plain text (bibliography.load decodes it)
                links.append(f'<a href="{escape(s.url, quote=True)}">{who}, {escape(s.date[:4])}</a>')
            return "<br>".join(links) + self.sub(escape(row.get("locator", "")))
        if kind["type"] == "date":
            html = self.date(value, row.get(f"{field}_precision", "day"))
            kind_of_date = row.get("date_kind", "") if field == "date" else ""
            return html + self.sub(escape(kind_of_date))
        if field == "period" and "/" in value:
            start, end = value.split("/")
            return f"{self.date(start)} to {self.date(end)}"
        if field == "value" and value:
            unit = row.get("unit", "")
            return f"rank {_number(value)}" if unit == "rank" else f"{_number(value)} {escape(unit)}".strip()
        if field == "jurisdiction":
            return escape(value) + self.sub(escape(row.get("subdivision", "")))
        if "enum" in kind.get("constraints", {}) and value:
            return escape(_label(field, value))
        return self.text(value)

    def columns(self) -> list[dict]:
        shown = [f for f in self.fields if f["name"] not in FOLDED and f["name"] not in HIDDEN]
        lead = LEAD.get(self.name, ("id",))
        return sorted(shown, key=lambda f: lead.index(f["name"]) if f["name"] in lead else len(lead))

    def width(self, field: str) -> str:
        """A class for the column's width: dates on one line, long text wrapped in a wide column."""
        if self.kinds[field]["type"] == "date":
            return "ac-nowrap"
        if field == self.source_col or field in self.fks:
            return ""
        lengths = [len(r.get(field, "")) for r in rows(self.name)] or [0]
        if sum(lengths) / len(lengths) >= 120:
            return "ac-long"
        return "ac-wide" if max(lengths) > 150 else "ac-mid" if max(lengths) > 50 else ""

    def html(self) -> str:
        rows_ = rows(self.name)
        title = data.resource(self.name)["title"]
        uid = f"ac-rows-{self.name.replace('_', '-')}"
        columns = self.columns()
        widths = {f["name"]: self.width(f["name"]) for f in columns}
        css = {name: f' class="{w}"' if w else "" for name, w in widths.items()}
        # "ID" rather than the schema's "Identifier": the narrow sticky column a phone keeps in view.
        heads = {"id": "ID"}
        head = "".join(
            f'<th scope="col"{css[f["name"]]}>{escape(heads.get(f["name"], f.get("title", f["name"])))}</th>'
            for f in columns
        )
        body = []
        for row in rows_:
            cells = []
            for f in columns:
                field = f["name"]
                if field == "id" and self.owns_ids:
                    cells.append(f'<th scope="row" class="ac-id">{escape(row["id"])}</th>')
                    continue
                if field == "id":  # another dataset's row: link to it, no anchor here
                    cells.append(f'<th scope="row">{self.link_id(row["id"])}</th>')
                    continue
                cells.append(f"<td{css[field]}>{self.value(field, row)}</td>")
            anchor = f' id="{escape(row["id"])}"' if self.owns_ids else ""
            body.append(f"<tr{anchor}>" + "".join(cells) + "</tr>")
        n = len(rows_)
        return (
            f'<div class="ac-rows">'
            # A page may hold several datasets: each search landmark is named after its table.
            f'<div class="ac-rows-search" role="search" aria-label="Row search: {escape(title, quote=True)}" hidden>'
            f'<label for="{uid}-q">Search the rows</label>'
            f'<input type="search" id="{uid}-q" autocomplete="off" aria-controls="{uid}" '
            f'aria-describedby="{uid}-count">'
            f'<p class="ac-rows-count" id="{uid}-count" role="status" aria-live="polite">{n} of {n} rows</p>'
            f"</div>"
            f'<p class="ac-rows-note">Every row of the CSV file, with its sources; on a narrow screen, '
            f"scroll the table sideways.</p>"
            # Laid out only near the viewport (content-visibility in appcontest.css); until then
            # its box is a rough height, so the scroll bar does not jump when it is drawn.
            f'<div class="ac-rows-scroll" role="region" aria-labelledby="{uid}-caption" tabindex="0" '
            f'style="contain-intrinsic-block-size: auto {ROW_HEIGHT * (n + 1)}px">'
            f'<table class="ac-rows-table" id="{uid}">'
            f'<caption id="{uid}-caption">{escape(title)}: {n} rows</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div></div>"
        )


def _dataset_docs(env) -> dict[str, str]:
    if not hasattr(env, "appcontest_dataset_docs"):
        env.appcontest_dataset_docs = {}
    return env.appcontest_dataset_docs


def _uris(builder, docname: str) -> dict[str, str]:
    return {name: builder.get_relative_uri(docname, doc) for name, doc in _dataset_docs(builder.env).items()}


def visit_rows_html(self, node):
    docname = self.builder.current_docname
    uri_of = _uris(self.builder, docname)
    uri_of[node["dataset"]] = ""  # this page: a bare #id
    self.body.append(RowsWriter(node["dataset"], docname, uri_of).html())
    raise nodes.SkipNode


def skip_rows(self, node):
    raise nodes.SkipNode


class DatasetDirective(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self):
        name = self.arguments[0]
        res = data.resource(name)
        self.env.note_dependency(str(paths.datapackage_file()))
        self.env.note_dependency(str(paths.data_dir() / res["path"]))
        self.env.note_dependency(str(paths.bibliography_file()))
        _dataset_docs(self.env)[name] = self.env.docname
        facts = nodes.container(classes=["ac-dataset"])
        self.state.nested_parse(
            StringList(dataset_markdown(name), source=f"dataset:{name}"), self.content_offset, facts
        )
        rows_heading = nodes.rubric("", "The rows", **{"heading-level": 2})
        schema_heading = nodes.rubric("", "The fields", **{"heading-level": 2})
        schema = nodes.container(classes=["ac-schema"])
        self.state.nested_parse(StringList(schema_markdown(name), source=f"schema:{name}"), self.content_offset, schema)
        return [*facts.children, rows_heading, dataset_rows(dataset=name), schema_heading, schema]


# --- Row identifiers in the data pages' other tables link to their rows ------------------


def _in(node, cls) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, cls):
            return True
        parent = parent.parent
    return False


def _in_schema(node) -> bool:
    parent = node.parent
    while parent is not None:
        if "ac-schema" in parent.get("classes", []):
            return True
        parent = parent.parent
    return False


def link_row_ids(app, doctree, docname):
    """On the data pages (the codebook's example rows, its adjudication notes, a dataset
    page's remarks), link each row id to its row: there an id is a reference the reader
    can follow, not a code leaking into prose. Titles and the fields tables are left alone."""
    docs = _dataset_docs(app.env)
    if app.builder.format != "html" or posixpath.dirname(docname) not in {posixpath.dirname(d) for d in docs.values()}:
        return
    ids = row_ids()
    for text in list(doctree.findall(nodes.Text)):
        if _in_schema(text) or _in(text, (nodes.title, nodes.literal, nodes.reference, nodes.raw)):
            continue
        if not ROW_ID.search(text):
            continue
        parts, last, value = [], 0, str(text)
        for m in ROW_ID.finditer(value):
            row_id = m.group(0)
            if ids.get(row_id) not in docs:
                continue
            parts.append(nodes.Text(value[last : m.start()]))
            uri = app.builder.get_relative_uri(docname, docs[ids[row_id]]) + "#" + row_id
            parts.append(nodes.reference(row_id, row_id, refuri=uri, internal=True, classes=["ac-id"]))
            last = m.end()
        if parts:
            parts.append(nodes.Text(value[last:]))
            text.parent.replace(text, parts)


# --- Environment bookkeeping (parallel reads) and the page script -------------------------


def _purge(app, env, docname):
    docs = _dataset_docs(env)
    for name in [n for n, d in docs.items() if d == docname]:
        del docs[name]


def _merge(app, env, docnames, other):
    _dataset_docs(env).update(_dataset_docs(other))


def _add_static_path(app, config):
    if str(STATIC) not in config.html_static_path:
        config.html_static_path.append(str(STATIC))


def _page_script(app, pagename, templatename, context, doctree):
    if ROWS_MARKER in context.get("body", ""):
        # Called inside html-page-context, add_js_file affects this page only.
        app.add_js_file(SCRIPT, defer="defer")


def setup(app):
    app.add_node(
        dataset_rows,
        html=(visit_rows_html, None),
        latex=(skip_rows, None),
        text=(skip_rows, None),
        man=(skip_rows, None),
        texinfo=(skip_rows, None),
    )
    app.add_directive("dataset", DatasetDirective)
    app.connect("config-inited", _add_static_path)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("doctree-resolved", link_row_ids)
    app.connect("html-page-context", _page_script)
