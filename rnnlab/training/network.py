"""The stacked recurrent forecaster, in PyTorch.

    x (batch, window, features)
      -> [recurrent layer -> dropout] x layers      (rnn = Elman tanh, lstm, gru)
      -> last step's output (batch, units * directions)
      -> linear head -> (batch,) next scaled value
      [+ skip: a linear map of x's last ``arch.skip`` steps, flattened]

With ``branches > 1`` several such stacks read ``x`` side by side and the head reads
their last outputs concatenated, ``(batch, branches * units * directions)``.

As in the notebook's Keras model, dropout follows every recurrent layer,
including the last one, and is off in ``eval()`` mode.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from rnnlab.runtime.card import Architecture

LAYER_TYPES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class Forecaster(nn.Module):
    """A stack of single recurrent layers with a linear head on the last step."""

    def __init__(self, arch: Architecture, dropout: float = 0.0) -> None:
        super().__init__()
        self.arch = arch
        bottoms = {arch.branch(b)[0] for b in range(arch.branches)}
        self.layers = nn.ModuleList(
            LAYER_TYPES[cell](arch.features if i in bottoms else arch.width, arch.units,
                              batch_first=True, bidirectional=arch.bidirectional)
            for i, cell in enumerate(arch.cells)
        )
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(arch.width * arch.branches, 1)
        self.skip = nn.Linear(arch.skip * arch.features, 1) if arch.skip else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(batch, window, features)`` -> ``(batch,)``, every layer from a zero state."""
        last = []
        for b in range(self.arch.branches):
            h = x
            for i in self.arch.branch(b):
                h = self.dropout(self.layers[i](h)[0])
            last.append(h[:, -1])
        y = self.head(torch.cat(last, dim=-1)).squeeze(-1)
        if self.skip is None:
            return y
        # y += x[:, -skip:] flattened (batch, skip * features) . w_skip + b_skip
        return y + self.skip(x[:, -self.arch.skip:].reshape(len(x), -1)).squeeze(-1)


def keras_init_(model: Forecaster) -> None:
    """Re-initialise ``model`` the way Keras does, so the seed presets start alike.

    Input weights: Glorot uniform over the whole ``(gates * units, inputs)`` matrix;
    recurrent weights: orthogonal; biases: zero, except the LSTM forget gate's 1.
    Keras' LSTM and SimpleRNN have one bias per gate where PyTorch has two
    (``bias_ih + bias_hh``), so their ``bias_hh`` is frozen at zero; Keras' GRU
    (``reset_after=True``) has both, like PyTorch's.
    """
    for layer in model.layers:
        for name, param in layer.named_parameters():
            if name.startswith("weight_ih"):
                # U(-a, a),  a = sqrt(6 / (fan_in + fan_out))
                limit = math.sqrt(6.0 / sum(param.shape))
                nn.init.uniform_(param, -limit, limit)
            elif name.startswith("weight_hh"):
                nn.init.orthogonal_(param)
            else:
                nn.init.zeros_(param)
                if not isinstance(layer, nn.GRU) and name.startswith("bias_hh"):
                    param.requires_grad_(False)
                if isinstance(layer, nn.LSTM) and name.startswith("bias_ih"):
                    units = param.shape[0] // 4
                    # PyTorch gate order is (input, forget, cell, output): forget is slice 1.
                    nn.init.ones_(param[units:2 * units])
    limit = math.sqrt(6.0 / sum(model.head.weight.shape))
    nn.init.uniform_(model.head.weight, -limit, limit)
    nn.init.zeros_(model.head.bias)


def build(arch: Architecture, dropout: float, init: str, seed: int) -> Forecaster:
    """A freshly initialised model; the same ``seed`` always gives the same weights."""
    torch.manual_seed(seed)
    model = Forecaster(arch, dropout)
    if init == "keras":
        keras_init_(model)
    return model
