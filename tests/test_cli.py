"""The command line end to end: train -> export -> info/forecast/generate, and its errors."""

from __future__ import annotations

import csv
import json
import re

import numpy as np
import pytest
from helpers import assert_scores_close, write_prices

from rnnlab.runtime.forecaster import load

TINY_TRAIN = ["--split", "2015-08-01", "--window", "10", "--epochs", "2", "--batch", "16",
              "--no-progress"]


def is_png(path) -> bool:
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow  # trains the seeds in worker processes
def test_train_several_seeds_reports_mean_and_sd(cli, prices_csv, tmp_path):
    out = tmp_path / "runs" / "m.pt"
    code, text, err = cli("train", "--csv", prices_csv, "--preset", "seed-gru", "--seeds", "0,1",
                          *TINY_TRAIN, "--out", out, "--plot", tmp_path / "fit.png")
    assert code == 0, err
    assert sorted(p.name for p in out.parent.iterdir()) == ["m-seed0.pt", "m-seed1.pt"]
    assert "mean ± sd over seeds 0,1" in text and "persistence" in text and "flat" in text
    assert is_png(tmp_path / "fit.png")


def test_train_json_then_evaluate_agrees(cli, prices_csv, tmp_path):
    out = tmp_path / "m.pt"
    code, text, err = cli("train", "--csv", prices_csv, *TINY_TRAIN, "--out", out, "--json")
    assert code == 0, err
    trained = json.loads(text)
    assert trained["recipe"]["epochs"] == 2 and len(trained["runs"]) == 1
    code, text, err = cli("evaluate", out, "--csv", prices_csv, "--json")
    assert code == 0, err
    # the checkpoint holds the float32 weights exactly and both score on one thread; rel 1e-6
    # covers a math library's other kernel at another memory alignment, nothing more
    assert_scores_close(json.loads(text)["one_step"], trained["runs"][0]["one_step"], rel=1e-6)


def test_export_writes_the_file_the_library_exports(cli, tiny, tmp_path):
    model = tmp_path / "m.onnx"
    code, text, err = cli("export", tiny["pt"], "-o", model)
    assert code == 0 and "wrote" in text, err
    # the checkpoint's float32 weights through the same graph: equal to onnxruntime's
    # rounding, which a thread count may move in the last digits
    np.testing.assert_allclose(load(model).forecast(tiny["csv"]).predicted,
                               load(tiny["onnx"]).forecast(tiny["csv"]).predicted, rtol=1e-6)


def test_info_names_the_cells_and_the_baselines(cli, tiny):
    code, text, err = cli("info", tiny["onnx"])
    assert code == 0, err
    assert "LSTM+GRU(8)" in text and "persistence" in text


def test_forecast_prints_scores_and_the_next_trading_day(cli, tiny):
    code, text, err = cli("forecast", tiny["onnx"], "--csv", tiny["csv"])
    assert code == 0, err
    assert "persistence" in text and "next NYSE trading day 2015-11-05" in text


def test_forecast_out_writes_every_day_and_the_next_one_without_an_actual(cli, tiny, tmp_path):
    preds = tmp_path / "preds.csv"
    code, _, err = cli("forecast", tiny["onnx"], "--csv", tiny["csv"], "--out", preds)
    assert code == 0, err
    rows = list(csv.reader(preds.open()))
    assert rows[0] == ["Date", "actual", "forecast", "persistence"]
    assert rows[-1][0] == "2015-11-05" and rows[-1][1] == ""


def test_forecast_plot_writes_a_png(cli, tiny, tmp_path):
    code, _, err = cli("forecast", tiny["onnx"], "--csv", tiny["csv"], "--plot",
                       tmp_path / "f.png")
    assert code == 0, err
    assert is_png(tmp_path / "f.png")


def generate_from_october(cli, tiny, *more: str) -> tuple[int, str, str]:
    """``rnnlab generate`` of 12 days from 2015-10-01 on tiny's prices."""
    return cli("generate", tiny["onnx"], "--csv", tiny["csv"], "--start", "2015-10-01",
               "--steps", "12", "--mode", "stateful", *more)


def test_generate_from_a_start_begins_on_the_files_next_trading_day(cli, tiny):
    code, text, err = generate_from_october(cli, tiny, "--json")
    assert code == 0, err
    generated = json.loads(text)
    assert generated["start_date"] == "2015-09-30" and len(generated["generated"]) == 12
    assert generated["dates"][0] == "2015-10-01"  # the file's next trading day


def test_generate_json_scores_the_sampled_paths_beside_the_generators(cli, tiny):
    code, text, err = generate_from_october(cli, tiny, "--json")
    assert code == 0, err
    generated = json.loads(text)
    assert set(generated["scores"]) == {"model", "flat + naive fan", "drift walk"}
    assert generated["samples"] == 200 and len(generated["p95"]) == 12


def test_generate_out_writes_a_row_per_step(cli, tiny, tmp_path):
    code, _, err = generate_from_october(cli, tiny, "--out", tmp_path / "g.csv")
    assert code == 0, err
    assert len(list(csv.reader((tmp_path / "g.csv").open()))) == 13  # and the header


