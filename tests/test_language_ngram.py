"""Counting baselines: Kneser-Ney distributions sum to one, a toy string by hand, the
unigram, the order chosen on the training tail, and the real split's curve."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import SHARED

from rnnlab.runtime.text.ngram import KneserNey, baselines, choose_order, unigram_nats
from rnnlab.runtime.text.noise import uniforms

SHAKESPEARE = SHARED / "tinyshakespeare.txt"


@pytest.mark.parametrize("order", [1, 2, 3, 5])
def test_distributions_sum_to_one_for_any_context(order):
    ids = (uniforms(1, 3000) * 7).astype(np.int64) % 5  # 5 of a vocabulary of 8 used
    model = KneserNey(ids, order, vocab=8)
    for context in ([], [0], [7, 7, 7, 7], [6, 1, 2], list(ids[100:110]), [5]):
        p = model.distribution(np.array(context, dtype=np.int64))
        assert p.shape == (8,) and (p > 0).all()
        assert p.sum() == pytest.approx(1.0, abs=1e-12)


def test_toy_string_by_hand():
    # "abab", vocabulary a, b, c (c never seen); order 2, D = 0.75.
    model = KneserNey(np.array([0, 1, 0, 1]), 2, vocab=3)
    # continuation counts: a after b, b after a -> N(a) = N(b) = 1, N(.) = 2, T = 2;
    # P1(a) = (0.25 + 0.75 * 2 / 3) / 2 = 0.375, P1(c) = (0.75 * 2 / 3) / 2 = 0.25
    p1 = np.array([0.375, 0.375, 0.25])
    # context a: ab twice -> P(b|a) = (2 - 0.75 + 0.75 * 1 * P1(b)) / 2
    expected_a = np.array([0.75 * p1[0], 1.25 + 0.75 * p1[1], 0.75 * p1[2]]) / 2
    np.testing.assert_allclose(model.distribution(np.array([0])), expected_a, atol=1e-12)
    # context b: ba once -> P(a|b) = (1 - 0.75 + 0.75 * P1(a)) / 1
    expected_b = np.array([0.25 + 0.75 * p1[0], 0.75 * p1[1], 0.75 * p1[2]])
    np.testing.assert_allclose(model.distribution(np.array([1])), expected_b, atol=1e-12)
    # context c: never seen, so the lower order alone
    np.testing.assert_allclose(model.distribution(np.array([2])), p1, atol=1e-12)
    # scores: positions 1.. of "abca": P(b|a), P(c|b), P(a|c)
    nats = -np.log([expected_a[1], expected_b[2], p1[0]]).mean()
    assert model.nats(np.array([0, 1, 2, 0])) == pytest.approx(nats, abs=1e-12)


def test_unigram_is_add_one():
    train = np.array([0, 0, 0, 1])
    # P(a) = 4 / 7, P(b) = 2 / 7, P(c) = 1 / 7; scored: ids[1:] = b, c
    expected = -(math.log(2 / 7) + math.log(1 / 7)) / 2
    assert unigram_nats(train, np.array([0, 1, 2]), 3) == pytest.approx(expected, abs=1e-12)


def test_order_is_chosen_on_the_training_tail_only():
    text = np.tile(np.array([0, 1, 2, 3, 0, 2, 1, 3]), 200)  # period 8: context helps
    order, curve = choose_order(text, 4, orders=range(1, 5))
    assert order == min(curve, key=curve.get) and curve[order] < curve[1]
    scores = baselines(text, np.array([3, 2, 1, 0] * 20), 4)
    # the validation part (a different pattern) does not move the chosen order
    assert scores["kn_order"] == choose_order(text, 4)[0]
    assert set(scores) == {"unigram", f"kn-{scores['kn_order']}", "kn_order"}


def test_refuses_an_order_the_codes_cannot_hold():
    from rnnlab import RnnlabError

    with pytest.raises(RnnlabError, match="order 12"):
        KneserNey(np.arange(100) % 50, 12, vocab=50)


@pytest.mark.slow  # Kneser-Ney of every order on tinyshakespeare
def test_real_split_curve_turns_up():
    if not SHAKESPEARE.is_file():
        pytest.skip(f"needs {SHAKESPEARE.name}: put it in {SHARED} (../shared/data)")
    from rnnlab.runtime.text.corpus import Vocabulary, read_text, split

    train_text, val_text = split(read_text(SHAKESPEARE))
    vocab = Vocabulary.of(train_text)
    train, val = vocab.encode(train_text), vocab.encode(val_text)
    curve = {n: KneserNey(train, n, len(vocab)).nats(val) for n in (5, 6, 7)}
    assert curve[6] < curve[5] and curve[6] < curve[7]
    assert 1.45 < curve[6] < 1.65
