"""minGRU and minLSTM: the log-space scan that trains them computes the same states, and the
same gradients, as the loop that runs them one step at a time; the exported graph, run
without torch, generates what the torch loop generates."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest
import torch

from rnnlab.experiments import parallel_scan
from rnnlab.mingru import MinGRU, MinLSTM, g, log_g, loop, scan
from rnnlab.runtime.errors import ArgumentError, RnnlabError
from rnnlab.runtime.stepper import Stepper
from rnnlab.training.scan_export import NextValue, export, to_onnx

LAYERS = [MinGRU, MinLSTM]


def test_log_g_is_the_log_of_g_and_g_is_positive() -> None:
    x = torch.linspace(-30, 30, 601, dtype=torch.float64)
    assert (g(x) > 0).all()
    torch.testing.assert_close(log_g(x), torch.log(g(x)), rtol=1e-8, atol=1e-8)


def test_scan_solves_the_linear_recurrence() -> None:
    torch.manual_seed(0)
    a = torch.rand(50, 3, 4, dtype=torch.float64)
    b = torch.rand(50, 3, 4, dtype=torch.float64)
    h = h0 = torch.rand(3, 4, dtype=torch.float64) + 0.1
    expected = []
    for a_t, b_t in zip(a, b, strict=True):
        h = a_t * h + b_t
        expected.append(h)
    got = scan(a.log(), b.log(), h0.log())
    torch.testing.assert_close(got, torch.stack(expected), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("layer_type", LAYERS)
def test_scan_equals_loop_in_float64_values_and_gradients(layer_type) -> None:
    torch.manual_seed(1)
    layer = layer_type(5, 8).double()
    x = torch.randn(200, 4, 5, dtype=torch.float64, requires_grad=True)
    h0 = torch.rand(4, 8, dtype=torch.float64) + 0.05
    scanned, last = layer(x, h0)
    looped = loop(layer, x, h0)
    torch.testing.assert_close(scanned, looped, rtol=1e-6, atol=1e-6)
    assert torch.equal(last[0], scanned[-1])
    weights = torch.randn_like(scanned)
    grads_scan = torch.autograd.grad((scanned * weights).sum(), [x, *layer.parameters()])
    grads_loop = torch.autograd.grad((looped * weights).sum(), [x, *layer.parameters()])
    for got, expected in zip(grads_scan, grads_loop, strict=True):
        torch.testing.assert_close(got, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("layer_type", LAYERS)
def test_default_initial_state_and_layout(layer_type) -> None:
    """Sequences are (time, batch, features) as nn.GRU's; h0 defaults to g(0) = 0.5."""
    torch.manual_seed(2)
    layer = layer_type(2, 3)
    x = torch.randn(7, 5, 2)
    outputs, last = layer(x)
    assert outputs.shape == (7, 5, 3) and last.shape == (1, 5, 3)
    assert (outputs > 0).all()
    torch.testing.assert_close(outputs, layer(x, torch.full((5, 3), 0.5))[0])
    torch.testing.assert_close(outputs, loop(layer, x), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("cell", ["mingru", "gru"])
def test_exported_graph_generates_as_the_torch_loop(cell: str, tmp_path) -> None:
    """History then generation with the same noise: ONNX (torch-free runtime) == torch."""
    torch.manual_seed(3)
    model = NextValue(cell, 8)
    path = tmp_path / f"{cell}.onnx"
    export(model, path)
    stepper = Stepper(path)
    history = np.random.default_rng(0).normal(size=(3, 6)).astype(np.float32)
    noise = np.random.default_rng(1).normal(size=(5, 3)).astype(np.float32)
    y, state = stepper.generate(history, 5, noise)
    expected = model.generate(torch.from_numpy(history.T), torch.from_numpy(noise))
    np.testing.assert_allclose(y, expected.numpy(), rtol=1e-5, atol=1e-5)
    assert state.shape == (1, 3, 8)


def test_stepper_rejects_other_files_and_bad_arguments(tmp_path) -> None:
    torch.manual_seed(4)
    model = NextValue("mingru", 4)
    onnx_model = to_onnx(model)
    onnx_model.metadata_props[0].value = "next-value-0"
    path = tmp_path / "old.onnx"
    path.write_bytes(onnx_model.SerializeToString())
    with pytest.raises(RnnlabError, match="not an rnnlab next-value model"):
        Stepper(path)
    (tmp_path / "junk.onnx").write_bytes(b"not onnx")
    with pytest.raises(RnnlabError, match="not a loadable ONNX model"):
        Stepper(tmp_path / "junk.onnx")
    export(model, tmp_path / "ok.onnx")
    stepper = Stepper(tmp_path / "ok.onnx")
    with pytest.raises(ArgumentError, match="steps"):
        stepper.generate(np.zeros((2, 3)), 0)
    with pytest.raises(ArgumentError, match="noise"):
        stepper.generate(np.zeros((2, 3)), 4, np.zeros((4, 3)))


@pytest.mark.parametrize("experiment", ["timing", "adding", "export"])
def test_experiment_writes_a_table_that_names_its_command(experiment: str, tmp_path,
                                                          capsys) -> None:
    out = tmp_path / f"{experiment}.md"
    parallel_scan.main([experiment, "--fast", "--out", str(out)])
    text = out.read_text()
    assert text.startswith("| ") and text == capsys.readouterr().out[-len(text):]
    assert (f"Written by `python -m rnnlab.experiments.parallel_scan {experiment} --fast "
            f"--out {out}`.") in text
    if experiment == "export":
        assert {"mingru", "gru"} <= set(re.findall(r"^\| (\w+) \|", text, re.M))


def test_the_stepper_imports_no_training_package() -> None:
    code = ("import sys, rnnlab.runtime.stepper; print(sorted({m.split('.')[0] for m in "
            "sys.modules} & {'torch', 'onnx', 'pandas', 'matplotlib'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert done.stdout.strip() == "[]", done.stderr
