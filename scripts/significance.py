"""How sure is "ohlc-gru beats the linear model on its own inputs"? Per ticker-year and
pooled: the RMSE ratio of the model to each baseline, its 95% moving-block bootstrap
interval and a Diebold-Mariano test (rnnlab.runtime.scores.significance).

    python scripts/significance.py [DATA_FOLDER]

Reads the stored walk-forward backtest tutorial/results/backtest-ohlc-gru.json (each fold's
actual and forecast days, three seeds), refits the baselines of every fold on its training
days from the price files (the same numbers the backtest stored: checked), and writes
tutorial/results/significance-ohlc-gru.md and .json. No training.
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np

from rnnlab.runtime.errors import DataWarning
from rnnlab.runtime.preprocessing import Encoder
from rnnlab.runtime.prices.table import read_csv
from rnnlab.runtime.scores.baselines import baseline_forecasts
from rnnlab.runtime.scores.significance import compare_losses
from rnnlab.training.presets import PRESETS

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "tutorial" / "results"
PRESET = "ohlc-gru"
BASES = ("linear", "persistence")
COMMAND = "python scripts/significance.py"


def fold_losses(data: Path, ticker: str, year: int, folds: list[dict]) -> dict[str, np.ndarray]:
    """Per-day squared errors: the model's (mean over seeds) and each baseline's."""
    recipe = PRESETS[PRESET]
    columns = ("High", *recipe.features)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        prices = read_csv(data / f"{ticker}_2006-01-01_to_2018-01-01.csv", columns,
                             until=np.datetime64(f"{year + 1}-01-01"))
    first = prices.before(np.datetime64(f"{year}-01-01"))
    raw = prices.values
    encoder = Encoder.fit(raw[:first], columns, recipe.window, recipe.transform)
    actual = raw[first:, 0]
    assert np.allclose(actual, folds[0]["actual"]), (ticker, year)
    forecasts = {name: values[:-1] for name, values in
                 baseline_forecasts(encoder, raw, first).items()}
    forecasts["persistence"] = raw[first - 1:-1, 0]
    for name in BASES:  # the stored scores: the refit baselines are the backtest's
        stored = folds[0]["one_step"][name]["rmse"]
        assert abs(np.sqrt(np.mean((forecasts[name] - actual) ** 2)) - stored) < 1e-6 * stored
    model = np.mean([(np.array(f["predicted"]) - actual) ** 2 for f in folds], axis=0)
    return {"model": model, **{name: (forecasts[name] - actual) ** 2 for name in BASES}}


def measure(data: Path) -> dict:
    folds = json.loads((RESULTS / f"backtest-{PRESET}.json").read_text())["folds"]
    groups: dict[tuple[str, int], list[dict]] = {}
    for fold in folds:
        groups.setdefault((fold["ticker"], fold["year"]), []).append(fold)
    rows, pooled = [], {"model": [], **{b: [] for b in BASES}}
    for (ticker, year), group in sorted(groups.items()):
        losses = fold_losses(data, ticker, year, group)
        for name, values in losses.items():
            pooled[name].append(values)
        rows.append({"ticker": ticker, "year": year, "seeds": len(group),
                     **{b: compare_losses(losses["model"], losses[b]) for b in BASES}})
    together = {name: np.concatenate(parts) for name, parts in pooled.items()}
    return {"preset": PRESET, "command": COMMAND, "folds": rows,
            "pooled": {b: compare_losses(together["model"], together[b]) for b in BASES}}


def cell(row: dict) -> str:
    return (f"{row['ratio']:.3f} [{row['low']:.3f}, {row['high']:.3f}] | {row['dm']:+.2f} "
            f"(p {row['p']:.2f})")


def markdown(result: dict) -> str:
    lines = ["| ticker | year | seeds | model / linear [95% CI] | DM (p) | model / persistence "
             "[95% CI] | DM (p) |", "|---|---|---:|---|---:|---|---:|"]
    for r in result["folds"]:
        lines.append(f"| {r['ticker']} | {r['year']} | {r['seeds']} | {cell(r['linear'])} | "
                     f"{cell(r['persistence'])} |")
    p = result["pooled"]
    lines.append(f"| pooled | all | | {cell(p['linear'])} | {cell(p['persistence'])} |")
    below = sum(r["linear"]["high"] < 1 for r in result["folds"])
    return "\n".join([
        *lines, "",
        f"`{PRESET}` in the walk-forward backtest (tutorial/results/backtest-{PRESET}.json): "
        "each ticker-year's model is trained on the file's days before the year; its loss on "
        "a day is the mean over its seeds of the squared error. In brackets: the 95% "
        "moving-block bootstrap interval of the RMSE ratio (blocks of n^(1/3) days, 2000 "
        "resamples); DM: the Diebold-Mariano statistic (squared error, Newey-West HAC "
        "variance, horizon 1; negative favours the model) and its two-sided p. Pooled: all "
        "ticker-years' days together.", "",
        f"Ticker-years whose whole interval of model / linear lies below 1: {below} of "
        f"{len(result['folds'])}. These are IBM, AAPL and GOOGL, the tickers the presets "
        "were tuned on.", "",
        f"Written by `{COMMAND}`.", ""])


def main(data: Path) -> None:
    result = measure(data)
    (RESULTS / f"significance-{PRESET}.json").write_text(json.dumps(result, indent=1) + "\n")
    (RESULTS / f"significance-{PRESET}.md").write_text(markdown(result))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
