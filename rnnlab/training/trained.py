"""A trained forecaster as the Python API hands it out: evaluate, save, export."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rnnlab.runtime import arguments
from rnnlab.runtime.card import Card
from rnnlab.runtime.errors import RnnlabError, warn
from rnnlab.runtime.extras import require
from rnnlab.runtime.prices.sources import PriceSource
from rnnlab.training import checkpoint
from rnnlab.training.data import Split, load_split
from rnnlab.training.evaluate import evaluate
from rnnlab.training.export import export, from_onnx
from rnnlab.training.network import Forecaster
from rnnlab.training.results import Evaluation


class History(list):
    """Per-epoch losses: one ``{"epoch", "loss"[, "val_loss"]}`` per epoch, where a loss
    is the mean squared error in scaled units."""

    def to_frame(self) -> Any:
        """The losses as a DataFrame indexed by ``epoch`` (needs pandas); no rows, and the
        column ``loss``, for a model loaded from a checkpoint (which keeps no history)."""
        pandas = require("pandas", "to_frame()")
        return pandas.DataFrame(list(self), columns=None if self else ["epoch", "loss"],
                                dtype=None if self else float).set_index("epoch")


@dataclass(repr=False)
class Trained:
    """A trained PyTorch forecaster, its card, loss history and test-day results.

    Attributes:
        model: the PyTorch module, in eval mode, on the CPU.
        card: the model card: architecture, preprocessing, data, test metrics.
        history: per-epoch losses, ``{"epoch", "loss"[, "val_loss"]}`` each (mean squared
            error in scaled units; empty for a model loaded from a checkpoint);
            ``history.to_frame()`` gives them as a DataFrame indexed by epoch.
        evaluation: the scores on the test days beside the baselines, with the
            predictions (None for a model loaded from a checkpoint).
        split: the prices and the first test day it was trained and scored on.
        recipe: how it was trained (the preset's fields with the overrides applied).
    """

    model: Forecaster
    card: Card
    history: History = field(default_factory=History)
    evaluation: Evaluation | None = None
    split: Split | None = None
    recipe: dict = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> Trained:
        """Load a checkpoint written by ``save`` or ``rnnlab train``.

        Only tensors and plain data are read (``torch.load(weights_only=True)``).
        """
        model, card, recipe = checkpoint.load(path)
        return cls(model, card, recipe=recipe)

    @classmethod
    def from_onnx(cls, path: str | Path) -> Trained:
        """The weights and card of an rnnlab ``.onnx`` file (its metadata fully checked), to
        write again with this version's graph by :meth:`export`."""
        model, card = from_onnx(path)
        return cls(model, card)

    def evaluate(self, prices: PriceSource | None = None, missing: str = "drop") -> Evaluation:
        """Scores on the test days (from ``card.split``) beside the baselines.

        Args:
            prices: None for the days it was trained and tested on; else the prices to
                score it on (a CSV path, a DataFrame or Prices with the model's columns),
                split at the same date. A warning says when they differ from the data
                it was trained on.
            missing: for a CSV or DataFrame: ``"drop"`` or ``"ffill"`` empty cells.
        """
        if prices is None:
            if self.evaluation is None:
                raise RnnlabError("evaluate(): this model was loaded from a checkpoint; pass "
                                  "the prices to score it on, e.g. the CSV it was trained on")
            return self.evaluation
        return evaluate(self.model, self.card, card_split(self.card, prices, missing))

    def save(self, path: str | Path) -> Path:
        """Write a checkpoint (weights, card, recipe), atomically; folders are created."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        checkpoint.save(path, self.model, self.card, self.recipe)
        return path

    def export(self, path: str | Path, int8: bool = False) -> Path:
        """Write the model as one self-describing ONNX file for ``rnnlab.load``;
        ``int8``: with int8 weights (smaller; GRU and RNN layers stay float32)."""
        path = Path(path)
        export(self.model, self.card, path, int8=arguments.flag("int8", int8))
        return path

    def __repr__(self) -> str:
        arch = self.card.architecture
        return (f"Trained({arch.layers} x {arch.name}({arch.units}), preset "
                f"'{self.card.preset}', seed {self.card.seed}, split {self.card.split})")


def card_split(card: Card, prices: PriceSource, missing: str = "drop") -> Split:
    """``prices`` read with the card's columns and split at its split date; warns when they
    are not the data the card was trained on."""
    split = load_split(prices, card.target, card.encoder.columns[1:], card.split, missing)
    if split.sha256 != card.data_sha256:
        warn(f"{split.prices.path}: not the data the model was trained on ({card.data_file}, "
             "by sha256 of the file or of a DataFrame's values); scoring it on these prices")
    return split
