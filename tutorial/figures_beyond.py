"""Figures for chapter 8's finding: where the gain over persistence comes from, and what
recurrence adds over a linear model on the same inputs.

Each function is ``(fast) -> Figure`` and is registered in ``make_figures.FIGURES``. Nothing
is trained here: ``linear_weights`` fits the linear baseline (numpy), ``recurrence_by_fold``
reads the walk-forward results that ``scripts/backtest_presets.sh`` wrote to
``tutorial/results/``. The fast mode falls back to synthetic prices when a price file is
missing.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from figures_forecasting import SPLIT, prices
from matplotlib.figure import Figure

from rnnlab.runtime.errors import DataWarning
from rnnlab.runtime.preprocessing import Encoder
from rnnlab.runtime.prices.table import Prices, read_csv
from rnnlab.runtime.scores.baselines import fit_linear, linear_forecasts

RESULTS = Path(__file__).resolve().parent / "results"
WHOLE_DAY = ("High", "Open", "Low", "Close")
WINDOW = 30


def whole_day(ticker: str, fast: bool) -> Prices:
    """High, Open, Low, Close of a shared price file (fast mode: synthetic if missing)."""
    path = prices(ticker, fast).path
    if Path(path).is_file():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)  # IBM 2017-07-31, dropped as in training
            return read_csv(path, WHOLE_DAY)
    high = prices(ticker, fast)
    rng = np.random.default_rng(1)
    h = high.values[:, 0]
    close = h * np.exp(-np.abs(rng.normal(0, 0.008, len(h))))
    values = np.column_stack([h, (h + close) / 2, close * 0.995, close])
    return Prices(high.dates, values, WHOLE_DAY, high.path)


def linear_weights(fast: bool) -> Figure:
    """Chapter 8: the linear baseline's weight on each input column and day of the window
    (IBM, fit on 2006-2016), in units of its output per unit of input change."""
    data = whole_day("IBM", fast)
    first = data.before(SPLIT)
    encoder = Encoder.fit(data.values[:first], WHOLE_DAY, WINDOW, "relative")
    fit = fit_linear(encoder, data.values[:first])
    span = np.array(encoder.hi) - np.array(encoder.lo)
    # back to unscaled inputs and output: d log(High_{t+1}/High_t) / d input
    weights = fit.weights.reshape(WINDOW, len(WHOLE_DAY)) * span[0] / span
    fig, ax = plt.subplots(figsize=(7, 4))
    lags = np.arange(WINDOW - 1, -1, -1)
    for k, column in enumerate(WHOLE_DAY):
        ax.plot(lags, weights[:, k], marker="o", ms=3, lw=1.2, label=f"log({column} / prev. High)")
    ax.axhline(0, color="black", lw=0.6)
    ax.invert_xaxis()
    ax.set_xlabel("days before the forecast day (0 = today)")
    ax.set_ylabel("weight")
    ax.legend(fontsize=9)
    ax.grid(alpha=0.3)
    ax.set_title(f"Linear baseline on ohlc-gru's inputs, IBM 2006-2016 (penalty {fit.penalty:g})",
                 fontsize=10)
    today = dict(zip(WHOLE_DAY, weights[-1]))
    print("weights on today's inputs: " + ", ".join(f"{c} {w:+.3f}" for c, w in today.items()))
    print(f"largest weight on an earlier day: {np.abs(weights[:-1]).max():.3f}")
    return fig


def _folds(preset: str) -> list[dict]:
    """Every fold of ``preset`` in the result files: the whole run's
    (``backtest-PRESET.json``) and later runs of some years or tickers
    (``backtest-PRESET-2017....json``), whose folds replace the same ticker, year and seed."""
    folds = {}
    for path in sorted(RESULTS.glob(f"backtest-{preset}*.json"), key=lambda p: len(p.name)):
        rest = path.stem[len(f"backtest-{preset}"):]
        if rest and not rest[1:2].isdigit():
            continue  # another preset whose name starts the same
        for fold in json.loads(path.read_text())["folds"]:
            folds[fold["ticker"], fold["year"], fold["seed"]] = fold
    return list(folds.values())


def _last_day_rmse(ticker: str, year: int, fast: bool) -> float:
    """RMSE in ``year`` of the linear baseline that reads only the last day's four prices."""
    data = whole_day(ticker, fast)
    rows = data.before(np.datetime64(f"{year + 1}-01-01"))
    raw, first = data.values[:rows], data.before(np.datetime64(f"{year}-01-01"))
    encoder = Encoder.fit(raw[:first], WHOLE_DAY, 1, "relative")
    forecasts = linear_forecasts(encoder, raw, first)[:-1]
    return float(np.sqrt(np.mean((forecasts - raw[first:, 0]) ** 2)))


