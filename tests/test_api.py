"""The public Python API: each verb end to end, DataFrames in and out, its errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from helpers import assert_scores_close, write_prices

import rnnlab
from rnnlab.runtime.prices.table import read_csv

TINY = {"cells": ("gru",), "units": 4, "window": 5, "epochs": 1, "batch": 32}


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Tiny models run fastest on one thread, and a busy machine slows two a hundredfold."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def test_public_names_resolve():
    for name in rnnlab.__all__:
        assert getattr(rnnlab, name) is not None
    assert set(rnnlab.__all__) <= set(dir(rnnlab))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        rnnlab.nope  # noqa: B018


def test_read_prices_from_dataframes_matches_the_csv(prices_csv):
    columns = ("High", "Close")
    expected = read_csv(prices_csv, columns)
    frame = pd.read_csv(prices_csv)
    indexed = frame.set_index(pd.to_datetime(frame.pop("Date")))
    for source in (frame.assign(Date=pd.read_csv(prices_csv)["Date"]), indexed):
        got = rnnlab.read_prices(source, columns)
        np.testing.assert_array_equal(got.dates, expected.dates)
        np.testing.assert_array_equal(got.values, expected.values)
        assert got.columns == columns
    picked = rnnlab.read_prices(expected, ("Close",))
    np.testing.assert_array_equal(picked.values[:, 0], expected.column("Close"))


def test_dataframes_get_the_csv_checks(prices_csv):
    frame = pd.read_csv(prices_csv)
    shuffled = frame.iloc[::-1]
    with pytest.warns(UserWarning, match="not in ascending order"):
        assert rnnlab.read_prices(shuffled).dates[0] == np.datetime64("2015-01-01")
    gap = frame.copy()
    gap.loc[3, "High"] = np.nan
    with pytest.warns(UserWarning, match="filled 1 row"):
        assert len(rnnlab.read_prices(gap, missing="ffill").dates) == len(frame)
    with pytest.warns(UserWarning, match="dropped 1 row"):
        assert len(rnnlab.read_prices(gap).dates) == len(frame) - 1
    bad = [(frame.drop(columns="Date"), "no Date column and no DatetimeIndex"),
           (frame.assign(High="x"), "column High is not numeric"),
           (frame.assign(High=np.inf), "DataFrame row 1, column High: not finite"),
           (pd.concat([frame, frame.tail(1)]), "duplicate dates"),
           (frame, "no column 'Adj'")]
    for source, message in bad:
        with pytest.raises(rnnlab.RnnlabError, match=message):
            rnnlab.read_prices(source, ("High", "Adj") if message.endswith("'Adj'") else ("High",))


def test_evaluation_scores_the_model_beside_the_baselines(tiny):
    evaluation = tiny["run"].evaluate()
    assert {"model", "persistence", "flat"} <= set(evaluation.metrics["one_step"])
    assert "persistence" in str(evaluation) and "generation" in str(evaluation)
    frame = evaluation.to_frame()
    assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.name == "Date"
    assert list(frame.columns) == ["actual", "one_step", "generation"]
    assert len(frame) == evaluation.metrics["days"]


def test_history_frame_has_one_row_per_epoch(tiny):
    losses = tiny["run"].history.to_frame()
    assert list(losses.index) == [1, 2] and (losses["loss"] > 0).all()


def test_scores_do_not_depend_on_the_thread_count(tmp_path):
    # An untrained 4 x LSTM(50) is enough: its matrix products are wide enough that two
    # threads add their partial sums in another order (the 9th digit of the RMSE moves
    # when evaluation runs on the caller's thread count); evaluate pins one thread.
    from rnnlab.training.data import load_split
    from rnnlab.training.evaluate import evaluate
    from rnnlab.training.network import build
    from rnnlab.training.presets import PRESETS
    from rnnlab.training.run import make_card

    recipe = PRESETS["seed-lstm"].with_overrides(window=30)
    split = load_split(str(write_prices(tmp_path / "p.csv", days=600)), "High", (),
                       "2016-01-01")
    card = make_card(split, recipe, "seed-lstm", 0)
    model = build(card.architecture, 0.0, recipe.init, 0)
    on_one = evaluate(model, card, split)
    torch.set_num_threads(4)
    assert evaluate(model, card, split).to_dict() == on_one.to_dict()
    assert torch.get_num_threads() == 4  # the caller's setting is restored


def test_a_reloaded_checkpoint_scores_what_training_scored(tiny, tmp_path):
    trained = tiny["run"]
    loaded = rnnlab.Trained.load(trained.save(tmp_path / "runs" / "m.pt"))
    # The checkpoint holds the float32 weights exactly and both score on one thread; a
    # math library may still pick another kernel for tensors at another memory alignment:
    # rel=1e-6 covers float32 rounding fed back over the generated days, nothing more.
    assert_scores_close(loaded.evaluate(tiny["csv"]).metrics, trained.evaluate().metrics,
                        rel=1e-6)
    with pytest.raises(rnnlab.RnnlabError, match="pass the prices to score it on"):
        loaded.evaluate()
    empty = loaded.history.to_frame()  # a checkpoint keeps no history
    assert empty.empty and list(empty.columns) == ["loss"] and empty.index.name == "epoch"


def test_the_exported_model_forecasts_what_torch_evaluated(tiny, tmp_path):
    evaluation = tiny["run"].evaluate()
    model = rnnlab.load(tiny["run"].export(tmp_path / "m.onnx"))
    forecast = model.forecast(tiny["csv"])  # default: the days after training
    # onnxruntime and torch run other kernels in float32: 1e-3 in price units (~100).
    np.testing.assert_allclose(forecast.predicted, evaluation.one_step, atol=1e-3)
    assert forecast.scores["persistence"] == evaluation.metrics["one_step"]["persistence"]


def test_forecast_frame_ends_with_the_next_day(tiny):
    forecast = rnnlab.load(tiny["onnx"]).forecast(tiny["csv"])
    table = forecast.to_frame()
    assert list(table.columns) == ["actual", "forecast", "persistence"]
    assert table.index[-1] == pd.Timestamp(forecast.next_date)
    assert np.isnan(table["actual"].iloc[-1]) and table["forecast"].iloc[-1] == forecast.next_value


def test_train_reads_any_source_and_checks_overrides(prices_csv):
    closes = rnnlab.read_prices(prices_csv, ("Close",))
    trained = rnnlab.train(closes, preset="seed-gru", split="2015-08-01", device="cpu",
                           progress=False, **{**TINY, "cells": ["gru"]})
    assert trained.card.target == "Close" and trained.card.architecture.cells == ("gru",)
    assert trained.recipe["epochs"] == 1 and trained.recipe["optimizer"] == "sgd"
    assert len(trained.history) == 1
    with pytest.raises(rnnlab.RnnlabError, match="nope: not a training setting"):
        rnnlab.train(closes, nope=1)
    with pytest.raises(rnnlab.RnnlabError, match="read columns"):
        rnnlab.train(closes, preset="ohlc-gru", split="2015-08-01")


def test_ensemble_of_a_model_with_itself_is_that_model(tiny):
    # A DataFrame cannot be matched to the file's sha256: the scores say so, and go on.
    with pytest.warns(UserWarning, match="not the data the model was trained on"):
        both = rnnlab.ensemble([tiny["run"], tiny["pt"]], pd.read_csv(tiny["csv"]))
    assert both.card.architecture.branches == 2
    np.testing.assert_allclose(both.evaluate().one_step, tiny["run"].evaluate().one_step,
                               atol=1e-4)
    assert both.recipe["members"] == ["tiny", str(tiny["pt"])]


def test_backtest_verb(tmp_path):
    csv = write_prices(tmp_path / "TEST_prices.csv", days=400, start="2014-01-01")
    result = rnnlab.backtest(csv, "seed-gru", years=[2015], seeds=[0], **TINY)
    assert [(f["ticker"], f["year"]) for f in result.folds] == [("TEST", 2015)]
    frame = result.to_frame()
    assert frame.index.names == ["ticker", "preset", "year"]
    assert frame.loc[("TEST", "seed-gru", 2015), "ratio"] == result.summary[0]["ratio"]
    assert "| TEST | seed-gru | 2015 |" in str(result)
    assert repr(result) == ("Backtest(1 fold(s), 1 ticker-year(s); mean RMSE / persistence "
                            f"{result.summary[0]['ratio']:.3f})")
    with pytest.raises(rnnlab.RnnlabError, match="epoch: not a training setting"):
        rnnlab.backtest(csv, "seed-gru", years=[2015], epoch=1)


def test_generation_from_a_start_is_scored_on_the_real_days(tiny):
    model = rnnlab.load(tiny["onnx"])
    prices = rnnlab.read_prices(tiny["csv"])
    path = model.generate(12, tiny["csv"], start="2015-10-01", samples=0)
    at = prices.before(np.datetime64("2015-10-01"))
    np.testing.assert_array_equal(path.dates, prices.dates[at:at + 12])
    np.testing.assert_array_equal(path.actual, prices.values[at:at + 12, 0])
    assert path.start_date == prices.dates[at - 1] and path.mode == "windowed"
    # only generators: one-step forecasters (persistence, linear) cannot feed themselves
    assert set(path.scores) == {"mean-forecast path", "flat + naive fan", "drift walk"}
    assert path.label == "path of the mean one-step forecast"
    assert list(path.to_frame().columns) == ["generated", "actual"]
    default = model.generate(12, tiny["csv"], start="2015-10-01")
    assert default.sampled and default.values.shape == (200, 12)
    assert set(default.scores) == {"model", "flat + naive fan", "drift walk"}
    assert set(default.scores["model"]) == {"crps", "cover50", "cover90", "pinball", "rmse"}

    sampled = model.generate(12, prices, samples=50, seed=1)
    frame = sampled.to_frame()
    assert sampled.mode == "stateful" and list(frame.columns) == ["median", "p05", "p95"]
    assert (frame["p05"] <= frame["median"]).all() and (frame["median"] <= frame["p95"]).all()
    assert frame.index[0] > pd.Timestamp(prices.dates[-1])  # trading days after the file
    with pytest.raises(rnnlab.RnnlabError, match="--start: needs --csv"):
        model.generate(5, start="2015-10-01")
    two_threads = rnnlab.load(tiny["onnx"], threads=2).generate(12, tiny["csv"],
                                                               start="2015-10-01", samples=0)
    np.testing.assert_allclose(two_threads.values, path.values, rtol=1e-6)


def test_generate_samples_prints_the_band_beside_the_median(cli, tiny):
    code, text, err = cli("generate", tiny["onnx"], "--steps", "3", "--samples", "40")
    assert code == 0, err
    rows = [line.split() for line in text.splitlines()[1:4]]
    for _, median, low, _, high in rows:  # "  DATE  MEDIAN  (LOW to HIGH)"
        assert float(low.strip("(")) <= float(median) <= float(high.strip(")"))
    assert "median of 40 sampled paths and their 5-95% band" in text


def test_results_have_a_short_repr(tiny):
    model = rnnlab.load()
    text = repr(model.generate(steps=251, samples=100))
    assert text == ("Generated(ibm-high-return-gru.onnx: stateful, 100 sampled paths x 251 steps, "
                    "2017-01-03 to 2017-12-29, from 2016-12-30 166.70; no real days to score)")
    forecast = repr(rnnlab.load(tiny["onnx"]).forecast(tiny["csv"]))
    assert forecast.startswith("Forecast(tiny.onnx: one step ahead, 2015-08-03 to 2015-11-04")
    assert "RMSE model " in forecast and "persistence" in forecast and len(forecast) < 300
    evaluation = repr(tiny["run"].evaluate())
    assert evaluation.startswith("Evaluation(2015-08-03 to 2015-11-04, 68 days; one-step RMSE")
    assert "; generation RMSE model " in evaluation and len(evaluation) < 300
