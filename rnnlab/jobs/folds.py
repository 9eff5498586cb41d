"""One walk-forward backtest fold: the job a worker runs, and what identifies its result.

A :class:`Fold` carries its prices as arrays, not a file path, so a worker on another
machine (a Dask worker, say) needs no shared filesystem: only rnnlab of the same version.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rnnlab.jobs.store import FoldKey
from rnnlab.runtime.prices.table import Prices
from rnnlab.runtime.scores.baselines import one_step_baselines
from rnnlab.runtime.scores.metrics import BASELINES
from rnnlab.training.presets import Recipe
from rnnlab.version import __version__

# PyTorch's default random generator (weight init, dropout) is process-wide: two folds
# trained at once in threads of one process would draw from it in turn, and their results
# would depend on timing. So a process trains one fold at a time, however many threads
# its executor has (a Dask worker started with --nthreads 2, say).
_ONE_FOLD_AT_A_TIME = threading.Lock()


@dataclass(frozen=True)
class Fold:
    """Train ``recipe`` on the days before ``year`` of ``prices``, test it on ``year``.

    ``prices`` holds every day of the source up to the end of ``year``, target column
    first, then the recipe's features; ``data_sha256`` identifies them. ``warnings`` are
    the data warnings about those days (dropped or filled cells), naming the fold.
    """

    prices: Prices
    data_sha256: str
    preset: str
    recipe: Recipe
    missing: str
    year: int
    seed: int
    warnings: tuple[str, ...] = ()

    @property
    def ticker(self) -> str:
        """The source's name up to its first underscore: ``IBM`` for ``IBM_2006-....csv``."""
        return Path(self.prices.path).name.split("_")[0]

    def recipe_sha256(self) -> str:
        """sha256 of everything besides data, year and seed that decides the result."""
        # "baselines": folds stored before the linear and close-anchored baselines
        # existed are keyed apart, so a store never hands back a table without them
        recipe = {"preset": self.preset, "recipe": self.recipe.to_dict(),
                  "columns": self.prices.columns, "missing": self.missing,
                  "baselines": BASELINES}
        return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()

    def key(self) -> FoldKey:
        return FoldKey(self.data_sha256, self.recipe_sha256(), self.year, self.seed,
                       __version__)


@dataclass(frozen=True)
class Outcome:
    """A trained fold: ``result`` holds preset, year, seed, ticker, days, the one-step
    scores beside the baselines, the test days' ``actual`` prices and ``predicted``
    forecasts, and the fold's data ``warnings``; ``seconds`` is the worker's wall time."""

    result: dict
    seconds: float
    worker: str
    rnnlab_version: str


def run_fold(fold: Fold) -> Outcome:
    """Train and score one fold, on one PyTorch thread, in whatever process runs it."""
    import torch

    from rnnlab.training.data import split_prices
    from rnnlab.training.run import train_one

    with _ONE_FOLD_AT_A_TIME:
        began = time.perf_counter()
        torch.set_num_threads(1)
        split = split_prices(fold.prices, f"{fold.year}-01-01", f"{fold.year + 1}-01-01",
                             fold.data_sha256)
        run = train_one(split, fold.recipe, fold.preset, fold.seed, device="cpu", progress=False)
        seconds = time.perf_counter() - began
    scores, raw, first = run.evaluation, split.prices.values, split.first
    baselines = one_step_baselines(run.card.encoder, raw, first)
    result = {"preset": fold.preset, "year": fold.year, "seed": fold.seed,
              "ticker": fold.ticker, "days": scores.metrics["days"],
              "one_step": scores.metrics["one_step"], "actual": scores.actual.tolist(),
              "predicted": [round(v, 4) for v in scores.one_step.tolist()],
              # each baseline's forecast of every day, and the days no score counts (a
              # filled target): what the report's bootstrap intervals and DM tests need
              "baselines": {name: [round(v, 4) for v in values.tolist()]
                            for name, values in baselines.items()},
              "unscored": np.flatnonzero(split.prices.unscored[first:]).tolist(),
              "warnings": list(fold.warnings)}
    return Outcome(result, seconds, f"{socket.gethostname()}:{os.getpid()}", __version__)
