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

Counterfactual pages (*variants*): a chapter run with other parameters, rendered as a
page of the book and rebuilt with it. Each is a small committed descriptor,
``notebooks/variants/<name>.ipynb``, with no code: its metadata
``appcontest.variant = {"of": "<chapter>.ipynb", "parameters": {...}}`` names the parent
chapter and the values, and its markdown gives the page's title (``# ...``) and a short
paragraph on what differs. :func:`variant` validates a descriptor (the parent exists,
every parameter is declared by it and allowed, see :func:`appcontest.parameters.check_run`).
Refreshing a variant runs the *parent* with those parameters into
``_build/executed/variants/<name>.ipynb``, keyed by the parent's code, the parameters and
the inputs, so a code, data or package change re-executes it and a prose edit of the
parent is merged without a kernel, exactly as for the chapter itself.
:func:`refresh_all` refreshes chapters and variants together.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import paths

KEY_FIELD = "appcontest"
PACKAGE = Path(__file__).resolve().parent
# The Sphinx extension renders notebooks but cannot change what they compute.
NOT_INPUTS = ("sphinxext", "__pycache__")


class ExecutionError(RuntimeError):
    """A chapter raised while it ran; the message names the notebook and the error."""


class VariantError(ValueError):
    """A counterfactual page's descriptor was refused; the message names the file and the problem."""


VARIANTS = "variants"
VARIANT_FIELD = "variant"
# A variant's name prefixes the labels of its page (fig-x -> <name>-fig-x): a label's alphabet.
VARIANT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def executed_dir() -> Path:
    return paths.root() / "_build" / "executed"


def chapters() -> list[Path]:
    return sorted((paths.root() / "notebooks").glob("*.ipynb"))


def variants() -> list[Path]:
    """The counterfactual pages' descriptors, ``notebooks/variants/*.ipynb``."""
    return sorted((paths.root() / "notebooks" / VARIANTS).glob("*.ipynb"))


def is_variant(source: Path) -> bool:
    source = Path(source)
    return source.parent.name == VARIANTS and source.parent.parent.name == "notebooks"


def executed_path(source: Path) -> Path:
    source = Path(source)
    if is_variant(source):
        return executed_dir() / VARIANTS / source.name
    return executed_dir() / source.name


@dataclass(frozen=True)
class Variant:
    """A validated descriptor: the parent chapter, its parameters and the page's own prose."""

    path: Path
    parent: Path
    parameters: dict  # as papermill is given them (dates as ISO text), and as the key hashes them
    title: str  # the H1 line, "# ..."
    paragraph: str  # what differs from the parent (markdown)

    @property
    def name(self) -> str:
        return self.path.stem


def variant(path: Path, notebook: dict | None = None) -> Variant:
    """Read and validate the descriptor at ``path``; raise VariantError naming the file."""
    from .parameters import ParameterError, check_run

    path = Path(path)
    rel = _rel(path)
    if not VARIANT_NAME.match(path.stem):
        raise VariantError(f"{rel}: a variant's file name is lower-case letters, digits and '-' (it prefixes labels)")
    if notebook is None:
        try:
            notebook = nbformat.read(path, as_version=4)
        except Exception as exc:  # nbformat raises several kinds for a broken file
            raise VariantError(f"{rel}: not a readable notebook ({exc})") from None
    spec = notebook.get("metadata", {}).get(KEY_FIELD, {}).get(VARIANT_FIELD)
    shape = isinstance(spec, dict) and isinstance(spec.get("of"), str) and isinstance(spec.get("parameters"), dict)
    if not shape:
        raise VariantError(
            f'{rel}: metadata must hold "{KEY_FIELD}": {{"{VARIANT_FIELD}": {{"of": "<chapter>.ipynb", '
            '"parameters": {...}}}'
        )
    unknown = set(spec) - {"of", "parameters"}
    if unknown:
        raise VariantError(f"{rel}: unknown variant field(s) {', '.join(sorted(unknown))}; allowed: of, parameters")
    chapter_names = [c.name for c in chapters()]
    if spec["of"] not in chapter_names:
        raise VariantError(
            f"{rel}: parent {spec['of']!r} is not a chapter in notebooks/ (chapters: {', '.join(chapter_names)})"
        )
    parent = paths.root() / "notebooks" / spec["of"]
    if not spec["parameters"]:
        raise VariantError(f"{rel}: sets no parameters, so it would repeat {spec['of']}")
    try:
        parameters = check_run(parent, spec["parameters"])
    except ParameterError as exc:
        raise VariantError(f"{rel} (a variant of {spec['of']}): {exc}") from None
    if any(c["cell_type"] == "code" for c in notebook["cells"]):
        raise VariantError(f"{rel}: a variant holds no code cells (it runs {spec['of']}'s code)")
    prose = "\n\n".join(_text(c["source"]).strip() for c in notebook["cells"] if c["cell_type"] == "markdown")
    first, _, rest = prose.partition("\n")
    if not first.startswith("# "):
        raise VariantError(f"{rel}: the first markdown cell opens with the page's title, '# ...'")
    if not rest.strip():
        raise VariantError(f"{rel}: after the title, a paragraph says what differs from {spec['of']}")
    return Variant(path, parent, parameters, first.strip(), rest.strip())