def recurrence_by_fold(fast: bool) -> Figure:
    """Chapter 8: RMSE / linear baseline's RMSE per ticker-year, each seed of ohlc-gru and
    residual-gru, their seed ensembles, and the close-anchored and persistence baselines."""
    ohlc, residual = _folds("ohlc-gru"), _folds("residual-gru")
    keys = sorted({(f["ticker"], f["year"]) for f in ohlc},
                  key=lambda k: (("IBM", "AAPL", "GOOGL").index(k[0])
                                 if k[0] in ("IBM", "AAPL", "GOOGL") else 3, k[1]))
    fig, ax = plt.subplots(figsize=(7, 4.6))
    labelled: set[str] = set()
    for i, key in enumerate(keys):
        group = [f for f in ohlc if (f["ticker"], f["year"]) == key]
        table = group[0]["one_step"]
        linear = table["linear"]["rmse"]
        for name, color in (("persistence", "gray"), ("close-anchored", "tab:orange")):
            ax.scatter(i, table[name]["rmse"] / linear, marker="_", s=160, color=color,
                       label=name if i == 0 else None)
        ax.scatter(i, _last_day_rmse(*key, fast) / linear, marker="_", s=160,
                   color="tab:purple", label="linear on today's prices only" if i == 0 else None)
        for folds, color, dx, name in ((group, "tab:blue", -0.12, "ohlc-gru"),
                                       ([f for f in residual if (f["ticker"], f["year"]) == key],
                                        "tab:green", 0.12, "residual-gru")):
            if not folds:
                continue
            seeds = [f["one_step"]["model"]["rmse"] / linear for f in folds]
            ax.scatter([i + dx] * len(seeds), seeds, s=14, color=color,
                       label=f"{name}, each seed" if f"{name} seed" not in labelled else None)
            labelled.add(f"{name} seed")
            if all("predicted" in f for f in folds):  # runs that kept their forecasts
                mean = np.mean([f["predicted"] for f in folds], axis=0)
                ensemble = np.sqrt(np.mean((mean - np.array(folds[0]["actual"])) ** 2))
                ax.scatter(i + dx, ensemble / linear, marker="x", s=40, color=color,
                           label=f"{name}, mean of seeds" if name not in labelled else None)
                labelled.add(name)
    ax.axhline(1, color="black", lw=0.8)
    ax.axhline(0.98, color="black", lw=0.6, ls=":")
    ax.set_xticks(range(len(keys)), [f"{t}\n{y}" for t, y in keys], fontsize=8)
    ax.set_ylabel("RMSE / linear baseline's RMSE")
    ax.grid(alpha=0.3, axis="y")
    ax.legend(fontsize=7, ncol=2, loc="upper left")
    ax.set_title("Below 1 beats the linear model on the same inputs (dotted: 2% below)",
                 fontsize=10)
    print(f"{len(ohlc)} ohlc-gru folds, {len(residual)} residual-gru folds")
    return fig


# name -> function, in chapter order; make_figures registers them.
FIGURES = {"linear_weights": linear_weights, "recurrence_by_fold": recurrence_by_fold}
