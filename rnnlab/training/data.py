"""A price file split by date into training days and test days."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnnlab.runtime.errors import ArgumentError
from rnnlab.runtime.prices.sources import PriceSource, read_prices
from rnnlab.runtime.prices.table import Prices, parse_date, sha256_of


@dataclass(frozen=True)
class Split:
    """``prices`` with the index of the first test day.

    ``prices.values[:first]`` are training days, ``prices.values[first:]`` test days.
    """

    prices: Prices
    first: int
    sha256: str

    @property
    def training_days(self) -> np.ndarray:
        """``(train_days, features)`` raw prices."""
        return self.prices.values[: self.first]

    @property
    def test_days(self) -> int:
        return len(self.prices.values) - self.first


def input_columns(target: str, features: tuple[str, ...]) -> tuple[str, ...]:
    """The model's input columns: the target first, then the other features in order."""
    return (target, *[f for f in features if f != target])


def load_split(
    source: PriceSource, target: str, features: tuple[str, ...], split: str,
    missing: str = "drop", until: str | None = None,
) -> Split:
    """Read ``target`` and ``features`` from ``source`` (a CSV path, a DataFrame or Prices)
    and split them at the date ``split`` (test days are on or after it).

    With ``until``, days from that date on are left out (a backtest fold's end).
    """
    cut = None if until is None else parse_date(until, "--until")
    return split_prices(read_prices(source, input_columns(target, features), missing, until=cut),
                        split, until)


def split_prices(prices: Prices, split: str, until: str | None = None,
                 sha256: str | None = None) -> Split:
    """``prices`` split at the date ``split``; see :func:`load_split`.

    ``sha256`` identifies the data they came from; None: their :func:`fingerprint` (a
    backtest fold brings its file's sha256 to a worker that may not see the file).
    """
    first = prices.before(parse_date(split, "split"))
    keep = len(prices.dates) if until is None else prices.before(parse_date(until, "until"))
    if first == 0 or first >= keep:
        runs = f"{prices.dates[0]} to {prices.dates[-1]}" if len(prices.dates) else "no days"
        raise ArgumentError("split", split, f"{prices.path} runs {runs}, so one side is empty; "
                            "pick a date inside that range")
    return Split(prices.head(keep), first, sha256 or fingerprint(prices))


def fingerprint(prices: Prices) -> str:
    """Hex sha256 of the file the prices came from, or of their dates and values when
    they came from memory (a DataFrame, or Prices made in code)."""
    if Path(prices.path).is_file():
        return sha256_of(prices.path)
    digest = hashlib.sha256(prices.dates.astype("datetime64[D]").tobytes())
    digest.update(np.ascontiguousarray(prices.values, dtype=np.float64).tobytes())
    return digest.hexdigest()
