"""Every page of the built site, in headless Chromium with no network, at desktop and phone
widths: the maths is typeset, nothing fails to load, nothing leaves the site, the console
stays clean, the page is no wider than a phone's screen, and on a desktop no code block
scrolls sideways."""

from __future__ import annotations

import re

import pytest

DESKTOP, PHONE = 1280, 390

# Collapsed blocks (solutions) opened, so that their contents are checked too.
OPEN_DETAILS = "document.querySelectorAll('details').forEach(d => { d.open = true; })"

# Raw TeX left in the text a reader sees: \( \) \[ \] $$, or $...$ on one line.
RAW_TEX = re.compile(r"\\[()\[\]]|\$\$|\$[^$\s][^$\n]*\$")

# The text a reader sees outside code, with KaTeX's hidden MathML copy of each formula
# left out (it holds the TeX source, for screen readers and copy-paste).
VISIBLE_PROSE = """() => {
  const skip = "pre, code, script, style, .katex-mathml";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (parent && !parent.closest(skip) && parent.checkVisibility()) {
      parts.push(walker.currentNode.textContent);
    }
  }
  return parts.join(" ");
}"""

# Elements that reach past the right edge of the viewport, unless a box inside the viewport
# holds them (a wide code block, table or formula scrolls in its own box; KaTeX clips its
# stretchy SVGs).
# The root clips its overflow (Material sets overflow-x: hidden), so the page's own
# scrollWidth would not show them; this names them.
TOO_WIDE = """() => {
  const edge = window.innerWidth + 1;
  const scrolls = e => getComputedStyle(e).overflowX !== "visible";
  const held = e => {
    for (let box = e.parentElement; box && box !== document.body; box = box.parentElement) {
      if (scrolls(box) && box.getBoundingClientRect().right <= edge) return true;
    }
    return false;
  };
  return [...document.body.querySelectorAll("*")]
    .filter(e => e.getBoundingClientRect().right > edge && e.checkVisibility())
    .filter(e => !e.closest(".katex-mathml") && !held(e))
    .map(e => e.tagName.toLowerCase() + [...e.classList].map(c => "." + c).join("")
              + " " + JSON.stringify(e.textContent.trim().slice(0, 50)));
}"""


# Code blocks that scroll sideways (their first line, to find them).
SCROLLING_CODE = """() => [...document.querySelectorAll("pre > code")]
  .filter(code => code.scrollWidth > code.clientWidth)
  .map(code => code.textContent.split("\\n")[0].slice(0, 50))"""


@pytest.mark.slow  # every page of the built site in headless Chromium
@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_every_page_renders_offline(site_browser, width: int) -> None:
    pages = site_browser.pages()
    assert len(pages) >= 10, pages  # index, 8 chapters, CLI reference at least
    report: dict[str, list[str]] = {}
    formulas = 0
    for path in pages:
        with site_browser.visit(path, width=width) as visit:
            page = visit.page
            page.evaluate(OPEN_DETAILS)
            problems = visit.problems()
            problems += [f"raw TeX {tex!r}"
                         for tex in RAW_TEX.findall(page.evaluate(VISIBLE_PROSE))]
            formulas += page.locator(".arithmatex .katex").count()
            problems += [f"wider than {width} px: {element}"
                         for element in page.evaluate(TOO_WIDE)]
            if width == DESKTOP:  # 88 columns fit beside the navigation
                problems += [f"code scrolls sideways: {line!r}"
                             for line in page.evaluate(SCROLLING_CODE)]
        if problems:
            report[path] = problems
    assert report == {}
    assert formulas > 100  # every chapter's maths was typeset by KaTeX


# Displayed formulas wider than their box: they scroll, hiding labels and ends of lines.
SCROLLING_MATH = """() => [...document.querySelectorAll(".arithmatex, .katex-display")]
  .filter(box => box.scrollWidth > box.clientWidth + 1)
  .map(box => box.textContent.trim().slice(0, 50))"""


@pytest.mark.slow  # the built site in headless Chromium
@pytest.mark.parametrize("chapter", ["01-rnn/", "02-vanishing-gradients/", "03-lstm/",
                                     "04-gru/"])
def test_the_cells_equations_fit_a_phone(site_browser, chapter: str) -> None:
    """At 390 px, no displayed formula of the cell chapters scrolls sideways: the LSTM's
    gate system is broken into lines that fit."""
    with site_browser.visit(chapter, width=PHONE) as visit:
        visit.page.evaluate(OPEN_DETAILS)
        assert visit.page.locator(".arithmatex .katex").count() > 0
        assert visit.page.evaluate(SCROLLING_MATH) == []
