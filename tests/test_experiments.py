"""Chapter 2's experiments measure what the tutorial says they measure."""

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from rnnlab.experiments import gradients, longlag  # noqa: E402
from rnnlab.experiments.common import make_recurrent  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TINY = longlag.Config(lengths=(6,), kinds=("rnn", "gru"), seeds=(0,), max_steps=20,
                      eval_every=10)


def test_jacobian_norms_match_autograd_jacobian() -> None:
    torch.manual_seed(0)
    layer = make_recurrent("gru", 3, 5, dtype=torch.float64)
    norms = gradients.jacobian_norms(layer, 7, torch.Generator().manual_seed(3))
    x = torch.randn(7, 1, 3, generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(lambda xs: layer(xs)[0][-1, 0], x)  # (5, 7, 1, 3)
    expected = jac.pow(2).sum(dim=(0, 2, 3)).sqrt().flip(0).numpy()
    np.testing.assert_allclose(norms, expected, rtol=1e-10)


def test_rnn_gradient_vanishes_faster_than_lstm_and_gru() -> None:
    result = gradients.measure(labels=("rnn", "lstm", "gru"), seq_len=51, seeds=range(4))
    for label, norms in result.norms.items():
        assert norms.shape == (4, 51)
        assert np.all(norms[:, 50] < 1e-6 * norms[:, 0]), f"{label}: no decay over 50 steps"
    decay = {label: norms[:, 50] / norms[:, 0] for label, norms in result.norms.items()}
    # seed by seed, what is left after 50 steps is >= 100x larger with gates than without
    assert np.all(decay["lstm"] > 100 * decay["rnn"])
    assert np.all(decay["gru"] > 100 * decay["rnn"])


def test_forget_bias_one_slows_the_lstm_decay() -> None:
    result = gradients.measure(labels=("lstm", "lstm, forget bias 1"), seq_len=51,
                               seeds=range(2))
    assert np.all(result.norms["lstm, forget bias 1"][:, 50]
                  > 1e3 * result.norms["lstm"][:, 50])


def test_gradient_table_rows() -> None:
    result = gradients.measure(labels=("rnn",), seq_len=30, seeds=range(1))
    rows = gradients.table(result)
    assert [row["k"] for row in rows] == [0, 1, 5, 10, 25]
    assert rows[0]["rnn"] == pytest.approx(result.norms["rnn"][0, 0])


def test_adding_batch() -> None:
    x, y = longlag.adding_batch(64, 20, torch.Generator().manual_seed(0))
    assert x.shape == (20, 64, 2) and y.shape == (64,)
    markers = x[..., 1]
    assert torch.all(markers.sum(dim=0) == 2)
    assert torch.all(markers[:10].sum(dim=0) == 1)  # one mark in each half
    torch.testing.assert_close(y, (x[..., 0] * markers).sum(dim=0))
    assert torch.all((x[..., 0] >= 0) & (x[..., 0] < 1))


def test_trials_are_reproducible() -> None:
    first, _ = longlag.train_trial("lstm", 6, seed=3, config=TINY)
    second, _ = longlag.train_trial("lstm", 6, seed=3, config=TINY)
    assert (first.steps, first.mse) == (second.steps, second.mse)
    assert first.steps == TINY.max_steps and not first.solved


@pytest.mark.slow  # chapter 2's experiment in fast mode: trains every cell kind
def test_fast_mode_gives_a_well_formed_table() -> None:
    results = longlag.run(longlag.FAST)
    config = longlag.FAST
    assert len(results.trials) == len(config.kinds) * len(config.lengths) * len(config.seeds)
    rows = results.rows()
    assert [(r["kind"], r["length"]) for r in rows] == [
        (kind, length) for kind in config.kinds for length in config.lengths]
    for row in rows:
        assert 0 <= row["success"] <= 1
        assert (row["mean_steps"] is None) == (row["success"] == 0)
    for trial in results.trials:
        assert trial.solved == (trial.mse < config.threshold)
        assert 0 < trial.steps <= config.max_steps
    lines = results.format().splitlines()
    assert len(lines) == 1 + len(config.kinds)
    assert lines[0].split() == ["kind", *(f"T={n}" for n in config.lengths)]


def test_command_line_json(monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(longlag, "FAST", TINY)
    longlag.main(["--fast", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert [row["kind"] for row in report["rows"]] == ["rnn", "gru"]
    assert len(report["trials"]) == 2 and report["config"]["max_steps"] == 20


@pytest.mark.slow  # every figure of the tutorial in fast mode: a minute
def test_make_figures_fast_writes_valid_pngs(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    subprocess.run([sys.executable, str(ROOT / "tutorial" / "make_figures.py"), "--fast",
                    "--out", str(tmp_path)], check=True, env=env, capture_output=True,
                   timeout=600)
    pngs = sorted(tmp_path.glob("*.png"))
    assert {p.stem for p in pngs} >= {"rnn_unrolled", "gradient_norms", "adding_success",
                                      "lstm_gates", "gru_gates"}
    for png in pngs:
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000, png.name


def test_train_trial_prepare_hook_changes_the_model_before_training() -> None:
    seen = []

    def identity_relu(model: longlag.LastStepRegressor) -> None:
        model.recurrent = torch.nn.RNN(2, TINY.hidden_size, nonlinearity="relu")
        with torch.no_grad():
            model.recurrent.weight_hh_l0.copy_(torch.eye(TINY.hidden_size))
        seen.append(model.recurrent)

    _, model = longlag.train_trial("rnn", 6, seed=0, config=TINY, prepare=identity_relu)
    assert model.recurrent is seen[0] and model.recurrent.nonlinearity == "relu"
    # the replaced layer was trained: the optimiser saw its weights
    assert not torch.equal(model.recurrent.weight_hh_l0, torch.eye(TINY.hidden_size))


def test_clip_norm_none_turns_clipping_off(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(torch.nn.utils, "clip_grad_norm_",
                        lambda params, norm: calls.append(norm))
    longlag.train_trial("rnn", 6, seed=0, config=TINY)
    assert calls == [1.0] * TINY.max_steps
    calls.clear()
    longlag.train_trial("rnn", 6, seed=0, config=dataclasses.replace(TINY, clip_norm=None))
    assert calls == []
