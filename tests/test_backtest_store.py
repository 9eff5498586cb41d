"""The backtest result store: reruns skip stored folds, versions and recipes keyed apart,
concurrent writers lose nothing, --report trains nothing."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from helpers import write_prices

from rnnlab import __version__
from rnnlab.jobs import backtest as engine
from rnnlab.jobs import folds as fold_module
from rnnlab.jobs.store import FoldKey, ResultStore
from rnnlab.runtime.errors import RnnlabError

TINY = {"cells": ("gru",), "units": 4, "window": 5, "epochs": 1, "batch": 32}


@pytest.fixture
def trained(monkeypatch):
    """The folds each backtest call trains (the rest it read from the store)."""
    seen = []

    def counting(fold):
        seen.append((fold.year, fold.seed, fold.recipe.epochs))
        return fold_module.run_fold(fold)

    monkeypatch.setattr(engine, "run_fold", counting)
    return seen


@pytest.fixture
def csv(tmp_path):
    return str(write_prices(tmp_path / "TEST_prices.csv", days=700, start="2014-01-01"))


@pytest.mark.slow  # trains backtest folds twice
def test_a_rerun_trains_only_the_folds_not_stored(tmp_path, csv, trained):
    store = tmp_path / "runs" / "bt.sqlite"
    # workers=1: the folds train in this process, where `trained` counts them
    first = engine.backtest([csv], ["seed-gru"], [2015], [0, 1], overrides=TINY, store=store,
                            workers=1)
    assert len(trained) == 2
    trained.clear()
    again = engine.backtest([csv], ["seed-gru"], [2015, 2016], [0, 1], overrides=TINY,
                            store=store, workers=1)
    assert sorted(trained) == [(2016, 0, 1), (2016, 1, 1)]
    assert again[:2] == first  # read back exactly as trained
    assert engine.backtest([csv], ["seed-gru"], [2015, 2016], [0, 1], overrides=TINY,
                           store=store, stored_only=True) == again


@pytest.mark.slow  # trains backtest folds three times
def test_another_version_or_recipe_is_keyed_apart(tmp_path, csv, trained, monkeypatch):
    store = tmp_path / "bt.sqlite"
    with monkeypatch.context() as patch:
        patch.setattr(fold_module, "__version__", "0.0.1")
        patch.setattr(engine, "__version__", "0.0.1")
        engine.backtest([csv], ["seed-gru"], [2015], [0], overrides=TINY, store=store)
    with pytest.raises(RnnlabError, match=f"1 of 1 folds are not in .* for rnnlab {__version__}"
                       r" .* it holds 1 from rnnlab 0.0.1, keyed apart"):
        engine.backtest([csv], ["seed-gru"], [2015], [0], overrides=TINY, store=store,
                        stored_only=True)
    trained.clear()
    engine.backtest([csv], ["seed-gru"], [2015], [0], overrides=TINY, store=store)
    engine.backtest([csv], ["seed-gru"], [2015], [0], overrides={**TINY, "epochs": 2},
                    store=store)
    # Neither the other version's fold nor the epochs=1 fold was taken for the next run's.
    assert trained == [(2015, 0, 1), (2015, 0, 2)]
    with ResultStore(store) as db:
        assert db.versions() == {"0.0.1": 1, __version__: 2}


def test_a_fold_from_a_worker_of_another_version_is_refused(tmp_path, csv, monkeypatch):
    monkeypatch.setattr(fold_module, "__version__", "9.9.9")
    with pytest.raises(RnnlabError, match="runs rnnlab 9.9.9, this process .* same version"):
        engine.backtest([csv], ["seed-gru"], [2015], [0], overrides=TINY,
                        store=tmp_path / "bt.sqlite")
    with ResultStore(tmp_path / "bt.sqlite") as db:
        assert db.versions() == {}


WRITER = """
import sys
from concurrent.futures import ThreadPoolExecutor
from rnnlab.jobs.store import FoldKey, ResultStore
first, count = int(sys.argv[1]), int(sys.argv[2])
with ResultStore(sys.argv[3]) as db:
    for i in range(first, first + count):
        db.put(FoldKey("d", "r", 2000 + i, 0, "v"), "T", "p", {}, {"i": i}, 0.0, sys.argv[1], "w")
"""


@pytest.mark.slow  # writers in separate processes
def test_concurrent_writers_lose_nothing(tmp_path):
    store = tmp_path / "bt.sqlite"
    ResultStore(store).close()
    # Three processes at once, 150 one-fold transactions each, overlapping by half.
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(first), "150", str(store)])
               for first in (0, 75, 150)]
    assert [w.wait(timeout=120) for w in writers] == [0, 0, 0]
    with ResultStore(store) as db:
        stored = db.get([FoldKey("d", "r", 2000 + i, 0, "v") for i in range(300)])
    assert sorted(f.result["i"] for f in stored.values()) == list(range(300))
    for fold in stored.values():  # each row written whole by a writer that had that fold
        assert int(fold.run_id) <= fold.result["i"] < int(fold.run_id) + 150


def test_a_file_that_is_not_a_store_is_refused(tmp_path):
    other = tmp_path / "notes.sqlite"
    other.write_text("not a database\n" * 100)
    with pytest.raises(RnnlabError, match="notes.sqlite: not an rnnlab result store"):
        ResultStore(other)
    newer = tmp_path / "newer.sqlite"
    with sqlite3.connect(newer) as db:
        db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('schema', '2')")
    with pytest.raises(RnnlabError, match="store schema 2, this rnnlab writes schema 1"):
        ResultStore(newer)


@pytest.mark.slow  # trains a backtest's folds in worker processes first
@pytest.mark.slow  # trains a backtest's folds in worker processes first
def test_report_prints_the_stored_tables_without_training(tmp_path, csv, cli, trained):
    store = tmp_path / "bt.sqlite"
    args = ["backtest", "--csv", csv, "--preset", "seed-gru", "--years", "2015,2016",
            "--epochs", "1", "--store", store, "--no-progress"]
    code, missing_out, err = cli(*args, "--report")
    assert code == 2 and err.startswith("error: --store") and "no such file" in err
    engine.backtest([csv], ["seed-gru"], [2015], [0], overrides={"epochs": 1}, store=store)
    code, _, err = cli(*args, "--report")
    assert code == 2 and "error: --report: 1 of 2 folds are not in" in err
    code, trained_out, _ = cli(*args)
    code, report_out, _ = cli(*args, "--report")
    assert code == 0 and report_out == trained_out
    assert "| TEST | seed-gru | 2016 |" in report_out and "| seed-gru | 2 |" in report_out
    assert len(trained) == 2  # one fold by the API call, one by the CLI run, none by --report


@pytest.mark.slow  # trains folds on a process pool
def test_the_public_verb_takes_any_executor_and_a_store(tmp_path, csv):
    import rnnlab

    store = tmp_path / "bt.sqlite"
    serial = engine.backtest([csv], ["seed-gru"], [2015, 2016], [0], overrides=TINY)
    # Two threads of this process: folds still train one at a time (PyTorch's random
    # generator is process-wide), so the results match the serial run's exactly.
    with ThreadPoolExecutor(max_workers=2) as threads:
        result = rnnlab.backtest(csv, "seed-gru", [2015, 2016], [0], executor=threads,
                                 store=store, **TINY)
    assert result.folds == serial
    again = rnnlab.backtest(csv, "seed-gru", [2015, 2016], [0], store=store, stored_only=True,
                            **TINY)
    assert again.markdown() == result.markdown() and "| seed-gru | 2 |" in again.overview()
