"""Print exported/MODEL_CARD.md for the given ONNX models, from their own metadata."""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

from rnnlab.runtime.errors import DataWarning
from rnnlab.runtime.forecaster import load
from rnnlab.runtime.prices.table import read_csv

COMMAND = "bash scripts/build_exported.sh ../shared/data/IBM_2006-01-01_to_2018-01-01.csv"
DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
TICKERS = ("IBM", "AAPL", "GOOGL")
RESULTS = Path(__file__).resolve().parents[1] / "tutorial" / "results"


def paths_table(metrics: dict) -> list[str]:
    rows = ["| generator | CRPS | in 50% band | in 90% band | pinball | median RMSE |",
            "|---|---|---|---|---|---|"]
    for name, m in metrics.items():
        rows.append(f"| {name} | {m['crps']:.3f} | {m['cover50']:.0%} | {m['cover90']:.0%} | "
                    f"{m['pinball']:.3f} | {m['rmse']:.3f} |")
    return rows


def noise_line(card) -> str:
    """The noise of sampled paths, in scaled units and as a daily change."""
    enc = card.encoder
    daily = card.residual_sd * (enc.hi[0] - enc.lo[0])
    unit = {"logret": f" = {daily:.2%} a day in log return", "diff": f" = {daily:.3g} a day",
            "level": f" = {daily:.3g} in price"}.get(enc.transform, "")
    return (f"- sampled paths: each scaled prediction gets N(0, {card.residual_sd:.4g}){unit} "
            "before it is fed back: the spread of its one-step errors on its training days")


def table(metrics: dict) -> list[str]:
    rows = ["| forecaster | RMSE | MAE | MAPE % |", "|---|---|---|---|"]
    for name, m in metrics.items():
        rows.append(f"| {name} | {m['rmse']:.3f} | {m['mae']:.3f} | {m['mape']:.2f} |")
    return rows


def valid_on(card) -> str:
    """On which kind of data the model's numbers mean anything, from its transform."""
    enc = card.encoder
    columns = ", ".join(enc.columns)
    if enc.transform == "level":
        return (f"**valid on:** {card.data_file.split('_')[0]}'s {card.target} only, near its "
                f"training range ({enc.lo[0]:.4g} to {enc.hi[0]:.4g}): a level model maps "
                "prices to prices on one scale, so on another ticker, or when the price leaves "
                "that range, its forecasts are meaningless (chapter 8)")
    return (f"**valid on:** any ticker's daily prices with columns {columns}: its inputs are "
            f"{'log returns' if enc.transform == 'logret' else 'log ratios to the previous '}"
            f"{'' if enc.transform == 'logret' else card.target}, which do not depend on the "
            "price's scale (scale-free)")


def card_section(path: Path) -> list[str]:
    card = load(path).card
    arch, enc, m = card.architecture, card.encoder, card.metrics
    lines = [
        f"## `{path.name}`", "", valid_on(card), "",
        f"- model: {arch.layers} x {arch.name.upper()}({arch.units}) + linear head, "
        f"preset `{card.preset}`, seed {card.seed}",
        f"- input: {', '.join(enc.columns)}, window {enc.window}, transform {enc.transform}, "
        f"min-max scaled on the training days (target min {enc.lo[0]:.4g}, "
        f"max {enc.hi[0]:.4g})",
        f"- trained on `{card.data_file}` {card.train_start} to {card.train_end}",
        f"- data sha256 `{card.data_sha256}`",
        f"- dates after the known days: {card.exchange} trading days (the `holidays` "
        "package's calendar)",
        f"- size {path.stat().st_size / 1024:.0f} KiB, rnnlab {card.rnnlab_version}, "
        f"format {card.format}",
        *([noise_line(card)] if "generation" in m else []), "",
        f"Test {m['test_start']} to {m['test_end']} ({m['days']} days), one step ahead from "
        "true history:", "", *table(m["one_step"]), "",
    ]
    lines += on_2017(path)
    if "generation" not in m:
        return lines + [f"It forecasts one step only: it would need tomorrow's "
                        f"{', '.join(enc.columns[1:])} to feed itself.", ""]
    generation = m["generation"]
    if "crps" not in next(iter(generation.values())):  # a card scored before sampled paths
        return lines + ["Free-running generation of the whole test period from the last "
                        "training window: the one path of the mean one-step forecast, beside "
                        "flat (its card predates sampled paths and their scores; `python "
                        "scripts/refit_head.py` scores it again):", "",
                        *table({k: generation[k] for k in ("model", "flat")}), ""]
    return lines + [
        "Generation of the whole test period from the last training window, scored as a "
        "distribution (`model`: 200 windowed sampled paths, seed 0; `mean-forecast path`: the "
        "one path of the mean one-step forecast, fed back) beside generators that know "
        "nothing: `flat + naive fan` resamples the training days' daily log returns centred "
        "on zero, `drift walk` resamples them as they are. CRPS, pinball and RMSE in price "
        "units, lower is better; a calibrated band holds 50% / 90% of the days:", "",
        *paths_table(generation), "", *goals(path)]


