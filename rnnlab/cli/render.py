"""Shared output helpers: JSON to stdout, CSV tables written atomically."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import numpy as np
import typer

from rnnlab.runtime.files import write_text


def emit_json(payload: dict) -> None:
    """Print ``payload`` as strict JSON: NaN and infinities become null."""
    typer.echo(json.dumps(_finite(payload), indent=2, default=_plain, allow_nan=False))


def _finite(value):
    """``value`` with every non-finite float (nested in dicts, lists, arrays) as None."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if isinstance(value, np.ndarray) and value.dtype.kind == "f":
        return _finite(value.tolist())
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


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
