"""A price file split by date into training days and test days."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnlab.runtime.errors import RnnlabError
from rnnlab.runtime.prices import Prices, parse_date, read_prices, sha256_of


@dataclass(frozen=True)
class Split:
    """``prices`` with the index of the first test day.

    ``prices.values[:first]`` are training days, ``prices.values[first:]`` test days.
    """

    prices: Prices
    first: int
    sha256: str

    @property
    def train(self) -> np.ndarray:
        """``(train_days, features)`` raw prices."""
        return self.prices.values[: self.first]

    @property
    def test_days(self) -> int:
        return len(self.prices.values) - self.first


def input_columns(target: str, features: tuple[str, ...]) -> tuple[str, ...]:
    """The model's input columns: the target first, then the other features in order."""
    return (target, *[f for f in features if f != target])


def load_split(
    csv: str, target: str, features: tuple[str, ...], split: str, missing: str = "drop",
    until: str | None = None,
) -> Split:
    """Read ``csv`` and split it at the date ``split`` (test days are on or after it).

    With ``until``, days from that date on are left out (a backtest fold's end).
    """
    prices = read_prices(csv, input_columns(target, features), missing)
    if until is not None:
        keep = prices.before(parse_date(until, "--until"))
        prices = Prices(prices.dates[:keep], prices.values[:keep], prices.columns, prices.path)
    first = prices.before(parse_date(split, "--split"))
    if first == 0 or first == len(prices.dates):
        raise RnnlabError(
            f"--split {split}: {csv} runs {prices.dates[0]} to {prices.dates[-1]}, so one side "
            "is empty; pick a date inside that range"
        )
    return Split(prices, first, sha256_of(csv))
