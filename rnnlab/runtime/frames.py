"""pandas in and out, with pandas imported only when a DataFrame is asked for.

Out: every result's ``to_frame()`` builds its DataFrame here, indexed by date.
In: ``prices_from_frame`` reads a DataFrame by duck typing (its ``columns``,
``index`` and ``to_numpy``), so reading one never imports pandas either.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from rnnlab.runtime.errors import RnnlabError
from rnnlab.runtime.extras import require
from rnnlab.runtime.prices import Prices, check_magnitudes, ordered_rows

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


def prices_from_frame(frame: Any, columns: Sequence[str], missing: str = "drop") -> Prices:
    """``Prices`` from a DataFrame with a ``Date`` column or a DatetimeIndex.

    The checks and the ``missing`` policy are the CSV reader's; errors name the
    DataFrame's row (its position, from 1) and column.
    """
    names = [str(name) for name in frame.columns]
    if "Date" in names:
        raw_dates = frame["Date"].to_numpy()
    elif np.asarray(frame.index).dtype.kind == "M":
        raw_dates = np.asarray(frame.index)
    else:
        raise RnnlabError(f"{FRAME_SOURCE}: no Date column and no DatetimeIndex; set one with "
                          "frame.set_index(pandas.to_datetime(frame['Date']))")
    for name in columns:
        if name not in names:
            raise RnnlabError(f"{FRAME_SOURCE}: no column '{name}'; the columns are "
                              f"{', '.join(names)}")
    try:
        dates = np.asarray(raw_dates).astype("datetime64[D]")
    except (TypeError, ValueError):
        raise RnnlabError(f"{FRAME_SOURCE}: the dates are not dates; use YYYY-MM-DD "
                          "strings or datetime64 values") from None
    if not len(dates):
        raise RnnlabError(f"{FRAME_SOURCE}: no rows")
    if np.isnat(dates).any():
        raise RnnlabError(f"{FRAME_SOURCE} row {int(np.argmax(np.isnat(dates))) + 1}: no "
                          "date; fill it or drop the row")
    table = np.empty((len(dates), len(columns)))
    for at, name in enumerate(columns):
        try:
            table[:, at] = frame[name].to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError):
            raise RnnlabError(f"{FRAME_SOURCE}: column {name} is not numeric; convert it "
                              "with pandas.to_numeric") from None
        if np.isinf(table[:, at]).any():
            raise RnnlabError(f"{FRAME_SOURCE} row {int(np.argmax(np.isinf(table[:, at]))) + 1},"
                              f" column {name}: not finite; use a real price or leave it empty")
    rows = np.arange(1, len(dates) + 1)
    check_magnitudes(table, rows, FRAME_SOURCE, columns, unit="row")
    dates, table, filled = ordered_rows(dates, table, rows, FRAME_SOURCE, tuple(columns),
                                        missing)
    return Prices(dates, table, tuple(columns), FRAME_SOURCE, filled)
