// Baselines that read what a model reads, fit on the rows before the first forecast day,
// as rnnlab/runtime/scores/baselines.py fits them: `linear` (ridge on the model's own input
// window, its penalty chosen on the most recent HOLDOUT of the training windows) and
// `close-anchored` (where Close is an input beside another target).

import { compare } from "./metrics.js";

export const HOLDOUT = 0.2;
export const MIN_PAIRS = 10;
export const PENALTIES = [0.0, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0];
// Pivots below this fraction of the largest diagonal count as zero (their weight stays 0),
// as lstsq drops tiny singular values: penalty 0 may leave the system singular.
const SINGULAR = 1e-12;

const mean = (values) => values.reduce((sum, v) => sum + v, 0) / values.length;
const dot = (a, b) => a.reduce((sum, v, j) => sum + v * b[j], 0);

/** Centred normal equations of rows `x` (n arrays of d) and `y` (n): X^T X, X^T y, means. */
function normalEquations(x, y) {
  const d = x[0].length;
  const xMean = Array.from({ length: d }, (_, j) => mean(x.map((row) => row[j])));
  const yMean = mean(y);
  const gram = Array.from({ length: d }, () => new Float64Array(d));
  const xty = new Float64Array(d);
  const c = new Float64Array(d);
  x.forEach((row, i) => {
    for (let j = 0; j < d; j++) c[j] = row[j] - xMean[j];
    for (let j = 0; j < d; j++) {
      xty[j] += c[j] * (y[i] - yMean);
      for (let k = j; k < d; k++) gram[j][k] += c[j] * c[k];
    }
  });
  gram.forEach((row, j) => { for (let k = 0; k < j; k++) row[k] = gram[k][j]; });
  return { gram, xty, xMean, yMean };
}

/** Solve A w = b by Gaussian elimination with partial pivoting (A symmetric, d x d). */
function solve(a, b) {
  const d = b.length;
  const m = a.map((row, j) => [...row, b[j]]);
  const tiny = SINGULAR * Math.max(...a.map((row, j) => Math.abs(row[j])));
  for (let col = 0; col < d; col++) {
    let pivot = col;
    for (let r = col + 1; r < d; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    [m[col], m[pivot]] = [m[pivot], m[col]];
    if (Math.abs(m[col][col]) <= tiny) continue;
    for (let r = col + 1; r < d; r++) {
      const f = m[r][col] / m[col][col];
      for (let k = col; k <= d; k++) m[r][k] -= f * m[col][k];
    }
  }
  const w = new Float64Array(d);
  for (let j = d - 1; j >= 0; j--) {
    if (Math.abs(m[j][j]) <= tiny) continue;
    let rest = m[j][d];
    for (let k = j + 1; k < d; k++) rest -= m[j][k] * w[k];
    w[j] = rest / m[j][j];
  }
  return w;
}

/** w = (X^T X + lam I)^-1 X^T y on centred X, y; b = mean(y) - mean(x) . w. */
function ridge({ gram, xty, xMean, yMean }, penalty) {
  // lam = penalty trace(X^T X) / d
  const lam = (penalty * gram.reduce((sum, row, j) => sum + row[j], 0)) / gram.length;
  const weights = solve(gram.map((row, j) => row.map((v, k) => (j === k ? v + lam : v))), xty);
  const bias = yMean - dot(xMean, weights);
  return { penalty, predict: (rows) => rows.map((row) => dot(row, weights) + bias) };
}

/** Ridge with the penalty that scores best on the last HOLDOUT of the rows, refit on all. */
export function fitRidge(x, y) {
  const held = Math.max(1, Math.floor(x.length * HOLDOUT));
  const fit = normalEquations(x.slice(0, -held), y.slice(0, -held));
  const errors = PENALTIES.map((p) => mean(ridge(fit, p).predict(x.slice(-held))
    .map((v, i) => (v - y[y.length - held + i]) ** 2)));
  return ridge(normalEquations(x, y), PENALTIES[errors.indexOf(Math.min(...errors))]);
}

/** Flat (batch, window, F) windows as batch rows of window * F numbers. */
function rows(flat, width) {
  return Array.from({ length: flat.length / width }, (_, i) => flat.subarray(i * width, (i + 1) * width));
}

/** Linear one-step forecasts of the target for raw days first .. days (+ the day after). */
export function linearForecasts(encoder, raw, first) {
  const width = encoder.window * encoder.columns.length;
  // training pairs: every window of raw[:first] and the scaled target right after it
  const encoded = encoder.encode(raw.slice(0, first));
  const features = encoder.columns.length;
  const x = rows(encoder.slidingWindows(encoded.subarray(0, encoded.length - features)), width);
  const y = x.map((_, i) => encoded[(i + encoder.window) * features]);
  const scaled = fitRidge(x, y).predict(rows(encoder.oneStepWindows(raw, first), width));
  return encoder.nextLevels(scaled, raw.slice(first - 1).map((row) => row[0]));
}

/** Every input-reading baseline that applies, by name: raw days first .. (+ the day after). */
export function baselineForecasts(encoder, raw, first) {
  const forecasts = {};
  if (first - encoder.historyDays >= MIN_PAIRS) forecasts.linear = linearForecasts(encoder, raw, first);
  const close = encoder.columns.indexOf("Close");
  if (close > 0 && first >= 2) {
    // g = mean over training days of log(target_{s+1} / Close_s); forecast Close_t exp(g)
    const gap = mean(raw.slice(1, first).map((row, s) => Math.log(row[0] / raw[s][close])));
    forecasts["close-anchored"] = raw.slice(first - 1).map((row) => row[close] * Math.exp(gap));
  }
  return forecasts;
}

/** Scores of `predictions` for raw days first .. beside every baseline on the same days. */
export function scoreOneStep(encoder, raw, first, predictions) {
  const target = raw.map((row) => row[0]);
  const baselines = Object.fromEntries(Object.entries(baselineForecasts(encoder, raw, first))
    .map(([name, values]) => [name, values.slice(0, -1)]));
  return compare(target.slice(first), { ...predictions, ...baselines },
    target.slice(first - 1, -1), target[first - 1]);
}
