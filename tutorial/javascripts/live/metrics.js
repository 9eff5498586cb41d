// Accuracy in price units beside the naive baselines on the same days, as
// rnnlab/runtime/metrics.py computes it: persistence (tomorrow = today) and flat
// (every day = the last price known before the period).

/** RMSE, MAE (price units) and MAPE (percent) of `predicted` against `actual`. */
export function scores(actual, predicted) {
  const errors = actual.map((y, i) => predicted[i] - y);
  const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;
  return {
    // RMSE = sqrt(mean(e^2))
    rmse: Math.sqrt(mean(errors.map((e) => e * e))),
    // MAE = mean(|e|)
    mae: mean(errors.map(Math.abs)),
    // MAPE = 100 mean(|e| / |y|)
    mape: 100 * mean(errors.map((e, i) => Math.abs(e) / Math.abs(actual[i]))),
  };
}

/** Scores of each named prediction, then of persistence and flat, on the same days. */
export function compare(actual, predictions, previous, lastKnown) {
  const table = {};
  for (const [name, values] of Object.entries(predictions)) table[name] = scores(actual, values);
  table.persistence = scores(actual, previous);
  table.flat = scores(actual, actual.map(() => lastKnown));
  return table;
}

/** numpy's default (linear) quantile `q` of `values`, with numpy's lerp. */
export function quantile(values, q) {
  const sorted = Float64Array.from(values).sort();
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  const t = position - below;
  const a = sorted[below];
  const b = sorted[above];
  // lerp(a, b, t) = a + (b - a) t, computed from b's side when t >= 0.5 (as numpy does)
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}
