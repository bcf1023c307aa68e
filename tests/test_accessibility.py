"""Accessibility: axe-core finds no violation on any built page, at 390 and 1280 px wide.

Every page of _build/html is loaded in the Chromium `make test` recorded, served as the
site's host serves it, and checked once its charts have rendered, with the WCAG 2.0-2.2
A and AA rules and Deque's best practices (appcontest.audit.AXE_TAGS). A failure lists
page, width, rule, impact and the selector of every element at fault. axe-core is the copy
vendored in tools/audit/vendor (scripts/vendor-axe.sh), so the test runs offline.
`make audit` runs the same check beside Lighthouse and prints it as a table.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import shutil
import urllib.request
from pathlib import Path

import pytest

from appcontest import audit

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "tools" / "audit" / "vendor"


@pytest.mark.build
@pytest.mark.parametrize("width", audit.WIDTHS)
def test_no_page_has_an_axe_violation(site, gzip_site, chromium, width):
    chosen = audit.pages(site)
    assert len(chosen) > 5, chosen
    found = audit.axe_site(chromium, gzip_site, site, chosen, width)
    if found:
        rules = ", ".join(sorted({v.rule for v in found}))
        pytest.fail(
            f"{len(found)} axe-core violation(s) at {width} px on {len({v.page for v in found})} of "
            f"{len(chosen)} pages ({rules}):\n" + "\n".join(map(str, found)),
            pytrace=False,
        )


@pytest.fixture
def planted_site(site, tmp_path):
    """A copy of the site whose intro page has an image with no alt text and a button with no name."""
    copy = tmp_path / "html"
    shutil.copytree(site, copy)
    page = copy / "book" / "intro.html"
    html = page.read_text(encoding="utf-8")
    planted = '<img id="planted-img" src="../_static/no-such.png"><button id="planted-button"></button>'
    assert "</main>" in html
    page.write_text(html.replace("</main>", planted + "</main>", 1), encoding="utf-8")
    return copy


@pytest.mark.build
def test_a_planted_violation_is_reported(planted_site, chromium):
    with audit.serve(planted_site) as base:
        found = audit.axe_site(chromium, base, planted_site, ["book/intro.html"], 1280)
    by_rule = {v.rule: v for v in found}
    assert "#planted-img" in by_rule["image-alt"].targets, found
    assert "#planted-button" in by_rule["button-name"].targets, found
    message = str(by_rule["button-name"])
    assert message.startswith("book/intro.html @ 1280px: button-name") and "#planted-button" in message


@pytest.mark.build
def test_a_page_that_cannot_be_checked_is_reported_not_passed(planted_site, chromium, monkeypatch):
    """A page that cannot be checked is a failure of its own, not a page with no violations."""
    (planted_site / "book" / "intro.html").write_text(
        '<html lang="en"><body><div class="ac-chart"></div></body></html>', encoding="utf-8"
    )  # a chart that never gets ready
    monkeypatch.setattr(audit, "CHARTS_TIMEOUT_MS", 500)
    with audit.serve(planted_site) as base:
        found = audit.axe_site(chromium, base, planted_site, ["book/intro.html"], 390)
    assert [v.rule for v in found] == [audit.NOT_CHECKED], found


def test_the_vendored_axe_core_is_the_locked_release():
    """tools/audit/vendor/axe.min.js is the file scripts/vendor-axe.sh took from the tarball the
    npm lock pins (so Lighthouse in `make audit` and this test run the same axe-core)."""
    lines = dict(line.split(" ", 1) for line in (VENDOR / "INTEGRITY").read_text().splitlines())
    lock = json.loads((ROOT / "tools" / "audit" / "package-lock.json").read_text())
    locked = lock["packages"]["node_modules/axe-core"]
    assert lines[f"axe-core@{locked['version']}"] == locked["integrity"]
    digest = base64.b64encode(hashlib.sha256((VENDOR / "axe.min.js").read_bytes()).digest()).decode()
    assert lines["axe.min.js"] == f"sha256-{digest}"
    assert (VENDOR / "axe.min.js").read_text(encoding="utf-8").startswith(f"/*! axe v{locked['version']}")
    assert "Mozilla Public License, version 2.0" in (VENDOR / "axe-core.LICENSE").read_text(encoding="utf-8")


def test_the_audit_server_compresses_and_caches_as_a_static_host(tmp_path):
    (tmp_path / "page.html").write_text("<p>" + "text " * 2000 + "</p>", encoding="utf-8")
    (tmp_path / "font.woff2").write_bytes(b"\0" * 4000)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "index.html").write_text("<p>index</p>", encoding="utf-8")

    def get(path, **headers):
        request = urllib.request.Request(base + path, headers=headers)
        try:
            with urllib.request.urlopen(request) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read()

    with audit.serve(tmp_path) as base:
        assert base.startswith("http://127.0.0.1:")
        status, headers, body = get("/page.html?v=1", **{"Accept-Encoding": "gzip, br"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body) == (tmp_path / "page.html").read_bytes()
        assert int(headers["Content-Length"]) == len(body) < 1000
        assert headers["Vary"] == "Accept-Encoding" and headers["Cache-Control"] == "max-age=600"
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert get("/page.html", **{"Accept-Encoding": "gzip", "If-None-Match": headers["ETag"]})[0] == 304

        status, headers, body = get("/page.html")
        assert status == 200 and "Content-Encoding" not in headers and body == (tmp_path / "page.html").read_bytes()

        status, headers, body = get("/font.woff2", **{"Accept-Encoding": "gzip"})
        assert status == 200 and "Content-Encoding" not in headers and len(body) == 4000

        (tmp_path / "page.html.gz").write_bytes(gzip.compress(b"<p>pre-compressed</p>"))
        status, headers, body = get("/page.html", **{"Accept-Encoding": "gzip"})
        assert gzip.decompress(body) == b"<p>pre-compressed</p>"

        assert get("/sub/")[2] == b"<p>index</p>"
        assert get("/no-such.html")[0] == 404
        assert get("/../../etc/passwd")[0] == 404


def test_pages_can_be_limited_by_path_stem_or_glob():
    pages = ["book/data/index.html", "book/data/measures.html", "book/intro.html", "notebooks/clock.html"]
    assert audit.select(pages, None) == pages
    assert audit.select(pages, "clock, book/intro") == ["book/intro.html", "notebooks/clock.html"]
    assert audit.select(pages, "book/data/*") == pages[:2]
    with pytest.raises(SystemExit, match="no-such"):
        audit.select(pages, "no-such")
