"""The scale path under faults: each ends in one line after a bounded wait.

A port where something that is not Dask answers (an HTTP server started here), an address
of another scheme, a scheduler without workers, and a real ``dask scheduler`` process
SIGKILLed in the middle of a backtest (``slow``: real scheduler and worker processes).
"""

from __future__ import annotations

import http.server
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import write_prices

from rnnlab.jobs import cluster
from rnnlab.jobs.cluster import dask_executor
from rnnlab.runtime.errors import RnnlabError

ROOT = Path(__file__).resolve().parents[1]


def rnnlab_cli(*args, timeout=120) -> subprocess.CompletedProcess:
    """``python -m rnnlab ARGS`` in a fresh process (its exit and garbage collection too)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "rnnlab", *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def http_port():
    """A local HTTP server: a port that accepts connections but is not a Dask scheduler."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.slow  # waits out the connect timeout
def test_a_port_that_is_not_dask_is_refused_within_the_timeout(http_port, monkeypatch):
    """Dask's own client waits for ever there; the bound below is for a hang, not speed."""
    import distributed  # noqa: F401 - imported before the clock starts

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT_S", 1)
    started = time.monotonic()
    with pytest.raises(RnnlabError, match=rf"^--scheduler tcp://127.0.0.1:{http_port}: no "
                       r"answer in 1 s; is it a Dask scheduler\?"):
        with dask_executor(f"tcp://127.0.0.1:{http_port}"):
            pass
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("address", ["http://x", "https://127.0.0.1:8786", "x", "tcp://x:0",
                                     "tcp://x:99999", "tcp://:8786", "tcp://a b:1"])
def test_an_address_of_another_kind_is_one_line(address):
    with pytest.raises(RnnlabError, match=r"not a Dask scheduler address; give tcp://HOST:PORT"):
        with dask_executor(address):
            pass


@pytest.mark.slow  # the CLI in a fresh process against an HTTP server
def test_the_cli_says_http_in_one_line_and_nothing_at_exit(tmp_path):
    csv = write_prices(tmp_path / "TEST_prices.csv", days=300)
    done = rnnlab_cli("backtest", "--csv", csv, "--scheduler", "http://x", "--store",
                      tmp_path / "bt.sqlite", timeout=180)
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["error: --scheduler http://x: not a Dask scheduler "
                                        "address; give tcp://HOST:PORT (e.g. "
                                        "tcp://127.0.0.1:8786)"]
    assert not (tmp_path / "bt.sqlite").exists()


def test_the_help_shows_the_extra_literally():
    done = rnnlab_cli("backtest", "--help", timeout=180)
    assert "rnnlab[dask]" in " ".join(done.stdout.replace("│", " ").split())


@pytest.mark.slow  # waits out the scheduler's bounded timeout
def test_a_scheduler_without_workers_says_so_with_the_time_waited(monkeypatch, capsys):
    from distributed import LocalCluster

    monkeypatch.setattr(cluster, "IDLE_WARN_S", 0.5)
    monkeypatch.setattr(cluster, "WATCH_S", 0.2)
    with LocalCluster(n_workers=0, processes=False, dashboard_address=None) as local:
        with dask_executor(local.scheduler_address) as executor:
            future = executor.submit(sum, [1, 2])
            time.sleep(2)
            assert not future.done()
    err = capsys.readouterr().err
    assert f"warning: the Dask scheduler at {local.scheduler_address} has had no workers " \
           "for " in err
    assert "s; the folds wait for one (start it with `dask worker" in err


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, seconds: float = 120) -> None:
    """Return once something listens on 127.0.0.1:port (a scheduler takes seconds to start)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listened on port {port} within {seconds} s")


def stored_folds(store: Path) -> int:
    if not store.is_file():
        return 0
    try:
        with sqlite3.connect(store, timeout=1) as db:
            return db.execute("SELECT count(*) FROM folds").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


@pytest.mark.slow
def test_a_killed_scheduler_ends_in_one_line_and_the_rerun_resumes(tmp_path):
    """A real scheduler and worker; the scheduler is SIGKILLed once a fold is stored."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    dask = Path(sys.executable).parent / "dask"
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL, start_new_session=True)
    worker = subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--nworkers", "1",
                               "--no-dashboard"], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    csv = write_prices(tmp_path / "TEST_prices.csv", days=900, start="2013-01-01")
    store = tmp_path / "bt.sqlite"
    wait_for_port(port)
    args = ["backtest", "--csv", csv, "--preset", "ohlc-gru", "--years", "2014,2015,2016",
            "--epochs", "2", "--store", store, "--no-progress"]
    try:
        client = subprocess.Popen([sys.executable, "-m", "rnnlab", *map(str, args),
                                   "--scheduler", address], env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 400
        while stored_folds(store) < 1 and client.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert stored_folds(store) >= 1, client.communicate(timeout=5)
        os.killpg(scheduler.pid, signal.SIGKILL)
        _, err = client.communicate(timeout=120)
    finally:
        for process in (scheduler, worker):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    kept = stored_folds(store)
    assert client.returncode == 2, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the executor lost the folds ("), err
    assert f"the {kept} finished fold(s) are stored in {store}; rerun the same " \
           "`rnnlab backtest` command" in lines[0]
    rerun = rnnlab_cli(*args, "--workers", "1", timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert stored_folds(store) == 3
