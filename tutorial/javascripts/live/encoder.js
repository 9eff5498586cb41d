// From raw prices to model inputs and back, exactly as rnnlab/runtime/preprocessing.py
// does it (Encoder): per column, log(1 + p) for log columns, then the transform
// (level, diff, logret, relative), then min-max scaling with the training days' lo/hi.
// Raw prices are arrays of rows, `raw[day][feature]`, column 0 the target.
// Scaled windows are flat Float32Arrays laid out (batch, window, features).

export const TRANSFORMS = ["level", "diff", "logret", "relative"];

export class Encoder {
  /** @param {object} fields the card's `encoder`: columns, window, lo, hi, transform, log_columns */
  constructor(fields) {
    Object.assign(this, { transform: "level", log_columns: [] }, fields);
    if (!TRANSFORMS.includes(this.transform)) {
      throw new Error(`transform ${this.transform} unknown; this page knows ${TRANSFORMS}`);
    }
    this.logged = this.columns.map((column) => this.log_columns.includes(column));
    // span = max - min, or 1 where a column never moved
    this.span = this.lo.map((lo, f) => (this.hi[f] > lo ? this.hi[f] - lo : 1.0));
  }

  /** Raw days consumed before the first transformed row (1 for diff/logret/relative). */
  get offset() {
    return this.transform === "level" ? 0 : 1;
  }

  /** Raw days needed to build one input window. */
  get historyDays() {
    return this.window + this.offset;
  }

  /** Log and transform: (days, F) raw -> (days - offset, F) unscaled. */
  changes(raw) {
    const x = raw.map((row) => row.map((p, f) => (this.logged[f] ? Math.log1p(Math.max(p, 0)) : p)));
    if (this.transform === "level") return x;
    if (this.transform !== "diff"
        && raw.some((row) => row.some((p, f) => !this.logged[f] && p <= 0))) {
      throw new Error(`transform ${this.transform}: prices must be positive`);
    }
    const out = [];
    for (let t = 1; t < raw.length; t++) {
      out.push(x[t].map((value, f) => {
        // log columns are already logs: they just difference, d_t = x_t - x_{t-1}
        if (this.logged[f] || this.transform === "diff") return value - x[t - 1][f];
        // relative: r_t = log(p_t / target_{t-1}); logret: r_t = log(p_t / p_{t-1})
        const previous = this.transform === "relative" ? raw[t - 1][0] : raw[t - 1][f];
        return this.transform === "relative"
          ? Math.log(raw[t][f] / previous)
          : Math.log(raw[t][f]) - Math.log(previous);
      }));
    }
    return out;
  }

  /** Log, transform, scale: (days, F) raw -> flat Float32Array of (days - offset) rows. */
  encode(raw) {
    const changes = this.changes(raw);
    const features = this.columns.length;
    const out = new Float32Array(changes.length * features);
    changes.forEach((row, t) => row.forEach((value, f) => {
      // x' = (x - min) / (max - min)
      out[t * features + f] = (value - this.lo[f]) / this.span[f];
    }));
    return out;
  }

  /** Every window of `window` consecutive encoded rows: (rows - window + 1, window, F). */
  slidingWindows(encoded) {
    const width = this.window * this.columns.length;
    const count = encoded.length / this.columns.length - this.window + 1;
    const out = new Float32Array(count * width);
    for (let w = 0; w < count; w++) {
      out.set(encoded.subarray(w * this.columns.length, w * this.columns.length + width), w * width);
    }
    return out;
  }

  /** Windows that forecast raw days first .. days (the last one is the day after). */
  oneStepWindows(raw, first) {
    if (first < this.historyDays) {
      throw new Error(`the first forecast day needs ${this.historyDays} earlier rows of `
        + `history, the data has ${first}; start later`);
    }
    return this.slidingWindows(this.encode(raw.slice(first - this.historyDays)));
  }

  /** The window that ends on the last row of `raw`: (1, window, F). */
  lastWindow(raw) {
    if (raw.length < this.historyDays) {
      throw new Error(`a generation start needs ${this.historyDays} rows of history, `
        + `the data has ${raw.length} before it; start later`);
    }
    return this.slidingWindows(this.encode(raw.slice(raw.length - this.historyDays)));
  }

  /** Scaling undone for the target: x = x' (max - min) + min. */
  unscaleTarget(scaled) {
    return scaled * this.span[0] + this.lo[0];
  }

  /** Target prices from one-step predictions, each beside its true previous day. */
  nextLevels(scaled, previous) {
    return Array.from(scaled, (s, i) => {
      const change = this.unscaleTarget(s);
      if (this.transform === "level") return change;
      // p_t = p_{t-1} + d_t,  or  p_t = p_{t-1} exp(r_t)
      return this.transform === "diff" ? previous[i] + change : previous[i] * Math.exp(change);
    });
  }

  /** Target prices of one generated path (scaled values), building on `last`. */
  pathLevels(scaled, last) {
    let total = 0;
    return Array.from(scaled, (s) => {
      const change = this.unscaleTarget(s);
      if (this.transform === "level") return change;
      // p_{t+k} = p_t + sum d,  or  p_{t+k} = p_t exp(sum r)
      total += change;
      return this.transform === "diff" ? last + total : last * Math.exp(total);
    });
  }
}
