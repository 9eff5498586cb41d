"""The numpy cells of rnnlab.scratch compute what torch.nn.RNN/LSTM/GRU compute."""

import numpy as np
import pytest

from rnnlab import scratch

torch = pytest.importorskip("torch")

TORCH_LAYERS = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}


def torch_layer(kind: str, input_size: int, hidden_size: int, num_layers: int, seed: int):
    torch.manual_seed(seed)
    return TORCH_LAYERS[kind](input_size, hidden_size, num_layers=num_layers).double()


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("num_layers", [1, 3])
def test_cells_match_torch_over_a_sequence(kind: str, num_layers: int) -> None:
    module = torch_layer(kind, input_size=5, hidden_size=7, num_layers=num_layers, seed=0)
    xs = torch.randn(12, 4, 5, dtype=torch.float64)  # (seq_len, batch, features)
    with torch.no_grad():
        expected, final = module(xs)
    layers = scratch.layers_from_state_dict(module.state_dict())
    assert len(layers) == num_layers

    outputs, states = scratch.run_sequence(kind, xs.numpy(), layers)

    np.testing.assert_allclose(outputs, expected.numpy(), rtol=0, atol=1e-6)
    h_n = final[0] if kind == "lstm" else final
    np.testing.assert_allclose(np.stack([scratch.hidden_of(s) for s in states]), h_n.numpy(),
                               rtol=0, atol=1e-6)
    if kind == "lstm":
        np.testing.assert_allclose(np.stack([c for _, c in states]), final[1].numpy(),
                                   rtol=0, atol=1e-6)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_given_initial_state_is_used_like_torch(kind: str) -> None:
    module = torch_layer(kind, input_size=3, hidden_size=4, num_layers=2, seed=1)
    xs = torch.randn(6, 2, 3, dtype=torch.float64)
    h0 = torch.randn(2, 2, 4, dtype=torch.float64)  # (num_layers, batch, hidden)
    c0 = torch.randn(2, 2, 4, dtype=torch.float64)
    with torch.no_grad():
        expected, _ = module(xs, (h0, c0) if kind == "lstm" else h0)
    states = [(h.numpy(), c.numpy()) if kind == "lstm" else h.numpy()
              for h, c in zip(h0, c0, strict=True)]

    outputs, _ = scratch.run_sequence(kind, xs.numpy(), scratch.layers_from_state_dict(
        module.state_dict()), states)

    np.testing.assert_allclose(outputs, expected.numpy(), rtol=0, atol=1e-6)


def test_float32_torch_weights_also_match() -> None:
    torch.manual_seed(2)
    module = torch.nn.LSTM(2, 8)
    xs = torch.randn(30, 3, 2)
    with torch.no_grad():
        expected, _ = module(xs)
    outputs, _ = scratch.run_sequence("lstm", xs.numpy(),
                                      scratch.layers_from_state_dict(module.state_dict()))
    np.testing.assert_allclose(outputs, expected.numpy(), rtol=0, atol=1e-6)


def test_gru_reset_gate_acts_after_the_matrix_product() -> None:
    """PyTorch's candidate is tanh(W_in x + b_in + r * (W_hn h + b_hn)), not Cho et al.'s."""
    rng = np.random.default_rng(0)
    p = scratch.init_params("gru", 3, 4, rng)
    x, h = rng.normal(size=(2, 3)), rng.normal(size=(2, 4))
    r, _, n = scratch.gru_gates(x, h, p)
    w_in, w_hn = p.weight_ih[8:], p.weight_hh[8:]
    b_in, b_hn = p.bias_ih[8:], p.bias_hh[8:]
    np.testing.assert_allclose(n, np.tanh(x @ w_in.T + b_in + r * (h @ w_hn.T + b_hn)))
    cho = np.tanh(x @ w_in.T + b_in + (r * h) @ w_hn.T + b_hn)
    assert np.abs(n - cho).max() > 1e-3


def test_sigmoid_is_stable_and_symmetric() -> None:
    a = np.array([-1000.0, -3.0, 0.0, 3.0, 1000.0])
    s = scratch.sigmoid(a)
    np.testing.assert_allclose(s, [0.0, 1 / (1 + np.exp(3)), 0.5, 1 / (1 + np.exp(-3)), 1.0])
    np.testing.assert_allclose(s + scratch.sigmoid(-a), 1.0)


def test_init_params_shapes_and_range() -> None:
    p = scratch.init_params("lstm", 3, 16, np.random.default_rng(0))
    assert p.weight_ih.shape == (64, 3) and p.weight_hh.shape == (64, 16)
    assert p.bias_ih.shape == p.bias_hh.shape == (64,)
    assert p.hidden_size == 16
    assert np.abs(p.weight_hh).max() <= 0.25


@pytest.mark.parametrize(("kind", "input_size", "hidden_size", "num_layers"), [
    ("rnn", 10, 128, 1),
    ("rnn", 1, 32, 2),
    ("lstm", 1, 50, 4),
    ("lstm", 7, 20, 2),
    ("gru", 1, 50, 4),
    ("gru", 3, 64, 1),
])
def test_param_count_equals_torch(kind: str, input_size: int, hidden_size: int,
                                  num_layers: int) -> None:
    module = TORCH_LAYERS[kind](input_size, hidden_size, num_layers=num_layers)
    expected = sum(p.numel() for p in module.parameters())
    assert scratch.param_count(kind, input_size, hidden_size, num_layers) == expected


def test_single_lstm_layer_formula() -> None:
    i, h = 6, 11
    assert scratch.param_count("lstm", i, h) == 4 * (h * (i + h) + 2 * h)


@pytest.mark.parametrize(("kind", "expected"), [("lstm", 71_851), ("gru", 53_901)])
def test_notebook_seed_models(kind: str, expected: int) -> None:
    """Four stacked LSTM(50) / GRU(50) layers on 1 input feature, then Linear(50, 1)."""
    stack = TORCH_LAYERS[kind](1, 50, num_layers=4)
    head = torch.nn.Linear(50, 1)
    total = sum(p.numel() for m in (stack, head) for p in m.parameters())
    assert total == expected
    assert scratch.param_count(kind, 1, 50, num_layers=4) + 50 + 1 == expected


def test_keras_single_bias_counts() -> None:
    # Keras LSTM(50) on 1 feature: 4 * (50 * 51 + 50) = 10,400 (PyTorch: 10,600).
    assert scratch.param_count("lstm", 1, 50, biases=1) == 10_400
    assert scratch.param_count("lstm", 1, 50) == 10_600
