"""Command output quoted in the tutorial is what the command prints today."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def quoted_output(chapter: str, command: str) -> str:
    """The ```text block that follows the sentence quoting ``command`` in ``chapter`` (which
    may send it to a file, ``command > file``), or the file that the block includes."""
    text = (ROOT / "tutorial" / chapter).read_text()
    after = text[re.search(rf"`{re.escape(command)}( > [^`]+)?`\s+printed:", text).start():]
    block = re.search(r"```text\n(.*?)```", after, re.S).group(1)
    included = re.fullmatch(r'--8<-- "([^"]+)"\n', block)
    return (ROOT / included.group(1)).read_text() if included else block


def test_info_output_in_chapter_7(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = cli("info", "exported/ibm-high-lstm.onnx")
    assert code == 0
    assert quoted_output("07-export.md", "rnnlab info exported/ibm-high-lstm.onnx") == out
