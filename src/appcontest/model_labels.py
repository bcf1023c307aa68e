"""The rule that a model figure says it is one: in its title, its subtitle and its caption.

A figure is a model figure when its glue key starts with ``model-`` (the chapters name
every model figure so). :func:`problems` reads an executed chapter: the figure record
(title and subtitle, as drawn) and the ``{glue:figure}`` directive that places it (the
caption the book prints). tests/test_migration_chapter.py runs it on every chapter, so
removing "model" from a model figure's title or caption fails the test suite.
"""

from __future__ import annotations

import re

FIGURE_MIME = "vnd.appcontest.figure+json"
PREFIX = "model-"
SUBTITLE_START = "Model output, not data"
DIRECTIVE = re.compile(r"```\{glue:figure\}\s+(\S+)\n(.*?)```", re.S)
# A role such as {glue:text}`model-assumptions`: its key is not words the reader sees.
ROLE = re.compile(r"\{[a-z:]+\}`[^`]*`")


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def figure_records(notebook: dict) -> dict[str, dict]:
    """Glue key -> the figure record (title, subtitle, ...) of every glued figure."""
    out = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            for mime, value in output.get("data", {}).items():
                if mime.endswith(FIGURE_MIME) and name:
                    out[name] = value
    return out


def captions(notebook: dict) -> dict[str, str]:
    """Glue key -> the caption under its ``{glue:figure}`` directive, as words: options and
    roles (whose keys may contain "model") removed."""
    out = {}
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        for key, body in DIRECTIVE.findall(_text(cell["source"])):
            caption = "\n".join(line for line in body.splitlines() if not line.startswith(":")).strip()
            out[key] = ROLE.sub("", caption)
    return out


def problems(notebook: dict, where: str = "notebook") -> list[str]:
    """Every model figure that does not say it is a model, as readable lines."""
    records, texts = figure_records(notebook), captions(notebook)
    found = []
    for key in sorted(k for k in set(records) | set(texts) if k.startswith(PREFIX)):
        record = records.get(key)
        if record is None:
            found.append(f"{where}: {key} is placed but was never glued")
            continue
        if "model" not in record.get("title", "").lower():
            found.append(f"{where}: the title of {key} does not say it is a model: {record.get('title')!r}")
        if not record.get("subtitle", "").startswith(SUBTITLE_START):
            found.append(f"{where}: the subtitle of {key} does not start with {SUBTITLE_START!r}")
        caption = texts.get(key)
        if caption is None:
            found.append(f"{where}: {key} is glued but no caption places it")
        elif "model" not in caption.lower():
            found.append(f"{where}: the caption of {key} does not say it is a model: {caption[:80]!r}")
    return found
