"""Every chapter ships as a notebook (tutorial/hooks/notebooks.py), linked from the chapter,
with one code cell per Python block that Sybil runs; chapters 1 and 4 run end to end as
notebooks in a fresh kernel started from the repository root."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import build_site
from helpers import code_blocks

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "tutorial").glob("[0-9][0-9]-*.md"))

def python_blocks(markdown: str) -> list[str]:
    """The source of each Python block that Sybil runs in a chapter, dedented, in order."""
    return ["\n".join(block.lines) for block in code_blocks(markdown)
            if block.info == "python" and not block.skipped]


def chapter_notebook(stem: str):
    nbformat = pytest.importorskip("nbformat", reason="pip install -e '.[dev]'")
    notebook = nbformat.read(build_site() / "notebooks" / f"{stem}.ipynb", as_version=4)
    nbformat.validate(notebook)
    return notebook


@pytest.mark.slow  # reads the site mkdocs build --strict writes
def test_every_chapter_links_a_notebook_of_its_code() -> None:
    assert len(CHAPTERS) >= 8
    for chapter in CHAPTERS:
        html = (build_site() / chapter.stem / "index.html").read_text(encoding="utf-8")
        assert f'href="../notebooks/{chapter.stem}.ipynb"' in html, chapter.name
        assert "Download this chapter as a notebook" in html
        notebook = chapter_notebook(chapter.stem)
        code = [cell.source.strip() for cell in notebook.cells if cell.cell_type == "code"]
        assert code == [block.strip() for block in python_blocks(chapter.read_text())]
        figures = [cell for cell in notebook.cells if cell.get("attachments")]
        assert ("figures/" in chapter.read_text()) == bool(figures), chapter.name


@pytest.mark.slow  # a chapter run in a fresh Jupyter kernel
@pytest.mark.parametrize("stem", ["01-rnn", "04-gru"])
def test_chapter_runs_as_a_notebook(stem: str) -> None:
    nbclient = pytest.importorskip("nbclient", reason="pip install -e '.[dev]'")
    pytest.importorskip("ipykernel", reason="pip install -e '.[dev]'")
    notebook = chapter_notebook(stem)
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}}).execute()
    executed = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert executed and all(cell.execution_count for cell in executed)
    errors = [output for cell in executed for output in cell.outputs
              if output.output_type == "error"]
    assert errors == []
