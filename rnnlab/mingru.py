"""minGRU and minLSTM (Feng et al. 2024, "Were RNNs All We Needed?"): recurrences whose gates
read only the input, so that the whole sequence is computed by a parallel scan.

Both layers compute ``h_t = a_t * h_{t-1} + b_t`` where ``a_t`` and ``b_t`` depend on
``x_t`` alone. Training runs the recurrence as a scan in log space (``scan``: cumulative sums
over time, no loop); inference runs it one step at a time (``step``), as any RNN. Both give
the same numbers (tests/test_mingru.py: to 1e-6 in float64, gradients included).

Layout: sequences are ``(time, batch, features)``, as ``nn.GRU`` with its default
``batch_first=False``, and ``forward`` returns ``(outputs, h_last)`` like it, so a layer can
replace ``nn.GRU`` in the adding-problem harness (rnnlab/experiments/longlag.py).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


def g(x: torch.Tensor) -> torch.Tensor:
    """The positive activation that keeps the candidate state > 0, so it has a logarithm:
    ``x + 0.5`` for ``x >= 0``, ``sigmoid(x)`` below (continuous at 0, both 0.5)."""
    return torch.where(x >= 0, x + 0.5, torch.sigmoid(x))


def log_g(x: torch.Tensor) -> torch.Tensor:
    """``log(g(x))``, computed without forming ``g(x)`` where it is tiny."""
    return torch.where(x >= 0, torch.log(F.relu(x) + 0.5), -F.softplus(-x))


def scan(log_a: torch.Tensor, log_b: torch.Tensor, log_h0: torch.Tensor) -> torch.Tensor:
    """All states of ``h_t = a_t * h_{t-1} + b_t`` from the logarithms of positive ``a``, ``b``.

    ``log_a``, ``log_b``: ``(time, batch, hidden)``; ``log_h0``: ``(batch, hidden)``.
    Returns ``h_1 .. h_T``, ``(time, batch, hidden)``. With ``A_t = a_1 a_2 ... a_t``, the
    recurrence unrolls to ``h_t = A_t (h_0 + sum_{k<=t} b_k / A_k)``: one cumulative sum of
    ``log a`` and one cumulative log-sum-exp, both parallel over time (Heinsen 2023).
    """
    # log A_t = sum_{k<=t} log a_k
    log_a_star = torch.cumsum(log_a, dim=0)
    # h_0 enters as a b_0 with A_0 = 1
    log_terms = torch.cat([log_h0.unsqueeze(0), log_b - log_a_star], dim=0)
    # log(h_0 + sum_{k<=t} b_k / A_k)
    log_sums = torch.logcumsumexp(log_terms, dim=0)[1:]
    # h_t = A_t (h_0 + sum_{k<=t} b_k / A_k)
    return torch.exp(log_a_star + log_sums)


class _MinRecurrence(nn.Module):
    """What both layers share: the state's size and its default initial value."""

    def __init__(self, input_size: int, hidden_size: int, blocks: int) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        # one matrix for every gate and the candidate, ``blocks`` row blocks of ``hidden``
        self.linear = nn.Linear(input_size, blocks * hidden_size)

    def initial(self, batch: int, like: torch.Tensor) -> torch.Tensor:
        """The default initial state, ``g(0) = 0.5`` everywhere: ``(batch, hidden)``."""
        return torch.full((batch, self.hidden_size), 0.5, dtype=like.dtype, device=like.device)


class MinGRU(_MinRecurrence):
    """``z_t = sigmoid(W_z x_t + b_z)``, ``h~_t = g(W_h x_t + b_h)``,
    ``h_t = (1 - z_t) * h_{t-1} + z_t * h~_t``: a GRU whose gates do not read ``h_{t-1}``
    (and with no reset gate). Parameters: ``2 * hidden * (input + 1)``."""

    def __init__(self, input_size: int, hidden_size: int) -> None:
        # rows [z | h~]
        super().__init__(input_size, hidden_size, 2)

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """Scan mode. ``x (time, batch, input)`` -> outputs ``(time, batch, hidden)`` and the
        last state ``(1, batch, hidden)``. ``h0 (batch, hidden)`` must be > 0."""
        h0 = self.initial(x.shape[1], x) if h0 is None else h0
        k, candidate = self.linear(x).chunk(2, dim=-1)
        # log(1 - z) = -softplus(k) and log z = -softplus(-k), for z = sigmoid(k)
        log_a, log_z = -F.softplus(k), -F.softplus(-k)
        outputs = scan(log_a, log_z + log_g(candidate), torch.log(h0))
        return outputs, outputs[-1:]

    def step(self, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        """Loop mode, one step: ``x (batch, input)``, ``h (batch, hidden)`` -> the next h."""
        k, candidate = self.linear(x).chunk(2, dim=-1)
        z = torch.sigmoid(k)
        # h_t = (1 - z_t) * h_{t-1} + z_t * g(h~_t)
        return (1 - z) * h + z * g(candidate)


class MinLSTM(_MinRecurrence):
    """``f_t, i_t = sigmoid(W_f x_t + b_f), sigmoid(W_i x_t + b_i)``, normalised so that
    ``f'_t + i'_t = 1``: ``h_t = f'_t * h_{t-1} + i'_t * g(W_h x_t + b_h)``, with
    ``f'_t = f_t / (f_t + i_t)``. No output gate, no separate cell state."""

    def __init__(self, input_size: int, hidden_size: int) -> None:
        # rows [f | i | h~]
        super().__init__(input_size, hidden_size, 3)

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None
                ) -> tuple[torch.Tensor, torch.Tensor]:
        """Scan mode, shapes as ``MinGRU.forward``."""
        h0 = self.initial(x.shape[1], x) if h0 is None else h0
        kf, ki, candidate = self.linear(x).chunk(3, dim=-1)
        # d = log(i/f) = softplus(-kf) - softplus(-ki), as log sigmoid(k) = -softplus(-k)
        d = F.softplus(-kf) - F.softplus(-ki)
        # log f' = -log(1 + i/f) = -softplus(d) and log i' = -softplus(-d)
        log_f, log_i = -F.softplus(d), -F.softplus(-d)
        outputs = scan(log_f, log_i + log_g(candidate), torch.log(h0))
        return outputs, outputs[-1:]

    def step(self, x: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        """Loop mode, one step: ``x (batch, input)``, ``h (batch, hidden)`` -> the next h."""
        kf, ki, candidate = self.linear(x).chunk(3, dim=-1)
        f, i = torch.sigmoid(kf), torch.sigmoid(ki)
        # h_t = f/(f+i) * h_{t-1} + i/(f+i) * g(h~_t)
        return f / (f + i) * h + i / (f + i) * g(candidate)


def loop(layer: MinGRU | MinLSTM, x: torch.Tensor, h0: torch.Tensor | None = None
         ) -> torch.Tensor:
    """Loop mode over a whole sequence: ``x (time, batch, input)`` -> ``(time, batch, hidden)``,
    the same numbers as ``layer(x, h0)[0]``, one ``step`` at a time."""
    h = layer.initial(x.shape[1], x) if h0 is None else h0
    outputs = []
    for x_t in x:
        h = layer.step(x_t, h)
        outputs.append(h)
    return torch.stack(outputs)
