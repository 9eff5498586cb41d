"""Score the shipped generator's sampled paths on IBM, AAPL and GOOGL 2017, beside the
generating baselines, and check the generation goals of issue 22.

    python scripts/generation_scores.py [DATA_FOLDER]

Writes tutorial/results/generation-scores.md and .json: for each ticker, 251 trading days
generated from the history before 2017-01-01 (the last day 2016-12-30), as
``rnnlab generate --csv TICKER.csv --start 2017-01-01`` does (200 stateful sampled paths,
seed 0), scored as distributions (:mod:`rnnlab.runtime.scores.paths`).
"""

from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np

from rnnlab.runtime.errors import DataWarning
from rnnlab.runtime.forecaster import load
from rnnlab.runtime.scores.paths import PATHS

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "tutorial" / "results"
TICKERS = ("IBM", "AAPL", "GOOGL")
COMMAND = "python scripts/generation_scores.py"
START, STEPS = "2017-01-01", 251
# The goals: mean CRPS at most 1.02 x the naive fan's; median-path RMSE at most 1.02 x
# flat's; the 90% band holding 85% to 95% of the days.
RATIO, COVER = 1.02, (0.85, 0.95)


def measure(data: Path) -> dict:
    model = load()
    rows = {}
    for ticker in TICKERS:
        csv = data / f"{ticker}_2006-01-01_to_2018-01-01.csv"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataWarning)  # IBM's empty 2017-07-31, dropped
            sampled = model.generate(STEPS, csv, samples=PATHS, seed=0, start=START)
            mean_path = model.generate(STEPS, csv, samples=0, start=START)
        flat = float(np.sqrt(np.mean((sampled.actual - sampled.start_value) ** 2)))
        rows[ticker] = {"start_date": str(sampled.start_date), "days": len(sampled.actual),
                        "scores": {**sampled.scores,
                                   "mean-forecast path": mean_path.scores["mean-forecast path"]},
                        "flat_rmse": flat}
    return {"model": model.path.name, "command": COMMAND, "samples": PATHS, "seed": 0,
            "mode": "stateful", "tickers": rows, "verdicts": verdicts(rows)}


def verdicts(rows: dict) -> list[str]:
    """One sentence per goal and ticker: met or missed, with the figures."""
    lines = []
    for ticker, row in rows.items():
        model, fan = row["scores"]["model"], row["scores"]["flat + naive fan"]
        crps = model["crps"] / fan["crps"]
        rmse = model["rmse"] / row["flat_rmse"]
        cover = model["cover90"]
        lines.append(
            f"{ticker}: CRPS {crps:.3f} x the naive fan's ({'met' if crps <= RATIO else 'missed'}"
            f"); median RMSE {rmse:.3f} x flat's ({'met' if rmse <= RATIO else 'missed'}); "
            f"90% band held {cover:.0%} of the days "
            f"({'met' if COVER[0] <= cover <= COVER[1] else 'missed'}, goal 85-95%)")
    return lines


def markdown(result: dict) -> str:
    lines = ["| 2017 | generator | CRPS | in 50% band | in 90% band | pinball | median RMSE |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for ticker, row in result["tickers"].items():
        for name, m in row["scores"].items():
            lines.append(f"| {ticker} | {name} | {m['crps']:.3f} | {m['cover50']:.0%} | "
                         f"{m['cover90']:.0%} | {m['pinball']:.3f} | {m['rmse']:.3f} |")
        lines.append(f"| {ticker} | flat (the last price, one path) |  |  |  |  | "
                     f"{row['flat_rmse']:.3f} |")
    return "\n".join([
        *lines, "",
        f"`{result['model']}`, {STEPS} trading days from each file's last day before {START} "
        f"(2016-12-30): `model` is {result['samples']} stateful sampled paths (seed 0, as "
        "`rnnlab generate --csv TICKER.csv --start 2017-01-01` draws them), `mean-forecast path` "
        "the one path of the mean one-step forecast (`--samples 0`). `flat + naive fan` resamples "
        "the file's daily log returns before 2017 centred on zero, `drift walk` resamples them "
        f"as they are ({PATHS} paths each, seed 0). Prices in USD; CRPS, pinball and RMSE: "
        "lower is better.", "",
        "Goals (issue 22): mean CRPS <= 1.02 x the naive fan's, median-path RMSE <= 1.02 x "
        "flat's, 90% band coverage 85-95%:", "",
        *[f"- {line}" for line in result["verdicts"]], "",
        f"Written by `{COMMAND}`.", ""])


def main(data: Path) -> None:
    result = measure(data)
    (RESULTS / "generation-scores.json").write_text(json.dumps(result, indent=1) + "\n")
    (RESULTS / "generation-scores.md").write_text(markdown(result))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
