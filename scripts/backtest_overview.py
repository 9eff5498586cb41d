"""Print one Markdown overview line per preset from ``rnnlab backtest --json`` files.

    python scripts/backtest_overview.py tutorial/results/backtest-*.json
"""

from __future__ import annotations

import json
import sys

from rnnlab.training.backtest import overview


def main(paths: list[str]) -> None:
    rows = [row for path in paths for row in json.loads(open(path).read())["summary"]]
    print(overview(rows))


if __name__ == "__main__":
    main(sys.argv[1:])
