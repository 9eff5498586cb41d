"""A missing target value is never scored: filled (--missing ffill) it is an input only,
in forecast, generate and backtest; the warning names the day and says so."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import write_prices

import rnnlab
from rnnlab.jobs.backtest import backtest
from rnnlab.runtime.errors import DataWarning


def without_high(csv, path, day: str):
    """A copy of ``csv`` whose High is empty on ``day`` (the files' second column)."""
    lines = csv.read_text().splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith(day))
    cells = lines[at].split(",")
    cells[2] = ""  # Date,Open,High,...
    lines[at] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    return path


def rmse(error):
    return float(np.sqrt(np.mean(np.square(error))))


def test_the_warning_names_the_day_and_says_it_is_not_scored(tmp_path):
    csv = without_high(write_prices(tmp_path / "p.csv", days=30), tmp_path / "gap.csv",
                       "2015-01-14")
    with pytest.warns(DataWarning, match="High was empty on 2015-01-14: filled as an input "
                                         "only, not scored"):
        prices = rnnlab.read_prices(csv, ("High", "Open"), missing="ffill")
    assert prices.unscored.sum() == 1 and prices.dates[prices.unscored][0] == np.datetime64(
        "2015-01-14")
    with pytest.warns(DataWarning):  # the Open column was not filled: its High still was
        picked = rnnlab.read_prices(csv, ("Open", "High"), missing="ffill")
    assert not picked.unscored.any()


def read(csv):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return rnnlab.read_prices(csv, missing="ffill")


@pytest.fixture
def gap(tiny, tmp_path):
    """tiny's prices with the High of 2015-10-07 emptied (filled forward on reading), and
    tiny's exported model."""
    return without_high(tiny["csv"], tmp_path / "gap.csv", "2015-10-07"), rnnlab.load(tiny["onnx"])


def test_a_filled_target_is_marked_unscored(gap):
    assert read(gap[0]).unscored.sum() == 1


def test_forecast_skips_a_filled_target(gap):
    csv, model = gap
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        result = model.forecast(csv, "2015-10-01", missing="ffill")
    keep = result.dates != np.datetime64("2015-10-07")
    assert keep.sum() == len(keep) - 1
    # persistence would score a free zero on the filled day; it is not scored at all
    assert result.scores["persistence"]["rmse"] == pytest.approx(
        rmse((result.actual - result.previous)[keep]), rel=1e-12)
    assert result.scores["model"]["rmse"] == pytest.approx(
        rmse((result.predicted - result.actual)[keep]), rel=1e-12)


def test_generate_skips_a_filled_target(gap):
    csv, model = gap
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        path = model.generate(10, csv, samples=0, start="2015-10-01", missing="ffill")
    kept = path.dates[:len(path.actual)] != np.datetime64("2015-10-07")
    assert path.scores["mean-forecast path"]["rmse"] == pytest.approx(
        rmse((path.values[0, :len(path.actual)] - path.actual)[kept]), rel=1e-12)


def test_backtest_skips_a_filled_target(tmp_path):
    csv = without_high(write_prices(tmp_path / "GAP_prices.csv", days=600, start="2014-01-01"),
                       tmp_path / "GAP_gap.csv", "2016-02-10")
    tiny = {"cells": ("gru",), "units": 4, "window": 5, "epochs": 1, "batch": 32}
    fold = backtest([str(csv)], ["seed-gru"], [2016], [0], overrides=tiny, missing="ffill")[0]
    assert any("2016-02-10: filled as an input only, not scored" in w for w in fold["warnings"])
    prices = read(csv)
    first = prices.before(np.datetime64("2016-01-01"))
    actual, previous = prices.values[first:, 0], prices.values[first - 1:-1, 0]
    keep = ~prices.unscored[first:]
    assert fold["days"] == len(actual) - 1
    assert fold["one_step"]["persistence"]["rmse"] == pytest.approx(
        rmse((actual - previous)[keep]), rel=1e-12)
