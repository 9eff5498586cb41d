"""Print one Markdown overview line per preset from ``rnnlab backtest --json`` files.

    python scripts/backtest_overview.py tutorial/results/backtest-*.json

A ticker, preset and year that several files hold (a whole run and a later rerun of some
of its folds, e.g. ``backtest-ohlc-gru-2017-IBM.json``) counts once, from the file with
the longest name.
"""

from __future__ import annotations

import json
import sys

from rnnlab.training.backtest import overview


def main(paths: list[str]) -> None:
    rows = {}
    for path in sorted(paths, key=len):
        for row in json.loads(open(path).read())["summary"]:
            rows[row["ticker"], row["preset"], row["year"]] = row
    print(overview(list(rows.values())))


if __name__ == "__main__":
    main(sys.argv[1:])
