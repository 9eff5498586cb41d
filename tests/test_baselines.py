"""The baselines (persistence, flat, linear, close-anchored), checked against independent
computations."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from rnnlab.runtime.errors import DataWarning
from rnnlab.runtime.preprocessing import Encoder
from rnnlab.runtime.scores.baselines import (
    PENALTIES,
    baseline_forecasts,
    close_anchored_forecasts,
    fit_linear,
    linear_forecasts,
    ridge,
    score_one_step,
)
from rnnlab.runtime.scores.metrics import compare, format_table, scores
from rnnlab.training.data import load_split


def independent_baselines(path) -> tuple[float, float]:
    """Persistence and flat RMSE of IBM High for 2017, with the csv module only."""
    with open(path, newline="") as handle:
        rows = sorted((r["Date"], float(r["High"])) for r in csv.DictReader(handle))
    train = [h for d, h in rows if d < "2017-01-01"]
    test = [h for d, h in rows if d >= "2017-01-01"]
    previous = [train[-1]] + test[:-1]
    persistence = math.sqrt(sum((a - b) ** 2 for a, b in zip(test, previous)) / len(test))
    flat = math.sqrt(sum((a - train[-1]) ** 2 for a in test) / len(test))
    return persistence, flat


def test_ibm_2017_baselines(ibm_csv):
    persistence, flat = independent_baselines(ibm_csv)
    assert persistence == pytest.approx(1.539, abs=1e-3)
    assert flat == pytest.approx(14.657, abs=1e-3)
    split = load_split(str(ibm_csv), "High", (), "2017-01-01")
    target = split.prices.values[:, 0]
    actual = target[split.first:]
    assert len(actual) == 251
    table = compare(actual, {}, target[split.first - 1:-1], target[split.first - 1])
    assert table["persistence"]["rmse"] == pytest.approx(persistence, abs=1e-9)
    assert table["flat"]["rmse"] == pytest.approx(flat, abs=1e-9)


def test_scores_by_hand():
    result = scores(np.array([100.0, 200.0]), np.array([110.0, 190.0]))
    assert result == {"rmse": 10.0, "mae": 10.0, "mape": pytest.approx(7.5)}


def test_table_shows_every_row_and_spread():
    text = format_table({"model": {"rmse": 3.5, "rmse_sd": 0.25, "mae": 2.0, "mape": 1.0},
                         "flat": {"rmse": 14.657, "mae": 13.4, "mape": 8.7}}, "title")
    assert text.splitlines()[0] == "title"
    assert "3.500±0.250" in text and "14.657" in text


def ohlc_walk(days: int = 400, seed: int = 0) -> np.ndarray:
    """Positive (days, 4) High, Open, Low, Close with High the day's maximum."""
    rng = np.random.default_rng(seed)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, days)))
    open_ = close * np.exp(rng.normal(0, 0.005, days))
    high = np.maximum(open_, close) * np.exp(np.abs(rng.normal(0, 0.005, days)))
    low = np.minimum(open_, close) * np.exp(-np.abs(rng.normal(0, 0.005, days)))
    return np.column_stack([high, open_, low, close])


COLUMNS = ("High", "Open", "Low", "Close")


def augmented_lstsq(x: np.ndarray, y: np.ndarray, penalty: float) -> np.ndarray:
    """Ridge as one lstsq: [X 1] stacked over [sqrt(lam) I 0], y over zeros (the intercept
    is unpenalised; lam = penalty * trace of the centred X^T X / columns)."""
    n, d = x.shape
    lam = penalty * np.sum((x - x.mean(axis=0)) ** 2) / d
    design = np.vstack([np.column_stack([x, np.ones(n)]),
                        np.column_stack([np.sqrt(lam) * np.eye(d), np.zeros(d)])])
    return np.linalg.lstsq(design, np.r_[y, np.zeros(d)], rcond=None)[0]


@pytest.mark.parametrize("penalty", [0.0, 0.01])
def test_ridge_matches_an_independent_lstsq(penalty):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, 6))
    y = x @ rng.normal(size=6) + 0.3 + rng.normal(0, 0.1, 300)
    fitted = ridge(x, y, penalty)
    solution = augmented_lstsq(x, y, penalty)
    np.testing.assert_allclose(fitted.weights, solution[:6], atol=1e-10)
    assert fitted.bias == pytest.approx(solution[6], abs=1e-10)


