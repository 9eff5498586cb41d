"""Run every Python code block of the tutorial's Markdown pages as a test (with Sybil).

Blocks run top to bottom in one namespace per page. A block that must not run is preceded
by ``<!-- skip: next -->``, and the page says why.
"""

from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser

pytest_collect_file = Sybil(
    parsers=[PythonCodeBlockParser(), SkipParser()],
    patterns=["*.md"],
).pytest()
