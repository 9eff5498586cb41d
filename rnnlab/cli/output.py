"""Shared output helpers: JSON to stdout, CSV tables written atomically."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import typer

from rnnlab.runtime.files import write_text


def emit_json(payload: dict) -> None:
    """Print ``payload`` as JSON (NaN becomes null)."""
    typer.echo(json.dumps(payload, indent=2, default=_plain).replace("NaN", "null"))


def write_table(path: Path, dates: np.ndarray, columns: dict[str, np.ndarray]) -> None:
    """Write ``Date`` plus named columns (each ``(rows,)``) as a CSV file, atomically;
    numbers with 4 decimals, NaN as an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Date", *columns])
    for date, *row in zip(dates.astype(str), *columns.values()):
        writer.writerow([date, *("" if np.isnan(v) else f"{v:.4f}" for v in row)])
    write_text(path, buffer.getvalue())


def _plain(value):
    """JSON for numpy values: dates as strings, arrays as lists."""
    if isinstance(value, np.ndarray):
        return value.astype(str).tolist() if value.dtype.kind == "M" else value.tolist()
    if isinstance(value, np.generic) and value.dtype.kind != "M":
        return value.item()
    return str(value)
