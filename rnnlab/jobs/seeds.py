"""One model per seed, the seeds trained in parallel local processes (see ``workers``)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from typing import NamedTuple

import torch
from tqdm.auto import tqdm

from rnnlab.jobs.workers import check_workers, default_workers, finished
from rnnlab.runtime.errors import RnnlabError
from rnnlab.training.data import Split
from rnnlab.training.fit import resolve_device
from rnnlab.training.presets import Recipe
from rnnlab.training.run import train_one
from rnnlab.training.trained import Trained


class SeedRun(NamedTuple):
    """One seed's model and the wall seconds its training took (in its worker)."""

    seed: int
    trained: Trained
    seconds: float


class _Job(NamedTuple):
    data: Split
    recipe: Recipe
    preset: str
    seed: int
    device: str
    threads: int
    progress: bool


def _train(job: _Job) -> SeedRun:
    """Train one seed on ``job.threads`` PyTorch threads, in whatever process runs it."""
    torch.set_num_threads(job.threads)
    began = time.perf_counter()
    trained = train_one(job.data, job.recipe, job.preset, job.seed, job.device, job.progress)
    return SeedRun(job.seed, trained, time.perf_counter() - began)


def train_each(data: Split, recipe: Recipe, preset: str, seeds: Sequence[int],
               device: str = "auto", threads: int = 1, workers: int | None = None,
               progress: bool = True) -> Iterator[SeedRun]:
    """Each seed's :class:`SeedRun`, in the order of ``seeds``, each yielded as soon as it
    and the seeds before it are done.

    ``workers`` local processes train the seeds (None: :func:`default_workers`; 1: one
    after another in this process), each seed on ``threads``
    PyTorch threads, so every seed gives the same model whatever ``workers`` is. On a
    CUDA device the seeds train one after another. ``progress``: per-epoch bars when
    seeds train one at a time, else one bar over the seeds; on stderr.
    """
    check_workers(workers, threads)
    on_cuda = resolve_device(device).type == "cuda"
    if on_cuda and (workers or 1) > 1:
        raise RnnlabError(f"--workers {workers}: seeds train in parallel on the CPU only; "
                          "on CUDA give --workers 1 or --device cpu")
    pool = 1 if on_cuda else workers or default_workers(len(seeds), threads)
    serial = pool == 1
    jobs = {i: _Job(data, recipe, preset, seed, device, threads, progress and serial)
            for i, seed in enumerate(seeds)}
    done: dict[int, SeedRun] = {}  # finished, waiting for the seeds before them
    following = 0
    with tqdm(total=len(jobs), desc="seeds", unit="seed", file=sys.stderr, leave=False,
              disable=not progress or serial) as bar:
        for i, run in finished(_train, jobs, pool):
            done[i] = run
            bar.update()
            while following in done:
                yield done.pop(following)
                following += 1
