"""The tutorial site builds with ``mkdocs build --strict`` (no broken links, no missing pages)
and loads nothing from outside itself: no CDN script or stylesheet, no web font."""

import re

import pytest
from browser import assets_hook, build_site

import rnnlab

# A script, stylesheet, image or font the browser would fetch from another host.
REMOTE_RESOURCE = re.compile(
    r"""<(?:script|img|link|source)\b[^>]*\b(?:src|href)="(?:https?:)?//""")

pytestmark = pytest.mark.slow  # each test reads the site mkdocs build --strict writes


def test_site_builds_strict() -> None:
    site = build_site()
    assert (site / "index.html").is_file()
    for chapter in ("01-rnn", "02-vanishing-gradients", "03-lstm", "04-gru"):
        html = (site / chapter / "index.html").read_text(encoding="utf-8")
        assert 'class="arithmatex"' in html, f"{chapter} has no rendered math"
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    documented = set(re.findall(r'id="rnnlab\.(\w+)"', api))
    assert documented == set(rnnlab.__all__) - {"__version__"}, "the API page's entries"
    assert not (site / "conftest.py").exists()
    assert not (site / "make_figures.py").exists()
    # the result files the chapters include are snippets, not pages: no "not in nav" list
    log = (site.parent / "build.log").read_text()
    assert "not included in the \"nav\"" not in log and not (site / "results").exists(), log


def test_site_loads_nothing_from_outside() -> None:
    site = build_site()
    pages = sorted(site.rglob("*.html"))
    remote = [f"{page.relative_to(site)}: {match.group(0)}" for page in pages
              for match in REMOTE_RESOURCE.finditer(page.read_text(encoding="utf-8"))]
    assert pages and remote == []
    assert "fonts.googleapis" not in (site / "index.html").read_text(encoding="utf-8")


def test_site_ships_katex_with_its_licence() -> None:
    site, hook = build_site(), assets_hook()
    if hook.missing_assets():  # without `npm ci` the pages link no KaTeX at all
        html = (site / "01-rnn" / "index.html").read_text(encoding="utf-8")
        assert "katex.min" not in html
        return
    for destination in hook.ASSETS.values():
        assert (site / destination).is_file(), destination
    assert "MIT License" in (site / "vendor" / "katex" / "LICENSE.txt").read_text()
    html = (site / "01-rnn" / "index.html").read_text(encoding="utf-8")
    assert '<script src="../vendor/katex/katex.min.js">' in html
