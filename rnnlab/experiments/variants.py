"""Variants of the recurrent layer for the training-practice chapter (needs PyTorch).

Each function or class builds something that can stand in for ``model.recurrent`` of
:class:`rnnlab.experiments.longlag.LastStepRegressor`: it reads ``(length, batch, inputs)``
and returns ``(outputs, state)`` with outputs ``(length, batch, hidden)``.

- :func:`identity_relu`: the IRNN of Le et al. (2015), ReLU units and ``W_hh = I``;
- :func:`orthogonal`: PyTorch's layer with an orthogonal ``W_hh`` (each gate's block);
- :class:`CellLoop`: an LSTM run one step at a time, with optional layer normalisation of
  the gates and the cell (Ba et al., 2016) and optional dropout of the recurrent state with
  one mask per sequence (Gal & Ghahramani, 2016);
- :class:`BothEnds`: a bidirectional layer whose last output row holds the forward state at
  step T beside the backward state at step 1, the two that have read the whole sequence.
"""

from __future__ import annotations

import torch
from torch import nn


def identity_relu(input_size: int, hidden_size: int) -> nn.RNN:
    """An Elman layer with ReLU units and ``W_hh`` the identity (IRNN, Le et al. 2015)."""
    layer = nn.RNN(input_size, hidden_size, nonlinearity="relu")
    with torch.no_grad():
        layer.weight_hh_l0.copy_(torch.eye(hidden_size))
        layer.bias_hh_l0.zero_()
    return layer


def orthogonal(layer: nn.RNNBase) -> nn.RNNBase:
    """Make each gate's ``(hidden, hidden)`` block of ``weight_hh_l0`` a random orthogonal
    matrix (every singular value 1), in place; returns ``layer``."""
    hidden = layer.hidden_size
    with torch.no_grad():
        for block in layer.weight_hh_l0.split(hidden):
            nn.init.orthogonal_(block)
    return layer


class CellLoop(nn.Module):
    """A one-layer LSTM written as a loop over steps, to change what happens inside a step.

    ``layer_norm``: normalise the four gate pre-activations (each over the hidden units, with
    its own gain and bias) and the cell before its tanh, as in Ba et al. (2016).
    ``recurrent_dropout``: zero each unit of ``h_{t-1}`` with this probability in training,
    with ONE mask per sequence, the same at every step (Gal & Ghahramani, 2016); a fresh mask
    at every step would add noise that compounds along the sequence.
    """

    def __init__(self, input_size: int, hidden_size: int, layer_norm: bool = False,
                 recurrent_dropout: float = 0.0) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        self.cell = nn.LSTMCell(input_size, hidden_size)
        self.recurrent_dropout = recurrent_dropout
        self.gate_norms = nn.ModuleList(
            nn.LayerNorm(hidden_size) for _ in range(4)) if layer_norm else None
        self.cell_norm = nn.LayerNorm(hidden_size) if layer_norm else None

    def _step(self, x: torch.Tensor, h: torch.Tensor,
              c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """One step on ``(batch, inputs)`` and states ``(batch, hidden)``; returns ``h, c``."""
        if self.gate_norms is None:
            return self.cell(x, (h, c))
        cell = self.cell
        # $z = W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh}$, four blocks: i, f, g, o
        z = x @ cell.weight_ih.T + cell.bias_ih + h @ cell.weight_hh.T + cell.bias_hh
        i, f, g, o = (norm(block) for norm, block in zip(self.gate_norms, z.chunk(4, dim=1)))
        # $c_t = \sigma(f) \odot c_{t-1} + \sigma(i) \odot \tanh(g)$
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        # $h_t = \sigma(o) \odot \tanh(\mathrm{LN}(c_t))$
        return torch.sigmoid(o) * torch.tanh(self.cell_norm(c)), c

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """``(length, batch, inputs)`` -> outputs ``(length, batch, hidden)``, ``(h_T, c_T)``."""
        h = x.new_zeros(x.shape[1], self.hidden_size)
        c = torch.zeros_like(h)
        keep = 1.0 - self.recurrent_dropout
        mask = None
        if self.training and self.recurrent_dropout > 0:
            mask = torch.bernoulli(torch.full_like(h, keep)) / keep
        outputs = []
        for x_t in x:
            h, c = self._step(x_t, h if mask is None else h * mask, c)
            outputs.append(h)
        return torch.stack(outputs), (h, c)


class BothEnds(nn.Module):
    """A bidirectional layer (``hidden_size // 2`` units per direction) whose outputs are
    realigned so that row ``-1`` is ``[forward h_T ; backward h_1]``.

    PyTorch's ``output[-1]`` pairs the forward state at T with the backward state at T,
    which has read only ``x_T``. Flipping the backward half in time puts its state at step 1,
    which has read ``x_T .. x_1``, into the last row instead.
    """

    def __init__(self, input_size: int, hidden_size: int, kind: str = "lstm") -> None:
        super().__init__()
        layer = {"lstm": nn.LSTM, "gru": nn.GRU}[kind]
        self.layer = layer(input_size, hidden_size // 2, bidirectional=True)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, object]:
        """``(length, batch, inputs)`` -> realigned outputs ``(length, batch, hidden)``."""
        outputs, state = self.layer(x)
        half = self.layer.hidden_size
        # row t: forward state at t, backward state at length + 1 - t
        return torch.cat([outputs[..., :half], outputs.flip(0)[..., half:]], dim=-1), state
