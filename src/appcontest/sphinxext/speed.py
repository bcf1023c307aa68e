"""Make every page paint sooner on a phone, after the build, without changing what it shows.

Lighthouse's mobile run (``make audit``) found three things between a page and its first
paint, all in what the themes write, not in the book's own content:

- **Nine render-blocking stylesheets**, 555 KB, most of it rules no page uses (Bootstrap
  components, Font Awesome's 2,000 icon classes, sphinx-design widgets). They become one
  file, ``_static/styles/appcontest-site.css``, holding only the rules whose classes and
  ids occur in the built site (any page's markup, or any string in its scripts, which is
  where the themes' scripts name the classes they add). A rule is kept when any of its
  selectors can match; ``@font-face``, ``@keyframes`` and the like are kept as they are.
- **Synchronous scripts in the head**: Sphinx's and the themes' scripts are made
  ``defer`` (they still run in their order, before ``DOMContentLoaded``); the two-line
  ``documentation_options.js``, which the inline page settings need first, is written
  into the page; the search index and its code (100 KB) load on the search page only,
  the one page that uses them; the emptied Font Awesome script is not requested at all.
- **A late font**: the book's two WOFF2 files (regular, bold: 29 KB) are preloaded, so the
  text is not drawn twice.

Every page of the site is rewritten at each build (the pruning depends on all pages, and
the rewrite is idempotent), from the stylesheets Sphinx has just copied; a rewrite that
no longer finds the theme's markup is reported, as in :mod:`appcontest.sphinxext.a11y`.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from pathlib import Path

import tinycss2
from sphinx.util import logging

logger = logging.getLogger(__name__)

BUNDLE = "_static/styles/appcontest-site.css"
SEARCH_PAGE = "search.html"
SEARCH_SCRIPTS = ("_static/searchtools.js", "_static/language_data.js", "searchindex.js")
OPTIONS_SCRIPT = "_static/documentation_options.js"
ICON_SCRIPT = "_static/scripts/fontawesome.js"  # emptied by appcontest.sphinxext.icons
PRELOAD_FONTS = ("_static/fonts/AppcontestNotoSans-Regular.woff2", "_static/fonts/AppcontestNotoSans-Bold.woff2")

STYLESHEET = re.compile(
    r'<link (?:rel="stylesheet" (?:type="text/css" )?href="([^"]+)"|href="([^"]+)" rel="stylesheet") ?/>\n?'
)
SCRIPT = re.compile(r'<script( [^>]*)?src="([^"]+)"([^>]*)></script>')
CLASS_ATTR = re.compile(r'\bclass="([^"]*)"')
ID_ATTR = re.compile(r'\bid="([^"]*)"')
WORD = re.compile(r"[A-Za-z_][\w-]*")
# Selector functions whose arguments never have to match for the rule to apply.
# At-rules holding rules, pruned like the sheet; other at-rules are kept whole.
BLOCKS = ("media", "supports", "layer", "container")
OPTIONAL_ARGS = {"not", "where", "is", "has", "nth-child", "nth-last-child"}


def _local(href: str, page: str) -> str | None:
    """The site path a page's relative href points to, or None for other hosts/data."""
    if re.match(r"[a-z]+:", href) or href.startswith("//"):
        return None
    path = href.split("?")[0].split("#")[0]
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), path))


