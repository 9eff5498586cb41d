"""Score a trained model on the test days, beside the baselines (linear,
close-anchored, persistence, flat; see :mod:`rnnlab.runtime.scores.baselines`).

Two views of the same days:

- ``one_step``: each day forecast from the true history before it (the
  notebook's benchmark); persistence is the bar to beat.
- ``generation``: the whole test period generated free-running from the true
  last ``window`` training days: ``PATHS`` sampled paths (windowed, the noise of
  ``card.residual_sd``, seed 0) and the path of the mean one-step forecast, scored
  as distributions beside the generating baselines (:mod:`rnnlab.runtime.scores.paths`).
  (The notebook starts from ``X_train[-1]``, a window that ends one day early, so
  its first value really is for the last training day; rnnlab starts from the
  window that ends on the last training day.)

Scores are computed on one PyTorch thread, so they do not depend on the machine's thread
count (:mod:`rnnlab.training.threads`).
"""

from __future__ import annotations

import numpy as np
import torch

from rnnlab.runtime.card import Card
from rnnlab.runtime.generation import windowed_loop
from rnnlab.runtime.scores.baselines import score_one_step
from rnnlab.runtime.scores.paths import PATHS, compare_paths
from rnnlab.training.data import Split
from rnnlab.training.network import Forecaster
from rnnlab.training.results import Evaluation
from rnnlab.training.threads import single_thread


def predictor(model: Forecaster, batch: int = 4096):
    """``(n, window, features)`` numpy -> ``(n,)`` numpy, in eval mode, on the model's device."""
    device = next(model.parameters()).device

    def predict(x: np.ndarray) -> np.ndarray:
        model.eval()
        with torch.no_grad():
            parts = [model(torch.as_tensor(chunk, device=device)).cpu().numpy()
                     for chunk in np.array_split(x, max(1, -(-len(x) // batch)))]
        return np.concatenate(parts)

    return predict


def evaluate(model: Forecaster, card: Card, split: Split) -> Evaluation:
    """Metrics on the test days of ``split``; see the module docstring.

    Returns an :class:`Evaluation` whose metrics are ``{"test_start", "test_end", "days",
    "one_step": table[, "generation": table]}``, each table mapping the model and each
    baseline to RMSE, MAE, MAPE. Multivariate models cannot generate, so their evaluations
    have no ``generation``.
    """
    with single_thread():
        return _evaluate(model, card, split)


def _evaluate(model: Forecaster, card: Card, split: Split) -> Evaluation:
    encoder, raw, first = card.encoder, split.prices.values, split.first
    predict = predictor(model)
    target = raw[:, 0]
    actual, previous, last_known = target[first:], target[first - 1:-1], target[first - 1]

    windows = encoder.one_step_windows(raw, first)[:-1]  # the last one forecasts beyond the file
    one_step = encoder.next_levels(predict(windows), previous)

    dates = split.prices.dates[first:]
    scored = ~split.prices.unscored[first:]  # a filled target is an input, never an actual
    metrics = {
        "test_start": str(dates[0]),
        "test_end": str(dates[-1]),
        "days": int(scored.sum()),  # the days scored
        "one_step": score_one_step(encoder, raw, first, {"model": one_step}, scored),
    }
    generated = None
    if card.architecture.features == 1 and not card.architecture.skip:  # it can feed itself
        start = encoder.last_window(raw[:first])
        steps = len(actual)
        generated = encoder.path_levels(windowed_loop(predict, start, steps), last_known)[0]
        noise = np.random.default_rng(0).normal(0.0, card.residual_sd, (steps, PATHS))
        sampled = encoder.path_levels(
            windowed_loop(predict, np.repeat(start, PATHS, axis=0), steps, noise), last_known)
        metrics["generation"] = compare_paths(
            actual, {"model": sampled, "mean-forecast path": generated[None]}, target[:first],
            scored=scored)
    return Evaluation(metrics, dates, actual, one_step, generated)
