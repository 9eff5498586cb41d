"""The hand-written BPTT of rnnlab.bptt equals PyTorch's autograd through torch.nn.RNN."""

import numpy as np
import pytest

from rnnlab import bptt, scratch

torch = pytest.importorskip("torch")

STEPS, BATCH, INPUTS, HIDDEN = 12, 3, 4, 6


@pytest.fixture
def case():
    """A float64 torch.nn.RNN, its weights in numpy, inputs, targets and the numpy states."""
    torch.manual_seed(0)
    module = torch.nn.RNN(INPUTS, HIDDEN).double()
    xs = torch.randn(STEPS, BATCH, INPUTS, dtype=torch.float64)
    targets = torch.randn(STEPS, BATCH, HIDDEN, dtype=torch.float64)
    h0 = torch.randn(1, BATCH, HIDDEN, dtype=torch.float64)
    p = scratch.layers_from_state_dict(module.state_dict())[0]
    hs = bptt.rnn_states(xs.numpy(), p, h0[0].numpy())
    return module, xs, targets, h0, p, hs


def squared_error(h: "torch.Tensor", target: "torch.Tensor") -> "torch.Tensor":
    """L_t = 1/2 |h_t - y_t|^2 summed over the batch, so dL_t/dh_t = h_t - y_t."""
    return 0.5 * (h - target).pow(2).sum()


def autograd(module, terms) -> dict[str, np.ndarray]:
    """Backpropagate the sum of ``terms()`` (a list of scalar tensors) through ``module``."""
    module.zero_grad()
    sum(terms()).backward()
    return {name: param.grad.numpy().copy() for name, param in module.named_parameters()}


def assert_matches(ours: bptt.RnnGradients, theirs: dict[str, np.ndarray]) -> None:
    for mine, name in [(ours.weight_ih, "weight_ih_l0"), (ours.weight_hh, "weight_hh_l0"),
                       (ours.bias, "bias_ih_l0"), (ours.bias, "bias_hh_l0")]:
        np.testing.assert_allclose(mine, theirs[name], rtol=0, atol=1e-10, err_msg=name)


