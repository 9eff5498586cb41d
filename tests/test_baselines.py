"""The naive baselines on the notebook's split, checked against an independent computation."""

from __future__ import annotations

import csv
import math

import numpy as np
import pytest

from rnnlab.runtime.metrics import compare, format_table, scores
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
