"""Figures for chapters 5 and 6: the shipped ONNX forecasters on the real price files.

Each function is ``(fast) -> Figure`` and is registered in ``make_figures.FIGURES``. None of
them trains anything: they run the shipped models in ``exported/`` with the torch-free
runtime, so the full and the fast mode cost about the same. The full mode needs the price
files in ``../shared/data`` (beside the checkout); the fast mode (the test run) falls back
to a synthetic random walk on the same dates when a file is missing. Each function prints
the numbers that the chapters quote, and the full mode also writes them to
``tutorial/results/<figure>.md``, which the chapters include.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from figures_palette import REAL
from matplotlib.figure import Figure

from rnnlab.experiments.common import markdown_table
from rnnlab.runtime import files
from rnnlab.runtime.forecaster import Model, load
from rnnlab.runtime.prices.table import Prices, read_csv
from rnnlab.runtime.shipped import shipped_path

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SPLIT = np.datetime64("2017-01-01")
COLORS = {"lstm": "tab:blue", "gru": "tab:green"}
#: Where the full mode writes the numbers that the chapters include (``--8<--``).
RESULTS = Path(__file__).resolve().parent / "results"
#: Type sizes for the plots of chapters 5 and 6, drawn about 6.4 inches wide so that they
#: stay legible when a phone shows them 390 px wide.
PHONE = {"font.size": 13, "axes.titlesize": 13, "axes.labelsize": 13, "legend.fontsize": 11,
         "xtick.labelsize": 11, "ytick.labelsize": 11}


def phone_sized(draw: Callable[[bool], Figure]) -> Callable[[bool], Figure]:
    """Draw ``draw``'s figure with the :data:`PHONE` type sizes."""
    @functools.wraps(draw)
    def drawn(fast: bool) -> Figure:
        with plt.rc_context(PHONE):
            return draw(fast)

    return drawn


def prices(ticker: str, fast: bool) -> Prices:
    """The ``High`` column of ``TICKER_2006-01-01_to_2018-01-01.csv``.

    Without the file, the fast mode uses a synthetic geometric random walk on the same
    weekdays, so the test run draws every figure anyway; the full mode stops.
    """
    path = DATA / f"{ticker}_2006-01-01_to_2018-01-01.csv"
    if path.is_file():
        return read_csv(path)
    if not fast:
        raise SystemExit(f"{path} is missing: the full figures need the real price file")
    dates = np.busday_offset(np.datetime64("2006-01-03"), np.arange(3019), roll="forward")
    rng = np.random.default_rng(0)
    level = 120 * np.exp(np.cumsum(rng.normal(0.0002, 0.012, len(dates))))
    return Prices(dates, level[:, None], ("High",), f"synthetic {ticker}")


def write_numbers(figure: str, lines: list[str], fast: bool) -> str:
    """The Markdown ``lines`` of ``figure``'s numbers, closed by the command that wrote them,
    and printed. The full mode also writes them to ``RESULTS / "<figure>.md"`` (``_`` as
    ``-``); the fast mode's numbers (few starts, maybe synthetic prices) stay unwritten."""
    text = "\n".join(lines) + f"\n\nWritten by `python tutorial/make_figures.py --only {figure}`.\n"
    print(text, end="")
    if not fast:
        files.write_text(RESULTS / f"{figure.replace('_', '-')}.md", text)
    return text


def shipped() -> dict[str, Model]:
    """The notebook's shipped forecasters, by cell name (those that generate)."""
    return {name: load(shipped_path(name)) for name in ("lstm", "gru")}


def _before(data: Prices, rows: int) -> Prices:
    """The first ``rows`` days of ``data``."""
    return Prices(data.dates[:rows], data.values[:rows], data.columns, data.path)


def _change_correlations(forecast, lags: range) -> np.ndarray:
    """corr(forecast change on day t, real change on day t - k) for each lag k."""
    real, predicted = np.diff(forecast.actual), np.diff(forecast.predicted)
    out = []
    for k in lags:
        a, b = (predicted[k:], real[:len(real) - k]) if k >= 0 else (predicted[:k], real[-k:])
        out.append(np.corrcoef(a, b)[0, 1])
    return np.array(out)


