"""Chapter 10's measurements (rnnlab.experiments.practice and friends): the tables the
chapters include are what the stored measurements say, the command writes them and names
itself, and the layer variants compute what they claim."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from rnnlab.experiments import cellpath, practice, variants  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "tutorial" / "results"
COMMAND = "python -m rnnlab.experiments.practice --out tutorial/results/practice.json"


def test_tables_are_the_stored_measurements() -> None:
    results = json.loads((RESULTS / "practice.json").read_text(encoding="utf-8"))
    assert results["command"] == COMMAND
    tables = practice.markdown(results, COMMAND)
    assert sorted(tables) == sorted(practice.SECTIONS)
    for name, text in tables.items():
        assert (RESULTS / f"practice-{name}.md").read_text(encoding="utf-8") == text, name


def test_the_command_writes_json_and_tables_that_name_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tiny = replace(practice.FAST, clip_steps=12, init_steps=4, small_steps=4,
                   exercise_steps=4)
    monkeypatch.setattr(practice, "FAST", tiny)
    out = tmp_path / "practice.json"
    practice.main(["--fast", "--out", str(out)])
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["command"] == f"python -m rnnlab.experiments.practice --fast --out {out}"
    assert set(practice.SECTIONS) <= set(results) and set(results["seconds"]) == set(
        practice.SECTIONS)
    for name in practice.SECTIONS:
        text = (tmp_path / f"practice-{name}.md").read_text(encoding="utf-8")
        assert text.endswith(f"Written by `{results['command']}`.\n")


def test_out_in_a_missing_folder_is_one_error_line_before_any_work(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(practice, "run", lambda *args: pytest.fail("trained anyway"))
    out = tmp_path / "missing" / "practice.json"
    with pytest.raises(SystemExit) as exit_info:
        practice.main(["--out", str(out)])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.startswith(f"error: --out {out}: the folder")


def test_spike_is_the_first_loss_ten_times_the_lowest_before_it() -> None:
    run = {"losses": [1.0, 0.5, 0.6, 4.0, 6.0], "norms": [1, 2, 3, 40, 50],
           "spectral_radius": [0.6, 0.7, 0.9, 1.2, 3.0]}
    assert practice.spike(run) == {"step": 5, "rho_above_1": 4, "before": 0.5,
                                   "loss": 6.0, "norm": 50, "radius": 3.0}
    calm = {**run, "losses": [1.0, 0.5, 0.6, 0.4, 0.3], "spectral_radius": [0.5] * 5}
    assert practice.spike(calm) == {"step": None, "rho_above_1": None}


def test_cell_loop_without_options_is_torch_lstm() -> None:
    torch.manual_seed(0)
    loop = variants.CellLoop(3, 5).double()
    layer = torch.nn.LSTM(3, 5).double()
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(layer, f"{name}_l0").copy_(getattr(loop.cell, name))
    x = torch.randn(11, 4, 3, dtype=torch.float64)
    (ours, (_, c)), (theirs, (_, c_n)) = loop(x), layer(x)
    torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-12)
    torch.testing.assert_close(c, c_n[0], rtol=0, atol=1e-12)


def test_recurrent_dropout_uses_one_mask_for_the_whole_sequence() -> None:
    """With every input zero and no biases, h_t depends on the masked h_{t-1} only: a unit
    dropped at one step is dropped at every step, so its column is 0 throughout."""
    torch.manual_seed(0)
    loop = variants.CellLoop(2, 64, recurrent_dropout=0.5)
    with torch.no_grad():
        loop.cell.bias_ih.fill_(1.0)
    x = torch.zeros(6, 1, 2)
    seen = []   # which units of the h_{t-1} that each step reads are nonzero
    loop.cell.register_forward_pre_hook(lambda module, args: seen.append(args[1][0] != 0))
    loop(x)
    masks = torch.stack(seen[1:])                          # step 1 reads h_0 = 0
    assert torch.equal(masks, masks[:1].expand_as(masks))
    assert 0 < masks[0].float().mean() < 1


def test_layer_norm_normalises_the_gate_inputs() -> None:
    torch.manual_seed(0)
    loop = variants.CellLoop(2, 16, layer_norm=True)
    seen = []
    loop.gate_norms[1].register_forward_hook(lambda m, a, out: seen.append(out))
    loop(10 * torch.randn(5, 3, 2))
    stacked = torch.stack(seen)                              # the forget gate's input
    torch.testing.assert_close(stacked.mean(dim=-1), torch.zeros(5, 3), atol=1e-5, rtol=0)
    torch.testing.assert_close(stacked.std(dim=-1, unbiased=False), torch.ones(5, 3),
                               atol=1e-3, rtol=0)


def test_both_ends_reads_the_states_that_saw_the_whole_sequence() -> None:
    torch.manual_seed(0)
    both = variants.BothEnds(2, 8)
    x = torch.randn(7, 3, 2)
    outputs, (h_n, _) = both(x)
    torch.testing.assert_close(outputs[-1], torch.cat([h_n[0], h_n[1]], dim=-1))
    changed = x.clone()
    changed[0] += 1.0                                        # only the first step
    moved = both(changed)[0][-1]
    assert not torch.allclose(moved[:, 4:], outputs[-1][:, 4:])   # backward half moved


def test_the_gradient_along_a_cell_that_never_forgets_is_kept() -> None:
    """With the forget gates pinned near 1 (bias 20) the path along the cell loses nothing;
    with PyTorch's start it shrinks like 0.5 per step, and the Elman chain faster still."""
    kept = cellpath.untrained(seq_len=31, forget_bias=20.0)["lstm, cell only"]
    np.testing.assert_allclose(kept, kept[0], rtol=1e-6)
    default = cellpath.untrained(seq_len=31)
    assert default["lstm, cell only"][30] < 1e-6 * default["lstm, cell only"][0]
    assert default["rnn"][30] < default["lstm, cell only"][30]
