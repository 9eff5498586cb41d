"""How far back a gradient reaches: the Elman chain against the LSTM's cell (chapter 10).

One loss term at the last step ``T`` sends a gradient of norm 1 into the last state. The
hand-written backward passes of :mod:`rnnlab.bptt` carry it back; this module records its
norm at every earlier step, for an untrained Elman layer (``dL/dh_{T-k}``) and an untrained
LSTM (``dL/dc_{T-k}``). For the LSTM it also records the part that travelled along the cell
alone, ``dL/dc_T * f_T * ... * f_{T-k+1}``: no weight matrix and no squashing slope on the
way, only forget gates, which the forget-gate bias pushes towards 1.
"""

from __future__ import annotations

import numpy as np
import torch

from rnnlab import bptt, scratch
from rnnlab.experiments.common import make_recurrent, set_forget_bias


def elman_norms(rnn: torch.nn.RNN, xs: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """``|dL/dh_{T-k}|`` for ``k = 0 .. T - 1``, when ``dL/dh_T = direction``.

    ``xs``: ``(T, 1, inputs)`` float64; ``direction``: ``(1, hidden)``.
    """
    p = scratch.layers_from_state_dict(rnn.state_dict())[0]
    hs = bptt.rnn_states(xs, p)
    dh, norms = direction, [float(np.linalg.norm(direction))]
    for t in range(len(xs), 1, -1):
        # $\partial L / \partial h_{t-1} = W_{hh}^\top ((1 - h_t^2) \odot g)$, $g$ the one of $h_t$
        dh = (dh * (1.0 - hs[t] ** 2)) @ p.weight_hh
        norms.append(float(np.linalg.norm(dh)))
    return np.array(norms)


def lstm_norms(lstm: torch.nn.LSTM, xs: np.ndarray,
               direction: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``|dL/dc_{T-k}|`` (every path) and its part along the cell alone, per unit summed as
    a norm, for ``k = 0 .. T - 1``, when ``dL/dh_T = direction``."""
    q = scratch.layers_from_state_dict(lstm.state_dict())[0]
    states = bptt.lstm_states(xs, q)
    g = np.zeros_like(states.hs[1:])
    g[-1] = direction
    _, dcs = bptt.lstm_backward(xs, states, g, q)
    forget = states.gates[:, 1]                          # f_1 .. f_T, (T, 1, hidden)
    # along the cell alone: $\partial L / \partial c_T \odot f_T \odot \dots \odot f_{T-k+1}$
    products = np.cumprod(np.concatenate([np.ones_like(forget[:1]), forget[::-1][:-1]]),
                          axis=0)
    return (np.linalg.norm(dcs[1:][::-1], axis=(1, 2)),
            np.linalg.norm(dcs[-1] * products, axis=(1, 2)))


def untrained(seq_len: int = 101, hidden_size: int = 32, input_size: int = 8, seed: int = 0,
              forget_bias: float | None = None) -> dict[str, np.ndarray]:
    """The norms for untrained layers with PyTorch's initialisation on a random sequence.

    Keys: ``"rnn"``, ``"lstm"`` and ``"lstm, cell only"``, each ``(seq_len,)``.
    ``forget_bias`` sets the LSTM's forget-gate bias (``None``: PyTorch's default).
    """
    torch.manual_seed(seed)
    rnn = make_recurrent("rnn", input_size, hidden_size, torch.float64)
    lstm = make_recurrent("lstm", input_size, hidden_size, torch.float64)
    if forget_bias is not None:
        set_forget_bias(lstm, forget_bias)
    data = torch.Generator().manual_seed(seed)
    xs = torch.randn(seq_len, 1, input_size, generator=data, dtype=torch.float64).numpy()
    direction = torch.randn(1, hidden_size, generator=data, dtype=torch.float64).numpy()
    direction /= np.linalg.norm(direction)
    every, along = lstm_norms(lstm, xs, direction)
    return {"rnn": elman_norms(rnn, xs, direction), "lstm": every, "lstm, cell only": along}
