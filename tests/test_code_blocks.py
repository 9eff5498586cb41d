"""The tutorial's code blocks read without sideways scrolling and without TeX, and a block
that prints shows what it prints (tutorial/conftest.py checks the output)."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from helpers import CodeBlock, code_blocks

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "tutorial").rglob("*.md"))
COLUMNS = 88

TEX = re.compile(r"\$|\\[A-Za-z]+")
PRINT = re.compile(r"\bprint\(")
OUTPUT_NEXT = re.compile(r'\s*```text title="Output"\n')


def every_block() -> list[tuple[str, CodeBlock]]:
    return [(str(page.relative_to(ROOT)), block) for page in PAGES
            for block in code_blocks(page.read_text(encoding="utf-8"))]


def test_code_lines_fit_in_88_columns() -> None:
    too_wide = [f"{page}:{block.line + i}: {len(line)} columns"
                for page, block in every_block()
                for i, line in enumerate(block.lines, 1) if len(line) > COLUMNS]
    assert too_wide == []


def test_no_tex_in_code_comments() -> None:
    tex = []
    for page, block in every_block():
        if block.info == "python":
            source = io.StringIO("\n".join(block.lines) + "\n")
            tex += [f"{page}:{block.line + token.start[0]}: {token.string}"
                    for token in tokenize.generate_tokens(source.readline)
                    if token.type == tokenize.COMMENT and TEX.search(token.string)]
    assert tex == []


def test_printing_blocks_show_their_output() -> None:
    """Blocks that Sybil runs, that is: a skipped block's output could not be checked."""
    silent = [f"{page}:{block.line}" for page, block in every_block()
              if block.info == "python" and not block.skipped
              and any(PRINT.search(line) for line in block.lines)
              and not OUTPUT_NEXT.match(block.after)]
    assert silent == []