@pytest.mark.parametrize("args, message", [
    (["generate", "absent.onnx"], "absent.onnx: no such model file"),
    (["info", "ohlc"], "or name a shipped model (lstm, gru, ohlc-gru, return-gru, shakespeare)"),
    (["generate", "ohlc-gru"], "cannot generate"),
    (["generate", "{onnx}", "--steps", "0"], "--steps 0: must be between 1 and 10000"),
    (["generate", "{onnx}", "--mode", "sideways"], "--mode sideways: is unknown"),
    (["forecast", "{onnx}", "--csv", "{nan_csv}"], "column High: 'nan' is not a value"),
    (["train", "--csv", "{csv}", "--seeds", "a,b"], "--seeds 'a,b': use whole numbers"),
    (["train", "--csv", "{csv}", "--split", "2030-01-01"], "one side is empty"),
    (["train", "--csv", "{csv}", "--column", "Adj"], "no column 'Adj'"),
    (["export", "absent.pt", "-o", "x.onnx"], "absent.pt: no such checkpoint"),
])
def test_bad_input_is_one_line_exit_2(cli, tiny, tmp_path, args, message):
    nan_csv = tmp_path / "nan.csv"
    lines = tiny["csv"].read_text().splitlines()
    first = lines[5].split(",")
    first[2] = "nan"
    nan_csv.write_text("\n".join(lines[:5] + [",".join(first)] + lines[6:]))
    values = {"onnx": tiny["onnx"], "csv": tiny["csv"], "nan_csv": nan_csv}
    code, text, err = cli(*[a.format(**{k: str(v) for k, v in values.items()}) for a in args])
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("error: ") and message in err
    assert "Traceback" not in err


def test_info_finds_a_shipped_model_by_name(cli):
    code, text, err = cli("info", "ohlc-gru")
    assert code == 0, err
    assert "ibm-high-ohlc-gru.onnx" in text and "transform relative" in text


def test_generate_finds_a_shipped_model_by_name(cli):
    code, text, err = cli("generate", "lstm", "--steps", "3", "--json")
    assert code == 0, err
    assert json.loads(text)["model"].endswith("ibm-high-lstm.onnx")


def test_forecast_refuses_too_short_history(cli, tiny, tmp_path):
    short = write_prices(tmp_path / "short.csv", days=8)
    code, _, err = cli("generate", tiny["onnx"], "--csv", short)
    assert code == 2 and "needs at least 10 rows" in err


def test_help_shows_flags_as_flags_and_whole_summaries(cli):
    code, text, _ = cli("--help")
    assert code == 0 and "<bool>" not in text
    assert re.search(r"^  --version  Print rnnlab's version and exit\.$", text, re.M)
    commands = text.split("Commands:\n")[1].splitlines()
    assert len(commands) == 9
    for line in commands:  # one line each, a whole sentence: click cuts a long one with ...
        assert line.endswith(".") and not line.endswith("..."), line


def test_forecast_json_carries_the_days_of_to_frame(cli, tiny):
    code, text, err = cli("forecast", tiny["onnx"], "--csv", tiny["csv"], "--json")
    assert code == 0, err
    printed = json.loads(text)
    frame = load(tiny["onnx"]).forecast(tiny["csv"]).to_frame().iloc[:-1]  # less the next day
    assert printed["dates"] == frame.index.strftime("%Y-%m-%d").tolist()
    for column in ("actual", "forecast", "persistence"):
        np.testing.assert_allclose(printed[column], frame[column], rtol=1e-12)
    assert printed["next"]["exchange"] == "NYSE" and len(printed["dates"]) == printed["days"]


def test_plots_give_each_meaning_one_colour(cli, tiny, tmp_path, monkeypatch):
    from matplotlib.axes import Axes

    from rnnlab.plots import PALETTE

    drawn = {}
    plot = Axes.plot

    def spy(self, *args, **kwargs):
        drawn[kwargs["label"]] = kwargs["color"]
        return plot(self, *args, **kwargs)

    monkeypatch.setattr(Axes, "plot", spy)
    runs = [("forecast", tiny["onnx"], "--csv", tiny["csv"]),
            ("generate", tiny["onnx"], "--samples", "20", "--steps", "5"),
            ("generate", tiny["onnx"], "--samples", "20", "--steps", "5", "--csv", tiny["csv"],
             "--start", "2015-10-01")]
    colours = []
    for n, args in enumerate(runs):
        drawn.clear()
        code, _, err = cli(*args, "--plot", tmp_path / f"{n}.png")
        assert code == 0, err
        colours.append(dict(drawn))
    assert colours[0] == {"real High": PALETTE["actual"], "one-step forecast": PALETTE["forecast"]}
    median = "median of 20 sampled paths"
    assert colours[1] == {median: PALETTE["generated"]}  # alone, and beside the real days
    assert colours[2] == {"real High": PALETTE["actual"], median: PALETTE["generated"]}
