"""Counting baselines for text: a unigram and interpolated Kneser-Ney character n-grams.

Runtime side, numpy only. Every score is in nats per character over the same positions as
the network's (``ids[1:]``, each given the characters before it; the first is unscored).

Interpolated Kneser-Ney of order n, one discount D = 0.75 at every order. For a context h of
k - 1 characters and a character c, with h' = h minus its first character,

    P_k(c | h) = max(N_k(h c) - D, 0) / N_k(h .) + D * T_k(h) / N_k(h .) * P_{k-1}(c | h')

where at the top order (k = n) N_k counts occurrences in the training text, at lower orders
N_k(g) counts the distinct characters that precede g (continuation counts); N_k(h .) sums
N_k(h c) over c and T_k(h) counts the c with N_k(h c) > 0. An unseen context (N_k(h .) = 0)
gives P_{k-1}(c | h') itself, and the bottom level interpolates with the uniform:
``P_0(c) = 1 / V``. A position with fewer than n - 1 characters before it uses the longest
context it has. Distributions sum to 1 over the vocabulary for any context.

The unigram is add-one (Laplace) smoothed: ``(count(c) + 1) / (len + V)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnlab.runtime.errors import RnnlabError

DISCOUNT = 0.75
ORDERS = range(1, 9)  # orders tried when choosing one on the training tail
TAIL = 0.1  # the training part's last 10% chooses the order


def unigram_nats(train_ids: np.ndarray, ids: np.ndarray, vocab: int) -> float:
    """Mean ``-ln P(c)`` over ``ids[1:]`` of the add-one unigram fit on ``train_ids``."""
    counts = np.bincount(train_ids, minlength=vocab) + 1.0
    return float(-np.log(counts[ids[1:]] / counts.sum()).mean())


def _grams(ids: np.ndarray, k: int, vocab: int) -> np.ndarray:
    """The codes ``sum_j ids[i + j] * V^(k-1-j)`` of every k-gram, ``(len - k + 1,)`` int64."""
    code = np.zeros(len(ids) - k + 1, dtype=np.int64)
    for j in range(k):
        code = code * vocab + ids[j:len(ids) - k + 1 + j]
    return code


@dataclass
class Level:
    """Counts of one order: sorted gram codes with their counts, and per context
    (the gram without its last character) the total ``N(h .)`` and types ``T(h)``."""

    grams: np.ndarray
    counts: np.ndarray
    contexts: np.ndarray
    totals: np.ndarray
    types: np.ndarray


def _level(grams: np.ndarray, counts: np.ndarray, vocab: int) -> Level:
    contexts, first = np.unique(grams // vocab, return_index=True)
    # grams are sorted, so each context's grams are one run starting at `first`
    totals = np.add.reduceat(counts, first).astype(np.float64)
    types = np.diff(np.r_[first, len(grams)]).astype(np.float64)
    return Level(grams, counts.astype(np.float64), contexts, totals, types)


def _lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray) -> np.ndarray:
    """``values`` at ``query``'s positions in the sorted ``keys``; 0 where absent."""
    at = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    return np.where(keys[at] == query, values[at], 0.0)


class KneserNey:
    """Interpolated Kneser-Ney of ``order`` fit on ``train_ids`` (see the module docstring)."""

    def __init__(self, train_ids: np.ndarray, order: int, vocab: int,
                 discount: float = DISCOUNT) -> None:
        if order < 1 or vocab ** order >= 2**62:
            raise RnnlabError(f"order {order}: must be at least 1, and vocab**order below 2**62")
        if len(train_ids) < order + 1:
            raise RnnlabError(f"{len(train_ids)} training characters are too few for order "
                              f"{order}")
        self.order, self.vocab, self.discount = order, vocab, discount
        ids = np.asarray(train_ids, dtype=np.int64)
        self.levels: list[Level] = []
        for k in range(1, order + 1):
            grams, counts = np.unique(_grams(ids, k, vocab), return_counts=True)
            if k < order:  # continuation: distinct characters before each k-gram
                longer = np.unique(_grams(ids, k + 1, vocab))
                grams, counts = np.unique(longer % vocab**k, return_counts=True)
            self.levels.append(_level(grams, counts, vocab))

    def probs(self, history: np.ndarray, chars: np.ndarray) -> np.ndarray:
        """``P(chars[i] | history[i])``: ``history (m, order - 1)`` ids, -1 where the text
        has no character yet; ``chars (m,)`` -> ``(m,)``."""
        history = np.asarray(history, dtype=np.int64).reshape(len(chars), self.order - 1)
        chars = np.asarray(chars, dtype=np.int64)
        p = np.full(len(chars), 1.0 / self.vocab)
        for k, level in enumerate(self.levels, start=1):
            context = history[:, history.shape[1] - (k - 1):] if k > 1 else history[:, :0]
            known = (context >= 0).all(axis=1)
            code = np.zeros(len(chars), dtype=np.int64)
            for j in range(k - 1):
                code = code * self.vocab + np.maximum(context[:, j], 0)
            total = _lookup(level.contexts, level.totals, code)
            types = _lookup(level.contexts, level.types, code)
            count = _lookup(level.grams, level.counts, code * self.vocab + chars)
            seen = known & (total > 0)
            safe = np.where(seen, total, 1.0)
            # P_k = max(N - D, 0) / N(h.) + D T(h) / N(h.) P_{k-1}
            mixed = (np.maximum(count - self.discount, 0.0) + self.discount * types * p) / safe
            p = np.where(seen, mixed, p)
        return p

    def distribution(self, context: np.ndarray) -> np.ndarray:
        """``P(c | context)`` for every character c, ``(vocab,)``; ``context`` is the ids
        before (any length; the last ``order - 1`` are used)."""
        context = np.asarray(context, dtype=np.int64)[len(context) - (self.order - 1):] \
            if self.order > 1 else np.zeros(0, np.int64)
        padded = np.r_[np.full(self.order - 1 - len(context), -1), context]
        return self.probs(np.tile(padded, (self.vocab, 1)), np.arange(self.vocab))

    def nats(self, ids: np.ndarray) -> float:
        """Mean ``-ln P(ids[i] | ids[:i])`` over ``i >= 1``."""
        ids = np.asarray(ids, dtype=np.int64)
        padded = np.r_[np.full(self.order - 1, -1), ids]
        history = np.stack([padded[j:j + len(ids)] for j in range(self.order - 1)], axis=1) \
            if self.order > 1 else np.zeros((len(ids), 0), np.int64)
        return float(-np.log(self.probs(history[1:], ids[1:])).mean())


def choose_order(train_ids: np.ndarray, vocab: int, orders=ORDERS) -> tuple[int, dict]:
    """The order with the lowest nats/char on the last ``TAIL`` of ``train_ids`` when fit on
    the rest (validation is never looked at); also every order's tail score."""
    cut = int(len(train_ids) * (1 - TAIL))
    fit, tail = train_ids[:cut], train_ids[cut:]
    curve = {n: KneserNey(fit, n, vocab).nats(tail) for n in orders if vocab ** n < 2**62}
    return min(curve, key=curve.get), curve


def baselines(train_ids: np.ndarray, val_ids: np.ndarray, vocab: int) -> dict:
    """Validation nats/char of the unigram and of the Kneser-Ney n-gram whose order was
    chosen on the training tail: ``{"unigram", "kn-<order>", "kn_order"}``."""
    order, _ = choose_order(train_ids, vocab)
    return {"unigram": unigram_nats(train_ids, val_ids, vocab),
            f"kn-{order}": KneserNey(train_ids, order, vocab).nats(val_ids), "kn_order": order}
