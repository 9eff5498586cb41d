"""The README's Use, From Python and Text blocks, run in order as printed on a fresh copy of
the repository: each command works on what the ones before it wrote, and nothing is
written outside ``runs/`` (which git ignores).

Small settings: the price files are synthetic (tests/helpers.py's random walk, 2015 to
mid-2017, under the real files' names in ``../shared/data`` beside the copy), so is the
text (a few thousand words drawn from a small lexicon, as tinyshakespeare.txt), and every
command that trains gets ``--epochs 1`` (the Python block ``epochs=1``). Nothing else is
changed: the presets, seeds, years and paths are the README's.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import code_blocks, write_prices

ROOT = Path(__file__).resolve().parents[1]
TICKERS = ("IBM", "AAPL")
WORDS = ("ROMEO:", "JULIET:", "the", "night", "is", "light,", "and", "my", "love", "thou",
         "art", "so", "fair.", "O", "what", "sweet", "sorrow!", "\n")
TRAINS = ("train", "backtest")
pytestmark = pytest.mark.slow


def readme_blocks() -> tuple[list[str], str, list[str]]:
    """The Use block's commands (no comments), the From Python block's code and the Text
    block's commands."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    use = readme[readme.index("## Use"):readme.index("## Text")]
    text = readme[readme.index("## Text"):readme.index("## Backtests on a cluster")]
    shell, python = [b for b in code_blocks(use) if b.info == "bash"], [
        b for b in code_blocks(use) if b.info == "python"]
    text_shell = [b for b in code_blocks(text) if b.info == "bash"]
    assert len(shell) == 1 and len(python) == 1, "one bash and one python block"
    assert len(text_shell) == 1, "one bash block in Text"
    return commands(shell[0].lines), "\n".join(python[0].lines), commands(text_shell[0].lines)


def commands(lines: list[str]) -> list[str]:
    """A bash block's commands: comments dropped, backslash continuations joined."""
    joined = "\n".join(line for line in lines if not line.startswith("#"))
    return [line for line in joined.replace("\\\n", " ").splitlines() if line.strip()]


def small(argv: list[str]) -> list[str]:
    """``rnnlab ARGS`` as this interpreter runs it, with one epoch where it trains."""
    assert argv[0] == "rnnlab", f"a README command that is not rnnlab's: {argv}"
    return [sys.executable, "-m", "rnnlab", *argv[1:],
            *(["--epochs", "1"] if argv[1] in TRAINS else [])]


def files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def test_the_readmes_commands_run_in_order_and_write_only_under_runs(tmp_path):
    shell, python, text_shell = readme_blocks()
    copy = tmp_path / "rnnlab"
    for part in ("rnnlab", "exported"):
        shutil.copytree(ROOT / part, copy / part,
                        ignore=shutil.ignore_patterns("__pycache__"))
    data = tmp_path / "shared" / "data"
    data.mkdir(parents=True)
    for seed, ticker in enumerate(TICKERS):
        write_prices(data / f"{ticker}_2006-01-01_to_2018-01-01.csv", days=650, seed=seed)
    words = np.random.default_rng(0).choice(WORDS, 6000)
    (data / "tinyshakespeare.txt").write_text(" ".join(words).replace(" \n ", "\n"))
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1",
           "MPLBACKEND": "Agg"}
    before = files(copy)

    def run_all(lines: list[str]) -> None:
        for line in lines:
            done = subprocess.run(small(shlex.split(line)), cwd=copy, env=env,
                                  capture_output=True, text=True, timeout=900)
            assert done.returncode == 0, f"{line}\n{done.stderr[-2000:]}"

    run_all(shell)
    code = re.sub(r'(rnnlab\.train\([^)]*)\)', r"\1, epochs=1)", python, count=1)
    assert "epochs=1" in code
    done = subprocess.run([sys.executable, "-c", code], cwd=copy, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "persistence" in done.stdout  # the evaluation's table, printed
    run_all(text_shell)

    written = files(copy) - before
    assert all(path.startswith("runs/") for path in written), sorted(written)
    for path in ("lstm-seed0.pt", "lstm-seed2.pt", "gru.pt", "lstm.onnx", "forecast.png",
                 "both.pt", "fan.png", "backtest.sqlite", "gru.onnx", "char-lstm.pt",
                 "char-lstm.onnx", "s.txt"):
        assert f"runs/{path}" in written, path
