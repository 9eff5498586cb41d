"""Run a command as a grandchild, through :mod:`benchmarks.launch`, and read its measurements."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from benchmarks.settings import REPO


@dataclass(frozen=True)
class Finished:
    """A command's wall seconds, peak resident memory in MiB (``ru_maxrss``) and output."""

    wall_s: float
    peak_mib: float
    stdout: str


def measure(command: list[str]) -> Finished:
    """Run ``command`` in the repository root; raise with its stderr if it fails."""
    with tempfile.TemporaryDirectory(prefix="rnnlab-bench-run-") as temp:
        result = Path(temp) / "result.json"
        done = subprocess.run(module("launch", str(result), *command), cwd=REPO,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: "
                               f"{done.stderr.strip()[-500:]}")
        found = json.loads(result.read_text())
    return Finished(found["wall_s"], found["peak_mib"], done.stdout)


def module(name: str, *args: str) -> list[str]:
    """The command line that runs ``python -m benchmarks.NAME ARGS`` with this interpreter."""
    return [sys.executable, "-m", f"benchmarks.{name}", *args]
