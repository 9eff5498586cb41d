"""Padded batches of mixed lengths (rnnlab.experiments.lengths): masking the padded run and
packing it give the same loss and the same gradients; the answer is read where each
sequence ends."""

import pytest

torch = pytest.importorskip("torch")

from rnnlab.experiments import lengths  # noqa: E402

BATCH, MAX_LENGTH, HIDDEN = 9, 14, 6


@pytest.fixture(params=["lstm", "gru", "rnn"])
def case(request):
    torch.manual_seed(0)
    layer = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU, "rnn": torch.nn.RNN}[request.param]
    model = lengths.VariableRegressor(layer(2, HIDDEN), reading="every-step").double()
    x, n, y = lengths.variable_adding_batch(BATCH, MAX_LENGTH,
                                            torch.Generator().manual_seed(1))
    return model, x.double(), n, y.double()


def test_the_batch_pads_after_each_length() -> None:
    x, n, y = lengths.variable_adding_batch(256, MAX_LENGTH, torch.Generator().manual_seed(2))
    assert n.min() >= MAX_LENGTH // 2 and n.max() <= MAX_LENGTH and len(set(n.tolist())) > 3
    real = lengths.mask(n, MAX_LENGTH).bool()
    assert torch.all(x[~real] == 0) and torch.all(y[~real] == 0)
    markers = x[..., 1]
    assert torch.all(markers.sum(dim=0) == 2)
    first = markers.argmax(dim=0)                          # the earlier marker
    assert torch.all(first < n // 2)
    last = lengths.last_valid(y[..., None], n)[:, 0]       # the answer at each end
    assert torch.allclose(last, (x[..., 0] * markers).sum(dim=0))


def test_masked_and_packed_give_the_same_loss_and_gradients(case) -> None:
    model, x, n, y = case
    params = list(model.parameters())

    def loss_and_grads(outputs):
        loss = lengths.masked_mse(model.head(outputs).squeeze(-1), y, n)
        return loss, torch.autograd.grad(loss, params)

    padded_loss, padded_grads = loss_and_grads(model.recurrent(x)[0])
    packed_loss, packed_grads = loss_and_grads(lengths.run_packed(model.recurrent, x, n)[0])
    torch.testing.assert_close(padded_loss, packed_loss, rtol=0, atol=1e-12)
    for a, b in zip(padded_grads, packed_grads, strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-12)
    # without the mask the padding counts, and the loss is another number
    unmasked = torch.nn.functional.mse_loss(model.head(model.recurrent(x)[0]).squeeze(-1), y)
    assert abs(unmasked.item() - padded_loss.item()) > 1e-3


def test_packed_final_state_is_the_last_real_step(case) -> None:
    model, x, n, _ = case
    padded, _ = model.recurrent(x)
    _, final = lengths.run_packed(model.recurrent, x, n)
    torch.testing.assert_close(final, lengths.last_valid(padded, n), rtol=0, atol=1e-12)
    short = n < MAX_LENGTH
    assert short.any()
    assert not torch.allclose(final[short], padded[-1][short])  # past the padding: not it
