"""A tiny trained character model, its checkpoint and its exported file (seconds to make).

Loaded by ``tests/conftest.py`` (``pytest_plugins``); the language tests mark themselves
``pytest.mark.usefixtures("one_torch_thread")``.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import SHARED

SHAKESPEARE = SHARED / "tinyshakespeare.txt"
VERSE = ("To be, or not to be, that is the question:\n"
         "Whether 'tis nobler in the mind to suffer\n"
         "The slings and arrows of outrageous fortune,\n"
         "Or to take arms against a sea of troubles\n")


def shakespeare() -> Path:
    if not SHAKESPEARE.is_file():
        pytest.skip(f"needs {SHAKESPEARE.name}: put it in {SHARED} (../shared/data beside the "
                    "checkout)")
    return SHAKESPEARE


@contextmanager
def torch_threads(count: int):
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@pytest.fixture
def one_torch_thread():
    """Tiny models run fastest on one thread, and a busy machine slows two a hundredfold."""
    with torch_threads(1):
        yield


@pytest.fixture(scope="session")
def tiny_text(tmp_path_factory):
    """A 2 x LSTM(24) trained 2 epochs on 30 copies of four lines; checkpoint and ONNX file."""
    from rnnlab.language.chartrained import train_text

    folder = tmp_path_factory.mktemp("tiny_text")
    corpus = folder / "verse.txt"
    corpus.write_text(VERSE * 30, encoding="utf-8")
    with torch_threads(1):
        trained = train_text(corpus, "char-lstm", seed=0, progress=False, epochs=2, units=24,
                             embed=8, batch=4, bptt=32, warmup=5)
    trained.save(folder / "tiny.pt")
    trained.export(folder / "tiny.onnx")
    return {"text": corpus, "pt": folder / "tiny.pt", "onnx": folder / "tiny.onnx",
            "trained": trained}
