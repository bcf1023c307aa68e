"""The first-paint rewrite (appcontest.sphinxext.speed): one pruned stylesheet, deferred
scripts, the search index on the search page only, a preloaded font."""

from __future__ import annotations

import re

from appcontest.sphinxext import speed

HEAD = """<html><head>
<meta name="viewport" content="width=device-width" />
<link href="../_static/styles/theme.css?digest=1" rel="stylesheet" />
<link rel="stylesheet" type="text/css" href="../_static/pygments.css?v=2" />
<script src="../_static/scripts/fontawesome.js?digest=1" defer></script>
<script src="../_static/documentation_options.js?v=3"></script>
<script src="../_static/doctools.js?v=4"></script>
<script>DOCUMENTATION_OPTIONS.pagename = 'book/intro';</script>
<script src="../_static/searchtools.js"></script>
<script src="../searchindex.js"></script>
<script defer src="../_static/scripts/bootstrap.js"></script>
</head><body><script src="../_static/late.js"></script></body></html>"""
SHEETS = ["_static/styles/theme.css", "_static/pygments.css"]
OPTIONS = "const DOCUMENTATION_OPTIONS = {VERSION: ''};"


def rewritten(page="book/intro.html"):
    head = HEAD if "/" in page else HEAD.replace("../", "")
    html, missing = speed.rewrite(head, page, SHEETS, "abc", OPTIONS)
    assert missing == []
    return html, html.split("</head>")[0]


def test_a_rule_is_kept_only_when_a_selector_can_match_the_site():
    css = ".used{color:red}.unused{color:blue}.unused,.used .x{margin:0}#here{top:0}#gone{top:1px}"
    out = speed.prune(css, {"used", "here"})
    assert ".used{color:red}" in out
    assert "blue" not in out and "top:1px" not in out
    assert "#here{top:0}" in out
    # of a selector list, only the selectors that can match are kept
    assert ".unused,.used" not in out and "margin" not in out  # .x is not in the site


def test_negations_media_blocks_and_font_faces_are_handled():
    css = (
        ".a:not(.absent){color:red}"
        "@media (min-width:960px){.a{top:0}.absent{top:1px}}"
        "@media print{.absent{top:2px}}"
        "@font-face{font-family:X;src:url(x.woff2)}"
        "@keyframes spin{to{transform:rotate(1turn)}}"
        "html[data-theme=dark] .a{color:white}"
    )
    out = speed.prune(css, {"a"})
    assert ".a:not(.absent){color:red}" in out  # a class inside :not() is not required
    assert "@media (min-width:960px){.a{top:0}}" in out
    assert "@media print" not in out  # nothing left in it
    assert "@font-face" in out and "@keyframes spin" in out
    assert "html[data-theme=dark] .a" in out


def test_urls_are_rebased_from_each_sheet_to_the_bundle():
    css = "a{background:url(../vendor/f.woff2)} b{background:url('data:image/svg+xml,x')} c{src:url(\"fonts/g.woff2\")}"
    assert "url(../vendor/f.woff2)" in speed._rebase_urls(css, "_static/styles/p.css", speed.BUNDLE)
    assert "url(../fonts/g.woff2)" in speed._rebase_urls(css, "_static/appcontest.css", speed.BUNDLE).replace('"', "")
    assert "data:image/svg+xml,x" in speed._rebase_urls(css, "_static/appcontest.css", speed.BUNDLE)


def test_the_page_links_one_stylesheet_and_blocks_on_no_script():
    html, head = rewritten()
    links = re.findall(r'<link[^>]*rel="stylesheet"[^>]*>', head)
    assert links == ['<link rel="stylesheet" href="../_static/styles/appcontest-site.css?v=abc" />']
    sources = re.findall(r"<script([^>]*)src=", head)
    assert sources and all("defer" in attrs or "async" in attrs for attrs in sources)
    assert OPTIONS in head and "documentation_options.js" not in head
    # the inline settings come after the options they extend
    assert head.index(OPTIONS) < head.index("DOCUMENTATION_OPTIONS.pagename")
    assert "fontawesome.js" not in head
    assert '<link rel="preload" href="../_static/fonts/AppcontestNotoSans-Regular.woff2" as="font"' in head
    # the body is left alone
    assert '<body><script src="../_static/late.js"></script>' in html


def test_the_search_index_loads_on_the_search_page_only():
    _, head = rewritten("book/intro.html")
    assert "searchindex.js" not in head and "searchtools.js" not in head
    _, head = rewritten("search.html")
    assert 'src="searchindex.js"' in head and 'src="_static/searchtools.js"' in head


def test_the_rewrite_is_idempotent_and_reports_markup_it_cannot_find():
    once, _ = rewritten()
    twice, missing = speed.rewrite(once, "book/intro.html", SHEETS, "abc", OPTIONS)
    assert twice == once and missing == []
    _, missing = speed.rewrite("<html><head></head><body></body></html>", "x.html", SHEETS, "abc", OPTIONS)
    assert missing == ["the theme's stylesheets", "documentation_options.js"]


def test_the_built_site_keeps_the_rules_its_pages_use(site):
    bundle = (site / speed.BUNDLE).read_text(encoding="utf-8")
    intro = (site / "book" / "intro.html").read_text(encoding="utf-8")
    head = intro.split("</head>")[0]
    assert len(re.findall(r'rel="stylesheet"', head)) == 1
    assert all("defer" in a or "async" in a for a in re.findall(r"<script([^>]*)src=", head))
    # classes the theme's layout needs survive the pruning; Bootstrap's unused widgets do not
    for selector in (".bd-sidebar-primary", ".bd-header", ".fa-magnifying-glass", ".ac-chart"):
        assert selector in bundle, selector
    for unused in (".fa-github-alt", ".btn-outline-warning", ".card-img-overlay", ".sd-bg-danger"):
        assert unused not in bundle, unused
    # every url() in the bundle points at a file that exists
    for url in re.findall(r"""url\(["']?([^"')]+)["']?\)""", bundle):
        if not url.startswith("data:"):
            assert (site / "_static" / "styles" / url).resolve().exists(), url


def test_local_imports_are_written_into_the_bundle(tmp_path):
    static = tmp_path / "_static"
    (static / "styles").mkdir(parents=True)
    (static / "basic.css").write_text(".used{background:url(file.png)}.unused{top:0}", encoding="utf-8")
    theme = '@charset "UTF-8";\n@import "../basic.css";\n.x{top:1px}'
    (static / "styles" / "theme.css").write_text(theme, encoding="utf-8")
    digest, _, _ = speed.bundle(tmp_path, ["_static/styles/theme.css"], {"used"})
    text = (tmp_path / speed.BUNDLE).read_text(encoding="utf-8")
    assert "@import" not in text and ".used{background:url(../file.png)}" in text
    assert ".unused" not in text and ".x{" not in text
    assert text.count("@charset") == 1 and text.startswith('@charset "UTF-8";')