def _relative(target: str, page: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


# --- which classes and ids the site can use -----------------------------------------


def vocabulary(outdir: Path) -> set[str]:
    """Every class and id in the site's pages, and every word in its scripts."""
    words: set[str] = set()
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        for attr in CLASS_ATTR.findall(text):
            words.update(attr.split())
        words.update(ID_ATTR.findall(text))
        # Inline scripts and templates name classes too.
        for script in re.findall(r"<script[^>]*>(.*?)</script>", text, re.S):
            words.update(WORD.findall(script))
    for script in outdir.rglob("*.js"):
        if script.name != "searchindex.js":
            words.update(WORD.findall(script.read_text(encoding="utf-8", errors="replace")))
    return words


# --- pruning -------------------------------------------------------------------------


def _required(tokens) -> tuple[set[str], set[str]]:
    """The classes and ids a compound selector needs (those outside :not() and the like)."""
    classes, ids = set(), set()
    previous = None
    for token in tokens:
        if token.type == "function" and previous is not None and previous.type == "literal" and previous.value == ":":
            if token.lower_name not in OPTIONAL_ARGS:
                inner_classes, inner_ids = _required(token.arguments)
                classes |= inner_classes
                ids |= inner_ids
        elif token.type == "ident" and previous is not None and previous.type == "literal" and previous.value == ".":
            classes.add(token.value)
        elif token.type == "hash" and token.is_identifier:
            ids.add(token.value)
        previous = token if token.type not in ("whitespace", "comment") else None
    return classes, ids


def _split_selectors(prelude) -> list[list]:
    selectors, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append(current)
            current = []
        else:
            current.append(token)
    selectors.append(current)
    return selectors


def _matches(selector, words: set[str]) -> bool:
    classes, ids = _required(selector)
    return classes <= words and ids <= words


def prune(css: str, words: set[str]) -> str:
    """The stylesheet without the rules no selector of which can match the site."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return "".join(_prune_rules(rules, words))


def _prune_rules(rules, words) -> list[str]:
    out = []
    for rule in rules:
        if rule.type == "qualified-rule":
            kept = [s for s in _split_selectors(rule.prelude) if _matches(s, words)]
            if kept:
                prelude = ",".join(tinycss2.serialize(s).strip() for s in kept)
                out.append(prelude + "{" + tinycss2.serialize(rule.content).strip() + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in BLOCKS and rule.content:
            children = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            inner = _prune_rules(children, words)
            if inner:
                prelude = tinycss2.serialize(rule.prelude).rstrip()
                out.append(f"@{rule.at_keyword}{prelude}{{{''.join(inner)}}}")
        elif rule.type == "at-rule" and rule.lower_at_keyword != "charset":  # one @charset, first
            out.append(tinycss2.serialize([rule]))
        # parse errors are dropped: a browser ignores them too
    return out


def _rebase_urls(css: str, source: str, bundle: str) -> str:
    """Rewrite the stylesheet's relative url()s from its own folder to the bundle's."""

    def fix(match):
        quote, url = match.group(1), match.group(2)
        if re.match(r"[a-z]+:", url) or url.startswith(("/", "#")):
            return match.group(0)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(source), url))
        return f"url({quote}{_relative(target, bundle)}{quote})"

    return re.sub(r"""url\((["']?)([^"')]+)\1\)""", fix, css)


IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?["']?([^"')\s]+)["']?\s*\)?\s*;""")


def _flatten(outdir: Path, sheet: str, seen: frozenset = frozenset()) -> str:
    """A stylesheet with its local ``@import``s written in place (an import is one more
    request the page waits for, after the sheet that names it), and every url() rebased
    to the bundle."""
    css = _rebase_urls((outdir / sheet).read_text(encoding="utf-8"), sheet, BUNDLE)

    def inline(match):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(BUNDLE), match.group(1)))
        if target in seen or not (outdir / target).is_file():
            return match.group(0)
        return _flatten(outdir, target, seen | {sheet})

    return IMPORT.sub(inline, css)


def bundle(outdir: Path, sheets: list[str], words: set[str]) -> tuple[str, int, int]:
    """Write the one stylesheet; return its digest and the bytes before and after."""
    parts, before = ['@charset "UTF-8";'], 0
    for sheet in sheets:
        css = _flatten(outdir, sheet)
        before += len(css.encode())
        parts.append(f"/* {sheet} */\n" + prune(css, words))
    text = "\n".join(parts) + "\n"
    (outdir / BUNDLE).write_text(text, encoding="utf-8")
    return hashlib.sha256(text.encode()).hexdigest()[:12], before, len(text.encode())


# --- the pages -----------------------------------------------------------------------


def stylesheets(html: str, page: str) -> list[str]:
    """The site's own stylesheets a page links, in order."""
    out = []
    for match in STYLESHEET.finditer(html.split("</head>")[0]):
        target = _local(match.group(1) or match.group(2), page)
        if target and target.startswith("_static/") and target != BUNDLE:
            out.append(target)
    return out


def rewrite(html: str, page: str, sheets: list[str], digest: str, options: str) -> tuple[str, list[str]]:
    """One page with the bundle, deferred scripts and the preloaded font; and what was not found."""
    head, sep, body = html.partition("</head>")
    missing = []
    if not sep:
        return html, ["</head>"]
    link = f'<link rel="stylesheet" href="{_relative(BUNDLE, page)}?v={digest}" />\n'
    first = True

    def sheet(match):
        nonlocal first
        target = _local(match.group(1) or match.group(2), page)
        if target not in sheets and target != BUNDLE:
            return match.group(0)
        out = link if first else ""
        first = False
        return out

    head = STYLESHEET.sub(sheet, head)
    if first:
        missing.append("the theme's stylesheets")

    inlined = "const DOCUMENTATION_OPTIONS" in head

    def script(match):
        nonlocal inlined
        before, src, after = match.group(1) or "", match.group(2), match.group(3)
        target = _local(src, page)
        if (target in SEARCH_SCRIPTS and page != SEARCH_PAGE) or target == ICON_SCRIPT:
            return ""
        if target == OPTIONS_SCRIPT:
            inlined = True
            return f"<script>{options}</script>"
        if target is None or "defer" in before + after or "async" in before + after:
            return match.group(0)
        return f'<script defer{before}src="{src}"{after}></script>'

    head = SCRIPT.sub(script, head)
    if not inlined:
        missing.append("documentation_options.js")
    for font in PRELOAD_FONTS:
        preload = f'<link rel="preload" href="{_relative(font, page)}" as="font" type="font/woff2" crossorigin />\n'
        if preload not in head:
            head = head.replace('<link rel="stylesheet"', preload + '<link rel="stylesheet"', 1)
    return head + sep + body, missing


def speed_up(outdir: Path) -> tuple[list[str], tuple[int, int]]:
    """Rewrite every page of a built site; return problems and the CSS bytes before/after."""
    outdir = Path(outdir)
    pages = sorted(p.relative_to(outdir).as_posix() for p in outdir.rglob("*.html"))
    themed = [p for p in pages if 'name="viewport"' in (outdir / p).read_text(encoding="utf-8", errors="replace")]
    if not themed:
        return [], (0, 0)
    # Every page of the theme links the same sheets; a page already rewritten links the
    # bundle, so the list comes from the first page that still names them, or the record.
    record = outdir / (BUNDLE + ".sources")
    sheets = []
    for page in themed:
        sheets = stylesheets((outdir / page).read_text(encoding="utf-8"), page)
        if sheets:
            break
    if sheets:
        record.write_text("\n".join(sheets) + "\n", encoding="utf-8")
    elif record.exists():
        sheets = record.read_text(encoding="utf-8").split()
    else:
        return ["no page links the theme's stylesheets"], (0, 0)
    digest, before, after = bundle(outdir, sheets, vocabulary(outdir))
    options_path = outdir / OPTIONS_SCRIPT
    options = options_path.read_text(encoding="utf-8").strip() if options_path.exists() else ""
    problems = []
    for page in themed:
        path = outdir / page
        text = path.read_text(encoding="utf-8")
        fixed, missing = rewrite(text, page, sheets, digest, options)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
        problems += [f"{page}: {m} not found" for m in missing]
    return problems, (before, after)


def _build_finished(app, exception):
    if exception is None and app.builder.format == "html":
        problems, (before, after) = speed_up(Path(app.outdir))
        for problem in problems:
            logger.warning(f"page speed: {problem}")
        if before:
            logger.info(f"page speed: stylesheets {before // 1024} KB -> {after // 1024} KB")


def setup(app):
    # After the accessibility repairs (priority 500), which match the theme's markup.
    app.connect("build-finished", _build_finished, priority=900)