def _rel(path: Path) -> str:
    path = Path(path).resolve()
    root = paths.root()
    return path.relative_to(root).as_posix() if root in path.parents else str(path)


def _job(source: Path) -> tuple[Path, dict | None]:
    """What refreshing ``source`` runs: a notebook and its parameters.

    A chapter runs itself (``None``: whatever parameters its executed copy records, so a
    rerun placed there by ``make run`` is kept while current); a variant runs its parent.
    """
    if is_variant(source):
        v = variant(source)
        return v.parent, v.parameters
    return Path(source), None


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


def is_current(source: dict, executed: dict, parameters: dict | None = None) -> bool:
    """True when ``executed`` is what running ``source`` now would give.

    With ``parameters`` (a variant's), the copy must also have been run with exactly those.
    """
    parameters = recorded_parameters(executed) if parameters is None else parameters
    return recorded_key(executed) == key(source, parameters) and _same_prose(source, executed)


def current(source: Path) -> bool:
    """True when the executed copy of chapter or variant ``source`` exists and is current."""
    notebook, parameters = _job(source)
    target = executed_path(source)
    if not target.exists():
        return False
    return is_current(nbformat.read(notebook, as_version=4), nbformat.read(target, as_version=4), parameters)


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


def run_papermill(source: Path, target: Path, parameters: dict | None = None, label: str | None = None) -> float:
    """Execute ``source`` into ``target`` with papermill; return the seconds it took.

    ``label`` names the run in an error (a variant's descriptor) if it is not ``source``.
    """
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
            f"{label or source.name} stopped in cell {exc.exec_count}: {exc.ename}: {exc.evalue} "
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
    done = _refresh_without_running(source)
    if done:
        return done
    notebook, parameters = _job(source)
    label = f"{_rel(source)} (a variant of {notebook.name})" if notebook != source else None
    return "executed", run_papermill(notebook, executed_path(source), parameters, label=label)


def _refresh_without_running(source: Path) -> tuple[str, float] | None:
    """``("current", 0)`` or ``("prose", 0)`` if no kernel is needed, else None."""
    run, parameters = _job(source)
    target = executed_path(source)
    if not target.exists():
        return None
    notebook = nbformat.read(run, as_version=4)
    executed = nbformat.read(target, as_version=4)
    # A rerun rendered as a page sits here with its own parameters: keep it if current.
    # A variant's copy must have run with the descriptor's parameters.
    if recorded_key(executed) != key(notebook, recorded_parameters(executed) if parameters is None else parameters):
        return None
    if _same_prose(notebook, executed):
        return "current", 0.0
    merged = _merge_prose(notebook, executed)
    if merged is None:
        return None
    nbformat.write(merged, target)
    return "prose", 0.0


def refresh_all(sources: list[Path] | None = None, jobs: int | None = None) -> list[tuple[Path, str, float]]:
    """Refresh every chapter and variant; stale ones run in parallel (one process each).

    Every variant's descriptor is validated before anything runs.
    """
    sources = [Path(s) for s in (sources or chapters() + variants())]
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
