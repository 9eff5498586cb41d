"""Recurrent cells from scratch, in numpy.

Each cell computes exactly what the matching PyTorch layer computes, with the same weight
layout, so weights copied from ``torch.nn.RNN``, ``torch.nn.LSTM`` or ``torch.nn.GRU`` give the
same numbers (see ``tests/test_scratch.py``). Every line that computes something has its
equation in the comment right above it.

Shapes: ``x`` is one time step ``(batch, input_size)``, ``h`` and ``c`` are ``(batch, hidden)``,
a whole sequence is ``(seq_len, batch, input_size)`` (PyTorch's ``batch_first=False``).
PyTorch stacks the weights of all gates in one matrix: ``weight_ih`` is
``(gates * hidden, input_size)``, ``weight_hh`` is ``(gates * hidden, hidden)``, and there are
two bias vectors ``bias_ih`` and ``bias_hh`` of shape ``(gates * hidden,)``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

Array = NDArray[np.float64]
Kind = Literal["rnn", "lstm", "gru"]
#: An LSTM carries ``(h, c)``; the Elman RNN and the GRU carry ``h`` alone.
State = Array | tuple[Array, Array]

#: How many gate blocks are stacked in ``weight_ih``/``weight_hh``, per kind of cell.
GATES: dict[str, int] = {"rnn": 1, "lstm": 4, "gru": 3}


@dataclass(frozen=True)
class CellParams:
    """The weights of one recurrent layer, in PyTorch's layout (``*_l0``, ``*_l1``, ...).

    ``weight_ih``: ``(gates * hidden, input_size)``, ``weight_hh``: ``(gates * hidden, hidden)``,
    ``bias_ih`` and ``bias_hh``: ``(gates * hidden,)``.
    """

    weight_ih: Array
    weight_hh: Array
    bias_ih: Array
    bias_hh: Array

    @property
    def hidden_size(self) -> int:
        """Number of hidden units of the layer."""
        return self.weight_hh.shape[1]


def init_params(kind: Kind, input_size: int, hidden_size: int,
                rng: np.random.Generator) -> CellParams:
    """Random weights like PyTorch's default: each entry ~ U(-1/sqrt(hidden), 1/sqrt(hidden))."""
    bound = 1.0 / np.sqrt(hidden_size)
    rows = GATES[kind] * hidden_size
    shapes = [(rows, input_size), (rows, hidden_size), (rows,), (rows,)]
    return CellParams(*(rng.uniform(-bound, bound, size=shape) for shape in shapes))


def layers_from_state_dict(state_dict: Mapping[str, ArrayLike]) -> list[CellParams]:
    """Read each layer ``k`` from ``weight_ih_l{k}``, ``weight_hh_l{k}``, ``bias_ih_l{k}``, ...

    ``state_dict`` is e.g. ``torch.nn.LSTM(...).state_dict()`` (tensors convert with
    ``np.asarray``) or any mapping of arrays with those names.
    """
    layers = []
    while f"weight_ih_l{len(layers)}" in state_dict:
        k = len(layers)
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        layers.append(CellParams(*(np.asarray(state_dict[f"{name}_l{k}"], dtype=np.float64)
                                   for name in names)))
    return layers


def sigmoid(a: ArrayLike) -> Array:
    """The logistic function, written with tanh so that it never overflows."""
    # $\sigma(a) = 1 / (1 + e^{-a}) = \tfrac12 (1 + \tanh(a / 2))$
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(a, dtype=np.float64)))


def rnn_cell(x: Array, h: Array, p: CellParams) -> Array:
    """One Elman RNN step (``torch.nn.RNN``, tanh): ``x (batch, input)``, ``h (batch, hidden)``.

    Returns the new hidden state ``(batch, hidden)``.
    """
    # $h_t = \tanh(W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh})$
    return np.tanh(x @ p.weight_ih.T + p.bias_ih + h @ p.weight_hh.T + p.bias_hh)


def lstm_gates(x: Array, h: Array, p: CellParams) -> tuple[Array, Array, Array, Array]:
    """The four LSTM gate activations ``(i, f, g, o)``, each ``(batch, hidden)``."""
    # all four pre-activations at once: $W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}$
    a = x @ p.weight_ih.T + p.bias_ih + h @ p.weight_hh.T + p.bias_hh
    # PyTorch stacks the blocks as input gate, forget gate, candidate, output gate
    a_i, a_f, a_g, a_o = np.split(a, 4, axis=1)
    # input gate, how much of the candidate gets written: $i_t = \sigma(a_i)$
    i = sigmoid(a_i)
    # forget gate, how much of the old cell state is kept: $f_t = \sigma(a_f)$
    f = sigmoid(a_f)
    # candidate cell state: $\tilde c_t = \tanh(a_g)$
    g = np.tanh(a_g)
    # output gate, how much of the cell state is shown: $o_t = \sigma(a_o)$
    o = sigmoid(a_o)
    return i, f, g, o


