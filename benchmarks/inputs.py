"""What every peer runs on: a prepared model's files and the inputs cut from the CSV.

numpy and rnnlab's runtime only, so a probe process of any side can import it
without pulling in another side's framework.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnnlab.runtime.card import Card
from rnnlab.runtime.prices import read_prices

# Scenario key -> label; every peer offers a subset of these as zero-argument callables.
SCENARIOS = {
    "batch": "one-step, 251 windows",
    "single": "one-step, one window",
    "windowed": "251-step windowed generation",
    "stateful": "251-step stateful generation",
}


@dataclass(frozen=True)
class ModelFiles:
    """The files of one prepared model (``cell`` is lstm or gru) in ``folder``."""

    folder: Path
    cell: str

    @property
    def onnx(self) -> Path:
        return self.folder / f"{self.cell}.onnx"

    @property
    def checkpoint(self) -> Path:
        return self.folder / f"{self.cell}.pt"

    @property
    def card(self) -> Path:
        return self.folder / f"{self.cell}.card.json"

    @property
    def keras_weights(self) -> Path:
        return self.folder / f"{self.cell}.keras.weights.h5"

    def read_card(self) -> Card:
        return Card.from_dict(json.loads(self.card.read_text()), str(self.card))


@dataclass(frozen=True)
class Workload:
    """Scaled inputs: the test days' windows ``(days, window, 1)`` and the generation start.

    ``start`` ``(1, window, 1)`` is the last training window, as in the notebook;
    generation runs ``steps`` (the number of test days) from it.
    """

    windows: np.ndarray
    start: np.ndarray
    steps: int

    @classmethod
    def from_csv(cls, card: Card, csv: str | Path, steps: int | None = None) -> Workload:
        """The test days after ``card.split`` in ``csv``, encoded by the card's encoder.

        Generation runs ``steps``, by default as many as there are test days.
        """
        prices = read_prices(csv, card.encoder.columns)
        first = prices.before(np.datetime64(card.split))
        days = len(prices.dates) - first
        windows = card.encoder.one_step_windows(prices.values, first)[:days]
        # A copy: the encoder may hand back a read-only view for a single window.
        start = np.array(card.encoder.last_window(prices.values[:first]))
        return cls(windows, start, days if steps is None else steps)
