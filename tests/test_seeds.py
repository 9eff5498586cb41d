"""Seeds trained in parallel worker processes give the models the serial run gives."""

from __future__ import annotations

import pytest
import torch

import rnnlab
from rnnlab.jobs import workers
from rnnlab.runtime.errors import RnnlabError

TINY = {"cells": ("lstm",), "units": 4, "window": 5, "epochs": 2, "batch": 16}


def trained(prices_csv, workers: int) -> list:
    return list(rnnlab.train(prices_csv, "seed-lstm", "2015-08-01", seeds=[1, 0], workers=workers,
                             device="cpu", progress=False, **TINY))


def test_parallel_seeds_equal_the_serial_run(prices_csv):
    serial, parallel = trained(prices_csv, 1), trained(prices_csv, 2)
    assert [run.seed for run in parallel] == [1, 0]  # in the order asked, not finished
    for one, two in zip(serial, parallel):
        assert one.trained.history == two.trained.history
        assert one.trained.evaluation.to_dict() == two.trained.evaluation.to_dict()
        for (name, a), b in zip(one.trained.model.state_dict().items(),
                                two.trained.model.state_dict().values()):
            assert torch.equal(a, b), name
    assert serial[0].trained.history != serial[1].trained.history


@pytest.mark.parametrize("arguments, message", [
    ({"workers": 0}, "workers=0: must be between 1 and 64"),
    ({"threads": 0}, "threads=0: must be between 1 and 256"),
    ({"seeds": []}, r"seeds=\[\]: is empty"),
    ({"device": "cuda", "workers": 2}, "CUDA"),
])
def test_bad_workers_threads_or_seeds_fail_before_training(prices_csv, arguments, message):
    if arguments.get("device") == "cuda" and not torch.cuda.is_available():
        message = "no CUDA GPU is visible"
    arguments = {"seeds": [0], **arguments}
    with pytest.raises(RnnlabError, match=message):
        list(rnnlab.train(prices_csv, "seed-lstm", "2015-08-01", progress=False, **arguments))


def test_workers_without_seeds_and_seeds_of_a_text_preset_are_refused(prices_csv, tmp_path):
    with pytest.raises(RnnlabError, match=r"workers=2: .* give it with seeds="):
        rnnlab.train(prices_csv, "seed-lstm", workers=2)
    with pytest.raises(RnnlabError, match=r"seeds=\[0, 1\]: a text preset trains one model"):
        rnnlab.train("some text", "char-lstm", seeds=[0, 1])


@pytest.mark.parametrize("jobs, threads, expected", [
    (1, 1, 1), (3, 1, 3), (4, 1, 4), (5, 1, 2), (36, 1, 2), (0, 1, 1), (3, 2, 1), (2, 3, 1)])
def test_default_workers_on_two_cores(monkeypatch, jobs, threads, expected):
    # every one-thread job at once up to two per core, then one per core; a job of several
    # threads gets cores of its own
    monkeypatch.setattr(workers, "cores", lambda: 2)
    assert workers.default_workers(jobs, threads) == expected