@phone_sized
def one_step_forecast(fast: bool) -> Figure:
    """Chapter 5: the notebook's plot, real IBM High vs one-step forecasts in 2017."""
    data = prices("IBM", fast)
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    forecasts = {name: model.forecast(data) for name, model in shipped().items()}
    first = next(iter(forecasts.values()))
    ax.plot(first.dates, first.actual, color=REAL, lw=1.4, label="real IBM High")
    rows = []
    for name, f in forecasts.items():
        rmse = f.scores["model"]["rmse"]
        ax.plot(f.dates, f.predicted, color=COLORS[name], lw=1.2,
                label=f"{name.upper()} one-step forecast (RMSE {rmse:.2f})")
        rows.append([f"{name} (shipped)", f"{rmse:.3f}",
                     f"{np.mean(f.predicted - f.actual):+.2f}"])
    persistence = first.scores["persistence"]["rmse"]
    rows.append(["persistence", f"{persistence:.3f}",
                 f"{np.mean(first.previous - first.actual):+.2f}"])
    write_numbers("one_step_forecast", markdown_table(
        [f"one step, {first.dates[0]} to {first.dates[-1]} (USD)", "RMSE",
         "mean error (forecast - real)"], rows), fast)
    ax.set_title(f"{first.dates[0]} to {first.dates[-1]}: each day forecast\nfrom the 60 "
                 f"true days before it (persistence RMSE {persistence:.2f})")
    ax.set_ylabel("High (USD)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=10)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b"))
    return fig


@phone_sized
def one_step_lag(fast: bool) -> Figure:
    """Chapter 5: one-step forecasts follow the truth a day or two late."""
    data = prices("IBM", fast)
    models = shipped()
    forecasts = {name: model.forecast(data) for name, model in models.items()}
    fig, (zoom, bars) = plt.subplots(2, 1, figsize=(6.4, 7.6))
    f = forecasts["lstm"]
    days = slice(100, 140)
    zoom.plot(f.dates[days], f.actual[days], "o-", color=REAL, ms=3, label="real")
    zoom.plot(f.dates[days], f.previous[days], "--", color="gray",
              label="persistence (real, one day late)")
    zoom.plot(f.dates[days], f.predicted[days], "o-", color="tab:blue", ms=3,
              label="LSTM one-step forecast")
    zoom.set_title("40 days of 2017, zoomed in", fontsize=14)
    zoom.set_ylabel("High (USD)", fontsize=13)
    zoom.grid(alpha=0.3)
    zoom.legend(fontsize=11)
    zoom.tick_params(labelsize=11)
    zoom.xaxis.set_major_formatter(mdates.DateFormatter("%d %b"))
    lags = range(-3, 7)
    width = 0.8 / len(forecasts)
    rows = []
    for i, (name, forecast) in enumerate(forecasts.items()):
        corr = _change_correlations(forecast, lags)
        bars.bar(np.array(lags) + (i - (len(forecasts) - 1) / 2) * width, corr, width,
                 color=COLORS[name], label=name.upper())
        rows.append([name] + [f"{c:.3f}" for c in corr])
    write_numbers("one_step_lag", markdown_table(
        ["corr(forecast change on day t, real change on day t - k) for k =",
         *map(str, lags)], rows), fast)
    bars.axhline(0, color="black", lw=0.6)
    bars.set_xticks(list(lags))
    bars.set_xlabel("lag $k$ (trading days)", fontsize=13)
    bars.set_ylabel("correlation", fontsize=13)
    bars.set_title("forecast's daily change vs the\nreal change $k$ days earlier", fontsize=14)
    bars.tick_params(labelsize=11)
    bars.grid(alpha=0.3, axis="y")
    bars.legend(fontsize=11)
    fig.tight_layout()
    return fig


@phone_sized
def generation_paths(fast: bool) -> Figure:
    """Chapter 6: 2017 generated free-running from the last training window.

    Also the notebook's start: the window ending one trading day early (``X_train[-1]``),
    whose k-th value the notebook plots on test day k although it is for the day before.
    """
    data = prices("IBM", fast)
    first = data.before(SPLIT)
    actual = data.values[first:, 0]
    dates = data.dates[first:]
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    ax.plot(dates, actual, color=REAL, lw=1.4, label="real IBM High")
    flat = data.values[first - 1, 0]
    top = shipped()["lstm"].encoder.hi[0]
    rows = [["real IBM High", f"{actual[0]:.2f}", f"{actual[-1]:.2f}", "", ""]]
    notebook = []
    for name, model in shipped().items():
        ours = model.generate(len(actual), _before(data, first), samples=0).values[0]
        early = model.generate(len(actual), _before(data, first - 1), samples=0).values[0]
        # RMSE = sqrt(mean((generated - real)^2)) over the test days
        rmse = np.sqrt(np.mean((ours - actual) ** 2))
        ax.plot(dates, ours, color=COLORS[name], lw=3, alpha=0.5,
                label=f"{name.upper()}, from the window ending {data.dates[first - 1]} "
                      f"(RMSE {rmse:.1f})")
        ax.plot(dates, early, color="black", lw=1, ls="--",
                label=f"{name.upper()}, the notebook's start (window ending "
                      f"{data.dates[first - 2]})")
        above = np.flatnonzero(ours > top)
        rows.append([f"{name} generated", f"{ours[0]:.2f}", f"{ours[-1]:.2f}", f"{rmse:.2f}",
                     f"{above[0] + 1}" if len(above) else "never"])
        notebook.append(f"{name} {early[0]:.2f}")
    rows.append(["flat at the last training day's price", f"{flat:.2f}", f"{flat:.2f}",
                 f"{np.sqrt(np.mean((flat - actual) ** 2)):.2f}", ""])
    write_numbers("generation_paths", markdown_table(
        ["IBM High (USD)", f"first day, {dates[0]}", f"last day, {dates[-1]}",
         f"RMSE over {len(actual)} days", f"first day above {top:.2f}"], rows) + [
        "",
        f"First test day above {top:.2f}, the highest training price (scaled 1.0), counted "
        f"from 1. The notebook's start (the window ending {data.dates[first - 2]}) gives "
        f"first values of {', '.join(notebook)}, for {data.dates[first - 1]} (real "
        f"{data.values[first - 1, 0]:.2f})."], fast)
    ax.axhline(top, color="gray", lw=0.8, ls=":",
               label="highest training price (scaled 1.0)")
    ax.set_title(f"{len(actual)} trading days generated,\neach prediction fed back as input")
    ax.set_ylabel("High (USD)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=10, loc="upper center", bbox_to_anchor=(0.5, -0.1))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b"))
    return fig


