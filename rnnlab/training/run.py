"""One training run end to end: data -> encoder -> model -> fit -> card -> evaluation."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import torch

from rnnlab.runtime.card import Architecture, Card
from rnnlab.runtime.card_checks import MAX_SEED
from rnnlab.runtime.errors import in_range
from rnnlab.runtime.preprocessing import POSITIVE_TRANSFORMS, Encoder
from rnnlab.runtime.prices.table import check_positive
from rnnlab.runtime.scores.baselines import fit_linear
from rnnlab.training.data import Split
from rnnlab.training.evaluate import evaluate, predictor
from rnnlab.training.fit import fit, resolve_device
from rnnlab.training.network import Forecaster, build
from rnnlab.training.precision import effective
from rnnlab.training.presets import Recipe
from rnnlab.training.threads import single_thread
from rnnlab.training.trained import History, Trained
from rnnlab.version import __version__


def make_card(split: Split, recipe: Recipe, preset: str, seed: int) -> Card:
    """The card of a model about to be trained on ``split`` with ``recipe``."""
    prices = split.prices
    columns = prices.columns
    encoder = Encoder.fit(split.training_days, columns, recipe.window, recipe.transform,
                          log_columns=tuple(c for c in columns if c == "Volume"))
    history = split.training_days[-encoder.history_days:]
    return Card(
        architecture=Architecture(tuple(recipe.cells), recipe.units, len(columns),
                                  recipe.bidirectional,
                                  skip=recipe.window if recipe.residual else 0),
        encoder=encoder, target=columns[0], split=str(prices.dates[split.first]),
        train_start=str(prices.dates[0]), train_end=str(prices.dates[split.first - 1]),
        data_file=prices.path.replace("\\", "/").rsplit("/", 1)[-1], data_sha256=split.sha256,
        preset=preset, seed=seed, history=tuple(map(tuple, history.tolist())),
        history_end=str(prices.dates[split.first - 1]), precision=recipe.precision,
        rnnlab_version=__version__,
    )


def train_one(split: Split, recipe: Recipe, preset: str = "", seed: int = 0,
              device: str = "auto", progress: bool = True) -> Trained:
    """Train one model on the training days of ``split`` and evaluate it on the test days."""
    in_range("seed", seed, 0, MAX_SEED)
    if recipe.transform in POSITIVE_TRANSFORMS:
        check_positive(split.prices, f"the {recipe.transform} transform")
    recipe = replace(recipe, precision=effective(recipe.precision, resolve_device(device)))
    card = make_card(split, recipe, preset, seed)
    x, y = card.encoder.supervised(split.training_days)
    model = build(card.architecture, recipe.dropout, recipe.init, seed)
    if model.skip is not None:
        start_from_linear(model, fit_linear(card.encoder, split.training_days))
    history = fit(model, x, y, recipe, seed, resolve_device(device), progress)
    return finish(model.cpu(), card, split, history, recipe.to_dict())


def start_from_linear(model: Forecaster, linear) -> None:
    """Freeze the skip at the linear baseline's fit and zero the head: the network
    starts as the linear model and learns only its residual."""
    with torch.no_grad():
        model.skip.weight.copy_(torch.as_tensor(linear.weights[None, :]))
        model.skip.bias.fill_(linear.bias)
        model.head.weight.zero_()
        model.head.bias.zero_()
    model.skip.requires_grad_(False)


def finish(model: Forecaster, card: Card, split: Split, history: list[dict],
           recipe: dict | None = None) -> Trained:
    """Centre a generating model's head, score it on the test days and write the results
    into its card."""
    x, y = card.encoder.supervised(split.training_days)
    if generates_changes(card):
        with single_thread():
            centre_head(model, x, y)
    # The spread of one-step errors on the training days, in scaled units: the noise
    # scale for sampled generation paths.
    with single_thread():  # like the scores: the same on any machine
        residual_sd = float(np.std(predictor(model)(x) - y))
    card = replace(card, residual_sd=residual_sd)
    evaluation = evaluate(model, card, split)
    card = replace(card, metrics=dict(evaluation.metrics))
    return Trained(model, card, History(history), evaluation, split, recipe or {})


def generates_changes(card: Card) -> bool:
    """Whether the model feeds its own daily changes back (a univariate return or
    difference model): a bias in its mean forecast becomes a drift of every path."""
    arch = card.architecture
    return arch.features == 1 and not arch.skip and card.encoder.transform != "level"


def centre_head(model: Forecaster, x: np.ndarray, y: np.ndarray) -> None:
    """Shift the head's bias so that the mean one-step forecast on the training windows
    ``x (pairs, window, 1)`` equals the mean of their targets ``y (pairs,)`` (scaled).

    A network that learned a drift its training days do not have (e.g. +0.1% a day
    where the days averaged +0.03%) compounds it on every generated step; after this
    its generated path has no drift but the training days' own (tested).
    """
    # b <- b + mean(y) - mean(f(x))
    shift = float(np.mean(y) - np.mean(predictor(model)(x)))
    with torch.no_grad():
        model.head.bias += shift

