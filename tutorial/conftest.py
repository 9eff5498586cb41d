"""Run every Python code block of the tutorial's Markdown pages as a test (with Sybil).

Blocks run top to bottom in one namespace per page. A block that must not run is preceded
by ``<!-- skip: next -->``, and the page says why.

A block that prints is followed by its output, in a block titled "Output"::

    ```text title="Output"
    max |windowed - stateful| = ...
    ```

which is checked against what the block printed, as doctest would: ``...`` matches anything,
and runs of whitespace compare equal, so that a long line may be wrapped to 88 columns.
"""

import contextlib
import doctest
import io

import pytest
from sybil import Example, Sybil
from sybil.evaluators.python import PythonEvaluator
from sybil.parsers.markdown import CodeBlockParser, SkipParser

OUTPUT = 'text title="Output"'
PRINTED = "__printed__"  # what the last Python block printed, in the page's namespace
MATCH = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


class PrintingEvaluator(PythonEvaluator):
    """Runs a Python block and keeps what it printed for the output block that follows."""

    def __call__(self, example: Example) -> None:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            super().__call__(example)
        example.namespace[PRINTED] = printed.getvalue()


def check_output(example: Example) -> str | None:
    """An output block: what the Python block above it printed."""
    printed = example.namespace.pop(PRINTED, "")
    shown = str(example.parsed)
    checker = doctest.OutputChecker()
    if checker.check_output(shown, printed, MATCH):
        return None
    return checker.output_difference(doctest.Example("", shown), printed, MATCH)


pytest_collect_file = Sybil(
    parsers=[CodeBlockParser("python", PrintingEvaluator()),
             CodeBlockParser(OUTPUT, check_output),
             SkipParser()],
    patterns=["*.md"],
).pytest()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The pages' blocks are slow: each page is one chain that trains, exports and
    measures, as a reader would (``pytest`` runs them, ``pytest -m "not slow"`` skips)."""
    for item in items:
        if item.path.suffix == ".md":
            item.add_marker(pytest.mark.slow)
