"""Walk-forward backtest: folds by year, baselines per fold, the summary table."""

from __future__ import annotations

import io
from contextlib import redirect_stderr

import numpy as np
import pytest
from helpers import write_prices

from rnnlab.jobs.backtest import backtest
from rnnlab.jobs.report import markdown, overview, summarize_folds
from rnnlab.runtime.errors import RnnlabError
from rnnlab.runtime.prices.table import read_csv

TINY = {"cells": ("gru",), "units": 4, "window": 5, "epochs": 1, "batch": 32}


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    """Folds of seed-gru (tiny) for 2015 and 2016, seeds 0 and 1, on a synthetic TEST file;
    what the progress bar wrote on stderr; the summary rows. Trained in this process
    (worker processes take a minute to start on a busy machine; the next test shows they
    give the same folds)."""
    csv = write_prices(tmp_path_factory.mktemp("backtest") / "TEST_prices.csv", days=800,
                       start="2014-01-01")
    stderr = io.StringIO()
    with redirect_stderr(stderr):
        folds = backtest([str(csv)], ["seed-gru"], [2015, 2016], [0, 1], overrides=TINY,
                         workers=1, progress=True)
    return {"folds": folds, "stderr": stderr.getvalue(), "rows": summarize_folds(folds)}


def test_a_bar_over_folds_on_stderr(two_years):
    bar = two_years["stderr"].splitlines()[-1]
    assert "folds: 100%" in bar and "4/4" in bar


def test_one_fold_per_year_and_seed(two_years):
    assert {(f["year"], f["seed"]) for f in two_years["folds"]} == {(2015, 0), (2015, 1),
                                                                    (2016, 0), (2016, 1)}


def test_a_fold_tests_on_its_year_only(two_years):
    by_year = {f["year"]: f for f in two_years["folds"] if f["seed"] == 0}
    assert by_year[2015]["days"] == 261  # weekdays of 2015: the fold stops at 2016-01-01


def test_summary_has_a_row_per_ticker_year_over_its_seeds(two_years):
    rows = two_years["rows"]
    assert [(r["ticker"], r["year"], r["seeds"]) for r in rows] == [("TEST", 2015, 2),
                                                                  ("TEST", 2016, 2)]


def test_summary_ratios_divide_by_persistence_and_linear(two_years):
    row = two_years["rows"][0]
    assert row["ratio"] == pytest.approx(row["rmse"] / row["persistence"])
    assert row["ratio_linear"] == pytest.approx(row["rmse"] / row["linear"])


def test_high_only_inputs_have_no_close_anchored_baseline(two_years):
    assert two_years["rows"][0]["close-anchored"] is None  # no Close to anchor on


def test_the_seed_ensemble_scores_the_mean_of_the_seeds_forecasts(two_years):
    pair = [f for f in two_years["folds"] if f["year"] == 2015]
    mean = (np.array(pair[0]["predicted"]) + np.array(pair[1]["predicted"])) / 2
    assert two_years["rows"][0]["ensemble"] == pytest.approx(
        np.sqrt(np.mean((mean - np.array(pair[0]["actual"])) ** 2)))


def test_markdown_has_a_row_per_ticker_year_and_the_linear_column(two_years):
    rows = two_years["rows"]
    table = markdown(rows)
    assert table.count("\n") == 3 and "| TEST | seed-gru | 2016 |" in table
    assert "| linear |" in table and f"{rows[1]['linear']:.3f}" in table


@pytest.mark.slow  # starting worker processes: seconds on a quiet machine, a minute on a busy one
def test_parallel_workers_give_the_same_results(tmp_path):
    csv = write_prices(tmp_path / "TEST_prices.csv", days=600, start="2014-01-01")
    args = ([str(csv)], ["seed-gru"], [2015, 2016], [0])
    serial = backtest(*args, overrides=TINY, workers=1)
    parallel = backtest(*args, overrides=TINY, workers=2)
    assert [f["one_step"] for f in serial] == [f["one_step"] for f in parallel]


def test_prices_in_memory_give_the_same_folds_as_their_file(tmp_path):
    csv = write_prices(tmp_path / "TEST_prices.csv", days=600, start="2014-01-01")
    prices = read_csv(csv, ("Open", "High", "Low"))
    from_file = backtest([str(csv)], ["seed-gru"], [2016], [0], overrides=TINY)
    from_memory = backtest([prices], ["seed-gru"], [2016], [0], overrides=TINY)
    assert from_memory == from_file


def test_unknown_preset_fails_before_training(tmp_path):
    with pytest.raises(RnnlabError, match="--preset: 'nope' is unknown"):
        backtest(["x.csv"], ["nope"], [2015], [0])


@pytest.mark.parametrize(("year", "side"), [(2014, "training"), (2020, "test")])
def test_years_outside_the_data_fail_before_training(tmp_path, year, side):
    csv = write_prices(tmp_path / "TEST_prices.csv", days=300, start="2014-01-01")
    with pytest.raises(RnnlabError, match=f"years={year}: .* runs 2014-01-01 to 2015-02-24, "
                       f"so that fold has no {side} days"):
        backtest([str(csv)], ["seed-gru"], [2015, year], [0], overrides=TINY)


def test_overview_counts_folds_against_persistence_and_linear():
    def row(preset, ticker, year, ratio, linear=None):
        return {"preset": preset, "ticker": ticker, "year": year, "ratio": ratio,
                "ratio_linear": linear}

    rows = [row("a", "IBM", 2016, 0.98, 0.97), row("a", "IBM", 2017, 1.01, 1.02),
            row("a", "XYZ", 2017, 1.2, 0.99), row("b", "IBM", 2017, 1.0)]
    lines = overview(rows).splitlines()
    assert lines[2] == "| a | 3 | 1 | 2 | 1.063 | XYZ 2017: 1.200 | 2 | 0.993 |"
    # a preset backtested before the linear baseline existed
    assert lines[3] == "| b | 1 | 0 | 1 | 1.000 | IBM 2017: 1.000 | — | — |"


def test_fold_warnings_name_their_fold_and_only_their_days(tmp_path):
    csv = write_prices(tmp_path / "GAP_prices.csv", days=800, start="2014-01-01")
    lines = csv.read_text().splitlines()
    day = next(i for i, line in enumerate(lines) if line.startswith("2016-06-"))
    date, rest = lines[day].split(",", 1)
    lines[day] = date + "," + ",".join([""] + rest.split(",")[1:])   # no Open that day
    csv.write_text("\n".join(lines) + "\n")
    folds = backtest([str(csv)], ["ohlc-gru"], [2015, 2016], [0], overrides=TINY,
                     missing="drop")
    by_year = {f["year"]: f["warnings"] for f in folds}
    assert by_year[2015] == []          # the empty day comes after the 2015 fold's end
    assert len(by_year[2016]) == 1
    assert by_year[2016][0].startswith("fold GAP ohlc-gru 2016 seed 0: ")
    assert f"no Open: {date}" in by_year[2016][0] and "two trading days ahead" in by_year[2016][0]
    filled = backtest([str(csv)], ["ohlc-gru"], [2016], [0], overrides=TINY, missing="ffill")
    assert filled[0]["days"] == folds[1]["days"] + 1   # ffill keeps the day
