"""ONNX export: parity with PyTorch, the in-graph generators, and the file itself."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
import torch

from rnnlab.runtime.card import Architecture
from rnnlab.runtime.forecaster import load
from rnnlab.runtime.generation import windowed_loop
from rnnlab.training.data import load_split
from rnnlab.training.export import OPSET, export, from_onnx
from rnnlab.training.network import build
from rnnlab.training.presets import PRESETS
from rnnlab.training.run import make_card

ARCHITECTURES = {
    "rnn": Architecture(("rnn",) * 2, 16),
    "lstm": Architecture(("lstm",) * 4, 16),
    "gru": Architecture(("gru",) * 3, 16),
    "bidirectional lstm": Architecture(("lstm",) * 2, 16, bidirectional=True),
    "lstm+gru": Architecture(("lstm", "gru"), 16),
    "lstm|gru ensemble": Architecture(("lstm", "lstm", "gru", "gru"), 16, branches=2),
}


@pytest.fixture(params=list(ARCHITECTURES), scope="module")
def exported(request, tmp_path_factory):
    """An untrained model of each architecture (Keras init) and its ONNX twin."""
    from helpers import write_prices

    folder = tmp_path_factory.mktemp("export")
    csv = write_prices(folder / "p.csv", days=120)
    arch = ARCHITECTURES[request.param]
    recipe = PRESETS["seed-lstm"].with_overrides(cells=arch.cells, units=arch.units, window=20,
                                                 bidirectional=arch.bidirectional)
    card = make_card(load_split(str(csv), "High", (), "2015-05-01"), recipe, "t", 0)
    model = build(card.architecture, 0.0, "keras", seed=7).eval()
    export(model, card, folder / "m.onnx")
    return model, load(folder / "m.onnx"), folder / "m.onnx"


def windows(batch: int, window: int = 20, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).random((batch, window, 1), dtype=np.float32)


def test_one_step_parity_with_pytorch(exported):
    model, runtime, _ = exported
    x = windows(33)
    with torch.no_grad():
        expected = model(torch.from_numpy(x)).numpy()
    assert np.abs(runtime.predict(x) - expected).max() <= 1e-5


def test_windowed_generator_equals_a_python_loop(exported):
    model, runtime, _ = exported
    start = windows(3, seed=1)
    in_graph = runtime.generate_scaled(start, 40, "windowed")
    assert np.abs(in_graph - windowed_loop(runtime.predict, start, 40)).max() <= 1e-5


def test_stateful_streaming_matches_one_pass(exported):
    model, runtime, _ = exported
    if model.arch.bidirectional:
        pytest.skip("a bidirectional model cannot stream")
    x = windows(2, seed=2)
    whole, whole_state = runtime.run(x, steps=1, stateful=True)
    state = runtime.zero_state(2)
    for t in range(x.shape[1]):  # one value at a time, carrying the state
        y, state = runtime.run(x[:, t:t + 1], steps=1, stateful=True, state=state)
    assert np.abs(y - whole).max() <= 1e-5 and np.abs(state - whole_state).max() <= 1e-5
    # Stateful generation starts where windowed does, then drifts apart: it remembers the
    # whole history instead of re-reading a window from a zero state.
    stateful = runtime.generate_scaled(x, 30, "stateful")
    windowed = runtime.generate_scaled(x, 30, "windowed")
    assert np.abs(stateful[:, 0] - windowed[:, 0]).max() <= 1e-5
    assert np.isfinite(stateful).all()


def test_stateful_generation_equals_streaming_its_own_noisy_predictions(exported):
    model, runtime, _ = exported
    if model.arch.bidirectional:
        pytest.skip("a bidirectional model cannot stream")
    x = windows(3, seed=3)
    noise = np.random.default_rng(4).normal(0, 0.05, (12, 3)).astype(np.float32)
    in_graph, final_state = runtime.run(x, steps=12, stateful=True, noise=noise)
    y, state = runtime.run(x, steps=1, stateful=True, noise=noise[:1])
    streamed = [y[:, 0]]
    for k in range(1, 12):  # feed each (noisy) prediction back, carrying the state
        y, state = runtime.run(streamed[-1][:, None, None], steps=1, stateful=True,
                               state=state, noise=noise[k:k + 1])
        streamed.append(y[:, 0])
    assert np.abs(in_graph - np.stack(streamed, axis=1)).max() <= 1e-5
    assert np.abs(final_state - state).max() <= 1e-5


def test_an_exported_file_exports_again_with_the_same_numbers(exported, tmp_path):
    model, runtime, path = exported
    export(*from_onnx(path), tmp_path / "again.onnx")
    again = load(tmp_path / "again.onnx")
    assert again.card == runtime.card
    assert (tmp_path / "again.onnx").read_bytes() == path.read_bytes()


def test_a_file_from_rnnlab_0_1_gets_the_new_graph_and_keeps_its_numbers(cli, tmp_path):
    old = Path(__file__).parent / "data" / "return-gru-0.1-graph.onnx"  # Loops, packed state
    code, text, err = cli("export", old, "-o", tmp_path / "new.onnx")
    assert code == 0 and "wrote" in text, err
    before, after = load(old), load(tmp_path / "new.onnx")
    assert after.card == before.card
    assert count_ops(onnx.load(old).graph.node, "Loop") == 2
    assert count_ops(onnx.load(tmp_path / "new.onnx").graph.node, "Scan") == 2
    x = windows(4, window=before.encoder.window)
    noise = np.random.default_rng(5).normal(0, 0.05, (30, 4)).astype(np.float32)
    for steps, stateful in [(1, False), (30, False), (30, True)]:
        (y0, s0), (y1, s1) = (m.run(x, steps, stateful, noise=noise[:steps])
                              for m in (before, after))
        assert np.abs(y0 - y1).max() <= 1e-5 and np.abs(s0 - s1).max() <= 1e-5


def count_ops(nodes, op: str) -> int:
    """How many nodes run ``op``, in subgraphs too."""
    return sum((node.op_type == op) + sum(count_ops(a.g.node, op) for a in node.attribute
                                          if a.type == onnx.AttributeProto.GRAPH)
               for node in nodes)


def test_file_is_a_single_file_at_the_opset(exported):
    _, _, path = exported
    proto = onnx.load(path, load_external_data=False)
    assert proto.opset_import[0].version >= OPSET
    assert not any(t.data_location == onnx.TensorProto.EXTERNAL for t in proto.graph.initializer)
    assert list(path.parent.glob("*.data")) == []


def test_file_describes_itself(exported):
    model, runtime, path = exported
    props = {p.key for p in onnx.load(path, load_external_data=False).metadata_props}
    for key in ("format", "architecture", "encoder", "history", "data_sha256", "train_end",
                "metrics", "rnnlab_version"):
        assert f"rnnlab.{key}" in props
    assert runtime.card.architecture == model.arch


def test_file_is_small(exported):
    assert exported[2].stat().st_size < 1_000_000


def test_linear_plus_recurrent_model_exports_with_its_skip(tmp_path):
    """residual-gru: the GRU's head starts at zero, so the first model is the ridge fit;
    after a training step the export still equals PyTorch, and it refuses to generate."""
    from helpers import write_prices

    from rnnlab.runtime.errors import RnnlabError
    from rnnlab.runtime.scores.baselines import fit_linear, linear_forecasts
    from rnnlab.training.run import start_from_linear

    csv = write_prices(tmp_path / "p.csv", days=160)
    recipe = PRESETS["residual-gru"].with_overrides(units=8, window=6)
    split = load_split(str(csv), "High", recipe.features, "2015-07-01")
    card = make_card(split, recipe, "residual-gru", 0)
    assert card.architecture.skip == 6
    model = build(card.architecture, 0.0, "keras", seed=0)
    start_from_linear(model, fit_linear(card.encoder, split.training_days))
    export(model.eval(), card, tmp_path / "r.onnx")
    runtime = load(tmp_path / "r.onnx")
    raw, first = split.prices.values, split.first
    forecast = runtime.forecast(split.prices, start=str(split.prices.dates[first]))
    np.testing.assert_allclose(forecast.predicted, linear_forecasts(card.encoder, raw, first)[:-1],
                               rtol=1e-5)
    with torch.no_grad():
        model.head.weight.fill_(0.1)
    export(model, card, tmp_path / "r.onnx")
    x = np.random.default_rng(3).random((5, 6, 4), dtype=np.float32)
    with torch.no_grad():
        expected = model(torch.from_numpy(x)).numpy()
    assert np.abs(load(tmp_path / "r.onnx").predict(x) - expected).max() <= 1e-5
    with pytest.raises(RnnlabError, match="cannot generate"):
        load(tmp_path / "r.onnx").generate(2)