def _horizon_errors(model: Model, data: Prices, first: int, horizon: int,
                    every: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean absolute error by horizon of generation, and of staying flat, over many starts.

    Starts are every ``every``-th test day; each path is generated from the true window
    ending the day before its start.
    """
    raw = data.values
    starts = np.arange(first, len(raw) - horizon + 1, every)
    windows = model.encoder.one_step_windows(raw, first)[starts - first]
    scaled = model.generate_scaled(windows, horizon, "windowed")
    paths = np.stack([model.encoder.path_levels(s[None], raw[t - 1, 0])[0]
                      for s, t in zip(scaled, starts)])
    truth = np.stack([raw[t:t + horizon, 0] for t in starts])
    flat = raw[starts - 1, 0][:, None]
    return np.abs(paths - truth).mean(axis=0), np.abs(flat - truth).mean(axis=0)


@phone_sized
def generation_error(fast: bool) -> Figure:
    """Chapter 6: error growth with the horizon, and windowed vs stateful generation."""
    data = prices("IBM", fast)
    first = data.before(SPLIT)
    horizon = 60
    fig, (grow, diverge) = plt.subplots(2, 1, figsize=(6.4, 8.4))
    h = np.arange(1, horizon + 1)
    shown, steps = (1, 5, 20, 60), (2, 10, 60, 251)
    error_rows, gap_rows = [], []
    for name, model in shipped().items():
        model_error, flat_error = _horizon_errors(model, data, first, horizon,
                                                  every=25 if fast else 5)
        grow.plot(h, model_error, color=COLORS[name], label=f"{name.upper()} generated")
        error_rows.append([f"{name} generated"] + [f"{model_error[k - 1]:.2f}" for k in shown])
        windowed = model.generate(251, samples=0).values[0]
        stateful = model.generate(251, mode="stateful", samples=0).values[0]
        gap = np.abs(windowed - stateful)
        diverge.semilogy(np.arange(1, 252), np.maximum(gap, 1e-7), color=COLORS[name],
                         label=name.upper())
        gap_rows.append([name] + [f"{gap[k - 1]:.2e}" for k in steps] + [f"{gap.max():.2e}"])
    error_rows.append(["flat (last true price)"] + [f"{flat_error[k - 1]:.2f}" for k in shown])
    write_numbers("generation_error", markdown_table(
        ["mean absolute error (USD) at horizon", *map(str, shown)], error_rows) + [
        "", f"Paths of {horizon} days started every {25 if fast else 5} trading days of "
        f"the test period from the true window before each start.", "",
        *markdown_table(["windowed - stateful gap (USD) at step", *map(str, steps), "max"],
                        gap_rows),
        "", "Both modes from each shipped model's stored 60 days."], fast)
    grow.plot(h, flat_error, color="gray", ls="--", label="flat (last known price)")
    grow.set_xlabel("horizon (trading days after\nthe last true input)")
    grow.set_ylabel("mean absolute error (USD)")
    grow.set_title("2017, paths started every " + ("25" if fast else "5") + " trading days")
    grow.grid(alpha=0.3)
    grow.legend()
    diverge.set_xlabel("generated step")
    diverge.set_ylabel("|windowed - stateful| (USD)")
    diverge.set_title("the shipped models from their stored 60 days")
    diverge.grid(alpha=0.3, which="both")
    diverge.legend()
    fig.tight_layout()
    return fig


# name -> function, in chapter order; make_figures registers them.
FIGURES = {
    "one_step_forecast": one_step_forecast,
    "one_step_lag": one_step_lag,
    "generation_paths": generation_paths,
    "generation_error": generation_error,
}
