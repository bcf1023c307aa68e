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

from appcontest.browser import OFFLINE_ARGS

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
    """Chart pages load the small chart script, deferred; no page loads Vega itself (the script does, lazily)."""
    with_charts = [p for p in pages(site) if 'class="ac-chart"' in p.read_text(encoding="utf-8")]
    without = [p for p in pages(site) if p not in with_charts]
    assert with_charts, "no page has a chart"
    for page in with_charts:
        html = page.read_text(encoding="utf-8")
        assert re.search(r'<script defer="defer" src="[^"]*_static/appcontest-charts\.js', html), page
        assert "vega.min.js" not in html and "vega-embed" not in html, f"{page}: Vega would load with the page"
    for page in without:
        html = page.read_text(encoding="utf-8")
        assert "vega.min.js" not in html and "appcontest-charts.js" not in html, page


def chart_blocks(html: str) -> list[str]:
    return re.findall(r'<div class="ac-chart" id=.*?</p></div>', html, re.S)


def test_chart_pages_carry_placeholders_and_publish_specs_and_csvs_as_files(site):
    geometry, seen = set(), 0
    for page in pages(site):
        for block in chart_blocks(page.read_text(encoding="utf-8")):
            seen += 1
            name = re.search(r'data-name="([^"]+)"', block).group(1)
            where = f"{page.name}, chart {name}"
            assert "data:" not in block and "base64" not in block, f"{where}: data inline"
            assert "ac-chart-payload" not in block and "application/json" not in block, f"{where}: spec inline"
            assert re.search(r'<div class="ac-chart-static"[^>]*><svg', block), f"{where}: no static image"
            assert len(block) < 80_000, f"{where}: {len(block)} bytes of HTML"
            spec_url = re.search(r'data-spec="([^"]+)"', block).group(1)
            csv_url = re.search(r'class="ac-chart-download" download="[^"]+" href="([^"]+)"', block).group(1)
            spec = (page.parent / spec_url).read_text(encoding="utf-8")
            assert '"Topology"' not in spec, f"{where}: map geometry inside the spec"
            geometry.update((page.parent / u).resolve() for u in re.findall(r'"url":"([^"]+)"', spec))
            csv = (page.parent / csv_url).read_text(encoding="utf-8-sig")
            assert csv.startswith("# ") and "# Licence: CC BY 4.0" in csv and "# Cite as: " in csv, where
    assert seen >= 9
    assert len(geometry) == 1, f"the maps share one geometry file, not {sorted(geometry)}"
    assert all(path.is_file() for path in geometry)


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
            args=OFFLINE_ARGS,
        )
        yield b
        b.close()


PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
RENDERED = "el => ['interactive', 'static'].includes(el.dataset.rendered)"
TIMELINE = '.ac-chart[data-name="measures-timeline"]'
# Script-free views of a drawn chart (the interactive SVG, the tabs' panels, the table rows shown).
SHOWN_ROWS = "tbody tr:not([hidden])"


def show(page, chart):
    """Scroll a chart into view, as a reader does, and wait for it to be drawn."""
    chart.scroll_into_view_if_needed()
    page.wait_for_function(RENDERED, arg=chart.element_handle(), timeout=30_000)
    assert chart.get_attribute("data-rendered") == "interactive", chart.get_attribute("data-error")


