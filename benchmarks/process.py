"""Run a command as a child process and measure its wall time and peak resident memory."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from benchmarks.settings import REPO


@dataclass(frozen=True)
class Finished:
    """A child's wall seconds, peak RSS in MiB (``ru_maxrss``) and its output."""

    wall_s: float
    peak_mib: float
    stdout: str


def measure(command: list[str]) -> Finished:
    """Run ``command`` in the repository root; raise with its stderr if it fails.

    ``os.wait4`` returns the rusage of this one child, so earlier children's peaks
    never leak into it (``RUSAGE_CHILDREN`` would report the largest of all).
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} exited {child.returncode}: "
                               f"{err.read().strip()[-500:]}")
        stdout = out.read()
    # Linux reports ru_maxrss in KiB.
    return Finished(wall, usage.ru_maxrss / 1024, stdout)


def module(name: str, *args: str) -> list[str]:
    """The command line that runs ``python -m benchmarks.NAME ARGS`` with this interpreter."""
    return [sys.executable, "-m", f"benchmarks.{name}", *args]
