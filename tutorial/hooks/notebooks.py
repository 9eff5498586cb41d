"""mkdocs hook: every chapter (``NN-name.md``) also ships as a Jupyter notebook.

The build converts the chapter's Markdown with jupytext into ``notebooks/NN-name.ipynb``
in the site (its Python blocks become code cells, in the order Sybil runs them), and puts
a "Download this chapter as a notebook" link under the chapter's title. The notebook is
self-contained: figures travel as cell attachments and included files (``--8<--``) are
inlined. Admonitions (solutions included) open at the left margin, so that the notebook
has a code cell for every block that Sybil runs in the chapter; ``bash`` blocks stay text.
The notebook runs from the root of a clone of the repository, like the chapter's blocks.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import jupytext
import nbformat
from markdown import Markdown
from mkdocs.structure.files import File

CHAPTER = re.compile(r"^\d\d-[\w-]+\.md$")
FOLDER = "notebooks"

FIGURE = re.compile(r"<figure[^>]*>\s*(.*?)\s*</figure>", re.S)
CAPTION = re.compile(r"<figcaption[^>]*>(.*?)</figcaption>", re.S)
IMAGE = re.compile(r"\]\((figures/([\w.-]+\.png))\)")
SKIPPED = re.compile(r"<!-- skip: next -->\s*\n(```python\n.*?\n```)", re.S)
ADMONITION = re.compile(
    r'^( *)(?:!!!|\?\?\?\+?) *(\w+)(?: +"([^"]*)")?\n((?:\n|\1 {4}.*\n)+)', re.M)
MAGIC = re.compile(r"%%(\w+)\n(.*)", re.S)
CHAPTER_LINK = re.compile(r"\]\((\d\d-[\w-]+)\.md")

INTRO = ("*Chapter of the rnnlab tutorial as a notebook. Run it from the root of a clone of "
         "the repository, after `pip install -e '.[train]'`.*")


def notebook_name(chapter: str) -> str:
    """``01-rnn.md`` -> ``notebooks/01-rnn.ipynb`` (relative to the docs and the site)."""
    return f"{FOLDER}/{Path(chapter).stem}.ipynb"


def chapter_notebook(markdown: str, folder: Path, snippets: dict) -> nbformat.NotebookNode:
    """The notebook of one chapter's Markdown source, read from ``folder``; ``snippets`` is
    the pymdownx.snippets configuration that the site uses (base path, ...)."""
    markdown = _with_snippets(markdown, snippets)
    markdown = ADMONITION.sub(_open_admonition, markdown)
    markdown = SKIPPED.sub(r"<!-- #region -->\n\1\n<!-- #endregion -->", markdown)
    markdown = FIGURE.sub(_plain_figure, markdown)
    markdown = CHAPTER_LINK.sub(r"](\1.ipynb", markdown)
    notebook = jupytext.reads(_under_title(markdown, INTRO), fmt="md")
    notebook.cells = [_shown_not_run(cell) for cell in notebook.cells]
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            _attach_figures(cell, folder)
    notebook.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    return notebook


def on_files(files, config):
    for chapter in [f for f in files.documentation_pages() if CHAPTER.match(f.src_uri)]:
        source = Path(chapter.abs_src_path)
        notebook = chapter_notebook(source.read_text(encoding="utf-8"), source.parent,
                                    config["mdx_configs"].get("pymdownx.snippets", {}))
        files.append(File.generated(config, notebook_name(chapter.src_uri),
                                    content=nbformat.writes(notebook)))
    return files


def on_page_markdown(markdown: str, page, **kwargs) -> str:
    """Put the download link on the line after the chapter's title."""
    if not CHAPTER.match(page.file.src_uri):
        return markdown
    target = notebook_name(page.file.src_uri)
    link = f'[Download this chapter as a notebook]({target}){{ download="{Path(target).name}" }}'
    return _under_title(markdown, link)


def _under_title(markdown: str, paragraph: str) -> str:
    """``markdown`` with ``paragraph`` after its ``# title`` line (first, if it has none)."""
    if not markdown.startswith("# "):
        return f"{paragraph}\n\n{markdown}"
    title, _, rest = markdown.partition("\n")
    return f"{title}\n\n{paragraph}\n{rest}"


def _shown_not_run(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Jupytext makes a ``bash`` block a ``%%bash`` cell; keep it as Markdown, not run."""
    magic = MAGIC.match(cell.source) if cell.cell_type == "code" else None
    if magic is None:
        return cell
    return nbformat.v4.new_markdown_cell(f"```{magic.group(1)}\n{magic.group(2)}\n```")


def _with_snippets(markdown: str, snippets: dict) -> str:
    """``markdown`` with its ``--8<--`` lines replaced by what they include, as on the site."""
    converter = Markdown(extensions=["pymdownx.snippets"],
                         extension_configs={"pymdownx.snippets": snippets})
    return "\n".join(converter.preprocessors["snippet"].run(markdown.split("\n")))


def _open_admonition(match: re.Match) -> str:
    """``!!! note "Title"`` or ``??? success "Solution"`` + indented body -> a bold title and
    the body, at the left margin: its Python blocks become code cells, as Sybil runs them."""
    indent, kind, title, body = match.groups()
    margin = len(indent) + 4
    lines = [f"**{title or kind.capitalize()}**", ""]
    lines += [line[margin:] for line in body.rstrip("\n").split("\n")]
    return "\n".join(lines) + "\n\n"


def _plain_figure(match: re.Match) -> str:
    """``<figure>`` with an image and a caption -> the image, then the caption in italics."""
    inner = match.group(1)
    caption = CAPTION.search(inner)
    image = CAPTION.sub("", inner).strip()
    if caption is None:
        return image
    return f"{image}\n\n*{' '.join(caption.group(1).split())}*"


def _attach_figures(cell: nbformat.NotebookNode, folder: Path) -> None:
    """Embed the PNG figures a Markdown cell shows, as attachments of that cell."""
    for path, name in IMAGE.findall(cell.source):
        data = (folder / path).read_bytes()
        cell.setdefault("attachments", {})[name] = {
            "image/png": base64.b64encode(data).decode("ascii")}
    cell.source = IMAGE.sub(r"](attachment:\2)", cell.source)