def test_every_page_renders_offline_with_every_chart(site, served_site, browser):
    """Load every page with the network blocked; no request may leave localhost; every chart renders
    once scrolled into view."""
    outside, failures, charts_seen = [], [], 0
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if urlparse(r.url).hostname not in ("127.0.0.1", "localhost") and not r.url.startswith(("data:", "blob:"))
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
        for i in range(count):
            chart = page.locator(".ac-chart").nth(i)
            chart.scroll_into_view_if_needed()
            page.wait_for_function(RENDERED, arg=chart.element_handle(), timeout=30_000)
            name = chart.get_attribute("data-name")
            rendered = chart.get_attribute("data-rendered")
            drawn = chart.locator(".ac-chart-interactive svg, .ac-chart-interactive canvas").count()
            text = chart.inner_text().lower()
            if rendered != "interactive" or drawn == 0 or "error" in text:
                failures.append(
                    f"{path.name}: chart {name} rendered={rendered} drawn={drawn} "
                    f"error={chart.get_attribute('data-error')}"
                )
        if count:
            page.wait_for_function("document.documentElement.dataset.chartsReady === 'true'", timeout=10_000)
        charts_seen += count
    context.close()
    assert charts_seen > 0, "no charts found on any page"
    assert not failures, "\n".join(failures)
    assert not errors, "JavaScript errors: " + "\n".join(errors[:10])
    assert not outside, "requests left localhost: " + "\n".join(sorted(set(outside))[:20])


