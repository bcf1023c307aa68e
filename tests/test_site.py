"""The built site: internal links and anchors, no third-party hosts, charts render offline.

These tests read _build/html, which `make test` builds (strictly) before running pytest.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.build

LINKCHECKER_CONFIG = Path(__file__).parent / "linkcheckerrc"
# Attributes that make a browser fetch something as the page loads.
FETCHING = re.compile(
    r"""<(script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc=["']([^"']+)["']|"""
    r"""<link\b[^>]*\bhref=["']([^"']+)["'][^>]*>""",
    re.I,
)
CSS_URL = re.compile(r"""url\(\s*["']?(https?:)?//""", re.I)


def pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)


def linkcheck(start: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("linkchecker")
    return subprocess.run(
        [str(exe), "--config", str(LINKCHECKER_CONFIG), "--no-status", str(start / "index.html")],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_every_internal_link_and_anchor_resolves(site):
    result = linkcheck(site)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 errors found" in result.stdout, result.stdout[-2000:]


@pytest.fixture
def site_copy(site):
    # Not under pytest's tmp_path: run as root, LinkChecker drops privileges to
    # 'nobody', which cannot read pytest's private temporary folders.
    copy = site.parent / "linkcheck-mutation"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(site, copy)
    yield copy
    shutil.rmtree(copy, ignore_errors=True)


def test_link_check_fails_on_a_broken_link_and_a_broken_anchor(site_copy):
    copy = site_copy
    intro = next(p for p in pages(copy) if p.name == "intro.html")
    html = intro.read_text(encoding="utf-8")
    intro.write_text(html.replace("</main>", '<a href="no-such-page.html">x</a></main>', 1), encoding="utf-8")
    result = linkcheck(copy)
    assert result.returncode != 0 and "no-such-page.html" in result.stdout, result.stdout[-2000:]

    intro.write_text(
        html.replace("</main>", '<a href="references.html#no-such-anchor">x</a></main>', 1), encoding="utf-8"
    )
    result = linkcheck(copy)
    assert result.returncode != 0 and "no-such-anchor" in result.stdout, result.stdout[-2000:]


def test_no_page_loads_anything_from_another_host(site):
    offenders = []
    for page in pages(site):
        html = page.read_text(encoding="utf-8")
        for match in FETCHING.finditer(html):
            tag = match.group(0)
            url = match.group(2) or match.group(3)
            if match.group(3) and not re.search(r"""rel=["'](stylesheet|preload|icon|modulepreload|prefetch)""", tag):
                continue  # <link rel="canonical|next|prev"> etc. fetch nothing
            if urlparse(url).scheme in ("http", "https") or url.startswith("//"):
                offenders.append(f"{page.relative_to(site)}: {url}")
    for css in site.rglob("*.css"):
        if CSS_URL.search(css.read_text(encoding="utf-8", errors="replace")):
            offenders.append(f"{css.relative_to(site)}: url() to another host")
    assert not offenders, "\n".join(offenders[:20])


def test_chart_scripts_load_only_on_pages_with_charts(site):
    with_charts = [p for p in pages(site) if 'class="ac-chart"' in p.read_text(encoding="utf-8")]
    without = [p for p in pages(site) if p not in with_charts]
    assert with_charts, "no page has a chart"
    for page in with_charts:
        assert "_static/vendor/vega.min.js" in page.read_text(encoding="utf-8"), page
    for page in without:
        assert "vega.min.js" not in page.read_text(encoding="utf-8"), page


def test_vendored_libraries_keep_their_licences(site):
    vendor = site / "_static" / "vendor"
    for name in ("vega", "vega-lite", "vega-embed"):
        assert (vendor / f"{name}.min.js").stat().st_size > 10_000
        assert "Copyright" in (vendor / f"{name}.LICENSE").read_text()


@pytest.fixture(scope="module")
def browser():
    """The Chromium that `make test` recorded (src/appcontest/browser.py), driven by Playwright."""
    from playwright.sync_api import sync_playwright

    from appcontest import browser as chromium

    try:
        executable, missing = chromium.recorded(), None
    except chromium.Missing as exc:
        executable, missing = None, str(exc)
    if missing:
        pytest.fail(missing, pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
            ],
        )
        yield b
        b.close()


def test_every_page_renders_offline_with_every_chart(site, served_site, browser):
    """Load every page with the network blocked; no request may leave localhost; every chart renders."""
    outside, failures, charts_seen = [], [], 0
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if urlparse(r.url).hostname not in ("127.0.0.1", "localhost") and not r.url.startswith("data:")
            else None
        ),
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    for path in pages(site):
        url = f"{served_site}/{path.relative_to(site).as_posix()}"
        page.goto(url, wait_until="load")
        if 'http-equiv="Refresh"' in path.read_text(encoding="utf-8"):
            page.wait_for_url(lambda u, start=url: u != start)  # the root index redirects to the first page
            page.wait_for_load_state("load")
        count = page.locator(".ac-chart").count()
        if count:
            page.wait_for_function("document.documentElement.dataset.chartsReady === 'true'", timeout=30_000)
        for i in range(count):
            chart = page.locator(".ac-chart").nth(i)
            name = chart.get_attribute("data-name")
            rendered = chart.get_attribute("data-rendered")
            drawn = chart.locator(".ac-chart-interactive svg, .ac-chart-interactive canvas").count()
            text = chart.inner_text().lower()
            if rendered != "interactive" or drawn == 0 or "error" in text:
                failures.append(
                    f"{path.name}: chart {name} rendered={rendered} drawn={drawn} "
                    f"error={chart.get_attribute('data-error')}"
                )
        charts_seen += count
    context.close()
    assert charts_seen > 0, "no charts found on any page"
    assert not failures, "\n".join(failures)
    assert not errors, "JavaScript errors: " + "\n".join(errors[:10])
    assert not outside, "requests left localhost: " + "\n".join(sorted(set(outside))[:20])
