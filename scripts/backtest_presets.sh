#!/usr/bin/env bash
# The walk-forward backtest behind chapter 8's results: every preset on IBM, AAPL and GOOGL,
# test years 2014-2017, seeds 0-2, one table and one JSON per preset, then the overview.
#   bash scripts/backtest_presets.sh [preset ...]     (default: every preset)
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/data
presets=("$@")
if [ ${#presets[@]} -eq 0 ]; then
  presets=(seed-lstm seed-gru seed-rnn bilstm hybrid return-gru ohlc-gru)
fi
for preset in "${presets[@]}"; do
  rnnlab backtest --csv "$data/IBM_2006-01-01_to_2018-01-01.csv" \
    --csv "$data/AAPL_2006-01-01_to_2018-01-01.csv" \
    --csv "$data/GOOGL_2006-01-01_to_2018-01-01.csv" \
    --preset "$preset" --years 2014,2015,2016,2017 --seeds 0,1,2 --workers 2 \
    --out "tutorial/results/backtest-$preset.md" --json > "tutorial/results/backtest-$preset.json.tmp"
  mv "tutorial/results/backtest-$preset.json.tmp" "tutorial/results/backtest-$preset.json"
done
python scripts/backtest_overview.py tutorial/results/backtest-*.json \
  > tutorial/results/backtest-overview.md.tmp
mv tutorial/results/backtest-overview.md.tmp tutorial/results/backtest-overview.md
