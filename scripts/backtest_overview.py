"""Print one Markdown overview line per preset from ``rnnlab backtest --json`` files.

    python scripts/backtest_overview.py tutorial/results/backtest-*.json
    python scripts/backtest_overview.py --table FILE.json ...   # every ticker-year instead

A ticker, preset and year that several files hold (a whole run and a later rerun of some
of its folds, e.g. ``backtest-ohlc-gru-2017-IBM.json``) counts once, from the file with
the longest name.
"""

from __future__ import annotations

import json
import sys

from rnnlab.jobs.report import markdown, overview


def main(args: list[str]) -> None:
    table = args[:1] == ["--table"]
    rows = {}
    for path in sorted(args[1:] if table else args, key=len):
        for row in json.loads(open(path).read())["summary"]:
            rows[row["ticker"], row["preset"], row["year"]] = row
    print((markdown if table else overview)(list(rows.values())))


if __name__ == "__main__":
    main(sys.argv[1:])
