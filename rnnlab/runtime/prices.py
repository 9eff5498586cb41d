"""Read a daily price CSV with the standard library and numpy only.

Training and the runtime both read CSVs through :func:`read_prices`, so a file
gets the same checks and the same missing-value policy on either side:

- a missing column is an error that lists the columns that exist;
- a non-numeric or non-finite value is an error naming the line and column;
- duplicate dates are an error naming them;
- unsorted dates are sorted, with a warning;
- a row without a value in a chosen column is dropped with a warning naming
  its dates (``missing="drop"``), or takes the previous day's value
  (``missing="ffill"``).
"""

from __future__ import annotations

import csv
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnnlab.runtime.errors import RnnlabError, warn

MISSING_POLICIES = ("drop", "ffill")


@dataclass(frozen=True)
class Prices:
    """Chosen columns of a price file, one row per trading day, dates ascending.

    Attributes:
        dates: ``(days,)`` ``datetime64[D]``.
        values: ``(days, len(columns))`` float64, all finite.
        columns: the column names, in the order of ``values``' second axis.
        path: the file the rows came from.
    """

    dates: np.ndarray
    values: np.ndarray
    columns: tuple[str, ...]
    path: str

    def column(self, name: str) -> np.ndarray:
        """One column as ``(days,)``."""
        return self.values[:, self.columns.index(name)]

    def before(self, date: np.datetime64) -> int:
        """How many rows fall strictly before ``date``."""
        return int(np.searchsorted(self.dates, date, side="left"))


def sha256_of(path: str | Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def parse_date(text: str, what: str) -> np.datetime64:
    """Parse ``YYYY-MM-DD``; ``what`` names the argument or cell in the error."""
    try:
        return np.datetime64(text.strip(), "D")
    except ValueError:
        raise RnnlabError(f"{what}: '{text}' is not a date; use YYYY-MM-DD") from None


def read_prices(
    path: str | Path, columns: Sequence[str] = ("High",), missing: str = "drop",
    until: np.datetime64 | None = None,
) -> Prices:
    """Read ``Date`` plus ``columns`` from a CSV (any line endings).

    Args:
        path: the CSV file; it needs a ``Date`` column in ``YYYY-MM-DD``.
        columns: the numeric columns to keep.
        missing: ``"drop"`` or ``"ffill"``: what to do with an empty cell.
        until: keep only the days before this date (before any row is dropped or filled,
            so warnings concern only the days kept).
    """
    if missing not in MISSING_POLICIES:
        raise RnnlabError(f"--missing: '{missing}' is unknown; use one of {MISSING_POLICIES}")
    path = Path(path)
    if not path.is_file():
        raise RnnlabError(f"{path}: no such file; check the path to the price CSV")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        raise RnnlabError(f"{path}: the file is empty; expected a header line with Date")
    header = [name.strip() for name in rows[0]]
    for name in ("Date", *columns):
        if name not in header:
            raise RnnlabError(
                f"{path}: no column '{name}'; the columns are {', '.join(header)}"
            )
    date_at = header.index("Date")
    picks = [header.index(name) for name in columns]

    dates, values, lines = [], [], []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise RnnlabError(
                f"{path} line {line}: {len(row)} fields, the header has {len(header)}"
            )
        dates.append(parse_date(row[date_at], f"{path} line {line}, column Date"))
        values.append([_number(row[i], path, line, header[i]) for i in picks])
        lines.append(line)
    if not dates:
        raise RnnlabError(f"{path}: no data rows below the header")

    dates = np.array(dates, dtype="datetime64[D]")
    table = np.array(values, dtype=np.float64)
    lines = np.array(lines)
    if until is not None:
        kept = dates < until
        dates, table, lines = dates[kept], table[kept], lines[kept]
    return Prices(*ordered_rows(dates, table, lines, path, columns, missing), tuple(columns),
                  str(path))


def _number(cell: str, path: Path, line: int, column: str) -> float:
    """A finite float, or NaN for an empty cell; anything else is an error."""
    text = cell.strip()
    if not text:
        return math.nan
    try:
        value = float(text)
    except ValueError:
        raise RnnlabError(
            f"{path} line {line}, column {column}: '{text}' is not a number; fix or empty the cell"
        ) from None
    if not math.isfinite(value):
        raise RnnlabError(
            f"{path} line {line}, column {column}: '{text}' is not finite; "
            "use a real price or leave the cell empty"
        )
    return value


def ordered_rows(dates, table, lines, path, columns, missing):
    """Sort by date, reject duplicates, then drop or fill empty cells."""
    if np.any(np.diff(dates) < np.timedelta64(0, "D")):
        warn(f"{path}: dates were not in ascending order; sorted them")
        order = np.argsort(dates, kind="stable")
        dates, table, lines = dates[order], table[order], lines[order]
    repeated = np.unique(dates[1:][dates[1:] == dates[:-1]])
    if repeated.size:
        raise RnnlabError(
            f"{path}: duplicate dates {', '.join(map(str, repeated[:5]))}; keep one row per day"
        )
    gaps = np.isnan(table).any(axis=1)
    if not gaps.any():
        return dates, table
    gap_dates = ", ".join(map(str, dates[gaps][:10])) + (" ..." if gaps.sum() > 10 else "")
    empty = [c for c, col in zip(columns, table.T) if np.isnan(col).any()]
    if missing == "drop":
        warn(f"{path}: dropped {gaps.sum()} row(s) with no {'/'.join(empty)}: {gap_dates}; "
             "the forecast made the day before each is scored against the next day left, "
             "two trading days ahead (--missing ffill keeps the row)")
        return dates[~gaps], table[~gaps]
    if np.isnan(table[0]).any():
        raise RnnlabError(
            f"{path} line {lines[0]}: the first row has no {'/'.join(empty)} to carry forward; "
            "use --missing drop"
        )
    warn(f"{path}: filled {gaps.sum()} row(s) with the previous day's values: {gap_dates}")
    # Forward fill: each NaN takes the value of the last row where that column was set.
    last_set = np.where(np.isnan(table), 0, np.arange(len(table))[:, None])
    np.maximum.accumulate(last_set, axis=0, out=last_set)
    return dates, np.take_along_axis(table, last_set, axis=0)
