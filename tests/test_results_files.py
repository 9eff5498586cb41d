"""Backtest result files agree where they overlap, and the older runs' added baselines are
the ones today's backtest computes.

The runs of the level presets and of return-gru were made before the input-reading
baselines existed; ``scripts/add_baselines.py`` added them to the stored folds afterwards.
ohlc-gru and residual-gru were run in full with today's ``rnnlab backtest``, and ohlc-gru's
2017 folds once more, one ticker at a time.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from helpers import SHARED

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "tutorial" / "results"


def folds(path: Path) -> dict:
    return {(f["ticker"], f["year"], f["seed"]): f for f in json.loads(path.read_text())["folds"]}


def test_reruns_reproduce_the_whole_run():
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


def test_added_baselines_are_what_the_backtest_computes():
    """Strip a fold of today's run down to what the older runs stored, add the baselines
    with the script, and get the fold back."""
    if not (SHARED / "IBM_2006-01-01_to_2018-01-01.csv").is_file():
        pytest.skip(f"needs the price files: put them in {SHARED} (the shared data folder "
                    "beside the checkout)")
    spec = importlib.util.spec_from_file_location("add_baselines",
                                                  ROOT / "scripts" / "add_baselines.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    for key in (("IBM", 2017, 0), ("GOOGL", 2014, 1)):
        fold = folds(RESULTS / "backtest-ohlc-gru.json")[key]
        old = {**fold, "one_step": {k: fold["one_step"][k]
                                    for k in ("model", "persistence", "flat")}}
        added = script.with_baselines(old, SHARED)["one_step"]
        assert added.keys() == fold["one_step"].keys()
        for name, row in added.items():
            # to rounding: another numpy's LAPACK may differ in the last digits
            assert row == pytest.approx(fold["one_step"][name], rel=1e-12), (key, name)
