"""Arguments, output paths and the CLI's own guards: ranges before work, one-line errors,
Ctrl-C, strict JSON, and the warnings that say when a result should not be trusted."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rnnlab.cli.render import emit_json
from rnnlab.runtime.errors import ArgumentError, DataWarning, RnnlabError, in_range
from rnnlab.runtime.files import check_outputs, write_text
from rnnlab.runtime.forecaster import load
from rnnlab.runtime.prices.table import Prices
from rnnlab.training.presets import PRESETS


@pytest.mark.parametrize("changes, named", [
    ({"epochs": 0}, "epochs=0"), ({"window": -1}, "window=-1"), ({"batch": 0}, "batch=0"),
    ({"val_fraction": 1.0}, "val_fraction=1.0"), ({"dropout": 1.5}, "dropout=1.5"),
    ({"units": 10**6}, "units=1000000"), ({"transform": "sqrt"}, "transform='sqrt'"),
    ({"patience": 3}, "patience=3"), ({"epochs": True}, "epochs=True"),
])
def test_recipe_ranges_name_the_parameter(changes, named):
    with pytest.raises(ArgumentError, match=f"^{named}: "):
        PRESETS["seed-lstm"].with_overrides(**changes)


def test_argument_errors_read_as_cli_options():
    error = ArgumentError("val_fraction", 1.5, "must be below 1")
    assert str(error) == "val_fraction=1.5: must be below 1"
    assert error.for_cli() == "--val-fraction 1.5: must be below 1"
    for bad in (float("nan"), "3", None):
        with pytest.raises(ArgumentError, match="must be a number"):
            in_range("steps", bad, 1, 10)


def test_backtest_refuses_years_without_data_before_training(prices_csv, monkeypatch):
    from rnnlab.jobs import backtest

    monkeypatch.setattr(backtest, "run_fold", lambda job: pytest.fail("a fold started"))
    with pytest.raises(ArgumentError, match="years=1990: .* runs 2015-01-01 to"):
        backtest.backtest([str(prices_csv)], ["seed-lstm"], [1990], [0])
    with pytest.raises(ArgumentError, match="epochs=0"):
        backtest.backtest([str(prices_csv)], ["seed-lstm"], [2015], [0], overrides={"epochs": 0})


def test_generate_seed_and_samples_are_checked(tiny):
    model = load(tiny["onnx"])
    with pytest.raises(ArgumentError, match="seed=-1"):
        model.generate(5, samples=2, seed=-1)


def test_outputs_checked_before_work(tmp_path, prices_csv):
    check_outputs({"--out": tmp_path / "new" / "deep" / "m.pt"}, [prices_csv], make_parents=True)
    assert not (tmp_path / "new").exists()  # checking creates nothing
    with pytest.raises(RnnlabError, match="--out .*: .* does not exist; create it first"):
        check_outputs({"--out": tmp_path / "new" / "m.csv"})
    with pytest.raises(RnnlabError, match="that is an input file"):
        check_outputs({"--out": prices_csv}, [prices_csv])
    with pytest.raises(RnnlabError, match="--plot .*: --out writes the same file"):
        check_outputs({"--out": tmp_path / "a", "--plot": tmp_path / "a"})
    assert sorted(p.name for p in tmp_path.iterdir()) == [prices_csv.name]


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "out.csv"
    target.write_text("old")

    def full(*_):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("rnnlab.runtime.files.os.replace", full)
    with pytest.raises(RnnlabError, match="writing failed \\(No space left on device\\)"):
        write_text(target, "new")
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"] and target.read_text() == "old"


def test_json_is_strict(capsys):
    emit_json({"a": float("inf"), "b": [np.nan, 1.5], "c": np.array([np.inf, 2.0]),
               "d": "NaN stays text"})
    text = capsys.readouterr().out
    assert json.loads(text, parse_constant=pytest.fail) == {
        "a": None, "b": [None, 1.5], "c": [None, 2.0], "d": "NaN stays text"}


def test_ctrl_c_is_one_line_exit_130(cli, tiny, monkeypatch):
    def interrupted(*_, **__):
        raise KeyboardInterrupt

    monkeypatch.setattr("rnnlab.cli.runtime_commands.load", interrupted)
    code, out, err = cli("info", tiny["onnx"])
    assert code == 130 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: interrupted")


def test_usage_errors_are_one_line(cli):
    code, _, err = cli("generate", "--steps", "many")
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("error: Invalid value for '--steps'") and "rnnlab generate --help" in err


def test_numpy_runtime_warnings_never_reach_the_user(cli, tiny, tmp_path):
    flat = tmp_path / "zeros.csv"
    lines = tiny["csv"].read_text().splitlines()
    # a zero price: MAPE divides by zero; the JSON says null, stderr says nothing of numpy
    lines[-1] = ",".join(c if i != 2 else "0" for i, c in enumerate(lines[-1].split(",")))
    flat.write_text("\n".join(lines))
    code, out, err = cli("forecast", tiny["onnx"], "--csv", flat, "--json")
    assert code == 0, err
    assert "RuntimeWarning" not in err and "divide" not in err
    assert json.loads(out, parse_constant=pytest.fail)["scores"]["model"]["mape"] is None


def test_inputs_beyond_the_training_range_are_warned(tiny):
    model = load(tiny["onnx"])
    days = 40
    dates = np.busday_offset(np.datetime64("2016-01-01"), np.arange(days), roll="forward")
    far = Prices(dates, np.full((days, 1), 10 * model.encoder.hi[0]), ("High",), "far.csv")
    with pytest.warns(DataWarning, match="far.csv: High values reach .*% of the training "
                      "range above it.*cannot forecast beyond"):
        model.forecast(far, start=str(dates[20]))


def test_runaway_paths_are_warned(cli, tiny, monkeypatch):
    from rnnlab.runtime.preprocessing import Encoder

    monkeypatch.setattr(Encoder, "path_levels", lambda self, scaled, last: scaled * 0 - 5.0)
    code, out, err = cli("generate", tiny["onnx"], "--steps", "3")
    assert code == 0, err
    warnings = err.splitlines()
    assert any("leave the range a price can take (first: -5.00" in w for w in warnings)
    assert all(w.startswith("warning: ") for w in warnings)


def test_checkpoint_write_failure_is_one_error(tiny, tmp_path, monkeypatch):
    import torch

    from rnnlab.training import checkpoint

    def full(*_, **__):
        raise RuntimeError("[enforce fail at inline_container.cc:603] . unexpected pos 64\n"
                           "PytorchStreamWriter failed writing file data/0: file write failed")

    monkeypatch.setattr(torch, "save", full)
    run = tiny["run"]
    with pytest.raises(RnnlabError, match="m.pt: writing failed \\(\\[enforce fail"):
        checkpoint.save(tmp_path / "m.pt", run.model, run.card, {})
    assert list(tmp_path.iterdir()) == []
