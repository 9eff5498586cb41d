"""Chapter 5's score table, from the JSON that ``rnnlab train --seeds ... --json`` printed.

    python scripts/seed_scores.py tutorial/results/ibm-seed-lstm.json \
        tutorial/results/ibm-seed-gru.json --out tutorial/results/ibm-seed-scores.md

Each file is one preset trained on several seeds; the table has one row per preset (mean ±
sample standard deviation over the seeds, in dollars), then the baselines of the first file,
which need no training and so score the same in every file. Nothing is retrained: the
numbers are the ones the training run printed.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from rnnlab.experiments.common import check_out_folder, command_line, markdown_table, write_result

#: (view, metric, decimals) of each column after the forecaster's name.
COLUMNS = (("one_step", "rmse", 3), ("one_step", "mae", 3), ("one_step", "mape", 2),
           ("generation", "rmse", 2))
HEADER = ("forecaster", "one-step RMSE", "one-step MAE", "one-step MAPE %", "generation RMSE")
#: Baselines that cannot generate a path: each of their forecasts needs the true day before.
NO_GENERATION = {"persistence"}


def preset_name(run: dict) -> str:
    """``seed-lstm`` (4 × LSTM(50)): the preset and the layers of its recipe."""
    cells = run["recipe"]["cells"]
    return f"`{run['preset']}` ({len(cells)} × {cells[0].upper()}({run['recipe']['units']}))"


def markdown(runs: Sequence[dict], command: str) -> str:
    """The table, each preset's one-step RMSE by seed and its ratio to persistence's, and the
    sentence naming ``command``."""
    first = runs[0]["summary"]
    baselines = [name for name in first["one_step"] if name != "model"]
    best = {metric: min(first["one_step"][name][metric] for name in baselines)
            for _, metric, _ in COLUMNS[:3]}
    rows = []
    for run in runs:
        model = run["summary"]
        rows.append([preset_name(run)] + [
            f"{model[view]['model'][metric]:.{places}f} ± "
            f"{model[view]['model'][metric + '_sd']:.{places}f}"
            for view, metric, places in COLUMNS])
    for name in baselines:
        cells = []
        for view, metric, places in COLUMNS:
            value = f"{first[view][name][metric]:.{places}f}"
            if view == "generation" and name in NO_GENERATION:
                value = ""
            elif view == "one_step" and first[view][name][metric] == best[metric]:
                value = f"**{value}**"
            cells.append(value)
        rows.append([name, *cells])
    persistence = first["one_step"]["persistence"]["rmse"]
    seeds, ratios = [], []
    for run in runs:
        rmse = [r["one_step"]["model"]["rmse"] for r in run["runs"]]
        seeds.append(f"`{run['preset']}` " + ", ".join(
            f"{value:.3f} (seed {r['seed']})" for value, r in zip(rmse, run["runs"])))
        # ratio = mean over seeds of the one-step RMSE / persistence's one-step RMSE
        mean = run["summary"]["one_step"]["model"]["rmse"]
        ratios.append(f"`{run['preset']}` {mean / persistence:.1f} times, its best seed "
                      f"{min(rmse) / persistence:.1f} times")
    days = runs[0]["runs"][0]
    return "\n".join(markdown_table(HEADER, rows) + [
        "",
        f"{days['test_start']} to {days['test_end']} ({days['days']} days), mean ± sample "
        f"standard deviation over the seeds. One-step RMSE by seed: {'; '.join(seeds)}. "
        f"Mean one-step RMSE against persistence's: {'; '.join(ratios)}. "
        f"Written by `{command}`.",
    ]) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: read the JSON files and write (or print) the Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+", type=Path, help="JSON of rnnlab train --json")
    parser.add_argument("--out", type=Path, help="Markdown file to write (default: print)")
    args = parser.parse_args(argv)
    if args.out:
        check_out_folder(args.out)
    try:
        runs = [json.loads(path.read_text(encoding="utf-8")) for path in args.runs]
        text = markdown(runs, command_line("python scripts/seed_scores.py", argv))
    except (OSError, ValueError, KeyError, TypeError, IndexError) as error:
        print(f"error: {' '.join(map(str, args.runs))}: not the JSON of rnnlab train --json "
              f"({type(error).__name__}: {error}); rerun it with --json", file=sys.stderr)
        raise SystemExit(2) from None
    if args.out:
        write_result(args.out, text)
    else:
        print(text, end="")


if __name__ == "__main__":
    main()
