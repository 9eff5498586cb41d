"""Walk-forward backtest: for each test year, train on every day before it, test on that year.

Folds (one per source, preset, year and seed) are independent. They run on any
:class:`concurrent.futures.Executor`: a pool of local processes on every core by default
(``workers``; 1: in this process), or a Dask cluster's (``Client.get_executor()``). With a
result store each fold is committed the moment it finishes, and a rerun trains only the folds
not yet stored.
"""

from __future__ import annotations

import itertools
import sys
import uuid
import warnings
from collections.abc import Sequence
from concurrent.futures import CancelledError, Executor
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path

from rnnlab.jobs.cluster import lost_scheduler
from rnnlab.jobs.folds import Fold, run_fold
from rnnlab.jobs.store import ResultStore
from rnnlab.jobs.workers import check_workers, default_workers, finished
from rnnlab.runtime import arguments
from rnnlab.runtime.errors import ArgumentError, DataWarning, RnnlabError
from rnnlab.runtime.prices.sources import PriceSource, read_prices
from rnnlab.runtime.prices.table import Prices, parse_date
from rnnlab.training.data import fingerprint, input_columns
from rnnlab.training.presets import preset
from rnnlab.version import __version__


def plan(sources: Sequence[PriceSource], presets: Sequence[str], years: Sequence[int],
         seeds: Sequence[int], target: str = "High", overrides: dict | None = None,
         missing: str = "drop", names: Sequence[str | None] | None = None) -> list[Fold]:
    """Every fold, in a stable order (source, preset, year, seed), prices read once per file.

    A source is a CSV path, a DataFrame or :class:`Prices` (see ``read_prices``);
    ``names`` are their tickers (None: the file name up to its first ``_``).
    """
    recipes = {name: preset(name).with_overrides(**(overrides or {})) for name in presets}
    data = {}  # (source index, columns) -> (prices, sha256): each file read once per columns
    notes = {}  # (source index, columns, year) -> the data warnings about that fold's days
    folds = []
    for (s, source), name in itertools.product(enumerate(sources), presets):
        columns = input_columns(target, recipes[name].features)
        if (s, columns) not in data:
            prices, sha256, _ = _read(source, columns, missing)
            if names and names[s]:
                prices = replace(prices, path=names[s])
            data[s, columns] = prices, sha256
            for year in years:
                _check_year(data[s, columns][0], year)
                notes[s, columns, year] = _read(source, columns, missing, year)[2]
        for year, seed in itertools.product(years, seeds):
            fold = Fold(*data[s, columns], name, recipes[name], missing, year, seed)
            named = tuple(f"fold {fold.ticker} {name} {year} seed {seed}: {message}"
                          for message in notes[s, columns, year])
            folds.append(replace(fold, warnings=named))
    return folds


