"""The character language model, in PyTorch.

    ids (batch, time)                                   integers in [0, vocab)
      -> embedding                (batch, time, embed)
      -> [recurrent layer] x layers, dropout between    (rnn = Elman tanh, lstm, gru)
      -> dropout -> linear head   (batch, time, vocab)  logits of the next character

The state is carried in and out, so training can continue a stream from one batch to
the next (stateful truncated BPTT) and generation can go on one character at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

CELLS = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


@dataclass(frozen=True)
class CharShape:
    """What the network is: cell type, vocabulary size and widths."""

    cell: str
    vocab: int
    embed: int
    units: int
    layers: int


class CharNet(nn.Module):
    """Embedding, a stack of recurrent layers, a softmax head over the vocabulary."""

    def __init__(self, shape: CharShape, dropout: float = 0.0) -> None:
        super().__init__()
        self.shape = shape
        self.embed = nn.Embedding(shape.vocab, shape.embed)
        self.rnn = CELLS[shape.cell](shape.embed, shape.units, num_layers=shape.layers,
                                     dropout=dropout if shape.layers > 1 else 0.0,
                                     batch_first=True)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(shape.units, shape.vocab)

    def zero_state(self, batch: int, device: torch.device | str = "cpu"):
        """The state before any character: zeros, ``(layers, batch, units)`` (LSTM: h and c)."""
        zeros = torch.zeros(self.shape.layers, batch, self.shape.units, device=device)
        return (zeros, zeros.clone()) if self.shape.cell == "lstm" else zeros

    def forward(self, ids: torch.Tensor, state=None):
        """``ids (batch, time)`` -> ``(logits (batch, time, vocab), state after the last step)``."""
        out, state = self.rnn(self.embed(ids), state)
        return self.head(self.drop(out)), state


def detach(state):
    """The state's values without their history: the cut of truncated BPTT."""
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
