"""How sure a backtest's ratios are: each fold keeps its baselines' daily forecasts, and the
report gives every ratio a block-bootstrap interval and a Diebold-Mariano test."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import write_prices

from rnnlab.jobs.backtest import backtest
from rnnlab.jobs.report import Backtest, significance, summarize_folds

TINY = {"cells": ("gru",), "units": 4, "window": 5, "epochs": 1, "batch": 32}


@pytest.fixture(scope="module")
def fold(tmp_path_factory):
    csv = write_prices(tmp_path_factory.mktemp("sig") / "TEST_prices.csv", days=600,
                       start="2014-01-01")
    return backtest([str(csv)], ["seed-gru"], [2016], [0], overrides=TINY)[0]


def test_each_fold_keeps_every_baselines_daily_forecast(fold):
    actual = np.array(fold["actual"])
    assert set(fold["baselines"]) == set(fold["one_step"]) - {"model"}
    for name, forecasts in fold["baselines"].items():
        rmse = np.sqrt(np.mean((np.array(forecasts) - actual) ** 2))
        # forecasts are stored to 4 decimals
        assert rmse == pytest.approx(fold["one_step"][name]["rmse"], abs=1e-4), name
    assert fold["unscored"] == []


def synthetic(ticker: str, year: int, model_noise: float, seed: int = 0) -> dict:
    """A fold of 250 days whose model errs by ``model_noise`` and persistence by 1."""
    rng = np.random.default_rng(seed)
    actual = 100 + np.cumsum(rng.normal(0, 1, 250))
    return {"ticker": ticker, "preset": "p", "year": year, "seed": 0,
            "actual": actual.tolist(),
            "predicted": (actual + rng.normal(0, model_noise, 250)).tolist(),
            "baselines": {"persistence": (actual + rng.normal(0, 1, 250)).tolist()},
            "unscored": []}


def test_a_clearly_better_model_has_an_interval_below_one():
    rows = significance([synthetic("A", 2016, 0.5)])
    row = rows[0]["vs"]["persistence"]
    assert row["high"] < 1 and row["low"] < row["ratio"] < row["high"]
    assert row["dm"] < 0 and row["p"] < 0.01 and row["days"] == 250


def test_a_model_that_is_the_baseline_is_not_told_apart():
    fold = synthetic("A", 2016, 1.0)
    fold["predicted"] = fold["baselines"]["persistence"]
    row = significance([fold])[0]["vs"]["persistence"]
    assert row["ratio"] == 1 and row["low"] <= 1 <= row["high"]
    assert (row["dm"], row["p"]) == (0.0, 1.0)


def test_unscored_days_do_not_count():
    fold = synthetic("A", 2016, 0.5)
    clean = significance([fold])[0]["vs"]["persistence"]
    fold["predicted"][7] += 1e6  # a filled target: the model's error there never counts
    fold["unscored"] = [7]
    dirty = significance([fold])[0]["vs"]["persistence"]
    assert dirty["days"] == 249 and dirty["ratio"] == pytest.approx(clean["ratio"], rel=0.05)


def test_seeds_average_their_losses_and_the_pool_takes_every_day():
    a0, a1 = synthetic("A", 2016, 0.5), synthetic("A", 2016, 0.5, seed=0)
    a1["seed"] = 1
    a1["predicted"] = (np.array(a0["actual"]) + 0.1).tolist()
    b = synthetic("B", 2017, 2.0, seed=2)
    rows = significance([a0, a1, b])
    assert [(r["ticker"], r["year"], r["seeds"]) for r in rows] == [
        ("A", 2016, 2), ("B", 2017, 1), ("pooled", "all", None)]
    loss = np.mean([(np.array(f["predicted"]) - np.array(a0["actual"])) ** 2
                    for f in (a0, a1)], axis=0)
    base = (np.array(a0["baselines"]["persistence"]) - np.array(a0["actual"])) ** 2
    assert rows[0]["vs"]["persistence"]["ratio"] == pytest.approx(
        np.sqrt(loss.mean() / base.mean()))
    assert rows[2]["vs"]["persistence"]["days"] == 500


def test_folds_from_an_older_store_are_left_out_and_the_table_says_so():
    old = synthetic("A", 2016, 0.5)
    del old["baselines"], old["unscored"]
    assert significance([old]) == []
    assert "rerun the backtest" in Backtest([old], [], []).significance_markdown()


def test_the_table_has_a_row_per_ticker_year_and_the_pool(fold):
    result = Backtest([fold], summarize_folds([fold]), significance([fold]))
    table = result.significance_markdown()
    assert "| TEST | seed-gru | 2016 |" in table and "| pooled | seed-gru | all |" in table
    assert "model / linear [95%], DM (p)" in table and "model / persistence" in table
