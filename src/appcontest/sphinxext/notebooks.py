"""Notebook handling at build time.

The execution cache (jupyter-cache) keys a notebook on its code cells only, so editing
a CSV would leave a stale chart in the book. Before myst-nb parses a notebook, this
module writes a fingerprint of the inputs the notebook reads (the datasets it loads,
the data package schema, the map geometry and the package's own code) into its first
code cell as a comment. The notebook on disk is not touched; the cache simply sees a
different cell when an input changes, and re-executes only that notebook.

It also hides, in the book, the cells papermill injects (``injected-parameters``).
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from .. import paths

LOAD_CALL = re.compile(r"""\bload\(\s*["']([a-z_]+)["']""")
GEOMETRY_CALL = re.compile(r"\bload_geometry\(")
FINGERPRINT_PREFIX = "# inputs fingerprint: "
HIDDEN_TAGS = {"injected-parameters"}


def notebook_inputs(notebook: dict) -> list[Path]:
    """The files whose content a notebook's output depends on, besides its own cells."""
    from .. import data

    code = "\n".join(
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in notebook.get("cells", [])
        if c.get("cell_type") == "code"
    )
    inputs = [paths.datapackage_file()]
    for name in sorted(set(LOAD_CALL.findall(code))):
        inputs.append(data.csv_path(name))
    if GEOMETRY_CALL.search(code):
        inputs.append(data.geometry_path())
    package = Path(__file__).resolve().parents[1]
    inputs += sorted(p for p in package.rglob("*.py") if "sphinxext" not in p.parts)
    return inputs


def fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def prepare(text: str) -> str:
    """Return the notebook JSON with the fingerprint added and injected cells hidden."""
    notebook = json.loads(text)
    files = notebook_inputs(notebook)
    stamp = FINGERPRINT_PREFIX + fingerprint(files) + " (" + ", ".join(p.name for p in files if p.suffix != ".py") + ")\n"
    stamped = False
    for cell in notebook.get("cells", []):
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & HIDDEN_TAGS:
            cell.setdefault("metadata", {})["tags"] = sorted(tags | {"remove-cell"})
        if cell.get("cell_type") == "code" and not stamped:
            source = cell["source"]
            source = "".join(source) if isinstance(source, list) else source
            cell["source"] = stamp + source
            stamped = True
    return json.dumps(notebook)


def _source_read(app, docname, source):
    if str(app.env.doc2path(docname)).endswith(".ipynb"):
        source[0] = prepare(source[0])


def setup(app):
    app.connect("source-read", _source_read)