def test_linear_baseline_is_least_squares_on_the_models_windows():
    raw = ohlc_walk()
    first, window = 300, 3
    encoder = Encoder.fit(raw[:first], COLUMNS, window=window, transform="relative")
    forecasts = linear_forecasts(encoder, raw, first)
    chosen = fit_linear(encoder, raw[:first]).penalty
    assert chosen in PENALTIES
    # The same inputs built by hand: log(p_t / High_{t-1}), min-max scaled on training days.
    relative = np.log(raw[1:] / raw[:-1, :1])
    lo, hi = relative[:first - 1].min(axis=0), relative[:first - 1].max(axis=0)
    scaled = ((relative - lo) / (hi - lo)).astype(np.float32).astype(np.float64)
    rows = np.array([scaled[t - window:t].ravel() for t in range(window, len(scaled) + 1)])
    pairs = first - 1 - window                     # windows whose next day is a training day
    solution = augmented_lstsq(rows[:pairs], scaled[window:first - 1, 0], chosen)
    change = (rows[pairs:] @ solution[:-1] + solution[-1]) * (hi[0] - lo[0]) + lo[0]
    np.testing.assert_allclose(forecasts, raw[first - 1:, 0] * np.exp(change), rtol=1e-9)


def test_baselines_have_no_look_ahead():
    """Perturbing every value after day t leaves the forecasts up to day t + 1 unchanged."""
    raw = ohlc_walk()
    first, t = 300, 350
    encoder = Encoder.fit(raw[:first], COLUMNS, window=5, transform="relative")
    before = baseline_forecasts(encoder, raw, first)
    perturbed = raw.copy()
    perturbed[t + 1:] *= np.random.default_rng(2).uniform(0.5, 2.0, perturbed[t + 1:].shape)
    after = baseline_forecasts(encoder, perturbed, first)
    assert set(before) == {"linear", "close-anchored"}
    for name in before:
        # index k forecasts day first + k: days up to t + 1 are indices 0 .. t + 1 - first
        np.testing.assert_array_equal(before[name][:t + 2 - first], after[name][:t + 2 - first])
        assert not np.allclose(before[name][t + 2 - first:], after[name][t + 2 - first:])


def test_close_anchored_by_hand():
    raw = ohlc_walk(50)
    forecasts = close_anchored_forecasts(raw[:, 3], raw[:, 0], first=40)
    gap = np.mean([math.log(raw[s + 1, 0] / raw[s, 3]) for s in range(39)])
    np.testing.assert_allclose(forecasts, raw[39:, 3] * math.exp(gap), rtol=1e-12)


def test_high_only_inputs_get_no_close_anchored_baseline():
    raw = ohlc_walk()[:, :1]
    encoder = Encoder.fit(raw[:300], ("High",), window=10, transform="logret")
    assert set(baseline_forecasts(encoder, raw, 300)) == {"linear"}


@pytest.mark.slow  # the cross-validated ridge on the whole IBM file's Open, High, Low and Close
def test_ibm_2017_linear_beats_persistence_with_the_whole_day(ibm_csv):
    with pytest.warns(DataWarning, match="2017-07-31; the forecast made the day before"):
        split = load_split(str(ibm_csv), "High", ("Open", "Low", "Close"), "2017-01-01")
    encoder = Encoder.fit(split.training_days, split.prices.columns, window=30,
                          transform="relative")
    table = score_one_step(encoder, split.prices.values, split.first, {})
    assert list(table) == ["linear", "close-anchored", "persistence", "flat"]
    assert table["linear"]["rmse"] < table["close-anchored"]["rmse"] < table["persistence"][
        "rmse"]


def test_too_few_rows_before_the_first_day_leave_the_linear_baseline_out():
    raw = ohlc_walk(60)
    encoder = Encoder.fit(raw[:40], COLUMNS, window=5, transform="relative")
    assert "linear" in baseline_forecasts(encoder, raw, 6 + 10)
    assert set(baseline_forecasts(encoder, raw, 6 + 9)) == {"close-anchored"}
