// Accuracy in price units beside the naive baselines on the same days, as
// rnnlab/runtime/scores/metrics.py computes it: persistence (tomorrow = today) and flat
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

/**
 * Generated paths scored as a distribution of each day's price, as
 * rnnlab/runtime/scores/paths.py's score_paths: sample CRPS, the shares of days inside the
 * central 50% and 90% bands, the pinball loss over the 5, 25, 50, 75, 95% quantiles, and
 * the median path's RMSE. `paths` is an array of paths (each at least `actual.length`).
 */
export function scorePaths(paths, actual) {
  const days = actual.length;
  const n = paths.length;
  let crps = 0;
  let pinball = 0;
  const inside = { 0.5: 0, 0.9: 0 };
  const median = [];
  const levels = [0.05, 0.25, 0.5, 0.75, 0.95];
  for (let k = 0; k < days; k++) {
    const x = Float64Array.from(paths, (path) => path[k]).sort();
    const y = actual[k];
    // CRPS = E|X - y| - E|X - X'| / 2, E|X - X'| = 2 / n^2 sum_i (2i - n - 1) x_(i)
    let absolute = 0;
    let spread = 0;
    x.forEach((v, i) => {
      absolute += Math.abs(v - y);
      spread += (2 * (i + 1) - n - 1) * v;
    });
    crps += absolute / n - spread / (n * n);
    for (const level of [0.5, 0.9]) {
      const low = quantile(x, (1 - level) / 2);
      const high = quantile(x, (1 + level) / 2);
      if (y >= low && y <= high) inside[level] += 1;
    }
    for (const q of levels) {
      // L_q(y, p) = max(q (y - p), (q - 1) (y - p))
      const error = y - quantile(x, q);
      pinball += Math.max(q * error, (q - 1) * error);
    }
    median.push(quantile(x, 0.5));
  }
  return {
    crps: crps / days, cover50: inside[0.5] / days, cover90: inside[0.9] / days,
    pinball: pinball / (days * levels.length), rmse: scores(actual, median).rmse,
  };
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
