"""What ``rnnlab forecast`` prints, for the peers' cold-start scripts to print too.

Each script brings its own ``predict``; the CSV reading, windows and scores are
rnnlab's numpy code, so the scripts differ from ``rnnlab forecast`` only in the
framework that runs the network.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from rnnlab.runtime.card import Card
from rnnlab.runtime.metrics import compare, format_table
from rnnlab.runtime.prices import read_prices


def forecast_text(card: Card, csv: str | Path,
                  predict: Callable[[np.ndarray], np.ndarray]) -> str:
    """One-step forecasts of the days from ``card.split`` on, scored, plus the next weekday."""
    prices = read_prices(csv, card.encoder.columns)
    first = prices.before(np.datetime64(card.split))
    target = prices.values[:, 0]
    scaled = predict(card.encoder.one_step_windows(prices.values, first))
    predicted = card.encoder.next_levels(scaled, target[first - 1:])
    scores = compare(target[first:], {"model": predicted[:-1]}, target[first - 1:-1],
                     target[first - 1])
    title = f"{Path(csv).name}: one-step {card.target}, {len(target) - first} days"
    return f"{format_table(scores, title)}\nnext weekday: {predicted[-1]:.2f}"
