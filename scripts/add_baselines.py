"""Add the input-reading baselines (linear, close-anchored) to an older backtest's folds.

Folds from ``rnnlab backtest --json`` written before these baselines existed carry the
model's scores beside persistence and flat only. Both new baselines are fit on each fold's
training days alone, with no randomness, so they can be computed afterwards for the same
days; the model's scores are kept as they were. Prints the JSON with the baselines added
and the summary recomputed, and writes the Markdown table beside it:

    python scripts/add_baselines.py tutorial/results/backtest-seed-lstm.json \\
        --data ../shared/data --out tutorial/results/backtest-seed-lstm.md
"""

from __future__ import annotations

import argparse
import json
import warnings
from functools import cache
from pathlib import Path

from rnnlab.jobs.report import markdown, summarize_folds
from rnnlab.runtime.errors import DataWarning
from rnnlab.runtime.preprocessing import Encoder
from rnnlab.runtime.scores.baselines import score_one_step
from rnnlab.training.data import load_split
from rnnlab.training.presets import preset


@cache
def baselines(name: str, ticker: str, year: int, data: Path) -> dict:
    """Every baseline's scores on a fold's test days, fit as the backtest fits them (the
    same for every seed of the fold)."""
    recipe = preset(name)
    csv = data / f"{ticker}_2006-01-01_to_2018-01-01.csv"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # the fold's run reported them
        split = load_split(str(csv), "High", recipe.features, f"{year}-01-01",
                           until=f"{year + 1}-01-01")
    encoder = Encoder.fit(split.training_days, split.prices.columns, recipe.window,
                          recipe.transform,
                          log_columns=tuple(c for c in split.prices.columns if c == "Volume"))
    return score_one_step(encoder, split.prices.values, split.first, {})


def with_baselines(fold: dict, data: Path) -> dict:
    """``fold`` with every baseline in its one-step table; its model scores unchanged."""
    table = baselines(fold["preset"], fold["ticker"], fold["year"], data)
    if table["persistence"] != fold["one_step"]["persistence"]:
        raise SystemExit(f"{fold['ticker']} {fold['year']}: not the days this fold was "
                         "scored on")
    return {**fold, "one_step": {"model": fold["one_step"]["model"], **table}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, help="a `rnnlab backtest --json` file")
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--out", type=Path, help="write the summary table here (Markdown)")
    args = parser.parse_args()
    folds = [with_baselines(f, args.data) for f in json.loads(args.results.read_text())["folds"]]
    rows = summarize_folds(folds)
    if args.out:
        args.out.write_text(markdown(rows) + "\n")
    print(json.dumps({"folds": folds, "summary": rows}, indent=2))


if __name__ == "__main__":
    main()
