"""An ensemble model predicts exactly the mean of its members, in PyTorch and in ONNX."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from rnnlab.runtime.errors import RnnlabError
from rnnlab.runtime.forecaster import load
from rnnlab.training.data import load_split
from rnnlab.training.ensemble import combine
from rnnlab.training.export import export
from rnnlab.training.network import build
from rnnlab.training.presets import PRESETS
from rnnlab.training.run import finish, make_card


@pytest.fixture
def members(prices_csv):
    split = load_split(str(prices_csv), "High", (), "2015-08-01")
    made = []
    for seed, cells in enumerate([("lstm", "lstm"), ("gru", "gru")]):
        recipe = PRESETS["seed-lstm"].with_overrides(cells=cells, units=8, window=10)
        card = make_card(split, recipe, f"m{seed}", seed)
        made.append((build(card.architecture, 0.0, "keras", seed).eval(), card))
    return made, split


def test_ensemble_is_the_mean_of_its_members(members, tmp_path):
    made, split = members
    model, card = combine(made)
    assert card.architecture.branches == 2 and card.architecture.name == "lstm|gru"
    x = torch.rand(6, 10, 1)
    with torch.no_grad():
        expected = (made[0][0](x) + made[1][0](x)) / 2
        torch.testing.assert_close(model(x), expected, rtol=0, atol=1e-6)
    trained = finish(model, card, split, [])
    export(trained.model, trained.card, tmp_path / "e.onnx")
    runtime = load(tmp_path / "e.onnx")
    assert np.abs(runtime.predict(x.numpy()) - expected.numpy()).max() <= 1e-5
    assert runtime.card.metrics["one_step"]["model"]["rmse"] > 0


def test_members_must_share_data_and_shape(members):
    made, _ = members
    with pytest.raises(RnnlabError, match="at least two"):
        combine(made[:1])
    other = replace(made[1][1], split="2015-09-01")
    with pytest.raises(RnnlabError, match="differ in split"):
        combine([made[0], (made[1][0], other)])
    wide = replace(made[1][1], architecture=replace(made[1][1].architecture, units=9))
    with pytest.raises(RnnlabError, match="same depth, units"):
        combine([made[0], (made[1][0], wide)])
