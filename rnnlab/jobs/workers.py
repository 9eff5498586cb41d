"""Independent training jobs (the seeds of ``rnnlab train``, the folds of a backtest) on
local worker processes, one PyTorch thread each.

One small recurrent model keeps one core busy but gains little from a second one, so the
cores are better spent on several jobs at once, one process each. One thread per job also
keeps a model independent of how many jobs ran beside it: PyTorch's kernels sum in another
order on two threads, so the thread count is part of what decides a model (the same seed
and thread count give the same model, bit for bit, whatever the worker count).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from contextlib import ExitStack
from typing import TypeVar

from rnnlab.runtime import arguments

MAX_WORKERS = 64
MAX_THREADS = 256

Key = TypeVar("Key")
Job = TypeVar("Job")
Result = TypeVar("Result")


def cores() -> int:
    """The CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def default_workers(jobs: int, threads: int = 1) -> int:
    """How many workers train ``jobs`` jobs of ``threads`` PyTorch threads each.

    One-thread jobs: every job at once while that is at most two per core, else one
    worker per core. With one worker per core an odd count leaves a core idle at the end:
    three seeds on two cores take two seeds' time, while three workers sharing the two
    cores take one and a half (the seeds row of ``benchmarks/results.md`` measures it).
    Jobs of several threads get
    one worker per ``threads`` cores: thread teams that share a core wait for each other.
    At least 1, at most ``MAX_WORKERS``.
    """
    slots = max(1, cores() // threads)
    if threads == 1 and jobs <= 2 * slots:
        return max(1, min(jobs, MAX_WORKERS))
    return max(1, min(jobs, slots, MAX_WORKERS))


def check_workers(workers: int | None, threads: int = 1) -> None:
    """Raise :class:`ArgumentError` for a worker or thread count out of range (None: the
    default workers)."""
    arguments.optional_integer("workers", workers, 1, MAX_WORKERS)
    arguments.integer("threads", threads, 1, MAX_THREADS)



def finished(run: Callable[[Job], Result], jobs: dict[Key, Job], workers: int,
             executor: Executor | None = None) -> Iterator[tuple[Key, Result]]:
    """Each job's key and ``run(job)``, in the order the jobs finish.

    On ``executor`` when given, else in this process (``workers`` 1) or on a pool of
    ``workers`` local processes. When a job fails, the jobs not yet started are
    cancelled, those finished or running are still yielded, then the first error is
    raised. ``run`` must be a module-level function (it is pickled) that sets its own
    PyTorch threads.
    """
    if executor is None and workers <= 1:
        for key, job in jobs.items():
            yield key, run(job)
        return
    with ExitStack() as stack:
        if executor is None:
            executor = stack.enter_context(ProcessPoolExecutor(
                max_workers=workers, initializer=exit_with_parent, initargs=(os.getpid(),)))
        pending = {executor.submit(run, job): key for key, job in jobs.items()}
        failed = None
        try:
            for future in as_completed(pending):
                if future.cancelled() and failed is not None:
                    continue  # cancelled here, after the first failure
                try:
                    result = future.result()  # one cancelled by the executor raises too
                except Exception as error:  # noqa: BLE001 - re-raised once the rest are in
                    # One job failed: queued jobs never start, but the ones already
                    # finished or running are still collected (a backtest stores them).
                    failed = failed or error
                    for other in pending:
                        other.cancel()
                    continue
                yield pending[future], result
        finally:
            for future in pending:
                future.cancel()  # Ctrl-C, or the caller stopped: queued jobs never start
        if failed is not None:
            raise failed


def exit_with_parent(parent: int, every_s: float = 0.5) -> None:
    """In a worker: end this process soon after ``parent`` dies, even by SIGKILL.

    A killed parent cannot stop its pool, and the workers, forked with both ends of the
    pool's pipes, would wait on them for ever. A daemon thread polls who the parent is.
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every_s)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
