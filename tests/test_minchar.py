"""The numpy character RNN (rnnlab.language.minchar): its gradients are PyTorch's autograd
through the same network, and a short run of its training lowers the loss."""

import numpy as np
import pytest

from rnnlab.language import minchar

torch = pytest.importorskip("torch")

VOCAB, HIDDEN, STEPS, BATCH = 7, 5, 9, 3


def torch_loss(model: minchar.MinChar, inputs, targets, h0):
    """The same loss through torch.nn.RNN and a Linear head, in float64, and its modules."""
    rnn = torch.nn.RNN(VOCAB, HIDDEN).double()
    head = torch.nn.Linear(HIDDEN, VOCAB).double()
    with torch.no_grad():
        for param, array in zip([*rnn.parameters(), *head.parameters()], model.arrays()):
            param.copy_(torch.from_numpy(array))
    x = torch.nn.functional.one_hot(torch.from_numpy(inputs), VOCAB).double()
    out, h_n = rnn(x, torch.from_numpy(h0)[None])
    logits = head(out)
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, VOCAB),
                                             torch.from_numpy(targets).reshape(-1))
    loss.backward()
    return loss, [p.grad.numpy() for p in [*rnn.parameters(), *head.parameters()]], h_n[0]


def test_gradients_are_autograds() -> None:
    rng = np.random.default_rng(3)
    model = minchar.MinChar.init(VOCAB, HIDDEN, seed=1)
    model.head_b[...] = rng.normal(0, 0.5, VOCAB)  # a bias that is not zero
    ids = rng.integers(0, VOCAB, (STEPS + 1, BATCH))
    h0 = rng.normal(0, 0.5, (BATCH, HIDDEN))
    loss, grads, last = minchar.loss_and_grads(model, ids[:-1], ids[1:], h0)
    expected_loss, expected, h_n = torch_loss(model, ids[:-1], ids[1:], h0)
    assert loss == pytest.approx(expected_loss.item(), abs=1e-12)
    np.testing.assert_allclose(last, h_n.detach().numpy(), rtol=0, atol=1e-12)
    names = ["weight_ih", "weight_hh", "bias_ih", "bias_hh", "head_w", "head_b"]
    for name, mine, theirs in zip(names, grads, expected):
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-12, err_msg=name)


def test_clip_scales_every_gradient_by_one_factor() -> None:
    grads = [np.full(3, 3.0), np.full(1, 4.0)]
    norm = minchar.clip_norm(grads, 1.0)
    assert norm == pytest.approx(np.sqrt(27 + 16))
    assert np.sqrt(sum((g ** 2).sum() for g in grads)) == pytest.approx(1.0)
    np.testing.assert_allclose(grads[0] / grads[1][0], 3 / 4)


def test_training_learns_a_repeating_text() -> None:
    ids = np.tile(np.arange(VOCAB), 60)
    model, history = minchar.train(ids, VOCAB, hidden=16, steps=10, batch=4, updates=60,
                                   every=20)
    assert [r["update"] for r in history] == [20, 40, 60]
    assert history[-1]["chars"] == 60 * 10 * 4
    # a cycle of 7 symbols is fully predictable: from ln 7 = 1.95 nats to almost nothing
    assert history[0]["train"] > 0.3 > 0.05 > history[-1]["train"]
    assert history[-1]["val"] is None
    drawn = minchar.sample(model, np.array([0, 1, 2]), 10, temperature=0.5)
    np.testing.assert_array_equal(drawn, (np.arange(10) + 3) % VOCAB)
