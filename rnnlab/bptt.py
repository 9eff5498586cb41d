"""Backpropagation through time by hand, in numpy, for the Elman RNN and the LSTM of
``rnnlab.scratch``.

The layer runs ``h_t = tanh(a_t)`` with the pre-activation
``a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh`` for ``t = 1 .. T``. A loss ``L = sum_t L_t``
has one term per step, and each ``L_t`` reads ``h_t`` (through a read-out, a target, ...).
The caller passes the *direct* gradients ``g_t = dL_t / dh_t``; this module sends them back
through time and returns ``dL/dW_ih``, ``dL/dW_hh`` and ``dL/db``.

Shapes: ``xs`` is ``(T, batch, inputs)``, states are ``(batch, hidden)``, ``hs`` holds
``h_0 .. h_T`` as ``(T + 1, batch, hidden)``, and ``g`` is ``(T, batch, hidden)`` with
``g[t - 1] = dL_t / dh_t``. ``tests/test_bptt.py`` checks every gradient against PyTorch's
autograd in float64. Chapter 2 of the tutorial derives the equations.

The LSTM (:func:`lstm_states`, :func:`lstm_backward`) runs ``c_t = f_t * c_{t-1} + i_t * g_t``
and ``h_t = o_t * tanh(c_t)``; its backward pass carries two gradients back in time,
``dL/dh_t`` and ``dL/dc_t``, and the second one passes from ``c_t`` to ``c_{t-1}`` through
a multiplication by ``f_t`` only: no weight matrix, no squashing slope. Chapter 10 measures
what that does to the gradient.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from rnnlab.scratch import Array, CellParams, lstm_gates, rnn_cell


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


@dataclass(frozen=True)
class LstmStates:
    """The LSTM's forward pass, kept for the backward one: ``hs`` and ``cs`` are ``h_0 .. h_T``
    and ``c_0 .. c_T``, ``(T + 1, batch, hidden)``; ``gates`` holds ``i, f, g, o`` of steps
    1 .. T, ``(T, 4, batch, hidden)``."""

    hs: Array
    cs: Array
    gates: Array


def lstm_states(xs: ArrayLike, p: CellParams, h0: ArrayLike | None = None,
                c0: ArrayLike | None = None) -> LstmStates:
    """Run the LSTM over ``xs`` ``(T, batch, inputs)``; ``h0`` and ``c0`` default to zeros."""
    seq = np.asarray(xs, dtype=np.float64)
    zeros = np.zeros((seq.shape[1], p.hidden_size))
    h = zeros if h0 is None else np.asarray(h0, np.float64)
    c = zeros if c0 is None else np.asarray(c0, np.float64)
    hs, cs, gates = [h], [c], []
    for x in seq:
        i, f, g, o = lstm_gates(x, hs[-1], p)
        # $c_t = f_t \odot c_{t-1} + i_t \odot g_t$
        cs.append(f * cs[-1] + i * g)
        # $h_t = o_t \odot \tanh(c_t)$
        hs.append(o * np.tanh(cs[-1]))
        gates.append(np.stack([i, f, g, o]))
    return LstmStates(np.stack(hs), np.stack(cs), np.stack(gates))


def lstm_backward(xs: ArrayLike, states: LstmStates, g: ArrayLike,
                  p: CellParams) -> tuple[RnnGradients, Array]:
    """Full BPTT through the LSTM from the direct gradients ``g[t - 1] = dL_t / dh_t``.

    Returns the weight gradients (rows in PyTorch's gate order i, f, g, o: ``weight_ih``
    ``(4 hidden, inputs)``, ``weight_hh`` ``(4 hidden, hidden)``, ``bias`` ``(4 hidden,)``)
    and ``dL/dc_t`` for ``t = 0 .. T`` as ``(T + 1, batch, hidden)``: the gradient that
    travels along the cell.
    """
    seq, grads = np.asarray(xs, dtype=np.float64), np.asarray(g, dtype=np.float64)
    totals = RnnGradients(np.zeros_like(p.weight_ih), np.zeros_like(p.weight_hh),
                          np.zeros_like(p.bias_ih))
    dh_next = np.zeros_like(states.hs[0])   # $W_{hh}^\top \delta_{t+1}$, from the step after
    carry = np.zeros_like(states.cs[0])     # $f_{t+1} \odot \partial L / \partial c_{t+1}$: 0 at T
    dcs = []
    for t in range(len(seq), 0, -1):
        i, f, gg, o = states.gates[t - 1]
        c, c_prev = states.cs[t], states.cs[t - 1]
        dh = grads[t - 1] + dh_next
        tanh_c = np.tanh(c)
        # $\partial L / \partial c_t = \partial L / \partial h_t \odot o_t (1 - \tanh^2 c_t)
        # + f_{t+1} \odot \partial L / \partial c_{t+1}$ (the second term: carry)
        dc = dh * o * (1.0 - tanh_c ** 2) + carry
        dcs.append(dc)
        # pre-activation gradients: sigmoid' = s (1 - s) for i, f, o and tanh' = 1 - g^2
        delta = np.concatenate([dc * gg * i * (1.0 - i),              # input gate
                                dc * c_prev * f * (1.0 - f),          # forget gate
                                dc * i * (1.0 - gg ** 2),             # candidate
                                dh * tanh_c * o * (1.0 - o)], axis=1)  # output gate
        totals.weight_ih[...] += delta.T @ seq[t - 1]
        totals.weight_hh[...] += delta.T @ states.hs[t - 1]
        totals.bias[...] += delta.sum(axis=0)
        dh_next = delta @ p.weight_hh
        # $\partial L / \partial c_{t-1} \mathrel{+}= f_t \odot \partial L / \partial c_t$:
        # the additive path, no matrix and no slope on it
        carry = f * dc
    # $c_0$ reaches the loss only through $c_1$
    return totals, np.stack([carry, *dcs[::-1]])
