#!/usr/bin/env bash
# The walk-forward backtest behind chapter 8's results: every preset on IBM, AAPL and GOOGL,
# test years 2014-2017, seeds 0-2, one table and one JSON per preset, then the overview.
#   [WORKERS=2] [YEARS=2017] bash scripts/backtest_presets.sh [preset ...]  (default: every preset)
# With YEARS other than 2014,2015,2016,2017 the files are named backtest-PRESET-YEARS.*.
set -euo pipefail
cd "$(dirname "$0")/.."
data=../shared/data
years=${YEARS:-2014,2015,2016,2017}
suffix=$([ "$years" = 2014,2015,2016,2017 ] && echo "" || echo "-${years//,/-}")
presets=("$@")
if [ ${#presets[@]} -eq 0 ]; then
  presets=(seed-lstm seed-gru seed-rnn bilstm hybrid return-gru ohlc-gru residual-gru)
fi
for preset in "${presets[@]}"; do
  rnnlab backtest --csv "$data/IBM_2006-01-01_to_2018-01-01.csv" \
    --csv "$data/AAPL_2006-01-01_to_2018-01-01.csv" \
    --csv "$data/GOOGL_2006-01-01_to_2018-01-01.csv" \
    --preset "$preset" --years "$years" --seeds 0,1,2 --workers "${WORKERS:-2}" \
    --out "tutorial/results/backtest-$preset$suffix.md" --json \
    > "tutorial/results/backtest-$preset$suffix.json.tmp"
  mv "tutorial/results/backtest-$preset$suffix.json.tmp" "tutorial/results/backtest-$preset$suffix.json"
done
python scripts/backtest_overview.py tutorial/results/backtest-*.json \
  > tutorial/results/backtest-overview.md.tmp
mv tutorial/results/backtest-overview.md.tmp tutorial/results/backtest-overview.md
