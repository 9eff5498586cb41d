"""The docs teach the public API: tutorial blocks, the API reference page, the README example.

Tutorial and README Python blocks import from ``rnnlab`` itself, never from
``rnnlab.runtime.*`` or ``rnnlab.training.*``, unless the block teaches that internal
on purpose and says so with a comment ``# internal: <why>`` (a handful do: chapter 5's
bare scaler and windows, chapter 6's reference loop, chapter 7's chunk-size setting,
chapter 8's hand-built layers). Other modules are free to import: ``rnnlab.scratch`` and
``rnnlab.experiments`` are the from-scratch code that chapters 1 to 4 teach, and the corpus
and Kneser-Ney n-grams of ``rnnlab.runtime.text`` are what chapter 9 builds on.
"""

from __future__ import annotations

import re
from pathlib import Path

from helpers import write_prices

import rnnlab
from rnnlab.training import presets

ROOT = Path(__file__).resolve().parents[1]
INTERNAL_IMPORT = re.compile(r"\b(?:from|import)\s+rnnlab\.(?:runtime(?!\.text\.(?:corpus|ngram)\b)"
                             r"|training)\b")
MARKED = re.compile(r"#\s*internal:\s*\S")
MOST_MARKED_BLOCKS = 6


def python_blocks(path: Path) -> list[tuple[int, str]]:
    """``(line, code)`` of every ```python block of a Markdown file."""
    text = path.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 1, m.group(1))
            for m in re.finditer(r"^```python\n(.*?)^```", text, re.S | re.M)]


def docs() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "tutorial").glob("*.md"))]


def test_doc_blocks_import_only_the_public_api():
    offenders = [f"{path.name}:{line}" for path in docs() for line, code in python_blocks(path)
                 if INTERNAL_IMPORT.search(code) and not MARKED.search(code)]
    assert not offenders, ("import these names from rnnlab, or mark the block "
                           f"'# internal: <why>': {offenders}")


def test_few_blocks_teach_internals():
    marked = [f"{p.name}:{line}" for p in docs() for line, code in python_blocks(p)
              if MARKED.search(code)]
    assert 0 < len(marked) <= MOST_MARKED_BLOCKS, marked


def test_the_check_catches_internal_imports(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("```python\nimport rnnlab.training.run as run\n```\n\n"
                    "```python\nx = 1\n```\n")
    (line, code), _ = python_blocks(page)
    assert line == 1 and INTERNAL_IMPORT.search(code) and not MARKED.search(code)


def test_api_reference_lists_exactly_the_public_names():
    page = (ROOT / "tutorial" / "api.md").read_text(encoding="utf-8")
    listed = re.findall(r"^::: rnnlab\.(\w+)$", page, re.M)
    assert sorted(listed) == sorted(set(rnnlab.__all__) - {"__version__"})
    assert len(listed) == len(set(listed))


def readme_example() -> str:
    """The README's Python block under "From Python"."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.search(r"^```python\n(.*?)^```", text[text.index("From Python"):],
                     re.S | re.M).group(1)


def test_readme_example_does_the_whole_job(tmp_path, monkeypatch):
    """The README's example runs as printed, in seconds: it reads the IBM file by its
    relative path, so it runs in a folder beside a ``shared/data`` that holds a small
    synthetic file of that name (2016 and early 2017), with the preset it trains shrunk
    to one small layer and two epochs."""
    code = readme_example()
    assert len(code.splitlines()) <= 15
    data = tmp_path / "shared" / "data"
    data.mkdir(parents=True)
    write_prices(data / "IBM_2006-01-01_to_2018-01-01.csv", days=300, start="2016-01-01")
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    used = re.search(r'preset="([\w-]+)"', code).group(1)
    monkeypatch.setitem(presets.PRESETS, used, presets.PRESETS[used].with_overrides(
        cells=("gru",), units=8, epochs=2))
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # noqa: S102 - our own README

    assert {"model", "persistence", "flat"} <= set(namespace["trained"].evaluate()
                                                   .metrics["one_step"])
    assert (tmp_path / "work" / "runs").is_dir()
    assert {"model", "persistence", "flat"} <= set(namespace["forecast"].scores)
    frames = [value for value in namespace.values() if hasattr(value, "iloc")]
    assert frames and all(len(frame) for frame in frames)
    generated = [v for v in namespace.values() if isinstance(v, rnnlab.Generated)]
    assert generated and generated[0].values.shape[1] > 1
