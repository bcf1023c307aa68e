"""Build the book: execute stale chapters (papermill), then render with Jupyter Book 1.

``make book`` and ``make test`` call :func:`build`; ``make serve`` uses :func:`write_conf`
so that sphinx-autobuild sees the same configuration. Sphinx runs in this process
through Jupyter Book's own ``build_sphinx`` (what ``jupyter-book build`` calls), which
saves the seconds a second interpreter would spend importing Sphinx and myst-nb.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from . import execute, paths

BUILDERS = {"html": "html", "latex": "latex", "linkcheck": "linkcheck"}


class BuildError(RuntimeError):
    """Sphinx reported warnings or errors (the build is strict); they were printed above."""


def _overrides(root: Path) -> dict:
    return {"external_toc_path": (root / "_toc.yml").as_posix(), "latex_individualpages": False}


def sphinx_config(root: Path | None = None) -> dict:
    """The Sphinx configuration Jupyter Book derives from ``_config.yml``."""
    from jupyter_book.config import get_final_config

    root = root or paths.root()
    config, _ = get_final_config(user_yaml=root / "_config.yml", cli_config=_overrides(root), sourcedir=root)
    return config


def write_conf(target: Path | None = None) -> Path:
    """Write ``conf.py`` for plain Sphinx tools (sphinx-autobuild) under ``_build/conf``."""
    root = paths.root()
    target = target or root / "_build" / "conf"
    target.mkdir(parents=True, exist_ok=True)
    config = sphinx_config(root)
    # sphinxcontrib-bibtex reads bibfiles relative to the folder of conf.py, not the sources.
    config["bibtex_bibfiles"] = [str(root / name) for name in config.get("bibtex_bibfiles", [])]
    lines = ["# Generated from _config.yml by `appcontest conf`; edit _config.yml instead."]
    lines += [f"{key} = {config[key]!r}" for key in sorted(config)]
    (target / "conf.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def build(strict: bool = False, builder: str = "html", root: Path | None = None, quiet: bool = True) -> Path:
    """Execute what is stale, then build; return the output folder.

    ``strict`` is the full check of ``make test``: a fresh environment and every page
    rewritten (``--all``), so no warning can hide in a page an incremental build skipped.
    Every build is warning-free or fails (``-W --keep-going -n``).
    """
    from jupyter_book.sphinx import build_sphinx

    root = (root or paths.root()).resolve()
    start = time.perf_counter()
    for source, what, seconds in execute.refresh_all():
        if what != "current":
            detail = f" in {seconds:.1f} s" if what == "executed" else ""
            print(f"{source.relative_to(root)}: {'executed' if what == 'executed' else 'prose updated'}{detail}")
    output = root / "_build" / builder
    doctrees = root / "_build" / ".doctrees" / builder
    result = build_sphinx(
        root,
        output,
        noconfig=True,
        path_config=root / "_config.yml",
        confoverrides={**_overrides(root), "nitpicky": True},
        builder=BUILDERS[builder],
        warningiserror=True,
        keep_going=True,
        freshenv=strict,
        force_all=strict,
        doctreedir=doctrees,
        quiet=quiet,
    )
    if result != 0:
        # With --keep-going Sphinx saves the environment even when a page warned; drop it,
        # or the next incremental build would skip that page and pass without the warning.
        (doctrees / "environment.pickle").unlink(missing_ok=True)
        raise BuildError(f"the {builder} build failed: see the warnings above")
    print(f"built {output.relative_to(root)} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return output
