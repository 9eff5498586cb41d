"""A backtest killed mid-way (SIGKILL) resumes from its store: it trains only the missing
folds and ends with the table of an uninterrupted run."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import write_prices

CLI = [sys.executable, "-c", "from rnnlab.cli import main; main()"]


def _stored(store) -> list[tuple]:
    """(year, seed, run_id, finished_at) of every stored fold; [] before the store exists."""
    if not store.is_file():
        return []
    try:
        with sqlite3.connect(store) as db:
            return sorted(db.execute("SELECT year, seed, run_id, finished_at FROM folds"))
    except sqlite3.OperationalError:  # the table is not created yet
        return []


def _children(pid: int) -> set[int]:
    """The live processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # it ended while we looked
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def _alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if Path(f"/proc/{pid}").exists()
            and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"}


@pytest.mark.slow  # a CLI backtest in a child process, killed and rerun
def test_a_killed_backtest_resumes_with_the_table_of_an_uninterrupted_run(tmp_path, cli):
    csv = write_prices(tmp_path / "TEST_prices.csv", days=780, start="2013-01-01")
    store = tmp_path / "runs" / "bt.sqlite"
    args = ["backtest", "--csv", str(csv), "--preset", "ohlc-gru", "--years",
            "2014,2015", "--seeds", "0,1,2", "--epochs", "1"]
    began = time.perf_counter()
    killed = subprocess.Popen([*CLI, *args, "--store", str(store), "--no-progress"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while len(_stored(store)) < 2 and killed.poll() is None:
            time.sleep(0.02)
        workers = _children(killed.pid)  # the pool's processes
        killed.send_signal(signal.SIGKILL)
    finally:
        killed.kill()
        killed.wait()
    killed_after = time.perf_counter() - began
    before = _stored(store)
    assert killed.returncode == -signal.SIGKILL, killed.stderr.read().decode()
    assert 2 <= len(before) < 6
    assert workers  # folds train in worker processes by default ...
    waited = time.perf_counter()
    while _alive(workers) and time.perf_counter() - waited < 10:
        time.sleep(0.1)
    assert not _alive(workers)  # ... which end with their killed parent, not linger

    began = time.perf_counter()
    resumed = subprocess.run([*CLI, *args, "--store", str(store)], capture_output=True,
                             text=True, timeout=300)
    resumed_in = time.perf_counter() - began
    assert resumed.returncode == 0, resumed.stderr
    after = _stored(store)
    assert set(before) <= set(after)  # the folds stored before the kill were kept as they were
    new_runs = {run for *_, run, _ in (row for row in after if row not in before)}
    assert len(after) == 6 and len(new_runs) == 1  # the rest came from the one resumed run
    assert f"{len(before)} of 6 folds read from {store}" in resumed.stderr
    assert f"{6 - len(before)}/{6 - len(before)}" in resumed.stderr  # the bar's last count

    began = time.perf_counter()
    code, uninterrupted, _ = cli(*args, "--store", tmp_path / "other.sqlite", "--no-progress")
    uninterrupted_in = time.perf_counter() - began
    assert code == 0 and resumed.stdout == uninterrupted
    print(f"killed after {killed_after:.1f} s with {len(before)} of 6 folds stored; resumed "
          f"{6 - len(before)} folds in {resumed_in:.1f} s; uninterrupted 6 folds in "
          f"{uninterrupted_in:.1f} s")
