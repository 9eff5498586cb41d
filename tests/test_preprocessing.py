"""Scaling, windows and target transforms: shapes, round trips, and alignment."""

from __future__ import annotations

import numpy as np
import pytest

from rnnlab.runtime.errors import RnnlabError
from rnnlab.runtime.preprocessing import Encoder, sliding_windows


def walk(days: int = 120, features: int = 1, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 100 + np.cumsum(rng.normal(0, 1, (days, features)), axis=0)


def test_windows_equal_a_naive_loop():
    series = walk(50, 3)
    naive = np.stack([series[i:i + 7] for i in range(len(series) - 7 + 1)])
    windows = sliding_windows(series, 7)
    assert windows.shape == (44, 7, 3)
    np.testing.assert_allclose(windows, naive.astype(np.float32))


def test_scaler_is_fit_on_training_days_and_round_trips():
    raw = walk(100)
    encoder = Encoder.fit(raw[:80], ("High",), window=10)
    assert encoder.lo == (raw[:80].min(),) and encoder.hi == (raw[:80].max(),)
    scaled = encoder.encode(raw[:80])
    assert scaled.min() == 0.0 and scaled.max() == pytest.approx(1.0)
    back = encoder.unscale_target(encoder.encode(raw)[:, 0])
    np.testing.assert_allclose(back, raw[:, 0], rtol=1e-6)
    assert Encoder.from_dict(encoder.to_dict()) == encoder


def test_supervised_pairs_align_window_and_next_value():
    raw = walk(40)
    encoder = Encoder.fit(raw, ("High",), window=5)
    x, y = encoder.supervised(raw)
    assert x.shape == (35, 5, 1) and y.shape == (35,)
    scaled = encoder.encode(raw)[:, 0]
    np.testing.assert_array_equal(x[3, :, 0], scaled[3:8])
    assert y[3] == scaled[8]


@pytest.mark.parametrize("transform", ["level", "diff", "logret", "relative"])
def test_one_step_windows_end_the_day_before(transform):
    raw = walk(60)
    encoder = Encoder.fit(raw[:40], ("High",), window=5, transform=transform)
    windows = encoder.one_step_windows(raw, first=40)
    assert windows.shape == (21, 5, 1)  # days 40..59, plus tomorrow
    # The window for day d is built from days up to d - 1 only.
    np.testing.assert_allclose(windows[0], encoder.last_window(raw[:40])[0])
    np.testing.assert_allclose(windows[-1], encoder.last_window(raw)[0])
    # A perfect one-step prediction decodes back to the true prices.
    truth = encoder.encode(raw)[-20:, 0]
    np.testing.assert_allclose(encoder.next_levels(truth, raw[39:59, 0]), raw[40:, 0], rtol=1e-5)


@pytest.mark.parametrize("transform", ["level", "diff", "logret", "relative"])
def test_generated_paths_decode_cumulatively(transform):
    raw = walk(60)
    encoder = Encoder.fit(raw, ("High",), window=5, transform=transform)
    truth = encoder.encode(raw)[-10:, 0]  # the true changes of the last 10 days
    levels = encoder.path_levels(truth[None], raw[-11, 0])
    np.testing.assert_allclose(levels[0], raw[-10:, 0], rtol=1e-5)


def test_relative_measures_every_price_against_the_previous_target():
    raw = np.column_stack([walk(30)[:, 0], walk(30, seed=1)[:, 0], np.full(30, 1e6)])
    columns = ("High", "Close", "Volume")
    relative = Encoder.fit(raw, columns, 5, "relative", log_columns=("Volume",))
    logret = Encoder.fit(raw, columns, 5, "logret", log_columns=("Volume",))
    changes = relative.changes(raw)
    # r_t = log(Close_t / High_{t-1}): where the Close ended against yesterday's High
    np.testing.assert_allclose(changes[:, 1], np.log(raw[1:, 1] / raw[:-1, 0]))
    # the target's own column and the logged Volume are the same as under logret
    np.testing.assert_allclose(changes[:, [0, 2]], logret.changes(raw)[:, [0, 2]])
    with pytest.raises(RnnlabError, match="the relative transform needs prices above zero"):
        relative.changes(-raw)


def test_volume_is_logged_and_target_may_not_be():
    raw = np.column_stack([walk(30)[:, 0], np.full(30, 1e6)])
    encoder = Encoder.fit(raw, ("High", "Volume"), window=5, log_columns=("Volume",))
    assert encoder.lo[1] == pytest.approx(np.log1p(1e6))
    with pytest.raises(RnnlabError, match="target 'High' cannot be logged"):
        Encoder.fit(raw, ("High", "Volume"), window=5, log_columns=("High",))


def test_too_few_rows_says_how_many_are_needed():
    encoder = Encoder.fit(walk(30), ("High",), window=10, transform="diff")
    with pytest.raises(RnnlabError, match="at least 12 rows .*window 10 \\+ 1 for the diff.*got 8"):
        encoder.supervised(walk(8))
    with pytest.raises(RnnlabError, match="needs 11 earlier rows"):
        encoder.one_step_windows(walk(30), first=5)
    with pytest.raises(RnnlabError, match="--transform: 'log' is unknown"):
        Encoder.fit(walk(30), ("High",), window=10, transform="log")
