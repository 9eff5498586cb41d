"""Test helpers shared by several test modules (conftest.py is for fixtures)."""

from __future__ import annotations

import importlib.util
import io
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
IBM = SHARED / "IBM_2006-01-01_to_2018-01-01.csv"


def write_prices(path: Path, days: int = 200, seed: int = 0, start: str = "2015-01-01",
                 columns: tuple[str, ...] = ("Open", "High", "Low", "Close", "Volume")) -> Path:
    """A small random-walk price file in the shared data's format, on weekdays."""
    rng = np.random.default_rng(seed)
    dates = np.busday_offset(np.datetime64(start), np.arange(days), roll="forward")
    level = 100 + np.cumsum(rng.normal(0, 1, days))
    lines = ["Date," + ",".join(columns) + ",Name"]
    for date, price in zip(dates, level):
        cells = [f"{price * 1e4:.0f}" if c == "Volume" else f"{price + 0.5 * i:.2f}"
                 for i, c in enumerate(columns)]
        lines.append(f"{date}," + ",".join(cells) + ",TEST")
    path.write_text("\r\n".join(lines) + "\r\n")
    return path


def exit_code(*args: str) -> int:
    """Run ``rnnlab ARGS`` in-process; its exit code."""
    from rnnlab.cli import main

    try:
        main([str(a) for a in args])
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return 0


def run_cli_once(*args: str) -> tuple[int, str, str]:
    """``run_cli`` (conftest.py) for a fixture wider than one test (capsys is a test's own)."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = exit_code(*args)
    return code, out.getvalue(), err.getvalue()


def assert_scores_close(got: dict, expected: dict, rel: float, path: str = "") -> None:
    """Nested score tables (``{"one_step": {"model": {"rmse": ...}}}``, dates, counts) are
    equal: the same keys, strings and integers exactly, floats within ``rel``."""
    assert set(got) == set(expected), (path, sorted(got), sorted(expected))
    for key, value in expected.items():
        where = f"{path}/{key}"
        if isinstance(value, dict):
            assert_scores_close(got[key], value, rel, where)
        elif isinstance(value, float):
            assert got[key] == pytest.approx(value, rel=rel), where
        else:
            assert got[key] == value, where


class CodeBlock(NamedTuple):
    """A fenced code block of a Markdown page, as Sybil finds it (at any indentation)."""

    line: int  # of the opening fence, from 1
    info: str  # what follows the fence: "python", 'text title="Output"', ...
    lines: list[str]  # the body, without the fence's indentation
    skipped: bool  # preceded by <!-- skip: next -->: Sybil does not run it
    after: str  # the page's text after the closing fence


FENCED = re.compile(r"^( *)```([^\n`]*)\n(.*?)^\1```$", re.M | re.S)


def code_blocks(markdown: str) -> list[CodeBlock]:
    """Every fenced code block of ``markdown``, in order."""
    return [CodeBlock(markdown.count("\n", 0, m.start()) + 1, m.group(2).strip(),
                      [line[len(m.group(1)):] for line in m.group(3).rstrip("\n").split("\n")],
                      markdown[:m.start()].rstrip().endswith("<!-- skip: next -->"),
                      markdown[m.end():])
            for m in FENCED.finditer(markdown)]


def load_file(path: str, name: str | None = None):
    """A module loaded from its file under the repository root (a script, a docs hook), as
    ``python path`` or mkdocs load it."""
    path = Path(__file__).resolve().parents[1] / path
    spec = importlib.util.spec_from_file_location(name or path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_live_hook():
    """The docs hook of the live page, loaded from its file as mkdocs loads it."""
    return load_file("tutorial/hooks/live.py", "live_hook")
