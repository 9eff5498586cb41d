"""Shared output helpers: JSON to stdout, CSV files written atomically."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import typer

from rnnlab.runtime.files import write_text


def emit_json(payload: dict) -> None:
    """Print ``payload`` as JSON (NaN becomes null)."""
    typer.echo(json.dumps(payload, indent=2, default=_plain).replace("NaN", "null"))


def write_csv(path: Path, header: list[str], rows: Iterable[Iterable]) -> None:
    """Write a CSV file atomically; floats with 4 decimals, None as an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else f"{v:.4f}" if isinstance(v, float) else v
                         for v in row])
    write_text(path, buffer.getvalue())


def _plain(value):
    """JSON for numpy values: dates as strings, arrays as lists."""
    if isinstance(value, np.ndarray):
        return value.astype(str).tolist() if value.dtype.kind == "M" else value.tolist()
    if isinstance(value, np.generic) and value.dtype.kind != "M":
        return value.item()
    return str(value)
