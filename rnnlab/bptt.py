"""Backpropagation through time by hand, in numpy, for the Elman RNN of ``rnnlab.scratch``.

The layer runs ``h_t = tanh(a_t)`` with the pre-activation
``a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh`` for ``t = 1 .. T``. A loss ``L = sum_t L_t``
has one term per step, and each ``L_t`` reads ``h_t`` (through a read-out, a target, ...).
The caller passes the *direct* gradients ``g_t = dL_t / dh_t``; this module sends them back
through time and returns ``dL/dW_ih``, ``dL/dW_hh`` and ``dL/db``.

Shapes: ``xs`` is ``(T, batch, inputs)``, states are ``(batch, hidden)``, ``hs`` holds
``h_0 .. h_T`` as ``(T + 1, batch, hidden)``, and ``g`` is ``(T, batch, hidden)`` with
``g[t - 1] = dL_t / dh_t``. ``tests/test_bptt.py`` checks every gradient against PyTorch's
autograd in float64. Chapter 2 of the tutorial derives the equations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from rnnlab.scratch import Array, CellParams, rnn_cell


@dataclass(frozen=True)
class RnnGradients:
    """Gradients of the loss with respect to one Elman layer's weights.

    ``weight_ih``: ``(hidden, inputs)``, ``weight_hh``: ``(hidden, hidden)``, ``bias``:
    ``(hidden,)``. The two bias vectors of PyTorch enter ``a_t`` as a sum, so ``bias`` is the
    gradient of each of them (``bias_ih`` and ``bias_hh`` alike).
    """

    weight_ih: Array
    weight_hh: Array
    bias: Array


def rnn_states(xs: ArrayLike, p: CellParams, h0: ArrayLike | None = None) -> Array:
    """The forward pass, keeping every state: ``h_0 .. h_T`` as ``(T + 1, batch, hidden)``.

    ``h0`` defaults to zeros, as in PyTorch.
    """
    seq = np.asarray(xs, dtype=np.float64)
    h = np.zeros((seq.shape[1], p.hidden_size)) if h0 is None else np.asarray(h0, np.float64)
    hs = [h]
    for x in seq:
        hs.append(rnn_cell(x, hs[-1], p))
    return np.stack(hs)


def _add_step(totals: RnnGradients, x: Array, h_prev: Array, h: Array, dh: Array,
              w_hh: Array) -> Array:
    """Add step t's share to ``totals``, given ``dh = dL/dh_t``; return ``dL/dh_{t-1}``.

    ``x``: ``(batch, inputs)``; ``h_prev``, ``h`` and ``dh``: ``(batch, hidden)``, for
    ``h_{t-1}``, ``h_t`` and ``dL/dh_t``. Sums over the batch.
    """
    # $\delta_t = \partial L / \partial a_t = \partial L / \partial h_t \odot (1 - h_t^2)$
    delta = dh * (1.0 - h ** 2)
    # $\partial L / \partial W_{ih} \mathrel{+}= \delta_t\, x_t^\top$
    totals.weight_ih[...] += delta.T @ x
    # $\partial L / \partial W_{hh} \mathrel{+}= \delta_t\, h_{t-1}^\top$
    totals.weight_hh[...] += delta.T @ h_prev
    # $\partial L / \partial b \mathrel{+}= \delta_t$
    totals.bias[...] += delta.sum(axis=0)
    # $\partial L / \partial h_{t-1} = W_{hh}^\top \delta_t$ (rows are the batch: $\delta_t W_{hh}$)
    return delta @ w_hh


def rnn_backward(xs: ArrayLike, hs: Array, g: ArrayLike, p: CellParams,
                 truncate: int | None = None) -> RnnGradients:
    """Gradients of ``L = sum_t L_t`` from the direct gradients ``g[t - 1] = dL_t / dh_t``.

    ``truncate=None`` is full BPTT: every ``L_t`` reaches back to step 1. ``truncate=k``
    lets each ``L_t`` reach back only ``k`` steps, to step ``t - k + 1`` (``k = 1``: no
    gradient flows from one step into an earlier one); ``k >= T`` is full BPTT again.
    ``hs`` comes from :func:`rnn_states`.
    """
    seq, grads = np.asarray(xs, dtype=np.float64), np.asarray(g, dtype=np.float64)
    if truncate is not None and truncate < 1:
        raise ValueError(f"truncate must be a positive number of steps, got {truncate}")
    totals = RnnGradients(np.zeros_like(p.weight_ih), np.zeros_like(p.weight_hh),
                          np.zeros_like(p.bias_ih))
    steps = len(seq)
    if truncate is None:
        # one sweep backwards; dh carries $W_{hh}^\top \delta_{t+1}$ from the step after
        dh = np.zeros_like(hs[0])
        for t in range(steps, 0, -1):
            # $\partial L / \partial h_t = g_t + W_{hh}^\top \delta_{t+1}$
            dh = _add_step(totals, seq[t - 1], hs[t - 1], hs[t], grads[t - 1] + dh,
                           p.weight_hh)
        return totals
    for t in range(1, steps + 1):
        # each loss term on its own, sent back through steps t, t - 1, ..., t - k + 1
        dh = grads[t - 1]
        for s in range(t, max(t - truncate, 0), -1):
            # $\partial L_t / \partial h_{s-1} = W_{hh}^\top \delta_s$, then step s - 1
            dh = _add_step(totals, seq[s - 1], hs[s - 1], hs[s], dh, p.weight_hh)
    return totals
