"""The PyTorch side: model shapes, Keras-style init, reproducibility, checkpoints, learning."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from rnnlab.runtime.card import Architecture
from rnnlab.runtime.errors import RnnlabError
from rnnlab.training import checkpoint
from rnnlab.training.data import load_split
from rnnlab.training.network import Forecaster, build
from rnnlab.training.presets import PRESETS, preset
from rnnlab.training.run import train_one

TINY = PRESETS["seed-lstm"].with_overrides(cells=("lstm", "gru"), units=8, window=10, epochs=3,
                                           batch=16)


@pytest.mark.parametrize("cells, bidirectional", [(("rnn",), False), (("lstm",) * 4, False),
                                                  (("gru", "gru"), True), (("lstm", "gru"), False)])
def test_forecaster_maps_windows_to_one_value_each(cells, bidirectional):
    model = Forecaster(Architecture(cells, 6, features=3, bidirectional=bidirectional), 0.2)
    assert model(torch.rand(5, 12, 3)).shape == (5,)


def test_keras_init_sets_forget_bias_and_orthogonal_recurrence():
    model = build(Architecture(("lstm",), 8), 0.0, "keras", seed=0)
    layer = model.layers[0].requires_grad_(False)
    np.testing.assert_array_equal(layer.bias_ih_l0[8:16], np.ones(8))
    assert float(layer.bias_ih_l0[:8].abs().sum() + layer.bias_hh_l0.abs().sum()) == 0.0
    w = layer.weight_hh_l0
    torch.testing.assert_close(w.T @ w, torch.eye(8), atol=1e-5, rtol=0)
    # One trainable bias per gate, as in Keras' LSTM; a GRU keeps both, as Keras' GRU does.
    trained = build(Architecture(("lstm", "gru"), 8), 0.0, "keras", seed=0)
    frozen = [n for n, p in trained.named_parameters() if not p.requires_grad]
    assert frozen == ["layers.0.bias_hh_l0"]


def test_seed_presets_follow_the_notebook():
    lstm, gru = preset("seed-lstm"), preset("seed-gru")
    assert (lstm.cells, lstm.units, lstm.dropout, lstm.epochs, lstm.batch) == (
        ("lstm",) * 4, 50, 0.2, 50, 32)
    assert (gru.optimizer, gru.lr, gru.momentum, gru.decay, gru.batch) == (
        "sgd", 0.01, 0.9, 1e-7, 150)
    with pytest.raises(RnnlabError, match="unknown; choose from seed-lstm"):
        preset("nope")


def test_same_seed_gives_identical_weights(prices_csv):
    split = load_split(str(prices_csv), "High", (), "2015-08-01")
    first = train_one(split, TINY, seed=3, device="cpu", progress=False)
    second = train_one(split, TINY, seed=3, device="cpu", progress=False)
    other = train_one(split, TINY, seed=4, device="cpu", progress=False)
    for (name, a), b in zip(first.model.state_dict().items(),
                            second.model.state_dict().values()):
        assert torch.equal(a, b), name
    assert first.history == second.history  # every epoch's loss, to the last bit
    assert not all(torch.equal(a, c) for a, c in zip(first.model.state_dict().values(),
                                                     other.model.state_dict().values()))


def test_early_stopping_restores_the_best_epoch(prices_csv):
    split = load_split(str(prices_csv), "High", (), "2015-08-01")
    recipe = TINY.with_overrides(epochs=30, val_fraction=0.2, patience=2, lr=0.05)
    run = train_one(split, recipe, device="cpu", progress=False)
    losses = [h["val_loss"] for h in run.history]
    assert len(losses) < 30 and np.argmin(losses) == len(losses) - 3


def test_checkpoint_round_trip_and_card(prices_csv, tmp_path):
    split = load_split(str(prices_csv), "High", ("Volume",), "2015-08-01")
    run = train_one(split, TINY, preset="tiny", seed=1, device="cpu", progress=False)
    path = tmp_path / "m.pt"
    checkpoint.save(path, run.model, run.card, TINY.to_dict())
    model, card, recipe = checkpoint.load(path)
    assert card == run.card and recipe["units"] == 8
    assert card.encoder.columns == ("High", "Volume") and card.encoder.log_columns == ("Volume",)
    assert card.train_end == "2015-07-31" and card.split == "2015-08-03"
    assert len(card.history) == 10 and card.metrics["one_step"]["model"]["rmse"] > 0
    x = torch.rand(4, 10, 2)
    torch.testing.assert_close(model(x), run.model(x))


def test_checkpoint_refuses_unknown_format_and_foreign_files(prices_csv, tmp_path):
    split = load_split(str(prices_csv), "High", (), "2015-08-01")
    run = train_one(split, TINY.with_overrides(epochs=1), device="cpu", progress=False)
    path = tmp_path / "m.pt"
    checkpoint.save(path, run.model, run.card, {})
    payload = torch.load(path, weights_only=True)
    torch.save({**payload, "format": 99}, path)
    with pytest.raises(RnnlabError, match="format 99 is newer"):
        checkpoint.load(path)
    torch.save([1, 2, 3], path)
    with pytest.raises(RnnlabError, match="not an rnnlab checkpoint"):
        checkpoint.load(path)
    path.write_bytes(b"junk")
    with pytest.raises(RnnlabError, match="not an rnnlab checkpoint .PyTorch cannot read it"):
        checkpoint.load(path)


def test_interrupted_save_leaves_the_old_file(prices_csv, tmp_path, monkeypatch):
    split = load_split(str(prices_csv), "High", (), "2015-08-01")
    run = train_one(split, TINY.with_overrides(epochs=1), device="cpu", progress=False)
    (tmp_path / "out").mkdir()
    path = tmp_path / "out" / "m.pt"
    checkpoint.save(path, run.model, run.card, {})
    before = path.read_bytes()

    def interrupted(obj, file):
        with open(file, "wb") as handle:
            handle.write(b"partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(torch, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        checkpoint.save(path, run.model, run.card, {})
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["m.pt"]


@pytest.mark.slow  # trains on the whole IBM file
def test_short_training_on_ibm_lowers_the_loss(ibm_csv):
    split = load_split(str(ibm_csv), "High", (), "2017-01-01")
    recipe = PRESETS["seed-gru"].with_overrides(units=16, cells=("gru",) * 2, epochs=4)
    run = train_one(split, recipe, device="cpu", progress=False)
    losses = [h["loss"] for h in run.history]
    assert losses[-1] < 0.5 * losses[0]
    result = run.evaluation.to_dict()
    assert result["days"] == 251 and result["test_start"] == "2017-01-03"
    assert result["one_step"]["persistence"]["rmse"] == pytest.approx(1.539, abs=1e-3)
