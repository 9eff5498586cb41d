"""Backtest folds on a Dask cluster: an in-process LocalCluster (no network, no dashboard)
gives the same folds as the local process pool."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from helpers import write_prices

from rnnlab.jobs.backtest import backtest, plan
from rnnlab.jobs.cluster import dask_executor
from rnnlab.jobs.store import ResultStore
from rnnlab.runtime.errors import RnnlabError
from rnnlab.training import presets

TINY = {"cells": ("gru",), "units": 4, "window": 5, "epochs": 1, "batch": 32}


@pytest.mark.slow  # a Dask LocalCluster with worker processes
def test_a_dask_cluster_gives_the_local_pools_folds(tmp_path, capsys):
    from distributed import Client, LocalCluster

    csv = str(write_prices(tmp_path / "TEST_prices.csv", days=600, start="2014-01-01"))
    args = ([csv], ["seed-gru"], [2015, 2016], [0, 1])
    pool = backtest(*args, overrides=TINY, workers=2)
    # Two worker threads in this process: folds still train one at a time per process.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        dask = backtest(*args, overrides=TINY, executor=client.get_executor(),
                        store=tmp_path / "bt.sqlite", progress=True)
    assert dask == pool
    assert "folds: 100%" in capsys.readouterr().err
    with ResultStore(tmp_path / "bt.sqlite") as db:
        stored = db.get([fold.key() for fold in plan(*args, overrides=TINY)])
    assert [stored[key].result for key in stored] == pool


def test_an_unreachable_scheduler_is_one_line(monkeypatch):
    monkeypatch.setattr("rnnlab.jobs.cluster.CONNECT_TIMEOUT_S", 1)
    with pytest.raises(RnnlabError, match=r"--scheduler tcp://127.0.0.1:9: cannot connect \("):
        with dask_executor("tcp://127.0.0.1:9"):
            pass


@pytest.mark.slow  # a Dask LocalCluster with worker processes
def test_the_cli_sends_folds_to_a_scheduler(tmp_path, cli):
    from distributed import LocalCluster

    csv = write_prices(tmp_path / "TEST_prices.csv", days=600, start="2014-01-01")
    args = ["backtest", "--csv", csv, "--preset", "ohlc-gru", "--years", "2015,2016",
            "--epochs", "1", "--no-progress"]
    code, local, _ = cli(*args, "--store", tmp_path / "local.sqlite")
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster:
        code, remote, err = cli(*args, "--store", tmp_path / "dask.sqlite", "--scheduler",
                                cluster.scheduler_address)
    assert code == 0, err
    assert remote == local
    with ResultStore(tmp_path / "dask.sqlite") as db:
        assert sum(db.versions().values()) == 2


@pytest.mark.slow  # a Dask LocalCluster with worker processes
def test_the_readmes_cluster_example_runs(tmp_path, monkeypatch, capsys):
    """The README's Python block under "Backtests on a cluster", on an in-process cluster,
    a synthetic file of the name it reads, and its preset shrunk to a tiny recipe."""
    from distributed import LocalCluster

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    code = re.search(r"^```python\n(.*?)^```", text[text.index("## Backtests on a cluster"):],
                     re.S | re.M).group(1)
    monkeypatch.chdir(tmp_path)
    write_prices(tmp_path / "IBM_2006-01-01_to_2018-01-01.csv", days=1000, start="2013-06-03")
    monkeypatch.setitem(presets.PRESETS, "ohlc-gru",
                        presets.PRESETS["ohlc-gru"].with_overrides(units=4, window=5, epochs=1))
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster:
        exec(compile(code.replace("tcp://HOST:8786", cluster.scheduler_address), "README.md",
                     "exec"), {})  # noqa: S102 - our own README
    assert "| IBM | ohlc-gru | 2017 |" in capsys.readouterr().out
    with ResultStore(tmp_path / "runs" / "backtest.sqlite") as db:
        assert sum(db.versions().values()) == 4  # the default years, 2014 to 2017


def test_without_the_dask_extra_the_error_names_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    with pytest.raises(RnnlabError, match=r"pip install 'rnnlab\[dask\]'"):
        with dask_executor("tcp://127.0.0.1:8786"):
            pass
