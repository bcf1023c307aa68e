"""``appcontest audit`` (``make audit``): Lighthouse and axe-core on every built page, one table.

A measurement, not a test: scores are printed, never asserted. The command fails (exit 1)
only when it cannot measure (no site, no browser, no Lighthouse, a run that errors).

- The built site (``_build/html``) is served from loopback by :func:`serve`, which behaves
  as the site's static host does (GitHub Pages): gzip for text types (a ``.gz`` file beside
  the original when there is one, else compressed on the fly), ``Vary: Accept-Encoding``,
  ``Cache-Control: max-age=600``, ``ETag``/``Last-Modified`` with 304 answers, HTTP/1.1
  keep-alive. ``python -m http.server`` compresses nothing, which Lighthouse would blame
  on the site.
- Lighthouse 12 (``tools/audit``, installed by ``make audit`` with ``npm ci`` from the
  committed lock) runs on each page, one page at a time (the machines have 2 cores and a
  parallel run would measure the contention), with the mobile defaults and again with
  ``--preset=desktop``, in the Chromium ``make browser`` recorded, kept off the network by
  :data:`CHROMIUM_ARGS`. Each JSON report is kept in ``_build/audit/lighthouse/``.
- axe-core (the copy vendored in ``tools/audit/vendor`` by ``scripts/vendor-axe.sh``, the
  same version the lock gives Lighthouse) runs on each page at 390 and 1280 px wide, after
  the charts have rendered, with :data:`AXE_TAGS`. tests/test_accessibility.py runs the
  same check (:func:`axe_site`) and fails on any violation.

A page that only redirects (the root ``index.html``) is not measured twice: its row says
where it leads, and the page it leads to has its own row.
"""

from __future__ import annotations

import argparse
import contextlib
import email.utils
import fnmatch
import functools
import gzip
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from . import paths
from .browser import OFFLINE_ARGS

WIDTHS = (390, 1280)
VIEWPORTS = {390: {"width": 390, "height": 844}, 1280: {"width": 1280, "height": 800}}
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and Deque's best practices (region, ...).
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Rules axe ships switched off as "experimental" that Lighthouse runs too: turned on, so the
# test sees what Lighthouse's accessibility score counts.
AXE_EXPERIMENTAL_RULES = ["label-content-name-mismatch"]
CHROMIUM_ARGS = OFFLINE_ARGS  # one list of flags for the audit and the site tests
CHARTS_TIMEOUT_MS = 30_000
LIGHTHOUSE_TIMEOUT = 300  # seconds for one run; a normal one takes 10-25 s here
CATEGORIES = ("performance", "accessibility", "best-practices")
REFRESH = re.compile(r"""<meta\s+http-equiv=["']refresh["']\s+content=["'][^"']*url=([^"']+)["']""", re.I)


def site_dir() -> Path:
    return paths.root() / "_build" / "html"


def tools_dir() -> Path:
    return paths.root() / "tools" / "audit"


def axe_file() -> Path:
    return tools_dir() / "vendor" / "axe.min.js"


def lighthouse_cli() -> Path:
    return tools_dir() / "node_modules" / "lighthouse" / "cli" / "index.js"


