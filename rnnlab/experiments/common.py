"""Pieces shared by the experiments: building a recurrent layer of a given kind."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import nn

#: The three cells compared throughout the tutorial.
KINDS: tuple[str, ...] = ("rnn", "lstm", "gru")

_LAYERS: dict[str, type[nn.RNNBase]] = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def make_recurrent(kind: str, input_size: int, hidden_size: int,
                   dtype: torch.dtype = torch.float32) -> nn.RNNBase:
    """A one-layer ``nn.RNN``/``nn.LSTM``/``nn.GRU`` with PyTorch's default initialisation.

    It reads sequences ``(seq_len, batch, input_size)`` and returns outputs
    ``(seq_len, batch, hidden_size)``. Seed ``torch.manual_seed`` first for reproducibility.
    """
    return _LAYERS[kind](input_size, hidden_size).to(dtype)


def set_forget_bias(lstm: nn.LSTM, value: float) -> None:
    """Start the forget gate near ``sigmoid(value)``: ``bias_ih`` gets ``value``, ``bias_hh`` 0.

    Keras does this with ``value=1`` by default (``unit_forget_bias=True``).
    """
    hidden = lstm.hidden_size
    with torch.no_grad():
        # PyTorch orders the gate blocks i, f, g, o: the forget gate is rows hidden:2*hidden
        lstm.bias_ih_l0[hidden:2 * hidden] = value
        lstm.bias_hh_l0[hidden:2 * hidden] = 0.0


@contextmanager
def single_thread() -> Iterator[None]:
    """Run torch on one CPU thread inside the ``with`` block, then restore the setting.

    The experiments' models are too small to gain from more threads, and on a busy machine
    extra threads spin-wait for each other and make training many times slower.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
