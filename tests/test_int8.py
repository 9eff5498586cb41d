"""int8 files (``rnnlab export --int8``): what the graph becomes, that the runtime runs them
within a stated tolerance of the float32 file, the card, the GRU note and bad arguments."""

from __future__ import annotations

import json
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import onnx
import pytest

from rnnlab.runtime.card import Architecture
from rnnlab.runtime.errors import ArgumentError, RnnlabError
from rnnlab.runtime.forecaster import load
from rnnlab.training.quantize import op_counts, subgraphs

# Tolerances, in the models' own units. Dynamic quantization rounds each weight to 1/254 of
# its matrix's largest magnitude and each activation to 1/255 of its range: a scaled
# forecast (the training range spans 1) moves by a few thousandths, and the shipped LSTM's
# 20-step paths by about 0.01 (benchmarks/int8.md holds the measured changes).
FORECAST_TOLERANCE = 0.01  # scaled units, one step and every generated step
PROBABILITY_TOLERANCE = 0.03  # per character's probability
NATS_TOLERANCE = 0.02  # nats/char on the scored text

ARCHITECTURES = {
    "lstm": Architecture(("lstm",) * 2, 16),
    "bidirectional lstm": Architecture(("lstm",) * 2, 16, bidirectional=True),
    "lstm|gru ensemble": Architecture(("lstm", "lstm", "gru", "gru"), 16, branches=2),
}


@pytest.fixture(params=list(ARCHITECTURES), scope="module")
def pair(request, tmp_path_factory):
    """A random model of each architecture exported as float32 and as int8."""
    from helpers import write_prices

    from rnnlab.training.data import load_split
    from rnnlab.training.export import export
    from rnnlab.training.network import build
    from rnnlab.training.presets import PRESETS
    from rnnlab.training.run import make_card

    folder = tmp_path_factory.mktemp("int8")
    arch = ARCHITECTURES[request.param]
    recipe = PRESETS["seed-lstm"].with_overrides(cells=arch.cells, units=arch.units, window=20,
                                                 bidirectional=arch.bidirectional)
    csv = write_prices(folder / "p.csv", days=120)
    card = replace(make_card(load_split(str(csv), "High", (), "2015-05-01"), recipe, "t", 0),
                   architecture=arch)  # the recipe has no branches
    model = build(card.architecture, 0.0, "keras", seed=7).eval()
    export(model, card, folder / "float.onnx")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        export(model, card, folder / "int8.onnx", int8=True)
    return load(folder / "float.onnx"), load(folder / "int8.onnx"), caught


def windows(batch: int, window: int = 20) -> np.ndarray:
    return np.random.default_rng(0).random((batch, window, 1), dtype=np.float32)


def test_lstms_and_matmuls_become_integer_ops_loops_included(pair):
    _, int8, _ = pair
    proto = onnx.load(str(int8.path))
    counts = op_counts(proto)
    assert counts["LSTM"] == 0 and counts["MatMul"] == 0
    assert counts["DynamicQuantizeLSTM"] > 0 and counts["MatMulInteger"] > 0
    onnx.checker.check_model(proto, full_check=True)
    # the generation Scans' bodies: every one holds a quantized head
    scans = [a.g for g in subgraphs(proto.graph) for n in g.node if n.op_type == "Scan"
             for a in n.attribute if a.type == onnx.AttributeProto.GRAPH]
    assert scans and all(any(n.op_type == "MatMulInteger" for n in s.node) for s in scans)


def test_int8_forecasts_and_generates_within_tolerance_of_float32(pair):
    float32, int8, _ = pair
    x = windows(60)  # above ROWS_PER_CALL: the chunked path too
    assert np.abs(float32.predict(x) - int8.predict(x)).max() < FORECAST_TOLERANCE
    modes = ["windowed"] if float32.arch.bidirectional else ["windowed", "stateful"]
    for mode in modes:
        a = float32.generate_scaled(x[:3], 15, mode)
        b = int8.generate_scaled(x[:3], 15, mode)
        assert b.shape == (3, 15)
        assert np.abs(a - b).max() < FORECAST_TOLERANCE, mode
    assert not np.array_equal(float32.predict(x), int8.predict(x))  # it did quantize


def test_card_says_int8_and_keeps_everything_else(pair):
    float32, int8, _ = pair
    assert float32.card.weights == "float32" and int8.card.weights == "int8"
    assert float32.card.to_dict() == {k: v for k, v in int8.card.to_dict().items()
                                      if k != "weights"}


def test_gru_layers_are_said_to_stay_float32(pair):
    float32, int8, caught = pair
    grus = op_counts(onnx.load(str(int8.path)))["GRU"]
    notes = [str(w.message) for w in caught if "stay float32" in str(w.message)]
    assert grus == op_counts(onnx.load(str(float32.path)))["GRU"]
    assert len(notes) == (1 if grus else 0)
    if grus:
        assert "GRU layers stay float32" in notes[0] and "no quantized GRU" in notes[0]


def test_a_float32_card_stores_no_weights_field_and_a_bad_one_is_refused(pair, tmp_path):
    float32, int8, _ = pair
    stored = {p.key for p in onnx.load(str(float32.path)).metadata_props}
    assert "rnnlab.weights" not in stored  # a float32 file is what it was before int8
    proto = onnx.load(str(int8.path))
    props = {p.key: p.value for p in proto.metadata_props}
    assert json.loads(props["rnnlab.weights"]) == "int8"
    onnx.helper.set_model_props(proto, {**props, "rnnlab.weights": json.dumps("int4")})
    onnx.save(proto, tmp_path / "bad.onnx")
    with pytest.raises(RnnlabError, match="weights: must be one of"):
        load(tmp_path / "bad.onnx")


