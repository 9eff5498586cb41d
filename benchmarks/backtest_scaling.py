"""How do backtest folds scale? In this process, a local pool, and a Dask LocalCluster.

    python -m benchmarks.backtest_scaling [--preset P] [--epochs N] [--years ...] [--seeds ...]
                                          [--rounds R] [--out benchmarks/backtest_scaling.md]

Runs the same walk-forward folds (IBM by default) one after another in this process, then
on a local process pool of 2 and on a Dask LocalCluster of 2 single-threaded worker
processes, the two taking turns for ``--rounds``. Each row gives the start-up (workers
started, PyTorch imported; not in the other figures), folds per minute and the mean
worker seconds per fold. Then the per-fold overhead of each executor alone: the median
round trip of a job that carries one fold (its prices included) and does nothing with it.
Every row records the load average, since the figures are only as quiet as the machine.
"""

from __future__ import annotations

import argparse
import operator
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from benchmarks.measure import Snapshot, machine, usage
from benchmarks.peers import IBM_CSV
from rnnlab.jobs.backtest import backtest, plan
from rnnlab.jobs.store import ResultStore
from rnnlab.runtime.files import write_text

WORKERS = 2
ROUND_TRIPS = 50
# What a fresh worker imports for its first fold (PyTorch's optimizers import torch._dynamo
# on first use: seconds), so that start-up stays out of the fold figures.
WARM_UP = "import torch, torch._dynamo, rnnlab.training.run"


@contextmanager
def local_pool():
    with ProcessPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(exec, [WARM_UP] * WORKERS))
        yield pool


@contextmanager
def dask_cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=WORKERS, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        client.run(exec, WARM_UP)  # on every worker
        yield client.get_executor()


@contextmanager
def in_process():
    yield None


EXECUTORS: dict[str, Callable[[], AbstractContextManager[Executor | None]]] = {
    "one after another, this process": in_process,
    f"local process pool, {WORKERS} workers": local_pool,
    f"Dask LocalCluster, {WORKERS} worker processes x 1 thread": dask_cluster,
}


def throughput(name: str, selection: tuple, overrides: dict, folder: Path) -> str:
    """One table row: folds per minute and mean worker seconds per fold."""
    store = folder / f"{len(os.listdir(folder))}.sqlite"
    before = Snapshot.take()
    began = time.perf_counter()
    with EXECUTORS[name]() as executor:
        started = time.perf_counter() - began
        began = time.perf_counter()
        backtest(*selection, overrides=overrides, executor=executor, store=store)
        wall = time.perf_counter() - began
    with ResultStore(store) as db:
        stored = db.get([fold.key() for fold in plan(*selection, overrides=overrides)])
    compute = statistics.fmean(fold.train_seconds for fold in stored.values())
    folds = len(stored)
    return (f"| {name} | {started:.1f} | {folds} | {wall:.1f} | {60 * folds / wall:.1f} | "
            f"{compute:.2f} | {usage(before, Snapshot.take())} |")


def overhead(name: str, selection: tuple) -> str:
    """One table row: the median round trip of a do-nothing job carrying one fold."""
    fold = plan(*selection[:1], selection[1][:1], selection[2][:1], selection[3][:1])[0]
    nothing = operator.attrgetter("seed")  # picklable by reference on any worker
    before = Snapshot.take()
    with EXECUTORS[name]() as executor:
        executor.submit(nothing, fold).result()  # workers started and warm
        trips = []
        for _ in range(ROUND_TRIPS):
            began = time.perf_counter()
            executor.submit(nothing, fold).result()
            trips.append(time.perf_counter() - began)
    return (f"| {name} | {ROUND_TRIPS} | {1000 * statistics.median(trips):.2f} | "
            f"{usage(before, Snapshot.take())} |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.backtest_scaling",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--csv", type=Path, default=IBM_CSV)
    parser.add_argument("--preset", default="ohlc-gru")
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--years", default="2014,2015,2016,2017")
    parser.add_argument("--seeds", default="0,1")
    parser.add_argument("--rounds", type=int, default=2,
                        help="times the pool and Dask each run, taking turns")
    parser.add_argument("--out", type=Path, help="also write the tables to this file")
    args = parser.parse_args(argv)
    selection = ([str(args.csv)], [args.preset], [int(y) for y in args.years.split(",")],
                 [int(s) for s in args.seeds.split(",")])
    host = machine()
    lines = [f"{args.csv.name}, preset {args.preset} with --epochs {args.epochs}, years "
             f"{args.years}, seeds {args.seeds}; {host['cpu']}, {host['usable_cores']} "
             "usable cores, shared with other jobs (load: the 1-minute load average before "
             "-> after, and the cores other processes kept busy meanwhile)", "",
             "| round | executor | start s | folds | wall s | folds per minute "
             "| worker s per fold | load |",
             "|---|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as folder:
        # The pool and Dask take turns, round after round, so that a change in the machine's
        # load between runs shows up as a spread across rounds, not as a difference between them.
        for turn in range(args.rounds):
            for name in list(EXECUTORS)[turn > 0:]:
                row = throughput(name, selection, {"epochs": args.epochs}, Path(folder))
                lines.append(row.replace("| ", f"| {turn + 1} | ", 1))
                print(lines[-1], flush=True)
    lines += ["", "Per-fold overhead of the executor alone: a job carrying one fold's prices "
              "that does nothing with them, submitted and awaited one at a time.", "",
              "| executor | round trips | median ms | load |", "|---|---|---|---|"]
    for name in list(EXECUTORS)[1:]:
        lines.append(overhead(name, selection))
        print(lines[-1], flush=True)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        write_text(args.out, text)


if __name__ == "__main__":
    main()
