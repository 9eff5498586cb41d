"""Backtest result files agree where they overlap.

The 36-fold ohlc-gru run was made before the input-reading baselines existed, which
``scripts/add_baselines.py`` added afterwards; its 2017 folds were rerun with today's
``rnnlab backtest``. The reruns must reproduce every number of the older run's folds (the
model's to float32 precision).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

RESULTS = Path(__file__).resolve().parents[1] / "tutorial" / "results"


def folds(path: Path) -> dict:
    return {(f["ticker"], f["year"], f["seed"]): f for f in json.loads(path.read_text())["folds"]}


def test_reruns_reproduce_the_rescored_run():
    whole = folds(RESULTS / "backtest-ohlc-gru.json")
    reruns = sorted(RESULTS.glob("backtest-ohlc-gru-2017-*.json"))
    assert reruns, "the 2017 reruns are missing from tutorial/results"
    for path in reruns:
        for key, fold in folds(path).items():
            before = whole[key]["one_step"]
            assert fold["one_step"].keys() == before.keys()
            for name, row in fold["one_step"].items():
                # the model's forecasts are float32 sums: equal to a few parts in 10^8
                tolerance = 1e-6 if name == "model" else 1e-12
                assert row == pytest.approx(before[name], rel=tolerance), (path.name, key, name)