def test_forward_states_are_torch_outputs(case) -> None:
    module, xs, _, h0, _, hs = case
    with torch.no_grad():
        outputs, _ = module(xs, h0)
    np.testing.assert_allclose(hs[1:], outputs.numpy(), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(hs[0], h0[0].numpy())


def test_full_bptt_equals_autograd(case) -> None:
    module, xs, targets, h0, p, hs = case

    def terms():
        outputs, _ = module(xs, h0)
        return [squared_error(outputs[t], targets[t]) for t in range(STEPS)]

    g = hs[1:] - targets.numpy()
    assert_matches(bptt.rnn_backward(xs.numpy(), hs, g, p), autograd(module, terms))


@pytest.mark.parametrize("k", [1, 3, 5])
def test_truncated_bptt_equals_autograd_with_detached_state(case, k: int) -> None:
    """Each L_t backpropagates through steps t-k+1 .. t only: restart from a detached h_{t-k}."""
    module, xs, targets, _, p, hs = case

    def terms():
        out = []
        for t in range(1, STEPS + 1):
            start = max(t - k, 0)
            h_start = torch.from_numpy(hs[start])[None]  # a constant: no gradient flows past it
            outputs, _ = module(xs[start:t], h_start)
            out.append(squared_error(outputs[-1], targets[t - 1]))
        return out

    g = hs[1:] - targets.numpy()
    truncated = bptt.rnn_backward(xs.numpy(), hs, g, p, truncate=k)
    assert_matches(truncated, autograd(module, terms))
    full = bptt.rnn_backward(xs.numpy(), hs, g, p)
    assert np.abs(truncated.weight_hh - full.weight_hh).max() > 1e-6


def test_truncation_at_the_sequence_length_is_full_bptt(case) -> None:
    _, xs, targets, _, p, hs = case
    g = hs[1:] - targets.numpy()
    full = bptt.rnn_backward(xs.numpy(), hs, g, p)
    for k in (STEPS, STEPS + 5):
        long = bptt.rnn_backward(xs.numpy(), hs, g, p, truncate=k)
        np.testing.assert_allclose(long.weight_hh, full.weight_hh, rtol=0, atol=1e-12)
        np.testing.assert_allclose(long.weight_ih, full.weight_ih, rtol=0, atol=1e-12)
        np.testing.assert_allclose(long.bias, full.bias, rtol=0, atol=1e-12)


def test_truncate_must_be_positive(case) -> None:
    _, xs, targets, _, p, hs = case
    with pytest.raises(ValueError, match="positive"):
        bptt.rnn_backward(xs.numpy(), hs, hs[1:] - targets.numpy(), p, truncate=0)


@pytest.fixture
def lstm_case():
    """A float64 torch.nn.LSTM, its weights in numpy, inputs, targets, initial state."""
    torch.manual_seed(1)
    module = torch.nn.LSTM(INPUTS, HIDDEN).double()
    xs = torch.randn(STEPS, BATCH, INPUTS, dtype=torch.float64)
    targets = torch.randn(STEPS, BATCH, HIDDEN, dtype=torch.float64)
    h0 = torch.randn(1, BATCH, HIDDEN, dtype=torch.float64)
    c0 = torch.randn(1, BATCH, HIDDEN, dtype=torch.float64, requires_grad=True)
    p = scratch.layers_from_state_dict(module.state_dict())[0]
    states = bptt.lstm_states(xs.numpy(), p, h0[0].numpy(), c0[0].detach().numpy())
    return module, xs, targets, h0, c0, p, states


def test_lstm_forward_states_are_torch_outputs(lstm_case) -> None:
    module, xs, _, h0, c0, _, states = lstm_case
    with torch.no_grad():
        outputs, (_, c_n) = module(xs, (h0, c0))
    np.testing.assert_allclose(states.hs[1:], outputs.numpy(), rtol=0, atol=1e-12)
    np.testing.assert_allclose(states.cs[-1], c_n[0].numpy(), rtol=0, atol=1e-12)


def test_lstm_bptt_equals_autograd(lstm_case) -> None:
    """Weights, both biases and the gradient along the cell, dL/dc_0, to 1e-10."""
    module, xs, targets, h0, c0, p, states = lstm_case

    def terms():
        outputs, _ = module(xs, (h0, c0))
        return [squared_error(outputs[t], targets[t]) for t in range(STEPS)]

    c0.grad = None
    theirs = autograd(module, terms)
    ours, dcs = bptt.lstm_backward(xs.numpy(), states, states.hs[1:] - targets.numpy(), p)
    assert_matches(ours, theirs)
    np.testing.assert_allclose(dcs[0], c0.grad[0].numpy(), rtol=0, atol=1e-10)
    assert dcs.shape == (STEPS + 1, BATCH, HIDDEN)


@pytest.mark.parametrize("split", [3, 8])
def test_lstm_gradient_along_the_cell_equals_autograd(lstm_case, split: int) -> None:
    """dL/dc_s at an inner step s: restart the LSTM from leaves (h_s, c_s); c_s reaches the
    loss through c_{s+1} and through h_s = o_s tanh(c_s), so the total is
    dL/dc_s(leaf) + dL/dh_s(leaf) o_s (1 - tanh^2 c_s)."""
    module, xs, targets, h0, c0, p, states = lstm_case
    with torch.no_grad():
        first, (h_s, c_s) = module(xs[:split], (h0, c0))
    h_s, c_s = h_s.clone().requires_grad_(), c_s.clone().requires_grad_()
    rest, _ = module(xs[split:], (h_s, c_s))
    outputs = torch.cat([first[:-1], h_s, rest])   # L_s reads the leaf h_s too
    loss = sum(squared_error(outputs[t], targets[t]) for t in range(STEPS))
    loss.backward()
    o_s = states.gates[split - 1, 3]
    expected = (c_s.grad[0].numpy()
                + h_s.grad[0].numpy() * o_s * (1 - np.tanh(states.cs[split]) ** 2))
    _, dcs = bptt.lstm_backward(xs.numpy(), states, states.hs[1:] - targets.numpy(), p)
    np.testing.assert_allclose(dcs[split], expected, rtol=0, atol=1e-10)
