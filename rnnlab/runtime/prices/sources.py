"""Prices from whatever the caller has: a CSV path, a pandas DataFrame or Prices."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rnnlab.runtime import arguments
from rnnlab.runtime.errors import ArgumentError, RnnlabError
from rnnlab.runtime.prices.frames import is_frame, prices_from_frame
from rnnlab.runtime.prices.table import MISSING_POLICIES, Prices, read_csv

#: A CSV path, a pandas DataFrame (``Date`` column or DatetimeIndex) or ``Prices``.
PriceSource = str | Path | Prices | Any


def read_prices(source: PriceSource, columns: Sequence[str] = ("High",),
                missing: str = "drop", until: np.datetime64 | None = None) -> Prices:
    """Read ``Date`` plus ``columns`` from a CSV file or a DataFrame.

    Args:
        source: a CSV path (a ``Date`` column in ``YYYY-MM-DD`` plus price
            columns), a pandas DataFrame with a ``Date`` column or a
            DatetimeIndex, or ``Prices`` (its ``columns`` are picked, in order).
        columns: the numeric columns to keep, in order (a ``str`` is one column); a
            model's first is its target.
        missing: ``"drop"`` a row with an empty cell or ``"ffill"`` it from the day before.
        until: keep only the days before this date (any date ``arguments.date`` takes; a
            CSV's later rows are left out before empty cells are handled, so its warnings
            concern only the days kept).

    Returns:
        ``Prices``: ``dates (days,)`` ascending ``datetime64[D]`` and
            ``values (days, len(columns))`` float64 prices, all finite.

    Raises:
        RnnlabError: one line naming the file, row and column at fault and the fix.
    """
    columns = arguments.names("columns", columns, "High")
    arguments.choice("missing", missing, MISSING_POLICIES)
    until = arguments.optional_date("until", until)
    if not isinstance(source, Prices) and not is_frame(source):
        return read_csv(check_source("source", source), columns, missing, until)
    prices = (pick_columns(source, columns) if isinstance(source, Prices)
              else prices_from_frame(source, columns, missing))
    if until is None:
        return prices
    return prices.head(prices.before(until))


def check_source(name: str, source: object) -> PriceSource:
    """``source`` if it is a price source; a CSV path as a ``Path``."""
    if isinstance(source, Prices) or is_frame(source):
        return source
    if hasattr(source, "to_frame") and hasattr(source, "index"):
        raise ArgumentError(name, type(source).__name__, "is a Series; pass a DataFrame "
                            "with a Date column or DatetimeIndex and the price columns, "
                            "e.g. series.to_frame('High')")
    return arguments.path(name, source, "a price CSV, a pandas DataFrame or rnnlab.Prices")


def pick_columns(prices: Prices, columns: tuple[str, ...]) -> Prices:
    """``prices`` with only ``columns``, in that order."""
    if prices.columns == columns:
        return prices
    if not set(columns) <= set(prices.columns):
        raise RnnlabError(f"{prices.path}: read columns {prices.columns}, the model needs "
                          f"{columns}; read them with read_prices(..., columns={columns})")
    picked = [prices.columns.index(c) for c in columns]
    return Prices(prices.dates, prices.values[:, picked], columns, prices.path,
                  None if prices.filled is None else prices.filled[:, picked])
