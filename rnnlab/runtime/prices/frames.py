"""pandas in and out, with pandas imported only when a DataFrame is asked for.

Out: every result's ``to_frame()`` builds its DataFrame here, indexed by date.
In: ``prices_from_frame`` reads a DataFrame by duck typing (its ``columns``,
``index`` and ``to_numpy``), so reading one never imports pandas either.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from rnnlab.runtime import arguments
from rnnlab.runtime.arguments import EXCHANGE_ZONE
from rnnlab.runtime.errors import ArgumentError, RnnlabError, printable
from rnnlab.runtime.extras import require
from rnnlab.runtime.prices.table import Prices, check_magnitudes, ordered_rows

FRAME_SOURCE = "DataFrame"


def date_frame(dates: np.ndarray, columns: dict[str, np.ndarray], index: str = "Date") -> Any:
    """A pandas DataFrame of ``columns`` (each ``(rows,)``) indexed by ``dates`` ``(rows,)``.

    Raises the one-line install hint when pandas is missing.
    """
    pandas = require("pandas", "to_frame()")
    labels = pandas.Index(dates, name=index)
    if np.asarray(dates).dtype.kind == "M":
        labels = pandas.DatetimeIndex(np.asarray(dates, dtype="datetime64[ns]"), name=index)
    return pandas.DataFrame(columns, index=labels)


def is_frame(source: object) -> bool:
    """Whether ``source`` looks like a pandas DataFrame."""
    return all(hasattr(source, name) for name in ("columns", "index", "to_numpy", "iloc"))


def _is_datetimes(labels: Any) -> bool:
    """Whether pandas ``labels`` (an index or a column) hold datetimes, tz-aware or not."""
    dtype = getattr(labels, "dtype", None)
    return getattr(dtype, "kind", "") == "M" or getattr(dtype, "tz", None) is not None


def frame_dates(labels: Any) -> np.ndarray:
    """A DataFrame's ``Date`` column or index as ``(rows,)`` ``datetime64[D]``.

    Datetimes are cut to their day; tz-aware ones become the exchange's calendar day
    (``arguments.EXCHANGE_ZONE``), and are refused where that is not the day they show.
    Strings must be ``YYYY-MM-DD``; numbers are refused (they are not dates).
    """
    zone = getattr(getattr(labels, "dtype", None), "tz", None)
    if zone is not None:
        shown = np.asarray(_times(labels).tz_localize(None).to_numpy()).astype("datetime64[D]")
        there = _times(_times(labels).tz_convert(EXCHANGE_ZONE)).tz_localize(None)
        dates = np.asarray(there.to_numpy()).astype("datetime64[D]")
        moved = np.flatnonzero(dates != shown)
        if moved.size:
            raise RnnlabError(f"{FRAME_SOURCE} row {moved[0] + 1}: {shown[moved[0]]} in zone "
                              f"{zone} is {dates[moved[0]]} in {EXCHANGE_ZONE}, the exchange's "
                              "calendar; drop the zone to keep the days as shown "
                              "(.tz_localize(None)) or convert it (.tz_convert("
                              f"'{EXCHANGE_ZONE}'))")
        return dates
    raw = np.asarray(labels.to_numpy() if hasattr(labels, "to_numpy") else labels)
    if raw.dtype.kind == "M":
        return raw.astype("datetime64[D]")
    if raw.dtype.kind in "OUS":
        return np.array([_one_date(value, row) for row, value in enumerate(raw, 1)],
                        dtype="datetime64[D]")
    raise RnnlabError(f"{FRAME_SOURCE}: the dates are {raw.dtype} numbers, not dates; use "
                      "YYYY-MM-DD strings or datetime64 values (pandas.to_datetime)")


def _times(labels: Any) -> Any:
    """The datetime methods of pandas ``labels``: a column's ``.dt``, or the index itself."""
    return getattr(labels, "dt", labels)


def _one_date(value: Any, row: int) -> np.datetime64:
    """One cell of an object ``Date`` column: a date, or NaT for an empty cell."""
    if value is None or (isinstance(value, float) and value != value):
        return np.datetime64("NaT")
    try:
        return arguments.date("Date", value)
    except ArgumentError as error:
        raise RnnlabError(f"{FRAME_SOURCE} row {row}: {printable(str(value))} is not a date; "
                          f"use YYYY-MM-DD strings or datetime64 values ({error.problem})"
                          ) from None


def prices_from_frame(frame: Any, columns: Sequence[str], missing: str = "drop") -> Prices:
    """``Prices`` from a DataFrame with a ``Date`` column or a DatetimeIndex.

    The checks and the ``missing`` policy are the CSV reader's; errors name the
    DataFrame's row (its position, from 1) and column.
    """
    names = [str(name) for name in frame.columns]
    if "Date" in names:
        labels = frame.iloc[:, names.index("Date")]
    elif _is_datetimes(frame.index):
        labels = frame.index
    else:
        raise RnnlabError(f"{FRAME_SOURCE}: no Date column and no DatetimeIndex; set one with "
                          "frame.set_index(pandas.to_datetime(frame['Date']))")
    for name in ("Date", *columns) if "Date" in names else columns:
        if name not in names:
            raise RnnlabError(f"{FRAME_SOURCE}: no column '{name}'; the columns are "
                              f"{', '.join(map(printable, names))}")
        if names.count(name) > 1:
            raise RnnlabError(f"{FRAME_SOURCE}: {names.count(name)} columns are named "
                              f"'{name}'; keep one")
    dates = frame_dates(labels)
    if not len(dates):
        raise RnnlabError(f"{FRAME_SOURCE}: no rows")
    if np.isnat(dates).any():
        raise RnnlabError(f"{FRAME_SOURCE} row {int(np.argmax(np.isnat(dates))) + 1}: no "
                          "date; fill it or drop the row")
    table = np.empty((len(dates), len(columns)))
    for at, name in enumerate(columns):
        column = frame.iloc[:, names.index(name)]
        try:
            if getattr(column.dtype, "kind", "") not in "iufO":  # bools, dates, text: not prices
                raise TypeError(column.dtype)
            table[:, at] = column.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):
            raise RnnlabError(f"{FRAME_SOURCE}: column {name} is not numeric; convert it "
                              "with pandas.to_numeric") from None
        if np.isinf(table[:, at]).any():
            raise RnnlabError(f"{FRAME_SOURCE} row {int(np.argmax(np.isinf(table[:, at]))) + 1},"
                              f" column {name}: not finite; use a real price or leave it empty")
    rows = np.arange(1, len(dates) + 1)
    check_magnitudes(table, rows, FRAME_SOURCE, columns, unit="row")
    dates, table, filled = ordered_rows(dates, table, rows, FRAME_SOURCE, tuple(columns),
                                        missing, unit="row")
    return Prices(dates, table, tuple(columns), FRAME_SOURCE, filled)
