"""The training verbs of the public API: train, ensemble, backtest (they need PyTorch).

Each checks its arguments, then hands the work to the package that does it:
:mod:`rnnlab.training` (one price model), :mod:`rnnlab.language` (one character model),
:mod:`rnnlab.jobs` (several seeds or backtest folds in parallel). They are the one
implementation behind their ``rnnlab`` commands; the CLI only parses arguments and prints.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import torch

from rnnlab.jobs.backtest import backtest as run_backtest
from rnnlab.jobs.report import Backtest, significance, summarize_folds
from rnnlab.jobs.seeds import SeedRun, train_each
from rnnlab.language.chartrain import CHAR_PRESETS
from rnnlab.language.chartrained import TrainedText, train_text
from rnnlab.runtime import arguments
from rnnlab.runtime.card_checks import MAX_SEED
from rnnlab.runtime.errors import ArgumentError
from rnnlab.runtime.prices.frames import is_frame
from rnnlab.runtime.prices.sources import PriceSource, check_source
from rnnlab.runtime.prices.table import MISSING_POLICIES, Prices
from rnnlab.training.data import Split, load_split
from rnnlab.training.ensemble import combine
from rnnlab.training.presets import Recipe
from rnnlab.training.presets import preset as find_preset
from rnnlab.training.run import finish, train_one
from rnnlab.training.trained import Trained, card_split

YEARS = (2014, 2015, 2016, 2017)
DEVICES = ("auto", "cpu", "cuda")
TICKER = re.compile(r"[A-Za-z0-9.-]{1,32}")


def recipe_for(name: str, overrides: dict) -> Recipe:
    """The preset ``name`` with ``overrides`` (fields of ``Recipe``; None keeps the
    preset's value) applied; an unknown name is refused by ``Recipe.with_overrides``."""
    return find_preset(name).with_overrides(
        **{k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items()})


def train(prices: PriceSource, preset: str = "seed-lstm", split: str = "2017-01-01",
          seed: int = 0, *, seeds: Iterable[int] | None = None, workers: int | None = None,
          target: str | None = None, missing: str = "drop", device: str = "auto",
          progress: bool = True, threads: int | None = None,
          **overrides: Any) -> Trained | TrainedText | Iterator[SeedRun]:
    """Train a forecaster on the days before ``split`` and score it on the days from it.

    Args:
        prices: a CSV path, a pandas DataFrame or ``rnnlab.Prices``; it needs the
            target column and the preset's ``features`` (``ohlc-gru``: Open, Low, Close).
        preset: a recipe name from ``PRESETS``: ``seed-lstm`` and ``seed-gru`` are the
            notebook's 4 x LSTM(50) and 4 x GRU(50).
        split: ``YYYY-MM-DD``, the first test day.
        seed: seeds the weights, dropout and batch order.
        seeds: several seeds instead of ``seed``: one model each, trained in parallel
            processes; the result is then an iterator of ``SeedRun(seed, trained,
            seconds)`` in the order of ``seeds``, each yielded as soon as it is done.
        workers: with ``seeds``: local processes training seeds at once; None: every seed
            at once up to two per ``threads`` cores, else one per ``threads`` cores; 1: one
            after another in this process.
        target: the column to forecast; None: the first column of Prices, else ``High``.
        missing: for a CSV or DataFrame: ``"drop"`` or ``"ffill"`` empty cells.
        device: ``"auto"`` (CUDA when available), ``"cpu"`` or ``"cuda"``.
        progress: show a progress bar (on stderr).
        threads: PyTorch CPU threads; None leaves PyTorch's setting (with ``seeds``: per
            seed, default 1, the same in every worker, so a seed gives the same model
            whatever ``workers`` is).
        **overrides: recipe fields to change, e.g. ``epochs=5``, ``units=16``,
            ``cells=("gru",)``, ``window=30``, ``transform="logret"``,
            ``precision="bf16"`` (bfloat16 autocast in training; the card records it).

    Returns:
        ``rnnlab.Trained``, already scored on the test days beside the baselines.

    A text preset (``char-rnn``, ``char-gru``, ``char-lstm``, ``shakespeare``) trains a
    character language model instead: ``prices`` is then a text file's path or the text,
    ``precision`` defaults to the preset's (bf16 for ``shakespeare``), and the result is a
    ``rnnlab.language.chartrained.TrainedText`` (see ``train_text`` there).
    """
    if seeds is not None and preset not in CHAR_PRESETS:
        return _train_seeds(prices, preset, split, seeds, target, missing, device, progress,
                            1 if threads is None else threads, workers, overrides)
    if seeds is not None:  # a text preset
        raise ArgumentError("seeds", seeds, "a text preset trains one model; give seed=N")
    if workers is not None:
        raise ArgumentError("workers", workers, "says how many seeds train at once; give it "
                            "with seeds=[0, 1, 2]")
    seed = arguments.integer("seed", seed, 0, MAX_SEED)
    if preset in CHAR_PRESETS:
        return train_text(prices, preset, seed, progress=progress, threads=threads,
                          **overrides)
    threads = _check_run(device, progress, threads)
    recipe, data = _prepare(prices, preset, split, target, missing, overrides)
    if threads:
        torch.set_num_threads(threads)
    return train_one(data, recipe, preset, seed, device, progress)


def _check_run(device: str, progress: bool, threads: int | None) -> int | None:
    """The arguments that say how to train, checked; the thread count."""
    arguments.choice("device", device, DEVICES)
    arguments.flag("progress", progress)
    return arguments.threads("threads", threads)


def _train_seeds(prices: PriceSource, preset: str, split: str, seeds: Iterable[int],
                 target: str | None, missing: str, device: str, progress: bool, threads: int,
                 workers: int | None, overrides: dict) -> Iterator[SeedRun]:
    """:func:`train` with ``seeds``: data, preset and seeds are checked here, before any
    worker starts."""
    seeds = arguments.seeds(seeds)
    threads = _check_run(device, progress, threads)
    recipe, data = _prepare(prices, preset, split, target, missing, overrides)
    return train_each(data, recipe, preset, seeds, device, threads, workers, progress)


def _prepare(prices: PriceSource, preset: str, split: str, target: str | None, missing: str,
             overrides: dict) -> tuple[Recipe, Split]:
    """The recipe (preset and overrides) and the prices split at ``split``."""
    recipe = recipe_for(arguments.text("preset", preset), overrides)
    prices = check_source("prices", prices)
    if target is None:
        target = prices.columns[0] if isinstance(prices, Prices) else "High"
    split = str(arguments.date("split", split))
    return recipe, load_split(prices, arguments.text("target", target), recipe.features, split,
                              missing)


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


def backtest(sources: PriceSource | Iterable[PriceSource] | dict[str, PriceSource],
             presets: str | Iterable[str] = ("seed-lstm",),
             years: int | Iterable[int] = YEARS, seeds: int | Iterable[int] = (0,), *,
             target: str = "High", missing: str = "drop",
             workers: int | None = None, executor: Executor | None = None,
             store: str | Path | None = None, stored_only: bool = False,
             progress: bool = False, **overrides: Any) -> Backtest:
    """Walk-forward backtest: each test year scored by a model trained on all days before it.

    Args:
        sources: one price source or several (one ticker each): CSV paths (the ticker is
            the file name up to its first ``_``), DataFrames or :class:`rnnlab.Prices`;
            or a dict ticker -> source, which several DataFrames need. No two sources
            may have the same ticker.
        presets: one preset name or several (no repeats).
        years: one test year or several, one fold each (January 1 to December 31).
        seeds: one seed or several per fold (no repeats); the summary gives mean and sd.
        target: the column to forecast.
        missing: for a CSV or DataFrame: ``"drop"`` or ``"ffill"`` empty cells.
        workers: folds trained in parallel local processes, one PyTorch thread each;
            None: every fold at once up to two per core, else one per core; 1: in this
            process.
        executor: any :class:`concurrent.futures.Executor` to train the folds on instead,
            e.g. a Dask cluster's ``Client(address).get_executor()`` (or the ``Client``
            itself). Each job carries its
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
    names, sources = named_sources(sources)
    presets = arguments.names("presets", presets, "seed-lstm")
    years, seeds = arguments.years(years), arguments.seeds(seeds)
    for name in presets:
        recipe_for(name, overrides)  # fail fast, before any worker starts
    arguments.choice("missing", missing, MISSING_POLICIES)
    arguments.flag("progress", progress)
    if stored_only is not False:
        _check_stored(store, arguments.flag("stored_only", stored_only))
    if store is not None:
        store = arguments.path("store", store, "the SQLite file of finished folds")
    if executor is not None and not isinstance(executor, Executor):
        if not hasattr(executor, "get_executor"):
            raise ArgumentError("executor", type(executor).__name__, "is not a "
                                "concurrent.futures.Executor; pass one, e.g. a Dask "
                                "client's client.get_executor()")
        executor = executor.get_executor()  # a Dask Client: its Executor view
    folds = run_backtest(sources, list(presets), years, seeds, arguments.text("target", target),
                         overrides, workers, progress, executor, store, stored_only, missing,
                         names)
    return Backtest(folds, summarize_folds(folds), significance(folds))


def named_sources(sources: object) -> tuple[list[str | None], list[PriceSource]]:
    """A backtest's sources and their tickers (None: from the file name), checked.

    ``sources`` is one source, several, or a dict ticker -> source. A DataFrame among
    several must be named (a dict), and no two sources may share a ticker: their folds
    would be merged into one summary row.
    """
    if isinstance(sources, dict):
        items = list(sources.items())
        for name, _ in items:
            if not isinstance(name, str) or not TICKER.fullmatch(name):
                raise ArgumentError("sources", arguments.shown(name), "is not a ticker name; "
                                    "name each source with letters, digits, '.' or '-', "
                                    "e.g. {'IBM': frame}")
    elif isinstance(sources, (str, os.PathLike, Prices)) or is_frame(sources):
        items = [(None, sources)]
    elif isinstance(sources, Iterable) and not isinstance(sources, bytes):
        items = [(None, source) for source in sources]
    else:
        items = [(None, sources)]
    if not items:
        raise ArgumentError("sources", [], "is empty; give a price CSV, a DataFrame or "
                            "several, e.g. {'IBM': frame}")
    items = [(name, check_source("sources", source)) for name, source in items]
    tickers = []
    for name, source in items:
        if name is None and is_frame(source) and len(items) > 1:
            raise ArgumentError("sources", "DataFrame", "a DataFrame among several needs a "
                                "name; pass a dict {'IBM': frame_ibm, 'AAPL': frame_aapl}")
        path = source.path if isinstance(source, Prices) else str(source)
        tickers.append(name or Path(path).name.split("_")[0])
    repeated = sorted({t for t in tickers if tickers.count(t) > 1})
    if repeated:
        raise ArgumentError("sources", repeated[0], "names two sources; give each ticker once "
                            "(their folds would share one summary row), or name them with a "
                            "dict {name: source}")
    return [name for name, _ in items], [source for _, source in items]


def _check_stored(store: str | Path | None, stored_only: bool) -> None:
    """``stored_only`` reads every fold from ``store``, which must be given."""
    if stored_only and store is None:
        raise ArgumentError("store", None, "stored_only=True reads every fold from a store; "
                            "give store='runs/backtest.sqlite' (the store a backtest wrote)")