def lstm_cell(x: Array, state: tuple[Array, Array], p: CellParams) -> tuple[Array, Array]:
    """One LSTM step (``torch.nn.LSTM``): ``state = (h, c)``, both ``(batch, hidden)``.

    Returns the new ``(h, c)``.
    """
    h, c = state
    i, f, g, o = lstm_gates(x, h, p)
    # $c_t = f_t \odot c_{t-1} + i_t \odot \tilde c_t$
    c = f * c + i * g
    # $h_t = o_t \odot \tanh(c_t)$
    h = o * np.tanh(c)
    return h, c


def gru_gates(x: Array, h: Array, p: CellParams) -> tuple[Array, Array, Array]:
    """The three GRU activations ``(r, z, n)``, each ``(batch, hidden)``, as PyTorch computes them.

    PyTorch applies the reset gate to ``W_hn h + b_hn``, *after* the matrix product
    (Keras calls this ``reset_after=True``). Cho et al. (2014) reset the state *before* it:
    ``n = tanh(W_in x + W_hn (r * h) + b_n)``. Both train equally well, but they are different
    functions, and only the first one matches ``torch.nn.GRU``.
    """
    # input parts of all three blocks: $W_{ih} x_t + b_{ih}$, blocks ordered reset, update, new
    x_r, x_z, x_n = np.split(x @ p.weight_ih.T + p.bias_ih, 3, axis=1)
    # recurrent parts: $W_{hh} h_{t-1} + b_{hh}$
    h_r, h_z, h_n = np.split(h @ p.weight_hh.T + p.bias_hh, 3, axis=1)
    # reset gate: $r_t = \sigma(W_{ir} x_t + b_{ir} + W_{hr} h_{t-1} + b_{hr})$
    r = sigmoid(x_r + h_r)
    # update gate: $z_t = \sigma(W_{iz} x_t + b_{iz} + W_{hz} h_{t-1} + b_{hz})$
    z = sigmoid(x_z + h_z)
    # candidate: $n_t = \tanh(W_{in} x_t + b_{in} + r_t \odot (W_{hn} h_{t-1} + b_{hn}))$
    n = np.tanh(x_n + r * h_n)
    return r, z, n


def gru_cell(x: Array, h: Array, p: CellParams) -> Array:
    """One GRU step (``torch.nn.GRU``): ``x (batch, input)``, ``h (batch, hidden)`` -> new ``h``."""
    _, z, n = gru_gates(x, h, p)
    # $h_t = (1 - z_t) \odot n_t + z_t \odot h_{t-1}$: $z_t = 1$ copies the old state
    return (1.0 - z) * n + z * h


#: The step function of each kind of cell: ``(x, state, params) -> new state``.
CELLS: dict[str, Callable[..., State]] = {"rnn": rnn_cell, "lstm": lstm_cell, "gru": gru_cell}


def zero_state(kind: Kind, batch: int, hidden_size: int) -> State:
    """The all-zero initial state PyTorch uses when none is given: ``h`` or ``(h, c)``."""
    h = np.zeros((batch, hidden_size))
    return (h, h.copy()) if kind == "lstm" else h


def hidden_of(state: State) -> Array:
    """The hidden state ``h`` (batch, hidden), which is also the layer's output."""
    return state[0] if isinstance(state, tuple) else state


def run_sequence(kind: Kind, xs: ArrayLike, layers: Sequence[CellParams],
                 states: Sequence[State] | None = None) -> tuple[Array, list[State]]:
    """Run a stack of cells over a sequence, like ``torch.nn.RNN/LSTM/GRU(num_layers=len(layers))``.

    ``xs``: ``(seq_len, batch, input_size)``. Layer ``k + 1`` reads the outputs of layer ``k``.
    Returns the top layer's outputs ``(seq_len, batch, hidden)`` and each layer's final state.
    """
    seq = np.asarray(xs, dtype=np.float64)
    cell = CELLS[kind]
    finals = []
    for k, p in enumerate(layers):
        state = states[k] if states is not None else zero_state(kind, seq.shape[1], p.hidden_size)
        outputs = []
        for x in seq:
            # unrolling in time: the same weights at every step, $s_t = \mathrm{cell}(x_t, s_{t-1})$
            state = cell(x, state, p)
            outputs.append(hidden_of(state))
        seq = np.stack(outputs)
        finals.append(state)
    return seq, finals


def param_count(kind: Kind, input_size: int, hidden_size: int, num_layers: int = 1,
                biases: int = 2) -> int:
    """Number of trainable parameters of a stack of recurrent layers.

    Per layer, ``gates * (hidden * (inputs + hidden) + biases * hidden)``, where layer 1 reads
    ``input_size`` features and the layers above read ``hidden_size``. PyTorch has two bias
    vectors (``biases=2``): an LSTM layer has ``4 * (h * (i + h) + 2h)`` parameters.
    Keras' LSTM and SimpleRNN have one bias (``biases=1``); Keras' GRU has two with its
    default ``reset_after=True`` (same count as PyTorch) and one with ``reset_after=False``.
    """
    total = 0
    for layer in range(num_layers):
        inputs = input_size if layer == 0 else hidden_size
        # $G\,(h\,(i + h) + b\,h)$: $G$ gate blocks, each an $h \times (i + h)$ matrix, $b$ biases
        total += GATES[kind] * (hidden_size * (inputs + hidden_size) + biases * hidden_size)
    return total