@pytest.mark.usefixtures("one_torch_thread")
def test_text_int8_scores_and_samples_within_tolerance(tiny_text, tmp_path):
    from language_fixtures import VERSE

    from rnnlab.runtime.text.noise import uniforms

    path = tiny_text["trained"].export(tmp_path / "int8.onnx", int8=True)
    float32, int8 = load(tiny_text["onnx"]), load(path)
    assert int8.card.weights == "int8" and float32.card.weights == "float32"
    counts = op_counts(onnx.load(str(path)))
    assert counts["LSTM"] == 0 and counts["DynamicQuantizeLSTM"] == 4  # prompt pass + Loop
    assert path.stat().st_size < tiny_text["onnx"].stat().st_size
    gap = abs(float32.score(VERSE).model - int8.score(VERSE).model)
    assert gap < NATS_TOLERANCE
    prompt = float32.vocab.encode("To be")[None]
    noise = uniforms(3, 40).reshape(1, 40)
    a, b = float32.run(prompt, noise), int8.run(prompt, noise)
    # the same noise: each step's distribution is close while the draws agree
    same = np.cumprod(a["ids"][0] == b["ids"][0]).sum()
    assert same >= 1
    assert np.abs(a["probs"][0, :same] - b["probs"][0, :same]).max() < PROBABILITY_TOLERANCE
    assert len(int8.generate("To be", 30, seed=1).text) == 30


def test_cli_exports_int8_from_checkpoint_and_file_and_says_gru_stays(cli, tiny, tmp_path):
    code, out, err = cli("export", tiny["pt"], "--int8", "-o", tmp_path / "a.onnx")
    assert code == 0 and "int8" in out
    # the tiny model is LSTM + GRU: one warning line says what stays float32
    assert [line for line in err.splitlines() if line.startswith("warning:")] == [
        line for line in err.splitlines() if "GRU layers stay float32" in line]
    assert len(err.splitlines()) == 1
    code, out, _ = cli("export", tiny["onnx"], "--int8", "-o", tmp_path / "b.onnx")
    assert code == 0 and load(tmp_path / "b.onnx").card.weights == "int8"
    assert "format 1, int8 weights" in cli("info", tmp_path / "b.onnx")[1]
    assert "int8" not in cli("info", tiny["onnx"])[1]


def test_text_cli_exports_int8_from_its_file(cli, tiny_text, tmp_path):
    code, out, err = cli("export", tiny_text["onnx"], "--int8", "-o", tmp_path / "t.onnx")
    assert code == 0 and ", int8)" in out and "of the float32 weights" in out and not err
    assert load(tmp_path / "t.onnx").card.weights == "int8"
    assert "text format 1, int8 weights" in cli("info", tmp_path / "t.onnx")[1]


@pytest.mark.parametrize("case", ["int8 again", "int8 file rebuilt", "text file as float",
                                  "value given"])
def test_bad_arguments_give_one_error_line(cli, tiny, tiny_text, tmp_path, case):
    int8 = tmp_path / "int8.onnx"
    if case != "text file as float":
        assert cli("export", tiny["pt"], "--int8", "-o", int8)[0] == 0
    args = {"int8 again": [int8, "--int8"], "int8 file rebuilt": [int8],
            "text file as float": [tiny_text["onnx"]],
            "value given": [tiny["pt"], "--int8", "yes"]}[case]
    code, out, err = cli("export", *args, "-o", tmp_path / "out.onnx")
    assert code == 2 and not out and not (tmp_path / "out.onnx").exists()
    assert len(err.splitlines()) == 1 and err.startswith("error: ")
    assert "Traceback" not in err


def test_python_api_refuses_a_non_boolean_before_writing(tiny, tmp_path):
    from rnnlab.training.trained import Trained

    with pytest.raises(ArgumentError, match="int8='yes': must be True or False"):
        Trained.load(tiny["pt"]).export(tmp_path / "x.onnx", int8="yes")
    assert not (tmp_path / "x.onnx").exists()


@pytest.mark.slow
def test_table_script_covers_every_shipped_file(tmp_path):
    import subprocess
    import sys

    from helpers import SHARED

    if not (SHARED / "tinyshakespeare.txt").is_file():
        pytest.skip(f"needs the shared data in {SHARED}")
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "scripts/int8_table.py", "--repeats", "1",
                           "--val-chars", "300", "--out", str(tmp_path / "t")], cwd=root,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    result = json.loads((tmp_path / "t.json").read_text())
    assert set(result["rows"]) == {p.name for p in (root / "exported").glob("*.onnx")}
    for name, row in result["rows"].items():
        lstm = row["cells"] == "lstm"
        assert (row["bytes"]["int8"] < row["bytes"]["float32"] / 3) == lstm, name
        assert bool(row["notes"]) == (not lstm), name  # the GRU note
        if "rmse" in row:  # the float32 file scores what its card says
            assert row["rmse"]["float32"] == pytest.approx(row["card_rmse"], abs=1e-4)
    assert "/proc/loadavg" in (tmp_path / "t.md").read_text()
