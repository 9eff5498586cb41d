"""The large-CSV memory benchmark runs end to end on a small file (no figure asserted)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_memory_csv_benchmark_reads_every_row():
    done = subprocess.run([sys.executable, "-m", "benchmarks.memory_csv", "--rows", "3000",
                           "--columns", "High,Volume"], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    row = done.stdout.strip().splitlines()[-1].split("|")
    assert row[2].strip() == "3,000" and row[3].strip() == "Date,High,Volume"
    assert row[5].strip().endswith("MiB")
