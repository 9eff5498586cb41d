"""The tutorial's code blocks read without sideways scrolling and without TeX, and a block
that prints shows what it prints (tutorial/conftest.py checks the output)."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "tutorial").rglob("*.md"))
COLUMNS = 88

# A fenced block at any indentation (list items, admonitions): indent, info string, body.
FENCED = re.compile(r"^( *)```([^\n`]*)\n(.*?)^\1```$", re.M | re.S)
TEX = re.compile(r"\$|\\[A-Za-z]+")
OUTPUT_NEXT = re.compile(r'\s*```text title="Output"\n')


def blocks(page: Path):
    """(line of the opening fence, info string, body dedented, text after) of each block."""
    text = page.read_text(encoding="utf-8")
    for match in FENCED.finditer(text):
        indent, info, body = match.groups()
        lines = [line[len(indent):] for line in body.rstrip("\n").split("\n")]
        yield (text.count("\n", 0, match.start()) + 1, info.strip(), lines,
               text[match.end():])


def test_code_lines_fit_in_88_columns() -> None:
    too_wide = [f"{page.relative_to(ROOT)}:{start + i}: {len(line)} columns"
                for page in PAGES for start, _, lines, _ in blocks(page)
                for i, line in enumerate(lines, 1) if len(line) > COLUMNS]
    assert too_wide == []


def test_no_tex_in_code_comments() -> None:
    tex = []
    for page in PAGES:
        for start, info, lines, _ in blocks(page):
            if info == "python":
                source = io.StringIO("\n".join(lines) + "\n")
                tex += [f"{page.relative_to(ROOT)}:{start + token.start[0]}: {token.string}"
                        for token in tokenize.generate_tokens(source.readline)
                        if token.type == tokenize.COMMENT and TEX.search(token.string)]
    assert tex == []


def test_printing_blocks_show_their_output() -> None:
    silent = [f"{page.relative_to(ROOT)}:{start}"
              for page in PAGES for start, info, lines, after in blocks(page)
              if info == "python" and any(re.search(r"\bprint\(", line) for line in lines)
              and not OUTPUT_NEXT.match(after)]
    assert silent == []
