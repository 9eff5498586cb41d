"""The public Python API: each verb end to end, DataFrames in and out, its errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from helpers import assert_scores_close, write_prices
from language_fixtures import torch_threads

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


def test_a_shuffled_dataframe_is_sorted_with_a_warning(prices_csv):
    shuffled = pd.read_csv(prices_csv).iloc[::-1]
    with pytest.warns(UserWarning, match="not in ascending order"):
        assert rnnlab.read_prices(shuffled).dates[0] == np.datetime64("2015-01-01")


@pytest.mark.parametrize("missing, message, kept", [("ffill", "filled 1 row", 0),
                                                    ("drop", "dropped 1 row", -1)])
def test_a_dataframes_empty_cell_is_filled_or_dropped_with_a_warning(prices_csv, missing,
                                                                     message, kept):
    gap = pd.read_csv(prices_csv)
    days = len(gap)
    gap.loc[3, "High"] = np.nan
    with pytest.warns(UserWarning, match=message):
        assert len(rnnlab.read_prices(gap, missing=missing).dates) == days + kept


@pytest.mark.parametrize("damage, message", [
    (lambda frame: frame.drop(columns="Date"), "no Date column and no DatetimeIndex"),
    (lambda frame: frame.assign(High="x"), "column High is not numeric"),
    (lambda frame: frame.assign(High=np.inf), "DataFrame row 1, column High: not finite"),
    (lambda frame: pd.concat([frame, frame.tail(1)]), "duplicate dates"),
], ids=["no dates", "text", "infinite", "duplicate day"])
def test_a_bad_dataframe_gets_the_csv_readers_message(prices_csv, damage, message):
    with pytest.raises(rnnlab.RnnlabError, match=message):
        rnnlab.read_prices(damage(pd.read_csv(prices_csv)), ("High",))


def test_a_dataframe_without_a_column_names_it(prices_csv):
    with pytest.raises(rnnlab.RnnlabError, match="no column 'Adj'"):
        rnnlab.read_prices(pd.read_csv(prices_csv), ("High", "Adj"))


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


@pytest.mark.slow  # evaluates a 4 x LSTM(50) twice, 200 sampled paths each
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


@pytest.fixture(scope="module")
def closes(tmp_path_factory):
    """The Close column of a synthetic price file, as Prices."""
    return rnnlab.read_prices(write_prices(tmp_path_factory.mktemp("closes") / "p.csv"),
                              ("Close",))


@pytest.fixture(scope="module")
def trained_on_closes(closes):
    """seed-gru trained 1 epoch on ``closes`` with a list for its cells (on one thread)."""
    with torch_threads(1):
        return rnnlab.train(closes, preset="seed-gru", split="2015-08-01", device="cpu",
                            progress=False, **{**TINY, "cells": ["gru"]})


def test_train_forecasts_the_column_it_is_given(trained_on_closes):
    card = trained_on_closes.card
    assert card.target == "Close" and card.architecture.cells == ("gru",)


def test_train_overrides_the_preset_and_keeps_the_rest(trained_on_closes):
    assert trained_on_closes.recipe["epochs"] == 1
    assert trained_on_closes.recipe["optimizer"] == "sgd"  # seed-gru's
    assert len(trained_on_closes.history) == 1


def test_train_refuses_an_unknown_setting(closes):
    with pytest.raises(rnnlab.RnnlabError, match="nope: not a training setting"):
        rnnlab.train(closes, nope=1)


def test_train_refuses_a_preset_whose_columns_are_not_there(closes):
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


@pytest.fixture(scope="module")
def backtested(tmp_path_factory):
    """One fold of seed-gru (tiny) on a synthetic TEST file, 2015, seed 0."""
    csv = write_prices(tmp_path_factory.mktemp("backtest") / "TEST_prices.csv", days=400,
                       start="2014-01-01")
    return {"csv": csv, "result": rnnlab.backtest(csv, "seed-gru", years=[2015], seeds=[0],
                                                  **TINY)}


def test_backtest_verb_runs_a_fold_per_ticker_and_year(backtested):
    folds = backtested["result"].folds
    assert [(f["ticker"], f["year"]) for f in folds] == [("TEST", 2015)]


def test_backtest_frame_is_indexed_by_ticker_preset_and_year(backtested):
    result = backtested["result"]
    frame = result.to_frame()
    assert frame.index.names == ["ticker", "preset", "year"]
    assert frame.loc[("TEST", "seed-gru", 2015), "ratio"] == result.summary[0]["ratio"]


def test_backtest_prints_its_table_and_a_short_repr(backtested):
    result = backtested["result"]
    assert "| TEST | seed-gru | 2015 |" in str(result)
    assert repr(result) == ("Backtest(1 fold(s), 1 ticker-year(s); mean RMSE / persistence "
                            f"{result.summary[0]['ratio']:.3f})")


def test_backtest_refuses_an_unknown_setting(backtested):
    with pytest.raises(rnnlab.RnnlabError, match="epoch: not a training setting"):
        rnnlab.backtest(backtested["csv"], "seed-gru", years=[2015], epoch=1)


@pytest.fixture(scope="module")
def october(tiny):
    """tiny's exported model, its prices, and its mean-forecast path of 12 days from
    2015-10-01 (samples=0)."""
    model = rnnlab.load(tiny["onnx"])
    path = model.generate(12, tiny["csv"], start="2015-10-01", samples=0)
    return {"model": model, "prices": rnnlab.read_prices(tiny["csv"]), "path": path}


def test_generation_from_a_start_runs_over_the_real_days(october):
    prices, path = october["prices"], october["path"]
    at = prices.before(np.datetime64("2015-10-01"))
    np.testing.assert_array_equal(path.dates, prices.dates[at:at + 12])
    np.testing.assert_array_equal(path.actual, prices.values[at:at + 12, 0])
    assert path.start_date == prices.dates[at - 1] and path.mode == "windowed"


def test_a_mean_forecast_path_is_scored_beside_generators_only(october):
    path = october["path"]
    # only generators: one-step forecasters (persistence, linear) cannot feed themselves
    assert set(path.scores) == {"mean-forecast path", "flat + naive fan", "drift walk"}
    assert path.label == "path of the mean one-step forecast"
    assert list(path.to_frame().columns) == ["generated", "actual"]


def test_generation_samples_200_paths_scored_as_a_distribution(october, tiny):
    default = october["model"].generate(12, tiny["csv"], start="2015-10-01")
    assert default.sampled and default.values.shape == (200, 12)
    assert set(default.scores) == {"model", "flat + naive fan", "drift walk"}
    assert set(default.scores["model"]) == {"crps", "cover50", "cover90", "pinball", "rmse"}


def test_generation_after_the_file_gives_an_ordered_band(october):
    prices = october["prices"]
    sampled = october["model"].generate(12, prices, samples=50, seed=1)
    frame = sampled.to_frame()
    assert sampled.mode == "stateful" and list(frame.columns) == ["median", "p05", "p95"]
    assert (frame["p05"] <= frame["median"]).all() and (frame["median"] <= frame["p95"]).all()
    assert frame.index[0] > pd.Timestamp(prices.dates[-1])  # trading days after the file


def test_a_start_without_prices_is_refused(october):
    with pytest.raises(rnnlab.RnnlabError, match="--start: needs --csv"):
        october["model"].generate(5, start="2015-10-01")


def test_generation_on_two_threads_is_the_path_on_one(october, tiny):
    two_threads = rnnlab.load(tiny["onnx"], threads=2).generate(12, tiny["csv"],
                                                               start="2015-10-01", samples=0)
    # onnxruntime's threads add partial sums in another order: rtol 1e-6 (float32 rounding)
    np.testing.assert_allclose(two_threads.values, october["path"].values, rtol=1e-6)


def test_generate_samples_prints_the_band_beside_the_median(cli, tiny):
    code, text, err = cli("generate", tiny["onnx"], "--steps", "3", "--samples", "40")
    assert code == 0, err
    rows = [line.split() for line in text.splitlines()[1:4]]
    for _, median, low, _, high in rows:  # "  DATE  MEDIAN  (LOW to HIGH)"
        assert float(low.strip("(")) <= float(median) <= float(high.strip(")"))
    assert "median of 40 sampled paths and their 5-95% band" in text


def test_a_generated_path_has_a_short_repr():
    text = repr(rnnlab.load().generate(steps=251, samples=100))
    assert text == ("Generated(ibm-high-return-gru.onnx: stateful, 100 sampled paths x 251 steps, "
                    "2017-01-03 to 2017-12-29, from 2016-12-30 166.70; no real days to score)")


def test_a_forecast_has_a_short_repr(tiny):
    forecast = repr(rnnlab.load(tiny["onnx"]).forecast(tiny["csv"]))
    assert forecast.startswith("Forecast(tiny.onnx: one step ahead, 2015-08-03 to 2015-11-04")
    assert "RMSE model " in forecast and "persistence" in forecast and len(forecast) < 300


def test_an_evaluation_has_a_short_repr(tiny):
    evaluation = repr(tiny["run"].evaluate())
    assert evaluation.startswith("Evaluation(2015-08-03 to 2015-11-04, 68 days; one-step RMSE")
    assert "; generation RMSE model " in evaluation and len(evaluation) < 300