def pages(site: Path) -> list[str]:
    """Every built page, as a path relative to the site (``notebooks/clock.html``)."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if "_static" not in p.parts)


def redirect_target(site: Path, page: str) -> str | None:
    """The page a redirect-only page (``<meta http-equiv="refresh">``) leads to, relative to the site."""
    match = REFRESH.search((site / page).read_text(encoding="utf-8", errors="replace")[:4000])
    if not match:
        return None
    target = (Path(page).parent / urlsplit(match.group(1)).path).as_posix()
    return os.path.normpath(target)


def select(all_pages: list[str], spec: str | None) -> list[str]:
    """The pages ``PAGES=`` names: space or comma separated; each a path, a path without
    ``.html``, a file stem (``clock``) or a glob (``book/data/*``)."""
    if not spec or not spec.strip():
        return all_pages
    chosen = []
    for word in re.split(r"[\s,]+", spec.strip()):
        hits = [
            p
            for p in all_pages
            if word in (p, p.removesuffix(".html"), Path(p).stem)
            or fnmatch.fnmatch(p, word)
            or fnmatch.fnmatch(p, word + ".html")
        ]
        if not hits:
            raise SystemExit(f"error: PAGES: no built page matches {word!r} (pages look like {all_pages[0]!r})")
        chosen += [p for p in hits if p not in chosen]
    return sorted(chosen)


# --- the static server -------------------------------------------------------------------

COMPRESSIBLE = re.compile(r"^(text/|application/(javascript|json|xml|manifest\+json)|image/svg\+xml)")
MAX_AGE = 600  # what GitHub Pages sends for every file


@functools.lru_cache(maxsize=512)
def _gzipped(path: str, mtime_ns: int, size: int) -> bytes:
    """The file gzip-compressed (cached for as long as the file is unchanged)."""
    return gzip.compress(Path(path).read_bytes(), compresslevel=6, mtime=0)


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    """GET and HEAD for files under ``directory``, compressed and cached as a static host does."""

    protocol_version = "HTTP/1.1"  # keep-alive, as a browser gets from a real host
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".js": "application/javascript"}

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._respond(body=True)

    def do_HEAD(self):
        self._respond(body=False)

    def _respond(self, body: bool) -> None:
        # The base class drops query and fragment, resolves ".." and stays inside the folder.
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not urlsplit(self.path).path.endswith("/"):
                self.send_response(301)
                self.send_header("Location", urlsplit(self.path).path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404, "Not found")
            return
        stat = path.stat()
        ctype = self.guess_type(str(path))
        if ctype.startswith("text/") or ctype == "application/javascript":
            ctype += "; charset=utf-8"
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        compress = bool(COMPRESSIBLE.match(ctype)) and accepts_gzip
        if compress:
            etag = etag[:-1] + '-gz"'
        self.send_response(304 if self.headers.get("If-None-Match") == etag else 200)
        self.send_header("Content-Type", ctype)
        self.send_header("Cache-Control", f"max-age={MAX_AGE}")
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", email.utils.formatdate(stat.st_mtime, usegmt=True))
        if COMPRESSIBLE.match(ctype):
            self.send_header("Vary", "Accept-Encoding")
        if self.headers.get("If-None-Match") == etag:
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if compress:
            pre = path.with_name(path.name + ".gz")
            if pre.is_file() and pre.stat().st_mtime_ns >= stat.st_mtime_ns:
                data = pre.read_bytes()
            else:
                data = _gzipped(str(path), stat.st_mtime_ns, stat.st_size)
            self.send_header("Content-Encoding", "gzip")
        else:
            data = path.read_bytes()
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) with :class:`StaticHandler`; yields the base URL."""
    handler = functools.partial(StaticHandler, directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# --- axe-core --------------------------------------------------------------------------------


@dataclass
class Violation:
    page: str
    width: int
    rule: str
    impact: str
    help: str
    targets: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return self.describe()

    def describe(self, most: int | None = None) -> str:
        """One line: page, width, rule, impact, and the selectors of the elements (``most`` of them)."""
        shown = self.targets if most is None else self.targets[:most]
        more = f" | ... {len(self.targets) - len(shown)} more" if len(shown) < len(self.targets) else ""
        return (
            f"{self.page} @ {self.width}px: {self.rule} ({self.impact or '-'}) {self.help}; "
            f"{len(self.targets)} element(s): " + " | ".join(shown) + more
        )


NOT_CHECKED = "page-not-checked"
AXE_RUN = """async ([tags, experimental]) => {
  const rules = Object.fromEntries(experimental.map((id) => [id, {enabled: true}]));
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, rules, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    rule: v.id, impact: v.impact || "", help: v.help,
    targets: v.nodes.map((n) => n.target.map((t) => Array.isArray(t) ? t.join(" >>> ") : t).join(" ")),
  }));
}"""


def open_page(page, base: str, rel: str) -> None:
    """Load ``rel`` and wait until its charts have rendered (pages with ``.ac-chart``)."""
    page.goto(f"{base}/{rel}", wait_until="load")
    charts = page.locator(".ac-chart")
    # Charts draw when they scroll near the viewport (the Vega runtime loads lazily), so
    # bring each into view, as a reader scrolling the page does, then check the page.
    for i in range(charts.count()):
        charts.nth(i).scroll_into_view_if_needed()
    if charts.count():
        page.wait_for_function("document.documentElement.dataset.chartsReady === 'true'", timeout=CHARTS_TIMEOUT_MS)
        page.evaluate("window.scrollTo(0, 0)")


@functools.lru_cache(maxsize=1)
def _axe_source() -> str:
    return axe_file().read_text(encoding="utf-8")


def axe_page(page, rel: str, width: int) -> list[Violation]:
    """Run the vendored axe-core on the loaded page; the violations it finds."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(content=_axe_source())
    found = page.evaluate(AXE_RUN, [AXE_TAGS, AXE_EXPERIMENTAL_RULES])
    return [Violation(rel, width, **v) for v in found]


def axe_site(browser, base: str, site: Path, chosen: list[str], width: int) -> list[Violation]:
    """axe-core on every page of ``chosen`` at ``width`` px; every violation found.

    ``browser`` is a Playwright browser; ``base`` the URL ``site`` is served at. A page that
    only redirects is checked to lead to a page of the site, which has its own turn. A page
    that cannot be checked (it does not load, its charts never get ready, axe fails) is
    reported as a violation of the rule :data:`NOT_CHECKED`, never passed over.
    """
    violations = []
    context = browser.new_context(viewport=VIEWPORTS[width])
    try:
        page = context.new_page()
        for rel in chosen:
            target = redirect_target(site, rel)
            if target is not None:
                if not (site / target).is_file():
                    violations.append(Violation(rel, width, NOT_CHECKED, "", f"redirects to a missing page, {target}"))
                continue
            try:
                open_page(page, base, rel)
                violations += axe_page(page, rel, width)
            except Exception as exc:  # Playwright's timeouts and errors: the page was not checked
                violations.append(Violation(rel, width, NOT_CHECKED, "", _last_line(str(exc).split("Call log")[0])))
                page.close()
                page = context.new_page()
    finally:
        context.close()
    return violations


@contextlib.contextmanager
def chromium(executable: str) -> Iterator[object]:
    """Playwright's handle on ``executable``, launched headless with :data:`CHROMIUM_ARGS`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# --- Lighthouse ----------------------------------------------------------------------------


@dataclass
class Lighthouse:
    scores: dict[str, float | None]
    lcp_ms: float | None
    tbt_ms: float | None
    transfer_bytes: float | None
    seconds: float
    error: str = ""
    benchmark: float | None = None


def lighthouse(url: str, desktop: bool, executable: str, report: Path) -> Lighthouse:
    """One Lighthouse run on ``url``; the JSON report is written to ``report``."""
    node = shutil.which("node")
    chrome_flags = " ".join(["--headless=new"] + [_quote_flag(f) for f in CHROMIUM_ARGS])
    cmd = [
        node or "node",
        str(lighthouse_cli()),
        url,
        "--output=json",
        f"--output-path={report}",
        "--quiet",
        "--no-enable-error-reporting",
        "--disable-full-page-screenshot",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={chrome_flags}",
    ] + (["--preset=desktop"] if desktop else [])
    env = dict(os.environ, CHROME_PATH=executable)
    report.parent.mkdir(parents=True, exist_ok=True)
    report.unlink(missing_ok=True)
    start = time.perf_counter()
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=LIGHTHOUSE_TIMEOUT)
        failed = "" if result.returncode == 0 else _last_line(result.stderr) or f"exit {result.returncode}"
    except subprocess.TimeoutExpired:
        failed = f"no result in {LIGHTHOUSE_TIMEOUT} s"
    seconds = time.perf_counter() - start
    if failed or not report.is_file():
        return Lighthouse({}, None, None, None, seconds, failed or "no report written")
    data = json.loads(report.read_text(encoding="utf-8"))
    audits = data.get("audits", {})
    value = lambda key: audits.get(key, {}).get("numericValue")
    error = (data.get("runtimeError") or {}).get("message", "")
    return Lighthouse(
        {c: (data["categories"].get(c) or {}).get("score") for c in CATEGORIES},
        value("largest-contentful-paint"),
        value("total-blocking-time"),
        value("total-byte-weight"),
        seconds,
        error,
        (data.get("environment") or {}).get("benchmarkIndex"),
    )


def _quote_flag(flag: str) -> str:
    """A Chromium flag for Lighthouse's --chrome-flags, which splits on spaces outside quotes."""
    if " " not in flag:
        return flag
    name, _, value = flag.partition("=")
    return f'{name}="{value}"'


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1][:300] if lines else ""


# --- the command ------------------------------------------------------------------------------


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=True)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [line(r) for r in rows])


def _score(run: Lighthouse | None, category: str) -> str:
    if run is None or run.error:
        return "error"
    score = run.scores.get(category)
    return "?" if score is None else f"{score * 100:.0f}"


def _rules(found: list[Violation]) -> str:
    if not found:
        return "0"
    counts: dict[str, int] = {}
    for v in found:
        counts[v.rule] = counts.get(v.rule, 0) + len(v.targets)
    return f"{len(found)}: " + ", ".join(f"{rule}×{n}" for rule, n in sorted(counts.items()))


def _note(message: str) -> None:
    print(f"audit: {message}", file=sys.stderr, flush=True)


def main(pages_spec: str | None = None, run_lighthouse: bool = True, run_axe: bool = True) -> int:
    from . import browser as chromium_finder

    site = site_dir()
    if not (site / "index.html").is_file():
        raise SystemExit("error: no built site in _build/html: run `make book` (make audit does it)")
    try:
        executable = chromium_finder.recorded()
    except chromium_finder.Missing as exc:
        raise SystemExit(f"{exc} (`make browser` sets one up)") from None
    if run_lighthouse and not (shutil.which("node") and lighthouse_cli().is_file()):
        raise SystemExit(
            f"error: Lighthouse is not installed in {tools_dir().relative_to(paths.root())}: "
            "`make audit` installs it (npm ci; needs Node.js 18.16 or newer and npm)"
        )
    if run_axe and not axe_file().is_file():
        raise SystemExit(f"error: no {axe_file()}: run scripts/vendor-axe.sh")
    chosen = select(pages(site), pages_spec)
    out = paths.root() / "_build" / "audit"
    started, load_start = time.perf_counter(), os.getloadavg()[0]
    runs: dict[tuple[str, bool], Lighthouse] = {}
    axe: dict[int, list[Violation]] = {w: [] for w in WIDTHS}
    redirects = {p: redirect_target(site, p) for p in chosen}
    timings = []
    with serve(site) as base:
        if run_lighthouse:
            t0 = time.perf_counter()
            measured = [p for p in chosen if redirects[p] is None]
            for i, rel in enumerate(measured, 1):
                for desktop in (False, True):
                    form = "desktop" if desktop else "mobile"
                    report = out / "lighthouse" / f"{rel.removesuffix('.html')}.{form}.json"
                    run = runs[rel, desktop] = lighthouse(f"{base}/{rel}", desktop, executable, report)
                    status = run.error or f"performance {_score(run, 'performance')}"
                    _note(
                        f"[{i}/{len(measured)}] Lighthouse {'desktop' if desktop else 'mobile '} {rel}: "
                        f"{status} ({run.seconds:.0f} s)"
                    )
            timings.append(
                [f"Lighthouse, {len(measured)} pages × mobile and desktop, one at a time", time.perf_counter() - t0]
            )
        if run_axe:
            t0 = time.perf_counter()
            with chromium(executable) as browser:
                for width in WIDTHS:
                    axe[width] = axe_site(browser, base, site, chosen, width)
            timings.append([f"axe-core, {len(chosen)} pages × {len(WIDTHS)} widths", time.perf_counter() - t0])
    total = time.perf_counter() - started

    rows = []
    for rel in chosen:
        if redirects[rel] is not None:
            rows.append([f"{rel} → {redirects[rel]}"] + ["(redirect)"] + [""] * 8)
            continue
        mobile, desktop = runs.get((rel, False)), runs.get((rel, True))
        ok = mobile is not None and not mobile.error
        a11y = _score(mobile, "accessibility")
        if desktop is not None and _score(desktop, "accessibility") != a11y:
            a11y += f" (desktop {_score(desktop, 'accessibility')})"
        rows.append(
            [
                rel,
                _score(mobile, "performance") if run_lighthouse else "-",
                _score(desktop, "performance") if run_lighthouse else "-",
                a11y if run_lighthouse else "-",
                _score(mobile, "best-practices") if run_lighthouse else "-",
                f"{mobile.lcp_ms / 1000:.1f}" if ok and mobile.lcp_ms is not None else "-",
                f"{mobile.tbt_ms:.0f}" if ok and mobile.tbt_ms is not None else "-",
                f"{mobile.transfer_bytes / 1024:.0f}" if ok and mobile.transfer_bytes is not None else "-",
                _rules([v for v in axe[390] if v.page == rel]) if run_axe else "-",
                _rules([v for v in axe[1280] if v.page == rel]) if run_axe else "-",
            ]
        )
    header = [
        "page",
        "perf mobile",
        "perf desktop",
        "accessibility",
        "best practices",
        "LCP mobile s",
        "TBT mobile ms",
        "transfer KiB",
        "axe 390 px: violations (rule×elements)",
        "axe 1280 px",
    ]
    table = _table(header, rows)
    bench = sorted(r.benchmark for r in runs.values() if r.benchmark)
    load = f"load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"
    if bench:
        load += f"; Lighthouse's CPU benchmark index {bench[0]:.0f}-{bench[-1]:.0f} (higher is faster)"
    lines = [
        f"Lighthouse 12 (simulated throttling; mobile defaults and --preset=desktop) and axe-core "
        f"({', '.join(AXE_TAGS)}) on {len(chosen)} built pages, served with gzip from loopback.",
        f"This machine: {os.cpu_count()} cores, {load}. Scores move with the load (TBT most).",
        "",
        table,
        "",
        _table(["step", "seconds"], [[what, f"{s:.0f}"] for what, s in timings] + [["total", f"{total:.0f}"]]),
    ]
    errors = [f"Lighthouse {p} ({'desktop' if d else 'mobile'}): {r.error}" for (p, d), r in runs.items() if r.error]
    errors += [f"axe {v.page} @ {v.width}px: {v.help}" for w in WIDTHS for v in axe[w] if v.rule == NOT_CHECKED]
    if run_lighthouse:
        lines += ["", f"Lighthouse reports (JSON): {(out / 'lighthouse').relative_to(paths.root())}/"]
    if run_axe and any(axe.values()):
        lines += ["", "axe-core violations, every element (tests/test_accessibility.py fails on these):"]
        lines += [f"  {v.describe(most=5)}" for w in WIDTHS for v in axe[w]]
        lines += [f"  (every element: {(out / 'axe.json').relative_to(paths.root())})"]
    text = "\n".join(lines)
    print(text)
    out.mkdir(parents=True, exist_ok=True)
    (out / "summary.txt").write_text(text + "\n", encoding="utf-8")
    (out / "axe.json").write_text(
        json.dumps({str(w): [v.__dict__ for v in axe[w]] for w in WIDTHS}, indent=1) + "\n", encoding="utf-8"
    )
    if errors:
        print("\nerror: could not measure: " + "; ".join(errors), file=sys.stderr)
        return 1
    return 0


def _cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m appcontest.audit", description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default=os.environ.get("PAGES"), help="limit to these pages (see select())")
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--no-axe", action="store_true")
    args = parser.parse_args(argv)
    return main(args.pages, run_lighthouse=not args.no_lighthouse, run_axe=not args.no_axe)


if __name__ == "__main__":
    sys.exit(_cli())
