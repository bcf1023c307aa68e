"""Shared fixtures: paths, a copy of the data for mutation tests, the built site served on localhost."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """A private copy of data/, references.bib and _config.yml; the package reads it instead."""
    for name in ("data", "references.bib", "_config.yml"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / name)
    monkeypatch.setenv("APPCONTEST_ROOT", str(tmp_path))
    from appcontest import data

    data._validated.cache_clear()
    yield tmp_path
    data._validated.cache_clear()


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "index.html").exists():
        pytest.fail("no built site in _build/html: run `make book` (make test does it first)")
    return SITE


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def served_site(site):
    """The built site on http://127.0.0.1:<port>/ for the browser tests."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def gzip_site(site):
    """The built site served as its static host serves it (gzip, cache headers): appcontest.audit."""
    from appcontest import audit

    with audit.serve(site) as base:
        yield base


@pytest.fixture(scope="module")
def chromium():
    """The Chromium `make test` recorded, launched by Playwright with the flags that keep it
    off the network (appcontest.audit.CHROMIUM_ARGS). Module-scoped: Playwright's sync API
    runs one instance at a time, and test_site.py starts its own."""
    from appcontest import audit
    from appcontest import browser as finder

    try:
        executable = finder.recorded()
    except finder.Missing as exc:
        pytest.fail(str(exc), pytrace=False)
    with audit.chromium(executable) as b:
        yield b
