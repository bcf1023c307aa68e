"""Execute the chapters: the one way a notebook runs, for the book, a rerun and the tests.

Every execution goes through papermill, into ``_build/executed/`` (the book's chapters,
default parameters) or ``_build/runs/`` (``appcontest run``, other parameters). The
committed notebooks hold no output; the book is built from the executed copies with
myst-nb's own execution off (see :mod:`appcontest.sphinxext.notebooks`).

An executed copy records a *key*: a hash of the notebook's code cells, the parameters
and every input it can read (the data files, the bibliography, the package's code and
fonts). When the key still matches, the notebook is not run again; if only its prose
changed, the new markdown cells are written into the executed copy, which takes
milliseconds. Stale chapters are executed in parallel, one process each.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat

from . import paths

KEY_FIELD = "appcontest"
PACKAGE = Path(__file__).resolve().parent
# The Sphinx extension renders notebooks but cannot change what they compute.
NOT_INPUTS = ("sphinxext", "__pycache__")


class ExecutionError(RuntimeError):
    """A chapter raised while it ran; the message names the notebook and the error."""


def executed_dir() -> Path:
    return paths.root() / "_build" / "executed"


def chapters() -> list[Path]:
    return sorted((paths.root() / "notebooks").glob("*.ipynb"))


def executed_path(source: Path) -> Path:
    return executed_dir() / Path(source).name


def inputs() -> list[tuple[str, Path]]:
    """Every file a chapter's output can depend on besides its own cells, by stable name.

    All of data/ rather than the datasets a notebook names: a chapter may read a dataset
    through the package (a summary that loads the bibliography, a chart that loads the
    geometry), and an input missed here would leave a stale chart in the book. Names are
    relative to the book (data) or the package (code), so a copy of the book elsewhere,
    as ``make run`` renders one, computes the same key.
    """
    root = paths.root()
    files = [(p.relative_to(root).as_posix(), p) for p in (root / "data").rglob("*") if p.is_file()]
    files.append(("references.bib", paths.bibliography_file()))
    files += [
        (p.relative_to(PACKAGE.parent).as_posix(), p)
        for p in PACKAGE.rglob("*")
        if p.is_file() and not set(NOT_INPUTS) & set(p.parts)
    ]
    return sorted(files)


def _code(notebook: dict) -> list[str]:
    return [_text(c["source"]) for c in notebook["cells"] if c["cell_type"] == "code"]


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def key(notebook: dict, parameters: dict | None = None) -> str:
    """What an execution's result is a function of: code, parameters and inputs."""
    digest = hashlib.sha256()
    digest.update(json.dumps(_code(notebook)).encode())
    digest.update(json.dumps(parameters or {}, sort_keys=True, default=str).encode())
    for name, path in inputs():
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def recorded_key(executed: dict) -> str | None:
    return executed.get("metadata", {}).get(KEY_FIELD, {}).get("key")


def recorded_parameters(executed: dict) -> dict:
    return executed.get("metadata", {}).get("papermill", {}).get("parameters") or {}


def is_current(source: dict, executed: dict) -> bool:
    """True when ``executed`` is what running ``source`` now would give."""
    return recorded_key(executed) == key(source, recorded_parameters(executed)) and _same_prose(source, executed)


def _same_prose(source: dict, executed: dict) -> bool:
    return _markdown(source) == _markdown(executed)


def _markdown(notebook: dict) -> list[str]:
    return [_text(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown"]


def _merge_prose(source: dict, executed: dict) -> dict | None:
    """The executed copy with the source's markdown cells, if the cell layout still matches."""
    merged = copy.deepcopy(executed)
    # papermill adds an injected-parameters cell; line the rest up with the source.
    cells = [c for c in merged["cells"] if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    if [c["cell_type"] for c in cells] != [c["cell_type"] for c in source["cells"]]:
        return None
    for new, old in zip(source["cells"], cells, strict=True):
        if new["cell_type"] == "markdown":
            old["source"] = new["source"]
            old["metadata"] = copy.deepcopy(new.get("metadata", {}))
    return merged


def run_papermill(source: Path, target: Path, parameters: dict | None = None) -> float:
    """Execute ``source`` into ``target`` with papermill; return the seconds it took."""
    import papermill

    notebook = nbformat.read(source, as_version=4)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial.ipynb")
    start = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(source),
            str(partial),
            parameters=parameters or {},
            cwd=str(source.parent),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
        )
    except papermill.PapermillExecutionError as exc:
        raise ExecutionError(
            f"{source.name} stopped in cell {exc.exec_count}: {exc.ename}: {exc.evalue} "
            f"(the partial output is in {partial})"
        ) from None
    seconds = time.perf_counter() - start
    result = nbformat.read(partial, as_version=4)
    result.metadata[KEY_FIELD] = {"key": key(notebook, parameters), "seconds": round(seconds, 2)}
    nbformat.write(result, partial)
    os.replace(partial, target)
    return seconds


def refresh(source: Path) -> tuple[str, float]:
    """Bring the book's executed copy of ``source`` up to date; say what was done.

    Returns ``("current" | "prose" | "executed", seconds)``.
    """
    source = Path(source)
    return _refresh_without_running(source) or ("executed", run_papermill(source, executed_path(source)))


def _refresh_without_running(source: Path) -> tuple[str, float] | None:
    """``("current", 0)`` or ``("prose", 0)`` if no kernel is needed, else None."""
    target = executed_path(source)
    if not target.exists():
        return None
    notebook = nbformat.read(source, as_version=4)
    executed = nbformat.read(target, as_version=4)
    # A rerun rendered as a page sits here with its own parameters: keep it if current.
    if recorded_key(executed) != key(notebook, recorded_parameters(executed)):
        return None
    if _same_prose(notebook, executed):
        return "current", 0.0
    merged = _merge_prose(notebook, executed)
    if merged is None:
        return None
    nbformat.write(merged, target)
    return "prose", 0.0


def refresh_all(sources: list[Path] | None = None, jobs: int | None = None) -> list[tuple[Path, str, float]]:
    """Refresh every chapter; stale ones run in parallel (one process per chapter)."""
    sources = [Path(s) for s in (sources or chapters())]
    # Up-to-date and prose-only chapters take milliseconds here; only stale ones get a process.
    done = {s: _refresh_without_running(s) for s in sources}
    stale = [s for s, result in done.items() if result is None]
    jobs = jobs or min(len(stale), os.cpu_count() or 1) or 1
    if jobs == 1 or len(stale) <= 1:
        done.update({s: refresh(s) for s in stale})
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = {s: pool.submit(refresh, s) for s in stale}
        # Wait for every chapter, then report every failure, not just the first.
        failures = [str(f.exception()) for f in futures.values() if f.exception()]
        if failures:
            raise ExecutionError("\n".join(failures))
        done.update({s: f.result() for s, f in futures.items()})
    return [(s, *done[s]) for s in sources]
