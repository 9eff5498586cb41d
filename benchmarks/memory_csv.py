"""Peak memory and time of reading a large price CSV (issue 12: under 3x the file size).

    python -m benchmarks.memory_csv            # ~200 MB, ~1.4 M rows, in a temp folder
    python -m benchmarks.memory_csv --rows 100000

The file is generated in a temporary folder and deleted afterwards (never committed).
:func:`rnnlab.runtime.prices.table.read_csv` runs in a fresh process under
:mod:`benchmarks.measure`'s launcher, so ``ru_maxrss`` is that read's own peak memory.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.measure import run_measured

ROWS = 1_400_000
COLUMNS = ("Open", "High", "Low", "Close", "Volume")
NAME = "International Business Machines Corporation, common stock, NYSE: IBM"
CHUNK = 100_000


def write_csv(path: Path, rows: int, seed: int = 0) -> int:
    """A random-walk daily price file of ``rows`` weekdays from 1700 on; returns its bytes."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("1700-01-01")
    level = 100.0
    with path.open("w", newline="") as out:
        out.write("Date," + ",".join(COLUMNS) + ",Name\r\n")
        for first in range(0, rows, CHUNK):
            n = min(CHUNK, rows - first)
            dates = np.busday_offset(start, np.arange(first, first + n), roll="forward")
            walk = level * np.exp(np.cumsum(rng.normal(0, 0.0005, n)))
            level = float(walk[-1])
            volume = rng.integers(1_000_000, 90_000_000, n)
            out.writelines(
                f"{d},{p:.8f},{p * 1.01:.8f},{p * 0.99:.8f},{p * 1.001:.8f},{v},\"{NAME}\"\r\n"
                for d, p, v in zip(dates.astype(str), walk, volume))
    return path.stat().st_size


def probe(path: str, columns: str) -> None:
    """The measured child: read ``columns`` of ``path`` and print how many rows it got."""
    from rnnlab.runtime.prices.table import read_csv

    prices = read_csv(path, tuple(columns.split(",")))
    print(len(prices.dates))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.memory_csv")
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--columns", default="High", help="columns read, comma-separated")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.probe:
        probe(args.probe, args.columns)
        return
    with tempfile.TemporaryDirectory(prefix="rnnlab-bench-csv-") as folder:
        path = Path(folder) / "big.csv"
        size = write_csv(path, args.rows)
        done = run_measured([sys.executable, "-m", "benchmarks.memory_csv", "--probe", str(path),
                             "--columns", args.columns])
    mib = size / 2**20
    print(f"| file | rows read | columns | time | peak RSS | peak / file size |\n"
          f"|---|---:|---|---:|---:|---:|\n"
          f"| {mib:.0f} MiB, {args.rows:,} rows | {int(done.stdout):,} | Date,{args.columns} "
          f"| {done.wall_s:.1f} s | {done.peak_mib:.0f} MiB | {done.peak_mib / mib:.2f}x |")


if __name__ == "__main__":
    main(sys.argv[1:])
