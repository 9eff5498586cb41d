"""tutorial/cli.md is exactly what scripts/cli_reference.py generates from the real --help."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from helpers import load_file

ROOT = Path(__file__).resolve().parents[1]


def load_script():
    return load_file("scripts/cli_reference.py")


@pytest.mark.slow  # renders the real --help of every command
def test_cli_reference_is_up_to_date() -> None:
    script = load_script()
    fresh = script.render()
    committed = script.TARGET.read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(committed.splitlines(True), fresh.splitlines(True),
                                        "tutorial/cli.md (committed)", "generated"))
    assert committed == fresh, ("tutorial/cli.md is stale: run python scripts/cli_reference.py\n"
                                + diff[:3000])


def test_every_command_is_documented() -> None:
    text = (ROOT / "tutorial" / "cli.md").read_text(encoding="utf-8")
    for name in load_script().commands():
        assert f"## `rnnlab {name}`" in text
        assert f"Usage: rnnlab {name} [OPTIONS]" in text
