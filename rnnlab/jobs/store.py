"""A SQLite store of finished backtest folds, so that a backtest can resume.

Standard library only. One row per fold, keyed by what determines its result: the data's
sha256, the recipe's sha256 (preset, its resolved settings, target and missing-value
policy), the test year, the seed and the rnnlab version. A fold trained by another rnnlab
version is keyed apart: it is never read back as if this version had trained it.

Each fold is committed in its own transaction the moment it finishes, so an interrupted
backtest loses at most the folds in flight. The database runs in WAL mode with a busy
timeout, so several backtests can write one store at once: a writer waits for the lock
instead of failing, and a fold stored twice (two runs that trained it at the same time)
keeps its first row.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rnnlab.runtime.errors import RnnlabError

SCHEMA = "1"
BUSY_TIMEOUT_S = 60.0

CREATE = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS folds (
    data_sha256 TEXT NOT NULL,
    recipe_sha256 TEXT NOT NULL,
    year INTEGER NOT NULL,
    seed INTEGER NOT NULL,
    rnnlab_version TEXT NOT NULL,
    ticker TEXT NOT NULL,
    preset TEXT NOT NULL,
    recipe TEXT NOT NULL,
    result TEXT NOT NULL,
    train_seconds REAL NOT NULL,
    finished_at REAL NOT NULL,
    run_id TEXT NOT NULL,
    worker TEXT NOT NULL,
    PRIMARY KEY (data_sha256, recipe_sha256, year, seed, rnnlab_version)
);
"""


@dataclass(frozen=True)
class FoldKey:
    """What determines a fold's result; the store's primary key."""

    data_sha256: str
    recipe_sha256: str
    year: int
    seed: int
    rnnlab_version: str


@dataclass(frozen=True)
class StoredFold:
    """One stored fold: its result (as ``run_fold`` returned it) and where it came from.

    ``train_seconds`` is the worker's wall time for the fold; ``finished_at`` is Unix time
    (seconds) when the fold was committed; ``run_id`` names the backtest that trained it.
    """

    key: FoldKey
    result: dict
    train_seconds: float
    finished_at: float
    run_id: str
    worker: str


class ResultStore:
    """The fold store at ``path`` (created, with its folder, when absent).

    Use one instance per thread (SQLite connections are not shared across threads).
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise RnnlabError(f"--store {self.path}: is a folder; give a file path such as "
                              f"{self.path / 'backtest.sqlite'}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S,
                                       isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(CREATE)  # each CREATE ... IF NOT EXISTS is atomic
            with self._transaction():
                self._db.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA,))
                schema = self._db.execute(
                    "SELECT value FROM meta WHERE name = 'schema'").fetchone()[0]
        except sqlite3.OperationalError as error:  # locked past the timeout, read-only, ...
            raise RnnlabError(f"--store {self.path}: {error}; retry, or give another path") \
                from None
        except sqlite3.DatabaseError as error:
            raise RnnlabError(f"--store {self.path}: not an rnnlab result store ({error}); "
                              "give another path") from None
        if schema != SCHEMA:
            self.close()
            raise RnnlabError(f"--store {self.path}: store schema {schema}, this rnnlab writes "
                              f"schema {SCHEMA}; give another path")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE ... COMMIT`` (ROLLBACK on any error): takes the write lock up
        front, waiting up to the busy timeout for another writer, so no write fails half-way.
        """
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def get(self, keys: list[FoldKey]) -> dict[FoldKey, StoredFold]:
        """The stored folds among ``keys`` (absent keys are left out)."""
        found = {}
        for key in keys:
            row = self._db.execute(
                "SELECT result, train_seconds, finished_at, run_id, worker FROM folds WHERE "
                "data_sha256 = ? AND recipe_sha256 = ? AND year = ? AND seed = ? AND "
                "rnnlab_version = ?", _values(key)).fetchone()
            if row is not None:
                found[key] = StoredFold(key, json.loads(row[0]), *row[1:])
        return found

    def put(self, key: FoldKey, ticker: str, preset: str, recipe: dict, result: dict,
            train_seconds: float, run_id: str, worker: str) -> None:
        """Commit one finished fold now; a fold already stored keeps its first row."""
        with self._transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO folds VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*_values(key), ticker, preset, json.dumps(recipe, sort_keys=True),
                 json.dumps(result), train_seconds, time.time(), run_id, worker))

    def versions(self) -> dict[str, int]:
        """How many folds each rnnlab version has stored."""
        return dict(self._db.execute(
            "SELECT rnnlab_version, COUNT(*) FROM folds GROUP BY rnnlab_version").fetchall())

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _values(key: FoldKey) -> tuple:
    return (key.data_sha256, key.recipe_sha256, key.year, key.seed, key.rnnlab_version)
