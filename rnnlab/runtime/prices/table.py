"""Read a daily price CSV with the standard library and numpy only.

Training and the runtime both read CSVs through :func:`read_csv`, so a file
gets the same checks and the same missing-value policy on either side:

- the file is streamed and only ``Date`` and the chosen columns are kept
  (:mod:`rnnlab.runtime.prices.csv_stream`: encoding, quoting, strict dates and numbers);
- a missing column is an error that lists the columns that exist;
- a negative value, or one no price or volume can have, is an error naming the
  line and column;
- duplicate dates are an error naming them;
- unsorted dates are sorted, with a warning;
- a row without a value in a chosen column is dropped with a warning naming
  its dates (``missing="drop"``), or takes the previous day's value
  (``missing="ffill"``); a filled target (the first column) is an input only:
  ``Prices.filled`` marks it, and no score ever counts that day.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnnlab.runtime.errors import ArgumentError, RnnlabError, warn
from rnnlab.runtime.prices.csv_stream import read_table
from rnnlab.runtime.prices.csv_values import parse_date

MISSING_POLICIES = ("drop", "ffill")
# Larger than any price or daily volume on record, by orders of magnitude: bigger
# values are a unit or parsing mistake, and would overflow the squares in the metrics.
MAX_PRICE = 1e9
MAX_VOLUME = 1e15
READ_BLOCK = 1 << 20

__all__ = ["MISSING_POLICIES", "Prices", "check_magnitudes", "check_positive", "ordered_rows",
           "parse_date", "read_csv", "sha256_of"]


@dataclass(frozen=True)
class Prices:
    """Chosen columns of a price file, one row per trading day, dates ascending.

    Attributes:
        dates: ``(days,)`` ``datetime64[D]``, strictly ascending.
        values: ``(days, len(columns))`` float64, all finite, none negative.
        columns: the column names (a ``str`` is one), in the order of ``values``' second axis.
        path: the file the rows came from (or a name for prices made in memory).
        filled: ``(days, len(columns))`` bool, the cells that were empty and took the
            previous day's value (``missing="ffill"``), or None where none were.

    Constructing one that breaks these raises :class:`RnnlabError`, so no later step
    computes on unsorted days or NaN; dates must be ``datetime64`` (not integers or
    strings: read those with :func:`rnnlab.read_prices`).
    """

    dates: np.ndarray
    values: np.ndarray
    columns: tuple[str, ...]
    path: str = "Prices"
    filled: np.ndarray | None = None

    def __post_init__(self) -> None:
        dates, values = np.asarray(self.dates), np.asarray(self.values)
        columns = (self.columns,) if isinstance(self.columns, str) else self.columns
        where = f"Prices({self.path!r})" if isinstance(self.path, str) else "Prices"
        if not isinstance(self.path, str):
            raise ArgumentError("path", type(self.path).__name__, "must be a str naming "
                                "where the prices came from")
        if dates.ndim != 1 or dates.dtype.kind != "M":
            raise RnnlabError(f"{where}: dates must be a 1-D datetime64 array, got "
                              f"{dates.dtype} of shape {dates.shape}; convert them with "
                              "numpy.array(dates, dtype='datetime64[D]') or use read_prices")
        if values.ndim != 2 or values.dtype.kind not in "iuf":
            raise RnnlabError(f"{where}: values must be a 2-D array of numbers (days, "
                              f"columns), got {values.dtype} of shape {values.shape}; "
                              "reshape one column with values.reshape(-1, 1)")
        if (not isinstance(columns, (tuple, list)) or not columns
                or not all(isinstance(c, str) and c for c in columns)
                or len(set(columns)) < len(columns)):
            raise RnnlabError(f"{where}: columns {columns!r} must be one or more distinct "
                              "column names, e.g. ('High',)")
        if values.shape != (len(dates), len(columns)):
            raise RnnlabError(f"{where}: values have shape {values.shape}, but there are "
                              f"{len(dates)} dates and {len(columns)} columns; give one row "
                              "per date and one column per name")
        dates, values = dates.astype("datetime64[D]"), values.astype(np.float64)
        if np.isnat(dates).any() or np.any(np.diff(dates) <= np.timedelta64(0, "D")):
            raise RnnlabError(f"{where}: dates must be distinct days in ascending order "
                              "(no NaT); sort them, or read the prices with read_prices, "
                              "which sorts them")
        finite = np.isfinite(values)
        if not finite.all() or (values < 0).any():
            row, col = np.argwhere(~finite | (values < 0))[0]
            raise RnnlabError(f"{where}: {columns[col]} is {values[row, col]:g} on "
                              f"{dates[row]}; values must be finite and not negative (drop "
                              "or fill that day)")
        if self.filled is not None and np.shape(self.filled) != values.shape:
            raise RnnlabError(f"{where}: filled has shape {np.shape(self.filled)}, not the "
                              f"values' {values.shape}; give one flag per value, or None")
        for name, value in (("dates", dates), ("values", values), ("columns", tuple(columns))):
            object.__setattr__(self, name, value)

    @property
    def unscored(self) -> np.ndarray:
        """``(days,)`` bool: the days whose target (column 0) was filled: inputs only,
        never scored."""
        if self.filled is None:
            return np.zeros(len(self.dates), dtype=bool)
        return self.filled[:, 0]

    def head(self, rows: int) -> Prices:
        """The first ``rows`` days."""
        filled = None if self.filled is None else self.filled[:rows]
        return Prices(self.dates[:rows], self.values[:rows], self.columns, self.path, filled)

    def column(self, name: str) -> np.ndarray:
        """One column as ``(days,)``."""
        return self.values[:, self.columns.index(name)]

    def before(self, date: np.datetime64) -> int:
        """How many rows fall strictly before ``date``."""
        return int(np.searchsorted(self.dates, date, side="left"))


def sha256_of(path: str | Path) -> str:
    """Hex sha256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        while block := handle.read(READ_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def read_csv(
    path: str | Path, columns: Sequence[str] = ("High",), missing: str = "drop",
    until: np.datetime64 | None = None,
) -> Prices:
    """Read ``Date`` plus ``columns`` from a CSV (any line endings).

    Args:
        path: the CSV file, UTF-8; it needs a ``Date`` column in ``YYYY-MM-DD``.
        columns: the numeric columns to keep.
        missing: ``"drop"`` or ``"ffill"``: what to do with an empty cell.
        until: keep only the days before this date (before any row is dropped or filled,
            so warnings concern only the days kept).
    """
    if missing not in MISSING_POLICIES:
        raise ArgumentError("missing", missing,
                            f"is unknown; use {' or '.join(MISSING_POLICIES)}")
    path = Path(path)
    if not path.is_file():
        raise RnnlabError(f"{path}: no such file; check the path to the price CSV")
    table = read_table(path, columns)
    check_magnitudes(table.values, table.lines, path, columns)
    dates, values, lines = table.dates, table.values, table.lines
    if until is not None:
        kept = dates < until
        dates, values, lines = dates[kept], values[kept], lines[kept]
    dates, values, filled = ordered_rows(dates, values, lines, path, columns, missing)
    return Prices(dates, values, tuple(columns), str(path), filled)


def check_magnitudes(table: np.ndarray, lines: np.ndarray, path: Path | str,
                     columns: Sequence[str], unit: str = "line") -> None:
    """No negative values in ``table (rows, columns)``, none larger than a price or volume
    can be; errors name the ``unit`` (line of a file, row of a DataFrame) from ``lines``."""
    limit = np.array([MAX_VOLUME if c.lower() == "volume" else MAX_PRICE for c in columns])
    with np.errstate(invalid="ignore"):
        bad = (table < 0) | (table > limit)
    if not bad.any():
        return
    row, col = np.argwhere(bad)[0]
    value, name = table[row, col], columns[col]
    kind = "volume" if name.lower() == "volume" else "price"
    why = (f"a {kind} cannot be negative" if value < 0
           else f"more than any {kind} can be ({limit[col]:.0e}); check the units")
    raise RnnlabError(f"{path} {unit} {lines[row]}, column {name}: {value:g}: {why}")


def check_positive(prices: Prices, why: str) -> None:
    """Raise unless every price column is above zero; ``why`` says who needs that.

    Volume columns may be zero.
    """
    prices_only = [c.lower() != "volume" for c in prices.columns]
    bad = prices.values[:, prices_only] <= 0
    if bad.any():
        row, col = np.argwhere(bad)[0]
        name = [c for c, keep in zip(prices.columns, prices_only) if keep][col]
        raise RnnlabError(f"{prices.path}: {name} is {prices.values[row, prices_only][col]:g} "
                          f"on {prices.dates[row]}; {why} needs prices above zero")


def ordered_rows(dates, table, lines, path, columns, missing, unit="line"):
    """Sort by date, reject duplicates, then drop or fill empty cells; errors name the
    ``unit`` (line of a file, row of a DataFrame) from ``lines``.

    Returns dates, values and the filled cells (``(days, columns)`` bool, or None).
    """
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
        return dates, table, None
    gap_dates = ", ".join(map(str, dates[gaps][:10])) + (" ..." if gaps.sum() > 10 else "")
    empty = [c for c, col in zip(columns, table.T) if np.isnan(col).any()]
    if missing == "drop":
        warn(f"{path}: dropped {gaps.sum()} row(s) with no {'/'.join(empty)}: {gap_dates}; "
             "the forecast made the day before each is scored against the next day left, "
             "two trading days ahead (--missing ffill keeps the row)")
        return dates[~gaps], table[~gaps], None
    if np.isnan(table[0]).any():
        raise RnnlabError(
            f"{path} {unit} {lines[0]}: the first row has no {'/'.join(empty)} to carry "
            "forward; drop it or use missing='drop' (--missing drop)"
        )
    empty = dates[np.isnan(table[:, 0])]
    unscored = (f"; the target {columns[0]} was empty on {', '.join(map(str, empty[:10]))}"
                f"{' ...' if len(empty) > 10 else ''}: filled as an input only, not scored"
                if len(empty) else "")
    warn(f"{path}: filled {gaps.sum()} row(s) with the previous day's values: {gap_dates}"
         + unscored)
    filled = np.isnan(table)
    # Forward fill: each NaN takes the value of the last row where that column was set.
    last_set = np.where(np.isnan(table), 0, np.arange(len(table))[:, None])
    np.maximum.accumulate(last_set, axis=0, out=last_set)
    return dates, np.take_along_axis(table, last_set, axis=0), filled