def backtest(sources: Sequence[PriceSource], presets: Sequence[str], years: Sequence[int],
             seeds: Sequence[int], target: str = "High", overrides: dict | None = None,
             workers: int | None = None, progress: bool = False,
             executor: Executor | None = None,
             store: str | Path | None = None, stored_only: bool = False,
             missing: str = "drop", names: Sequence[str | None] | None = None) -> list[dict]:
    """Every fold's result (:attr:`Outcome.result`), in :func:`plan`'s order.

    Folds run on ``executor`` when given, else on a pool of ``workers`` local processes
    (None: :func:`~rnnlab.jobs.workers.default_workers`; 1: in this process). With a
    ``store`` (a SQLite file) folds already stored are read back instead of trained, and
    each new fold is stored the moment it finishes;
    ``stored_only`` trains nothing and fails unless every fold is stored.
    ``progress`` draws a bar over folds, with an ETA, on stderr.
    """
    from tqdm.auto import tqdm

    _check_arguments(years, seeds, workers)
    folds = plan(sources, presets, years, seeds, target, overrides, missing, names)
    if stored_only and (store is None or not Path(store).is_file()):
        raise ArgumentError("store", None if store is None else str(store),
                            "no such file; run the backtest with stored_only=False first",
                            cli=f"--store {store}: no such file; run the backtest without "
                            "--report first")
    with ExitStack() as stack:
        db = stack.enter_context(ResultStore(store)) if store is not None else None
        keys = [fold.key() for fold in folds]
        stored = db.get(keys) if db else {}
        results = {i: stored[key].result for i, key in enumerate(keys) if key in stored}
        todo = [i for i in range(len(folds)) if i not in results]
        if stored_only and todo:
            raise _not_stored([folds[i] for i in todo], len(folds), store, db.versions())
        if progress and stored:
            print(f"backtest: {len(results)} of {len(folds)} folds read from {store}",
                  file=sys.stderr)
        bar = stack.enter_context(tqdm(total=len(todo), desc="folds", unit="fold",
                                       file=sys.stderr, disable=not progress or not todo))
        run_id = uuid.uuid4().hex
        pool = workers or default_workers(len(todo))
        try:
            for i, outcome in finished(run_fold, {i: folds[i] for i in todo}, pool, executor):
                if outcome.rnnlab_version != __version__:
                    raise RnnlabError(f"worker {outcome.worker} runs rnnlab "
                                      f"{outcome.rnnlab_version}, this process {__version__}; "
                                      "install the same version on every worker")
                if db:
                    fold = folds[i]
                    db.put(keys[i], fold.ticker, fold.preset, fold.recipe.to_dict(),
                           outcome.result, outcome.seconds, run_id, outcome.worker)
                results[i] = outcome.result
                bar.update()
        except (CancelledError, OSError) as error:
            if executor is None:
                raise
            # a lost scheduler cancels every future, or breaks its connection
            raise lost_scheduler(error, len(results) if db else 0, store) from None
    return [results[i] for i in range(len(folds))]


def _not_stored(absent: list[Fold], total: int, store: str | Path,
                versions: dict[str, int]) -> RnnlabError:
    """The error for ``--report`` when folds are missing, naming the first of them."""
    first = absent[0]
    others = ", ".join(f"{n} from rnnlab {v}" for v, n in sorted(versions.items())
                       if v != __version__)
    problem = (f"{len(absent)} of {total} folds are not in {store} for rnnlab "
               f"{__version__} (first: {first.ticker} {first.preset} {first.year} seed "
               f"{first.seed}){f'; it holds {others}, keyed apart' if others else ''}; run the "
               "backtest")
    return ArgumentError("stored_only", True, f"{problem} with stored_only=False",
                         cli=f"--report: {problem} without --report")


def _read(source: PriceSource, columns: tuple[str, ...], missing: str,
          year: int | None = None) -> tuple[Prices, str, tuple[str, ...]]:
    """``columns`` of one source (up to the end of ``year``, if given), the sha256 that
    identifies the source (see ``fingerprint``) and the data warnings about those days."""
    until = None if year is None else parse_date(f"{year + 1}-01-01", "years")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        prices = read_prices(source, columns, missing, until=until)
    messages = tuple(str(w.message) for w in caught if issubclass(w.category, DataWarning))
    return prices, fingerprint(prices), messages


def _check_year(prices: Prices, year: int) -> None:
    """A fold needs training days before ``year`` and test days in it."""
    first = prices.before(parse_date(f"{year}-01-01", "years"))
    end = prices.before(parse_date(f"{year + 1}-01-01", "years"))
    if first == 0 or first == end:
        side = "training" if first == 0 else "test"
        raise ArgumentError("years", year, f"{prices.path} runs {prices.dates[0]} to "
                            f"{prices.dates[-1]}, so that fold has no {side} days; pick years "
                            "inside that range")


def _check_arguments(years: Sequence[int], seeds: Sequence[int], workers: int | None) -> None:
    """Fail fast, before any file is read or worker started: every argument in range."""
    arguments.years(years)
    arguments.seeds(seeds)
    check_workers(workers)
