"""A character RNN in numpy, min-char-rnn style, trained with chapter 2's own BPTT.

Karpathy's min-char-rnn (2015) in the tutorial's pieces: the Elman cell of
``rnnlab.scratch``, the backward pass of ``rnnlab.bptt``, a softmax read-out, Adagrad.

    one-hot x_t (batch, vocab) -> h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)
                                  (batch, hidden)
                               -> z_t = W_hy h_t + b_y, p_t = softmax(z_t)  (batch, vocab)

The loss is the mean of ``-ln p_t[c_{t+1}]`` over steps and batch rows: nats per character.
Training reads ``batch`` contiguous streams of the text, ``steps`` characters at a time,
and carries ``h`` from one window to the next (truncated BPTT, as min-char-rnn does).
``tests/test_minchar.py`` checks every gradient against PyTorch's autograd.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnlab.bptt import rnn_backward, rnn_states
from rnnlab.scratch import Array, CellParams, init_params


@dataclass(frozen=True)
class MinChar:
    """The weights: an Elman layer (``cell``, PyTorch's layout) and the read-out.

    ``head_w``: ``(vocab, hidden)``, ``head_b``: ``(vocab,)``.
    """

    cell: CellParams
    head_w: Array
    head_b: Array

    @classmethod
    def init(cls, vocab: int, hidden: int, seed: int = 0) -> MinChar:
        """Random weights, each ~ U(-1/sqrt(hidden), 1/sqrt(hidden)) as PyTorch draws them."""
        rng = np.random.default_rng(seed)
        bound = 1.0 / np.sqrt(hidden)
        return cls(init_params("rnn", vocab, hidden, rng),
                   rng.uniform(-bound, bound, (vocab, hidden)), np.zeros(vocab))

    def arrays(self) -> list[Array]:
        """Every weight array, in a fixed order (the optimizer walks them with the gradients)."""
        c = self.cell
        return [c.weight_ih, c.weight_hh, c.bias_ih, c.bias_hh, self.head_w, self.head_b]

    @property
    def vocab(self) -> int:
        return self.head_b.shape[0]


def softmax(z: Array) -> Array:
    """Probabilities over the last axis; the max is subtracted first, so exp never overflows."""
    # $p_i = e^{z_i - m} / \sum_j e^{z_j - m}$ with $m = \max_j z_j$ (the same as without $m$)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def one_hot(ids: np.ndarray, vocab: int) -> Array:
    """``ids (...)`` -> ``(..., vocab)`` float64 with a single 1 per row."""
    return np.eye(vocab)[ids]


def forward(model: MinChar, inputs: np.ndarray, h0: Array) -> tuple[Array, Array]:
    """``inputs (T, batch)`` ids -> states ``h_0 .. h_T (T + 1, batch, hidden)`` and the
    next-character probabilities ``(T, batch, vocab)``."""
    hs = rnn_states(one_hot(inputs, model.vocab), model.cell, h0)
    # $p_t = \mathrm{softmax}(W_{hy} h_t + b_y)$
    return hs, softmax(hs[1:] @ model.head_w.T + model.head_b)


def loss_and_grads(model: MinChar, inputs: np.ndarray, targets: np.ndarray,
                   h0: Array) -> tuple[float, list[Array], Array]:
    """Mean cross-entropy (nats/char) of ``targets (T, batch)`` after ``inputs (T, batch)``,
    its gradient for each array of ``model.arrays()``, and the last state ``(batch, hidden)``."""
    hs, p = forward(model, inputs, h0)
    count = targets.size
    picked = np.take_along_axis(p, targets[..., None], axis=-1)[..., 0]
    # $L = -\frac{1}{N} \sum_{t, b} \ln p_t[c_{t+1}]$
    loss = -np.log(picked).sum() / count
    # $\partial L / \partial z_t = (p_t - \mathrm{onehot}(c_{t+1})) / N$: softmax and log cancel
    dz = (p - one_hot(targets, model.vocab)) / count
    # $\partial L / \partial W_{hy} = \sum_t dz_t\, h_t^\top$
    head_w = np.einsum("tbv,tbh->vh", dz, hs[1:])
    # $\partial L / \partial b_y = \sum_t dz_t$
    head_b = dz.sum(axis=(0, 1))
    # the direct gradient each step's loss sends into its state: $g_t = W_{hy}^\top dz_t$
    g = dz @ model.head_w
    cell = rnn_backward(one_hot(inputs, model.vocab), hs, g, model.cell)
    grads = [cell.weight_ih, cell.weight_hh, cell.bias, cell.bias.copy(), head_w, head_b]
    return float(loss), grads, hs[-1]


def streams(ids: np.ndarray, rows: int) -> np.ndarray:
    """``(n,)`` ids -> ``(rows, n // rows)``: row r is the r-th contiguous slice of the text."""
    length = len(ids) // rows
    return ids[: rows * length].reshape(rows, length)


def nats_per_char(model: MinChar, ids: np.ndarray, rows: int = 64) -> float:
    """Mean ``-ln p(c_{i+1} | c_<=i)`` over ``rows`` contiguous streams of ``ids``, state
    carried along each stream (the cuts lose a little context at ``rows - 1`` places)."""
    block = streams(ids, rows).T  # (time, rows)
    _, p = forward(model, block[:-1], np.zeros((rows, model.cell.hidden_size)))
    picked = np.take_along_axis(p, block[1:, :, None], axis=-1)
    return float(-np.log(picked).mean())


def clip_norm(grads: list[Array], limit: float) -> float:
    """Scale ``grads`` in place so that their joint L2 norm is at most ``limit``; return
    the norm before clipping."""
    # $\|g\| = \sqrt{\sum_k \|g_k\|^2}$
    norm = float(np.sqrt(sum((g ** 2).sum() for g in grads)))
    if norm > limit:
        for g in grads:
            g *= limit / norm
    return norm


def train(ids: np.ndarray, vocab: int, hidden: int = 100, steps: int = 25, batch: int = 16,
          updates: int = 1000, lr: float = 0.1, clip: float = 5.0, seed: int = 0,
          every: int = 100, val_ids: np.ndarray | None = None) -> tuple[MinChar, list[dict]]:
    """Adagrad on the mean cross-entropy, ``updates`` windows of ``steps`` characters.

    ``ids``: the training text's ids. Every ``every`` updates (and after the last) a record
    ``{"update", "chars", "train", "val"}`` is kept: ``train`` is the mean loss since the
    last record, ``val`` the loss on ``val_ids`` (None without them); ``chars`` counts
    characters read. Returns the model and the records.
    """
    model = MinChar.init(vocab, hidden, seed)
    memory = [np.zeros_like(a) for a in model.arrays()]
    rows = streams(ids, batch)
    h = np.zeros((batch, hidden))
    history, summed, begin = [], 0.0, 0
    for update in range(1, updates + 1):
        if begin + steps + 1 > rows.shape[1]:
            begin, h = 0, np.zeros((batch, hidden))  # back to the start of the streams
        window = rows[:, begin:begin + steps + 1].T  # (steps + 1, batch)
        loss, grads, h = loss_and_grads(model, window[:-1], window[1:], h)
        clip_norm(grads, clip)
        for weight, grad, mem in zip(model.arrays(), grads, memory):
            # Adagrad: $m \mathrel{+}= g^2$, $w \mathrel{-}= \eta\, g / \sqrt{m + 10^{-8}}$
            mem += grad ** 2
            weight -= lr * grad / np.sqrt(mem + 1e-8)
        summed, begin = summed + loss, begin + steps
        if update % every == 0 or update == updates:
            count = update - (history[-1]["update"] if history else 0)
            history.append({"update": update, "chars": update * steps * batch,
                            "train": summed / count,
                            "val": None if val_ids is None else nats_per_char(model, val_ids)})
            summed = 0.0
    return model, history


def sample(model: MinChar, prompt_ids: np.ndarray, chars: int, temperature: float = 1.0,
           seed: int = 0) -> np.ndarray:
    """``chars`` ids drawn one at a time after ``prompt_ids`` (which warm the state)."""
    rng = np.random.default_rng(seed)
    hs, p = forward(model, np.asarray(prompt_ids)[:, None], np.zeros((1, model.cell.hidden_size)))
    h, probs, out = hs[-1], p[-1, 0], []
    for _ in range(chars):
        # temperature: $p_i \propto p_i^{1/T}$, the softmax of $z / T$
        weights = probs ** (1.0 / temperature)
        nxt = int(rng.choice(model.vocab, p=weights / weights.sum()))
        out.append(nxt)
        hs, p = forward(model, np.array([[nxt]]), h)
        h, probs = hs[-1], p[-1, 0]
    return np.array(out, dtype=np.int64)
