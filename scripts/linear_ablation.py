"""Where the gain over persistence comes from: linear baselines on fewer or more inputs.

For every ticker and test year, each linear model is ridge regression fit on the days
before the year (exactly rnnlab's linear baseline, :mod:`rnnlab.runtime.scores.baselines`), scored
on the year's days beside persistence; then the coefficients of the one-day model on IBM.

    python scripts/linear_ablation.py [tutorial/results/backtest-ohlc-gru.json] \
        > tutorial/results/linear-ablation.md

Given a backtest's JSON, the table also shows that preset's RMSE (mean over its seeds) and
its ratio to the last-day linear model.
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
from rnnlab.runtime.scores.baselines import close_anchored_forecasts, fit_linear, linear_forecasts
from rnnlab.runtime.scores.metrics import scores

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
TICKERS = ("IBM", "AAPL", "GOOGL")
YEARS = (2014, 2015, 2016, 2017)
# name -> (extra columns beside the High, window, transform)
MODELS = {
    "High only, 30 days": ((), 30, "logret"),
    "Open, Low, 30 days": (("Open", "Low"), 30, "relative"),
    "whole day, 30 days (= ohlc-gru's inputs)": (("Open", "Low", "Close"), 30, "relative"),
    "whole day, last day only": (("Open", "Low", "Close"), 1, "relative"),
}
WHOLE_DAY = ("High", "Open", "Low", "Close")


def load(ticker: str, columns: tuple[str, ...], year: int):
    """Raw rows up to the end of ``year`` and the index of its first day."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # IBM 2017-07-31: dropped, as in backtest
        prices = read_csv(DATA / f"{ticker}_2006-01-01_to_2018-01-01.csv", columns,
                             until=np.datetime64(f"{year + 1}-01-01"))
    return prices.values, prices.before(np.datetime64(f"{year}-01-01"))


def ablation(backtest: dict[tuple[str, int], dict]) -> list[str]:
    """One row per ticker-year: RMSE of each linear model / persistence RMSE, and of the
    backtested preset in ``backtest`` ((ticker, year) -> summary row), if any."""
    preset = next(iter(backtest.values()))["preset"] if backtest else None
    names = ["close-anchored", *MODELS, *([preset] if preset else [])]
    lines = ["| ticker | year | persistence RMSE | " + " | ".join(names) + " |",
             "|---|---|---|" + "---|" * len(names)]
    ratios = {name: [] for name in names}
    for ticker in TICKERS:
        for year in YEARS:
            raw, first = load(ticker, WHOLE_DAY, year)
            actual = raw[first:, 0]
            base = scores(actual, raw[first - 1:-1, 0])["rmse"]
            anchored = close_anchored_forecasts(raw[:, 3], raw[:, 0], first)[:-1]
            row = {"close-anchored": scores(actual, anchored)["rmse"]}
            for name, (extra, window, transform) in MODELS.items():
                columns = ("High", *extra)  # the same days for every model: read the whole day
                values = raw[:, [WHOLE_DAY.index(c) for c in columns]]
                encoder = Encoder.fit(values[:first], columns, window, transform)
                row[name] = scores(actual, linear_forecasts(encoder, values, first)[:-1])["rmse"]
            if preset:
                row[preset] = backtest[ticker, year]["rmse"]
            for name in names:
                ratios[name].append(row[name] / base)
            lines.append(f"| {ticker} | {year} | {base:.3f} | "
                         + " | ".join(f"{row[n]:.3f} ({row[n] / base:.3f})" for n in names)
                         + " |")
    lines.append("| all | mean ratio | | " + " | ".join(
        f"{np.mean(ratios[n]):.3f}" for n in names) + " |")
    if preset:
        last_day = np.array(ratios["whole day, last day only"])
        versus = np.array(ratios[preset]) / last_day
        lines += ["", f"{preset} / the last-day linear model: below 1 in {(versus < 1).sum()} of "
                  f"{len(versus)} ticker-years, mean {versus.mean():.3f} (range "
                  f"{versus.min():.3f} to {versus.max():.3f})."]
    return lines


def coefficients(ticker: str = "IBM", year: int = 2017) -> list[str]:
    """The one-day whole-day model, refit on unscaled inputs so its weights read directly."""
    raw, first = load(ticker, WHOLE_DAY, year)
    encoder = Encoder.fit(raw[:first], WHOLE_DAY, 1, "relative")
    # Undo the min-max scaling: y = lo_0 + span_0 (b + sum_j w_j (x_j - lo_j) / span_j)
    fit = fit_linear(encoder, raw[:first])
    lo, hi = np.array(encoder.lo), np.array(encoder.hi)
    span = hi - lo
    weights = fit.weights * span[0] / span
    lines = [f"| input (day t, {ticker}, fit on the days before {year}) | weight |", "|---|---|"]
    for column, weight in zip(WHOLE_DAY, weights):
        lines.append(f"| log({column}_t / High_(t-1)) | {weight:+.3f} |")
    intercept = lo[0] + span[0] * fit.bias - weights @ lo
    lines.append(f"| intercept | {intercept:+.5f} |")
    return lines


def main(argv: list[str]) -> None:
    if not (DATA / "IBM_2006-01-01_to_2018-01-01.csv").is_file():
        sys.exit(f"needs the price files in {DATA}")
    backtest = {}
    for path in argv:
        backtest |= {(r["ticker"], r["year"]): r
                     for r in json.loads(Path(path).read_text())["summary"]}
    print("RMSE of tomorrow's High, and in brackets / persistence (below 1 beats it):\n")
    print("\n".join(ablation(backtest)))
    print("\nThe one-day model's weights: tomorrow's log(High_(t+1) / High_t) = sum of "
          "weight x input + intercept.\n")
    print("\n".join(coefficients()))


if __name__ == "__main__":
    main(sys.argv[1:])
