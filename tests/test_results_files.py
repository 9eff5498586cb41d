"""Backtest result files agree where they overlap, and every stored fold's baselines are
the ones today's library computes for its days.

The runs of the level presets and of return-gru were made before the input-reading
baselines (linear, close-anchored) existed; those were added to their stored folds
afterwards, fit on each fold's training days as the backtest fits them. ohlc-gru and
residual-gru were run in full with today's ``rnnlab backtest``, and ohlc-gru's 2017 folds
once more, one ticker at a time.
"""

from __future__ import annotations

import json
import warnings
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


BASELINES: dict[tuple, dict] = {}  # what a fold's baselines read -> their scores


def fold_baselines(preset: str, ticker: str, year: int) -> dict:
    """Every baseline's one-step scores on a fold's test days, from the library's own
    functions as a backtest fold calls them (the same for every seed of the fold, and for
    every preset that reads the same inputs the same way)."""
    from rnnlab.runtime.errors import DataWarning
    from rnnlab.runtime.scores.baselines import score_one_step
    from rnnlab.training.data import load_split
    from rnnlab.training.presets import preset as recipe_of
    from rnnlab.training.run import make_card

    recipe = recipe_of(preset)
    key = (recipe.features, recipe.window, recipe.transform, ticker, year)
    if key not in BASELINES:
        csv = SHARED / f"{ticker}_2006-01-01_to_2018-01-01.csv"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)  # the fold's run reported them
            split = load_split(str(csv), "High", recipe.features, f"{year}-01-01",
                               until=f"{year + 1}-01-01")
        encoder = make_card(split, recipe, preset, 0).encoder
        scored = ~split.prices.unscored[split.first:]
        BASELINES[key] = score_one_step(encoder, split.prices.values, split.first, {}, scored)
    return BASELINES[key]


# slow: the linear baseline's cross-validated ridge for 36 ticker-years, seconds each
@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(RESULTS.glob("backtest-*.json")),
                         ids=lambda path: path.stem)
def test_stored_baselines_are_what_the_library_computes(path):
    if not (SHARED / "IBM_2006-01-01_to_2018-01-01.csv").is_file():
        pytest.skip(f"needs the price files: put them in {SHARED} (the shared data folder "
                    "beside the checkout)")
    for key, fold in folds(path).items():
        stored = {name: row for name, row in fold["one_step"].items() if name != "model"}
        computed = fold_baselines(fold["preset"], fold["ticker"], fold["year"])
        assert stored.keys() == computed.keys(), (path.name, key)
        for name, row in computed.items():
            # ridge regression and sums of squares: another numpy's LAPACK or thread
            # count may move the last digits, 1e-9 relative covers that and nothing more
            assert stored[name] == pytest.approx(row, rel=1e-9), (path.name, key, name)