def goals(path: Path) -> list[str]:
    """The generation goals on IBM, AAPL, GOOGL 2017, from the committed result file."""
    results = RESULTS / "generation-scores.json"
    if not results.is_file():
        return []
    data = json.loads(results.read_text())
    if data["model"] != path.name:
        return []
    return [f"On IBM, AAPL and GOOGL 2017 (`{data['command']}`, "
            "tutorial/results/generation-scores.md), the goals:", "",
            *[f"- {line}" for line in data["verdicts"]], ""]


def on_2017(path: Path) -> list[str]:
    """RMSE on each ticker's 2017 where the model is valid (level models: IBM only), as
    `rnnlab forecast MODEL --start 2017-01-01` prints it, the linear baseline included."""
    rows = ["| 2017, one step | model | linear | persistence | model / persistence "
            "| model / linear |", "|---|---|---|---|---|---|"]
    model = load(path)
    tickers = TICKERS if model.encoder.transform != "level" else TICKERS[:1]
    for ticker in tickers:
        csv = DATA / f"{ticker}_2006-01-01_to_2018-01-01.csv"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)  # IBM's 2017-07-31, stated above
            s = model.forecast(read_csv(csv, model.encoder.columns), "2017-01-01").scores
        model_rmse = s["model"]["rmse"]
        rows.append(f"| {ticker} | {model_rmse:.3f} | {s['linear']['rmse']:.3f} | "
                    f"{s['persistence']['rmse']:.3f} | {model_rmse / s['persistence']['rmse']:.3f}"
                    f" | {model_rmse / s['linear']['rmse']:.3f} |")
    return [f"`rnnlab forecast {path.name} --csv ../shared/data/TICKER_2006-01-01_to_2018-01-01"
            ".csv --start 2017-01-01` (trained on IBM; the linear baseline fit on each file's "
            "days before 2017):", "", *rows, ""]


def main(paths: list[str]) -> None:
    lines = [
        "# Shipped forecasters", "",
        "Made by this repository's own command, from a clean checkout:", "",
        f"```bash\n{COMMAND}\n```", "",
        "Every figure below was computed at training time on the test days and is stored in "
        "the model's metadata (`rnnlab info MODEL` prints it). Persistence is tomorrow = "
        "today; flat is every day = the last training day's price; linear is ridge regression "
        "on exactly the model's inputs (same columns, transform and window), fit on the "
        "training days; close-anchored (where Close is an input) is today's Close times the "
        "training days' mean ratio of the next High to the Close. Generation tables list only "
        "generators: one-step forecasters (persistence, linear) cannot feed themselves. "
        "`rnnlab forecast` without a "
        "model uses `ohlc-gru`; `rnnlab generate` and `rnnlab.load()` use `return-gru`. "
        "Models exported before the linear and close-anchored baselines existed had them "
        "added to their metadata afterwards (fit on the training days, no retraining); "
        "`tests/test_shipped.py` checks that every stored baseline is what rnnlab computes "
        "today.", "",
    ]
    for path in paths:
        lines += card_section(Path(path))
    print("\n".join(lines).rstrip())


if __name__ == "__main__":
    main(sys.argv[1:])
