"""Mixed-precision price training: --precision / precision=, the card, the float32 file."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import onnx
import pytest
import torch

import rnnlab
from rnnlab.runtime.card import Card
from rnnlab.runtime.errors import ArgumentError, RnnlabError
from rnnlab.training.precision import autocast, bf16_supported

TINY = {"cells": ("lstm",), "units": 8, "window": 10, "epochs": 1, "batch": 16}
SPLIT = "2015-08-01"
HAS_BF16 = bf16_supported(torch.device("cpu"))
needs_bf16 = pytest.mark.skipif(not HAS_BF16, reason="this CPU has no native bfloat16")


def train_tiny(prices_csv, precision: str):
    return rnnlab.train(prices_csv, "seed-lstm", SPLIT, seed=0, device="cpu", progress=False,
                        threads=1, precision=precision, **TINY)


@needs_bf16
def test_bf16_training_is_recorded_in_the_card(prices_csv):
    trained = train_tiny(prices_csv, "bf16")
    assert trained.card.precision == "bf16" and trained.recipe["precision"] == "bf16"


@needs_bf16
def test_bf16_changes_the_arithmetic_but_not_the_weights_dtype(prices_csv):
    fp32, bf16 = train_tiny(prices_csv, "fp32"), train_tiny(prices_csv, "bf16")
    assert fp32.card.precision == "fp32"
    assert fp32.history[-1]["loss"] != bf16.history[-1]["loss"]  # autocast did run
    assert {p.dtype for p in bf16.model.parameters()} == {torch.float32}


def test_without_bf16_support_training_says_so_and_runs_fp32(prices_csv, monkeypatch, capsys):
    monkeypatch.setattr("rnnlab.training.precision.bf16_supported", lambda device: False)
    trained = train_tiny(prices_csv, "bf16")
    assert trained.card.precision == "fp32"
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["note: this CPU has no native bfloat16 support; training in fp32"]


@needs_bf16
def test_cli_bf16_card_and_a_float32_file_that_runs(prices_csv, tmp_path, cli):
    pt, path = tmp_path / "m.pt", tmp_path / "m.onnx"
    code, out, err = cli("train", "--csv", prices_csv, "--split", SPLIT, "--window", "10",
                         "--epochs", "1", "--batch", "16", "--precision", "bf16", "--out", pt,
                         "--no-progress", "--json")
    assert code == 0, err
    assert json.loads(out)["recipe"]["precision"] == "bf16"
    assert cli("export", pt, "-o", path)[0] == 0
    proto = onnx.load(path)
    assert json.loads({p.key: p.value for p in proto.metadata_props}["rnnlab.precision"]) == "bf16"
    floats = {onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16, onnx.TensorProto.BFLOAT16,
              onnx.TensorProto.DOUBLE}
    assert {t.data_type for t in proto.graph.initializer} & floats == {onnx.TensorProto.FLOAT}
    model = rnnlab.load(path)
    assert model.card.precision == "bf16"
    x = np.random.default_rng(0).uniform(0, 1, (3, 10, 1)).astype(np.float32)
    assert np.isfinite(model.predict(x)).all()


def test_cli_refuses_an_unknown_precision_before_training(prices_csv, tmp_path, cli):
    pt = tmp_path / "m.pt"
    code, out, err = cli("train", "--csv", prices_csv, "--precision", "fp16", "--out", pt)
    assert code == 2 and out == "" and not pt.exists()
    assert err.strip().splitlines() == ["error: --precision fp16: is unknown; use one of fp32, "
                                        "bf16"]


def test_python_refuses_an_unknown_precision(prices_csv):
    with pytest.raises(ArgumentError, match="precision='fp16'"):
        train_tiny(prices_csv, "fp16")


def test_an_old_card_without_precision_loads_as_fp32_and_a_bad_one_is_refused(tiny):
    data = tiny["run"].card.to_dict()
    del data["precision"]
    assert Card.from_dict(data).precision == "fp32"
    with pytest.raises(RnnlabError, match="precision: must be one of"):
        Card.from_dict(replace(tiny["run"].card, precision="fp8").to_dict())


TINY_TEXT = {"epochs": 1, "units": 16, "embed": 4, "layers": 1, "batch": 4, "bptt": 24,
             "warmup": 2}


def test_the_shakespeare_preset_trains_in_bf16_by_default_the_small_ones_in_fp32():
    from language_fixtures import VERSE

    shipped = rnnlab.train(VERSE * 20, preset="shakespeare", progress=False, threads=1,
                           **TINY_TEXT)
    small = rnnlab.train(VERSE * 20, preset="char-lstm", progress=False, threads=1,
                         **TINY_TEXT)
    assert shipped.precision == ("bf16" if HAS_BF16 else "fp32")
    assert small.precision == "fp32"


@pytest.mark.parametrize("device", ["cpu", torch.device("cpu")])
def test_the_fit_takes_a_device_by_name_or_object(device):
    # the fit's callers pass either (resolve_device gives an object; chapter 5 passes "cpu")
    with autocast("bf16", device):
        assert torch.is_autocast_enabled("cpu")
    with autocast("fp32", device):
        assert not torch.is_autocast_enabled("cpu")
