"""Sequences of different lengths in one batch: padding, masking the loss, packing.

The adding problem of :mod:`rnnlab.experiments.longlag`, with each sequence of its own
length between ``max_length // 2`` and ``max_length``: one marker in the first half of *its*
length, one in the second half. A batch pads every sequence with zero steps at the end to
``max_length``. Two readings of the padded batch:

- **many-to-one**: the answer is read where each sequence ends, at step ``lengths[b]``, either
  by gathering that row of the padded outputs (:func:`last_valid`) or from the final state of
  a packed run (``pack_padded_sequence``, which stops each sequence at its own length);
- **many-to-many**: a target at every step (the running sum of the marked values so far), the
  loss averaged over the real steps only (:func:`masked_mse`).

``tests/test_lengths.py`` checks that masking the padded run and packing give the same loss
and the same gradients.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from rnnlab.experiments.common import single_thread


def variable_adding_batch(batch: int, max_length: int, generator: torch.Generator,
                          ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Padded inputs ``(max_length, batch, 2)``, lengths ``(batch,)`` (int64) and per-step
    targets ``(max_length, batch)``: the sum of the marked values up to each step, 0 on pads."""
    lengths = torch.randint(max_length // 2, max_length + 1, (batch,), generator=generator)
    steps = torch.arange(max_length)[:, None]
    valid = steps < lengths                               # (max_length, batch)
    values = torch.rand(max_length, batch, generator=generator) * valid
    half = lengths // 2
    # one marker in [0, half), one in [half, length): uniform draws scaled to each range
    first = (torch.rand(batch, generator=generator) * half).long()
    second = half + (torch.rand(batch, generator=generator) * (lengths - half)).long()
    columns = torch.arange(batch)
    markers = torch.zeros(max_length, batch)
    markers[first, columns] = 1.0
    markers[second, columns] = 1.0
    # target at step t: $y_t = \sum_{s \le t} m_s v_s$ on real steps, 0 on the padding
    targets = (values * markers).cumsum(dim=0) * valid
    return torch.stack([values, markers], dim=-1), lengths, targets


def mask(lengths: torch.Tensor, max_length: int) -> torch.Tensor:
    """``(max_length, batch)`` floats: 1 on each sequence's real steps, 0 on its padding."""
    return (torch.arange(max_length)[:, None] < lengths).float()


def last_valid(outputs: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Row ``lengths[b] - 1`` of ``outputs`` ``(max_length, batch, hidden)`` for each ``b``:
    ``(batch, hidden)``, what each sequence's last real step produced."""
    return outputs[lengths - 1, torch.arange(outputs.shape[1])]


def masked_mse(predictions: torch.Tensor, targets: torch.Tensor,
               lengths: torch.Tensor) -> torch.Tensor:
    """Mean squared error over the real steps only; ``predictions`` and ``targets`` are
    ``(max_length, batch)``. Padding contributes nothing, to the loss or to its gradient."""
    weights = mask(lengths, predictions.shape[0])
    return ((predictions - targets) ** 2 * weights).sum() / weights.sum()


def run_packed(layer: nn.RNNBase, x: torch.Tensor,
               lengths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Run ``layer`` on the padded ``x`` packed by length: outputs ``(max_length, batch,
    hidden)`` (zeros on the padding) and each sequence's final hidden state ``(batch,
    hidden)``, taken at its own last step."""
    packed = pack_padded_sequence(x, lengths, enforce_sorted=False)
    outputs, state = layer(packed)
    h_n = state[0] if isinstance(state, tuple) else state
    padded, _ = pad_packed_sequence(outputs, total_length=x.shape[0])
    return padded, h_n[-1]


class VariableRegressor(nn.Module):
    """A recurrent layer and ``Linear(hidden, 1)``, for padded batches.

    ``reading``: ``"packed"`` reads each sequence's final state from a packed run,
    ``"padded-end"`` reads row ``-1`` of the padded run (after the padding: the common
    mistake), ``"every-step"`` applies the head at every step (many-to-many).
    """

    def __init__(self, layer: nn.RNNBase, reading: str) -> None:
        super().__init__()
        self.recurrent, self.reading = layer, reading
        self.head = nn.Linear(layer.hidden_size, 1)

    def forward(self, x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Predictions: ``(batch,)``, or ``(max_length, batch)`` for ``"every-step"``."""
        if self.reading == "packed":
            return self.head(run_packed(self.recurrent, x, lengths)[1]).squeeze(-1)
        outputs, _ = self.recurrent(x)
        if self.reading == "padded-end":
            return self.head(outputs[-1]).squeeze(-1)
        return self.head(outputs).squeeze(-1)


def train(reading: str, seed: int, max_length: int, steps: int) -> float:
    """Train a many-to-one LSTM (32 units) with ``reading`` on batches of 32 for ``steps``
    Adam steps (learning rate 0.01, clipping at 1), as in longlag; return the mean squared
    error on 512 held-out sequences."""
    torch.manual_seed(seed)
    model = VariableRegressor(nn.LSTM(2, 32), reading)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    data = torch.Generator().manual_seed(seed)
    x_test, n_test, y_test = variable_adding_batch(512, max_length,
                                                   torch.Generator().manual_seed(10_000 + seed))
    with single_thread():
        for _ in range(steps):
            x, n, y = variable_adding_batch(32, max_length, data)
            # the answer: the running sum at each sequence's last real step
            loss = nn.functional.mse_loss(model(x, n), last_valid(y[..., None], n)[:, 0])
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
        with torch.no_grad():
            answers = last_valid(y_test[..., None], n_test)[:, 0]
            return nn.functional.mse_loss(model(x_test, n_test), answers).item()