def test_vega_loads_once_and_only_when_a_chart_comes_near(served_site, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    vendor = []
    page.on(
        "request", lambda r: vendor.append(r.url.rsplit("/", 1)[-1]) if re.search(r"/vega[\w.-]*\.js", r.url) else None
    )
    page.goto(f"{served_site}/notebooks/containment.html", wait_until="load")
    page.wait_for_timeout(1000)
    assert vendor == [], "Vega loaded before any chart came near the viewport"
    assert page.locator(".ac-chart-static svg").count() == page.locator(".ac-chart").count(), "the static SVG paints"
    for i in range(page.locator(".ac-chart").count()):
        show(page, page.locator(".ac-chart").nth(i))
    assert sorted(vendor) == ["vega-embed.min.js", "vega-lite.min.js", "vega.min.js"], vendor
    context.close()


def test_tapping_a_point_shows_its_details_and_the_keys_step_through_them(served_site, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{served_site}/notebooks/containment.html", wait_until="load")
    chart = page.locator(TIMELINE)
    show(page, chart)
    details = chart.locator(".ac-chart-details")
    chart.locator(".ac-chart-interactive .mark-symbol path").first.tap()
    expect_text = details.inner_text()
    assert "Summary" in expect_text and "Source" in expect_text and "Date" in expect_text, expect_text
    assert details.locator("a[href^='http']").count() >= 1, "sources are links"
    assert details.is_visible()
    chart.locator(".ac-chart-view").focus()
    page.keyboard.press("Home")
    assert "Details (1 of 120)" in details.inner_text()
    page.keyboard.press("ArrowRight")
    assert "Details (2 of 120)" in details.inner_text()
    page.keyboard.press("Escape")
    assert "Details (" not in details.inner_text()
    context.close()


def test_the_table_view_lists_the_rows_the_chart_draws(served_site, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{served_site}/notebooks/containment.html", wait_until="load")
    for name, rows, columns in (
        ("measures-timeline", 120, ["Date", "Jurisdiction", "Actor", "Instrument", "Target", "Status", "Summary"]),
        ("map-huawei-5g-exclusion", 15, ["Country", "Status", "Date", "Scope", "Source"]),
    ):
        chart = page.locator(f'.ac-chart[data-name="{name}"]')
        show(page, chart)
        tab = chart.get_by_role("tab", name="Table")
        chart.get_by_role("tab", name="Chart").focus()
        page.keyboard.press("ArrowRight")  # the tabs follow the arrow keys
        assert tab.get_attribute("aria-selected") == "true"
        assert page.evaluate("document.activeElement.textContent") == "Table"
        table = chart.get_by_role("tabpanel").locator("table")
        table.locator("tbody tr").first.wait_for()
        assert table.locator(SHOWN_ROWS).count() == rows, name
        headers = table.locator("thead th").all_inner_texts()
        assert headers[: len(columns)] == columns, headers
        assert not {"id", "iso_n3", "source_keys", "ac_row"} & set(headers)
        chart.get_by_role("tab", name="Chart").click()
    context.close()


def _csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    import csv

    text = path.read_text(encoding="utf-8-sig")
    notes = [line for line in text.splitlines() if line.startswith("#")]
    rows = list(csv.reader(line for line in text.splitlines() if not line.startswith("#")))
    return notes, rows


def test_a_filtered_view_reopens_from_its_url_and_downloads_its_rows(site, served_site, browser, tmp_path):
    context = browser.new_context(**PHONE, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{served_site}/notebooks/containment.html", wait_until="load")
    chart = page.locator(TIMELINE)
    show(page, chart)
    chart.locator("select[name=pick_instrument]").select_option("Executive order")
    chart.locator("select[name=pick_jurisdiction]").select_option("United States")
    page.wait_for_function("location.hash.includes('jurisdiction=')")
    assert (
        page.evaluate("location.hash") == "#measures-timeline?instrument=Executive%20order&jurisdiction=United%20States"
    )
    chart.get_by_role("tab", name="Table").click()
    table = chart.locator("table")
    table.locator("tbody tr").first.wait_for(state="attached")  # long tables are filled when opened
    shown = [tr.locator("td").all_inner_texts() for tr in table.locator(SHOWN_ROWS).all()]
    assert 0 < len(shown) < 120
    assert {row[3] for row in shown} == {"Executive order"} and {row[1] for row in shown} == {"United States"}
    with page.expect_download() as download:
        chart.locator("a.ac-chart-download").click()
    assert download.value.suggested_filename == (
        "measures-timeline--instrument-executive-order--jurisdiction-united-states.csv"
    )
    saved = tmp_path / "view.csv"
    download.value.save_as(saved)
    notes, rows = _csv_rows(saved)
    assert rows[0][:4] == ["Date", "Jurisdiction", "Actor", "Instrument"]
    assert [row[:7] for row in rows[1:]] == [row[:7] for row in shown], "the CSV holds the rows the chart shows"
    # ...and as the published file of all rows has them, sources with their whole addresses.
    published = site / "_static/charts/notebooks/containment/measures-timeline.csv"
    _, everything = _csv_rows(published)
    expected = [r for r in everything[1:] if r[3] == "Executive order" and r[1] == "United States"]
    assert rows[1:] == expected and all("https://" in r[7] for r in expected)
    assert any("Instrument = Executive order; Jurisdiction = United States" in n for n in notes), notes
    assert any(n.startswith("# Licence: CC BY 4.0") for n in notes) and any(n.startswith("# Cite as:") for n in notes)

    again = context.new_page()
    again.goto(page.url, wait_until="load")
    chart = again.locator(TIMELINE)
    again.wait_for_function(RENDERED, arg=chart.element_handle(), timeout=30_000)
    chart.get_by_role("tab", name="Table").click()
    again.wait_for_function(f"document.querySelectorAll('{TIMELINE} {SHOWN_ROWS}').length === {len(shown)}")
    assert chart.locator("select[name=pick_instrument]").input_value() == "Executive order"
    assert chart.locator("select[name=pick_jurisdiction]").input_value() == "United States"
    assert [tr.locator("td").all_inner_texts() for tr in chart.locator(SHOWN_ROWS).all()] == shown
    context.close()


def _year_labels(chart) -> list[str]:
    texts = chart.locator(".ac-chart-interactive svg text").all_text_contents()
    return [t for t in texts if t.startswith("\u2019")]


def test_filters_keep_the_time_axis_and_an_empty_view_says_so(served_site, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{served_site}/notebooks/containment.html", wait_until="load")
    chart = page.locator(TIMELINE)
    show(page, chart)
    years = _year_labels(chart)
    assert len(years) >= 5
    chart.locator("select[name=pick_target]").select_option("ZTE")  # ZTE's measures span 2016-19 only
    page.wait_for_timeout(300)
    assert _year_labels(chart) == years, "the time axis keeps the whole span whatever the filters"
    assert chart.locator(".ac-chart-empty").is_hidden()
    chart.locator("select[name=pick_jurisdiction]").select_option("Albania")
    empty = chart.locator(".ac-chart-empty")
    empty.wait_for(state="visible")
    assert empty.inner_text() == "No measures match these filters"
    assert chart.locator(SHOWN_ROWS).count() == 0
    context.close()


def test_no_chart_title_or_chart_is_cut_off_on_a_phone(served_site, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    for chapter in ("containment", "clock"):
        page.goto(f"{served_site}/notebooks/{chapter}.html", wait_until="load")
        for i in range(page.locator(".ac-chart").count()):
            chart = page.locator(".ac-chart").nth(i)
            show(page, chart)
            name = chart.get_attribute("data-name")
            title = chart.locator(".ac-chart-title")
            assert title.evaluate("el => el.scrollWidth <= el.clientWidth"), f"{name}: title clipped"
            fits = chart.evaluate(
                "el => { const v = el.querySelector('.ac-chart-view'); const s = v.querySelector('svg');"
                " return s.getBoundingClientRect().width <= v.clientWidth + 1; }"
            )
            assert fits, f"{name}: the chart is wider than its column"
    context.close()


# Every chart was last drawn for the width its column has now (appcontest-charts.js sets data-width).
DRAWN_FOR_COLUMN = (
    "() => [...document.querySelectorAll('.ac-chart')].every(c =>"
    " Number(c.dataset.width) === Math.floor(c.querySelector('.ac-chart-view').clientWidth))"
)


def test_charts_keep_their_height_through_a_resize(served_site, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    heights = (
        "() => [...document.querySelectorAll('.ac-chart-interactive svg')].map(s => s.getBoundingClientRect().height)"
    )
    for chapter in ("containment", "clock"):
        page.goto(f"{served_site}/notebooks/{chapter}.html", wait_until="load")
        for i in range(page.locator(".ac-chart").count()):
            show(page, page.locator(".ac-chart").nth(i))
        before = page.evaluate(heights)
        for width in (600, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(300)
            page.wait_for_function(DRAWN_FOR_COLUMN, timeout=15_000)
        after = page.evaluate(heights)
        assert len(after) == len(before)
        for b, a in zip(before, after, strict=True):
            assert abs(a - b) <= 0.1 * b, f"{chapter}: a chart's height went from {b:.0f} to {a:.0f} px"
    context.close()


def test_without_javascript_the_static_charts_are_readable_on_a_phone(served_site, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{served_site}/notebooks/containment.html", wait_until="load")
    smallest = page.evaluate(
        "() => Math.min(...[...document.querySelectorAll('.ac-chart-static svg')].flatMap(svg => {"
        " const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;"
        " return [...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')) * scale); }))"
    )
    assert smallest >= 11, f"static chart text is {smallest:.1f} px on a 390-px phone"
    tables = page.locator("details.ac-chart-table summary")
    assert tables.count() == page.locator(".ac-chart").count(), "every chart offers its table without a script"
    context.close()


def test_a_long_tables_csv_downloads_before_the_table_is_opened(site, served_site, browser, tmp_path):
    """The timeline's rows come from its CSV file, fetched only when needed: a download is such a need."""
    context = browser.new_context(**PHONE, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{served_site}/notebooks/clock.html", wait_until="load")
    chart = page.locator('.ac-chart[data-name="tiktok-timeline"]')
    show(page, chart)
    assert chart.locator("table").get_attribute("data-rows") == "csv", "rows are not fetched with the chart"
    with page.expect_download() as download:
        chart.locator("a.ac-chart-download").click()
    saved = tmp_path / "all.csv"
    download.value.save_as(saved)
    _, rows = _csv_rows(saved)
    _, published = _csv_rows(site / "_static/charts/notebooks/clock/tiktok-timeline.csv")
    assert download.value.suggested_filename == "tiktok-timeline.csv"
    assert rows == published and len(rows) > 10
    context.close()
