"""The README's results are the numbers in the files the repo's commands wrote."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "tutorial" / "results"

# README row label -> column of tutorial/results/linear-ablation.md
ABLATION_ROWS = {
    "linear on the High's own last 30 days": "High only, 30 days",
    "close-anchored": "close-anchored",
    "linear on 30 days of Open and Low": "Open, Low, 30 days",
    "linear on 30 days of High, Open, Low, Close": "whole day, 30 days (= ohlc-gru's inputs)",
    "linear on today's High, Open, Low, Close only": "whole day, last day only",
    "`ohlc-gru`": "ohlc-gru",
}


def table_rows(text: str) -> list[list[str]]:
    return [[cell.strip() for cell in line.strip("|").split("|")]
            for line in text.splitlines() if line.startswith("|")]


def test_readme_beyond_table_is_the_ablation_files_mean_row():
    ablation = table_rows((RESULTS / "linear-ablation.md").read_text())
    header, mean = ablation[0], next(r for r in ablation if r[0] == "all")
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Beyond the notebook"):]
    for label, column in ABLATION_ROWS.items():
        line = next(r for r in table_rows(section) if r[0].startswith(label))
        assert line[1].strip("*") == mean[header.index(column)], label


def test_readme_quotes_the_overview_and_the_last_day_comparison():
    readme = (ROOT / "README.md").read_text()
    overview = table_rows((RESULTS / "backtest-overview.md").read_text())
    ohlc = next(r for r in overview if r[0] == "ohlc-gru")
    header = overview[0]
    beats, ratio = ohlc[header.index("beats linear")], ohlc[header.index("mean model / linear")]
    assert f"inputs in {beats} of {ohlc[1]}\nticker-years (mean ratio {ratio})" in readme
    versus = re.search(r"mean (\d\.\d+) \(range", (RESULTS / "linear-ablation.md").read_text())
    assert float(versus.group(1)) >= 0.99 and "comes\nwithin 1% of it" in readme


def test_readme_linear_row_is_what_rnnlab_forecast_printed():
    printed = (RESULTS / "forecast-lstm-ibm-2017.txt").read_text()
    rmse, mae = re.search(r"^linear\s+(\S+)\s+(\S+)", printed, re.M).groups()
    assert f"| linear (ridge on the same 60-day window) | {rmse} | {mae} | — |" in (
        ROOT / "README.md").read_text()


def test_readme_seed_rows_are_the_seed_scores_file():
    scores = {row[0].split()[0]: row for row in table_rows(
        (RESULTS / "ibm-seed-scores.md").read_text())}
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## Results on the notebook's split"):
                     readme.index("## Beyond the notebook")]
    for line in table_rows(section)[2:]:
        label = line[0].split()[0]
        if label == "linear":
            continue  # from forecast-lstm-ibm-2017.txt, checked above
        row = scores[label]  # one-step RMSE, MAE; generation RMSE ("—": none)
        assert line[1:3] == row[1:3], label
        assert line[3] in (row[4] or "—", "—"), label


def test_readme_quotes_the_significance_file():
    """The pooled ratio to linear, its interval and DM p-value, and the count of intervals
    wholly below 1: as scripts/significance.py wrote them."""
    import json

    result = json.loads((RESULTS / "significance-ohlc-gru.json").read_text())
    pooled = result["pooled"]["linear"]
    below = sum(fold["linear"]["high"] < 1 for fold in result["folds"])
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert (f"ratio to that linear model is {pooled['ratio']:.3f}, 95% moving-block bootstrap "
            f"interval [{pooled['low']:.3f}, {pooled['high']:.3f}], Diebold-Mariano p "
            f"{pooled['p']:.2f}, and only {below} of the {len(result['folds'])}") in readme
