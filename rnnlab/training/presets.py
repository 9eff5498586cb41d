"""Named training recipes, two of which reproduce the original notebook."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

from rnnlab.runtime import arguments
from rnnlab.runtime.card_checks import CELLS, MAX_LAYERS, MAX_UNITS, MAX_WINDOW
from rnnlab.runtime.errors import ArgumentError, RnnlabError, in_range
from rnnlab.runtime.preprocessing import TRANSFORMS
from rnnlab.training.precision import PRECISIONS

OPTIMIZERS = ("rmsprop", "sgd", "adam")
INITS = ("keras", "torch")
# Inclusive ranges of the numeric settings (None: no upper bound).
RANGES = {"units": (1, MAX_UNITS), "dropout": (0.0, 0.99), "lr": (1e-12, 10.0),
          "momentum": (0.0, 0.999), "decay": (0.0, 1.0), "epochs": (1, 100_000),
          "batch": (1, 1_000_000), "window": (1, MAX_WINDOW), "val_fraction": (0.0, 0.99),
          "patience": (0, 100_000)}


@dataclass(frozen=True)
class Recipe:
    """Model shape and how to train it.

    The seed presets use Keras' defaults wherever they differ from PyTorch's:
    RMSprop ``rho=0.9, eps=1e-7`` (PyTorch: ``alpha=0.99, eps=1e-8``), Glorot
    uniform input weights, orthogonal recurrent weights, zero biases and an LSTM
    forget-gate bias of 1 (``init="keras"``). ``decay`` is Keras' legacy
    ``lr_t = lr / (1 + decay * step)``, counted in optimizer steps.
    ``residual`` adds the linear baseline (ridge on the same window, fit first and
    frozen) to the network's output, so the network learns what it leaves.
    """

    cells: tuple[str, ...] = ("lstm",) * 4
    units: int = 50
    dropout: float = 0.2
    bidirectional: bool = False
    optimizer: str = "rmsprop"
    lr: float = 1e-3
    momentum: float = 0.0
    decay: float = 0.0
    epochs: int = 50
    batch: int = 32
    init: str = "keras"
    window: int = 60
    transform: str = "level"
    features: tuple[str, ...] = ()
    val_fraction: float = 0.0
    patience: int = 0
    residual: bool = False
    precision: str = "fp32"  # or "bf16": autocast in the fit (training/precision.py)

    def with_overrides(self, **changes) -> Recipe:
        """A copy with the non-None ``changes`` applied, each checked before any work starts."""
        changes = {k: v for k, v in changes.items() if v is not None}
        unknown = sorted(set(changes) - {f.name for f in fields(self)})
        if unknown:
            raise RnnlabError(f"{', '.join(unknown)}: not a training setting; use one of "
                              f"{', '.join(f.name for f in fields(self))}")
        for name in (n for n in RANGES if n in changes):  # numpy numbers become Python's
            low, high = RANGES[name]
            if isinstance(low, int):
                changes[name] = arguments.integer(name, changes[name], low, high)
            else:
                in_range(name, changes[name], low, high)
                changes[name] = float(changes[name])
        recipe = replace(self, **changes)
        recipe.check(changes)
        return recipe

    def check(self, names) -> None:
        """Raise :class:`ArgumentError` for the first of the fields ``names`` out of range."""
        for name in (n for n in RANGES if n in names):
            in_range(name, getattr(self, name), *RANGES[name])
        choices = {"transform": TRANSFORMS, "optimizer": OPTIMIZERS, "init": INITS,
                   "precision": PRECISIONS}
        for name in (n for n in choices if n in names):
            if getattr(self, name) not in choices[name]:
                raise ArgumentError(name, getattr(self, name),
                                    f"is unknown; use one of {', '.join(choices[name])}")
        if "cells" in names and (not self.cells or len(self.cells) > MAX_LAYERS
                                 or any(c not in CELLS for c in self.cells)):
            raise ArgumentError("cells", self.cells, f"use 1 to {MAX_LAYERS} of {CELLS}")
        if self.patience and not self.val_fraction:
            name = "val_fraction" if "val_fraction" in names else "patience"
            raise ArgumentError(name, getattr(self, name), "early stopping (patience "
                                f"{self.patience}) needs validation days: give both a "
                                "val_fraction above 0 and a patience, or patience 0")

    def to_dict(self) -> dict:
        return asdict(self)


PRESETS: dict[str, Recipe] = {
    # The notebook's LSTM: 4 x LSTM(50), Dropout(0.2) after each, RMSprop, 50 epochs, batch 32.
    "seed-lstm": Recipe(),
    # The notebook's GRU: 4 x GRU(50), SGD(lr=0.01, decay=1e-7, momentum=0.9), batch 150.
    "seed-gru": Recipe(cells=("gru",) * 4, optimizer="sgd", lr=0.01, momentum=0.9,
                       decay=1e-7, batch=150),
    # The Elman network of chapter 1 in the same harness, for comparison.
    "seed-rnn": Recipe(cells=("rnn",) * 4),
    # The notebook's closing suggestions: a bidirectional LSTM and an LSTM+GRU stack.
    "bilstm": Recipe(cells=("lstm",) * 2, bidirectional=True),
    "hybrid": Recipe(cells=("lstm", "lstm", "gru", "gru")),
    # Beyond the notebook: forecast tomorrow's log return instead of the level, with a
    # small GRU, Adam and early stopping on the most recent 10% of training windows.
    "return-gru": Recipe(cells=("gru",), units=32, dropout=0.1, optimizer="adam", epochs=30,
                         transform="logret", val_fraction=0.1, patience=5),
    # The same small GRU reading the whole day: Open, Low and Close beside the High, each
    # as log(price / yesterday's High), so a Close far below the High is visible at once.
    "ohlc-gru": Recipe(cells=("gru",), units=32, dropout=0.1, optimizer="adam", epochs=80,
                       window=30, transform="relative", features=("Open", "Low", "Close"),
                       val_fraction=0.1, patience=10),
    # ohlc-gru on top of the linear baseline: ridge on the same 30-day window, fit first
    # and frozen; the GRU (head started at zero) learns only what the linear model leaves.
    "residual-gru": Recipe(cells=("gru",), units=32, dropout=0.1, optimizer="adam", epochs=80,
                           window=30, transform="relative", features=("Open", "Low", "Close"),
                           val_fraction=0.1, patience=10, residual=True),
}
"""Named recipes for ``rnnlab.train(preset=...)`` and ``rnnlab.backtest``. Each is a
``Recipe``: its fields (cells, units, dropout, optimizer, lr, epochs, batch, window,
transform, features, ...) are what ``train``'s keyword overrides change."""


def preset(name: str) -> Recipe:
    """The recipe called ``name``, or an error listing the known ones."""
    if name not in PRESETS:
        raise RnnlabError(f"--preset: '{name}' is unknown; choose from {', '.join(PRESETS)}")
    return PRESETS[name]
