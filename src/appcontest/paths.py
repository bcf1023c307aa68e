"""Locations of the repository's files.

The package is installed in editable mode from the repository, so the repository root
is found by walking up from this file; ``APPCONTEST_ROOT`` overrides it (for tests that
work on a copy of the data).
"""

from __future__ import annotations

import os
from pathlib import Path


def root() -> Path:
    env = os.environ.get("APPCONTEST_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "_config.yml").exists() and (parent / "data").is_dir():
            return parent
    raise RuntimeError(
        "cannot find the repository root (a folder with _config.yml and data/); "
        "install the package with `pip install -e .` from the repository or set APPCONTEST_ROOT"
    )


BOOK_SOURCES = ("book", "notebooks", "data", "_config.yml", "_toc.yml", "references.bib", "CITATION.cff")


def copy_book(target: Path) -> Path:
    """Copy what a book build reads (not the package, tests or build output) to ``target``.

    Builds there must run with ``APPCONTEST_ROOT=target`` so the package reads the copy.
    """
    import shutil

    target.mkdir(parents=True, exist_ok=True)
    for name in BOOK_SOURCES:
        source = root() / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target / name)
    return target


def data_dir() -> Path:
    return root() / "data"


def bibliography_file() -> Path:
    return root() / "references.bib"


def datapackage_file() -> Path:
    return data_dir() / "datapackage.json"
