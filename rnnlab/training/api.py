"""The training verbs of the public API: train, ensemble, backtest (they need PyTorch).

Each is the one implementation behind its ``rnnlab`` command; the CLI only parses
arguments and prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import torch

from rnnlab.language.chartrain import CHAR_PRESETS
from rnnlab.language.chartrained import TrainedText, train_text
from rnnlab.runtime.frames import is_frame
from rnnlab.runtime.prices import Prices
from rnnlab.runtime.sources import PriceSource
from rnnlab.training.backtest import backtest as run_backtest
from rnnlab.training.backtest import summarize_folds
from rnnlab.training.data import Split, load_split
from rnnlab.training.ensemble import combine
from rnnlab.training.presets import Recipe
from rnnlab.training.presets import preset as find_preset
from rnnlab.training.results import Backtest
from rnnlab.training.run import finish
from rnnlab.training.run import train as train_run
from rnnlab.training.seeds import SeedRun, train_each
from rnnlab.training.trained import Trained, card_split
from rnnlab.training.workers import check_seeds

YEARS = (2014, 2015, 2016, 2017)


def recipe_for(name: str, overrides: dict) -> Recipe:
    """The preset ``name`` with ``overrides`` (fields of ``Recipe``; None keeps the
    preset's value) applied; an unknown name is refused by ``Recipe.with_overrides``."""
    return find_preset(name).with_overrides(
        **{k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items()})


def train(prices: PriceSource, preset: str = "seed-lstm", split: str = "2017-01-01",
          seed: int = 0, *, target: str | None = None, missing: str = "drop",
          device: str = "auto", progress: bool = True, threads: int | None = None,
          **overrides: Any) -> Trained | TrainedText:
    """Train a forecaster on the days before ``split`` and score it on the days from it.

    Args:
        prices: a CSV path, a pandas DataFrame or ``rnnlab.Prices``; it needs the
            target column and the preset's ``features`` (``ohlc-gru``: Open, Low, Close).
        preset: a recipe name from ``PRESETS``: ``seed-lstm`` and ``seed-gru`` are the
            notebook's 4 x LSTM(50) and 4 x GRU(50).
        split: ``YYYY-MM-DD``, the first test day.
        seed: seeds the weights, dropout and batch order.
        target: the column to forecast; None: the first column of Prices, else ``High``.
        missing: for a CSV or DataFrame: ``"drop"`` or ``"ffill"`` empty cells.
        device: ``"auto"`` (CUDA when available), ``"cpu"`` or ``"cuda"``.
        progress: show a progress bar (on stderr).
        threads: PyTorch CPU threads; None leaves PyTorch's setting.
        **overrides: recipe fields to change, e.g. ``epochs=5``, ``units=16``,
            ``cells=("gru",)``, ``window=30``, ``transform="logret"``.

    Returns:
        ``rnnlab.Trained``, already scored on the test days beside the baselines.

    A text preset (``char-rnn``, ``char-gru``, ``char-lstm``, ``shakespeare``) trains a
    character language model instead: ``prices`` is then a text file's path or the text,
    ``precision="bf16"`` is accepted, and the result is a
    ``rnnlab.language.chartrained.TrainedText`` (see ``train_text`` there).
    """
    if preset in CHAR_PRESETS:
        return train_text(prices, preset, seed, progress=progress, threads=threads,
                          **overrides)
    recipe, data = _prepare(prices, preset, split, target, missing, overrides)
    if threads:
        torch.set_num_threads(threads)
    return train_run(data, recipe, preset, seed, device, progress)


def train_seeds(prices: PriceSource, preset: str = "seed-lstm", split: str = "2017-01-01",
                seeds: Iterable[int] = (0,), *, target: str | None = None,
                missing: str = "drop", device: str = "auto", progress: bool = True,
                threads: int = 1, workers: int | None = None,
                **overrides: Any) -> Iterator[SeedRun]:
    """:func:`train` once per seed, the seeds in parallel processes: what ``rnnlab train
    --seeds`` runs. Yields ``SeedRun(seed, trained, seconds)`` in the order of ``seeds``.

    Args:
        threads: PyTorch CPU threads per seed (the same in every worker, so a seed gives
            the same model whatever ``workers`` is).
        workers: local processes training seeds at once; None: every seed at once up
            to two per ``threads`` cores, else one per ``threads`` cores; 1: one after
            another in this process.

    The other arguments are :func:`train`'s. Data, preset and seeds are checked here,
    before any worker starts.
    """
    seeds = list(seeds)
    check_seeds(seeds)
    recipe, data = _prepare(prices, preset, split, target, missing, overrides)
    return train_each(data, recipe, preset, seeds, device, threads, workers, progress)


def _prepare(prices: PriceSource, preset: str, split: str, target: str | None, missing: str,
             overrides: dict) -> tuple[Recipe, Split]:
    """The recipe (preset and overrides) and the prices split at ``split``."""
    recipe = recipe_for(preset, overrides)
    if target is None:
        target = prices.columns[0] if isinstance(prices, Prices) else "High"
    return recipe, load_split(prices, target, recipe.features, split, missing)


def ensemble(members: Iterable[Trained | str | Path], prices: PriceSource,
             missing: str = "drop") -> Trained:
    """Average two or more trained models into one model that exports to one ONNX file.

    Args:
        members: ``rnnlab.Trained`` models or checkpoint paths, trained on the same
            data, split and preprocessing, with equally deep stacks of the same width.
        prices: the prices they were trained on (CSV path, DataFrame or Prices), to
            score the ensemble on its test days.
        missing: for a CSV or DataFrame: ``"drop"`` or ``"ffill"`` empty cells.

    Returns:
        ``rnnlab.Trained`` whose prediction is the mean of the members'.
    """
    members = list(members)
    loaded = [m if isinstance(m, Trained) else Trained.load(m) for m in members]
    model, card = combine([(m.model, m.card) for m in loaded])
    names = [m.card.preset if isinstance(m, Trained) else str(m) for m in members]
    return finish(model, card, card_split(card, prices, missing), [], {"members": names})


def backtest(sources: PriceSource | Iterable[PriceSource],
             presets: str | Iterable[str] = ("seed-lstm",), years: Iterable[int] = YEARS,
             seeds: Iterable[int] = (0,), *, target: str = "High", missing: str = "drop",
             workers: int | None = None, executor: Executor | None = None,
             store: str | Path | None = None, stored_only: bool = False,
             progress: bool = False, **overrides: Any) -> Backtest:
    """Walk-forward backtest: each test year scored by a model trained on all days before it.

    Args:
        sources: one price source or several (one ticker each): CSV paths (the ticker is
            the file name up to its first ``_``), DataFrames or :class:`rnnlab.Prices`.
        presets: one preset name or several.
        years: test years, one fold each (January 1 to December 31).
        seeds: seeds per fold; the summary gives mean and sd over them.
        target: the column to forecast.
        missing: for a CSV or DataFrame: ``"drop"`` or ``"ffill"`` empty cells.
        workers: folds trained in parallel local processes, one PyTorch thread each;
            None: every fold at once up to two per core, else one per core; 1: in this
            process.
        executor: any :class:`concurrent.futures.Executor` to train the folds on instead,
            e.g. a Dask cluster's ``Client(address).get_executor()``. Each job carries its
            prices, so workers need rnnlab of the same version but no access to the files.
        store: a SQLite file of finished folds (created when absent): folds already in it
            are read back, not trained, and each new fold is written the moment it
            finishes, so an interrupted backtest resumes where it stopped.
        stored_only: train nothing; every fold must be in ``store``.
        progress: a progress bar over folds, with an ETA, on stderr.
        **overrides: recipe fields applied to every preset, e.g. ``epochs=5``.

    Returns:
        ``rnnlab.Backtest``: every fold, and a summary beside the baselines.
    """
    single = isinstance(sources, (str, Path, Prices)) or is_frame(sources)
    names = [presets] if isinstance(presets, str) else list(presets)
    for name in names:
        recipe_for(name, overrides)  # fail fast, before any worker starts
    folds = run_backtest([sources] if single else list(sources), names, list(years),
                         list(seeds), target, overrides, workers, progress, executor, store,
                         stored_only, missing)
    return Backtest(folds, summarize_folds(folds))
