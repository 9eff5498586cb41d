// One rnnlab forecaster in the browser: the card read from the .onnx bytes and an
// onnxruntime-web session on the same bytes. forecast() and generate() mirror
// Model.forecast and `rnnlab generate --csv --start` in rnnlab/runtime/forecaster.py and
// rnnlab/cli/runtime_commands.py, so the page prints the numbers the CLI prints.
// onnxruntime-web is passed in (not imported), so node can import this module.

import { readCard, stateRows } from "./card.js";
import { scoreOneStep } from "./baselines.js";
import { before, tradingDaysAfter } from "./dates.js";
import { Encoder } from "./encoder.js";
import { quantile, scorePaths } from "./metrics.js";

export const MODES = ["windowed", "stateful"];

/**
 * A model's columns of the price data, dropping days where one is empty (as
 * read_prices(..., missing="drop") does): {dates, raw: raw[day][feature]}.
 * @param {{dates: string[], columns: Object<string, (number|null)[]>}} data
 */
export function selectColumns(data, columns) {
  const missing = columns.filter((c) => !(c in data.columns));
  if (missing.length) throw new Error(`the price data has no column ${missing.join(", ")}`);
  const dates = [];
  const raw = [];
  data.dates.forEach((date, day) => {
    const row = columns.map((c) => data.columns[c][day]);
    if (row.every((v) => v !== null && v !== undefined)) {
      dates.push(date);
      raw.push(row);
    }
  });
  return { dates, raw };
}

export class Forecaster {
  constructor(ort, session, card, name) {
    Object.assign(this, { ort, session, card, name });
    this.encoder = new Encoder(card.encoder);
  }

  /** Read the card from `bytes` (a Uint8Array of the .onnx file), then start a session. */
  static async load(ort, bytes, name) {
    const card = readCard(bytes, name);
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ["wasm"], graphOptimizationLevel: "all",
    });
    return new Forecaster(ort, session, card, name);
  }

  /** Whether the model can feed its own predictions back (one input column). */
  get canGenerate() {
    return this.card.architecture.features === 1;
  }

  /**
   * Run the graph on `batch` windows (flat Float32Array (batch, window, features));
   * `noise` (steps, batch) is added to each scaled prediction before it is fed back.
   * @returns {Promise<Float32Array>} y, (batch, steps)
   */
  async run(x, batch, steps = 1, stateful = false, noise = null) {
    const { Tensor } = this.ort;
    const arch = this.card.architecture;
    const window = x.length / batch / arch.features;
    const feeds = {
      x: new Tensor("float32", x, [batch, window, arch.features]),
      state: new Tensor("float32", new Float32Array(stateRows(arch) * batch * arch.units),
        [stateRows(arch), batch, arch.units]),
      noise: new Tensor("float32", noise ?? new Float32Array(steps * batch), [steps, batch]),
      steps: new Tensor("int64", BigInt64Array.from([BigInt(steps)]), []),
      stateful: new Tensor("bool", Uint8Array.from([stateful ? 1 : 0]), []),
    };
    const outputs = await this.session.run(feeds);
    return outputs.y.data;
  }

  /**
   * One-step forecasts from true history for `days` trading days from `start`
   * (as `rnnlab forecast MODEL --start START --end <the last of those days>`).
   */
  async forecast(data, start, days) {
    const { dates, raw } = selectColumns(data, this.encoder.columns);
    const first = before(dates, start);
    const stop = Math.min(first + days, dates.length);
    if (first >= stop) throw new Error(`no days of the price data fall on or after ${start}`);
    const windows = this.encoder.oneStepWindows(raw.slice(0, stop), first);
    const scaled = await this.run(windows, stop - first + 1);
    const target = raw.slice(0, stop).map((row) => row[0]);
    const predicted = this.encoder.nextLevels(scaled, target.slice(first - 1));
    const actual = target.slice(first);
    const previous = target.slice(first - 1, stop - 1);
    const model = predicted.slice(0, -1);
    return {
      dates: dates.slice(first, stop), actual, predicted: model, previous,
      scores: scoreOneStep(this.encoder, raw.slice(0, stop), first, { model }),
      nextDate: tradingDaysAfter(dates[stop - 1], 1, data.holidays)[0], nextValue: predicted.at(-1),
    };
  }

  /**
   * Generate `steps` trading days from `start`, from the rows before it, as
   * `rnnlab generate MODEL --csv --start START --steps --mode --samples --seed 0`.
   * With samples > 0 each prediction gets Gaussian noise of the card's residual_sd:
   * `normals` holds numpy's default_rng(0).standard_normal draws, taken (steps, paths)
   * in row order as numpy's normal(0, sd, (steps, paths)) takes them.
   */
  async generate(data, start, steps, mode, samples, normals) {
    if (!this.canGenerate) {
      throw new Error(`${this.name} reads ${this.encoder.columns.join(", ")}: it cannot generate `
        + "(it would need to forecast every column); it forecasts one step only");
    }
    if (!MODES.includes(mode)) throw new Error(`mode ${mode} is unknown; use windowed or stateful`);
    const paths = Math.max(1, samples);
    if (samples && normals.length < steps * paths) {
      throw new Error(`${samples} sampled paths of ${steps} steps need ${steps * paths} `
        + `noise draws; the page has ${normals.length}`);
    }
    const { dates, raw } = selectColumns(data, this.encoder.columns);
    const cut = before(dates, start);
    const history = raw.slice(0, cut);
    const window = this.encoder.lastWindow(history);
    const x = new Float32Array(window.length * paths);
    for (let p = 0; p < paths; p++) x.set(window, p * window.length);
    let noise = null;
    if (samples) {
      // noise[k][p] = sd * z[k * paths + p], rounded to float32 as Model.run feeds it
      noise = Float32Array.from(normals.subarray(0, steps * paths),
        (z) => this.card.residual_sd * z);
    }
    const y = await this.run(x, paths, steps, mode === "stateful", noise);
    const startValue = history.at(-1)[0];
    const values = [];
    for (let p = 0; p < paths; p++) {
      values.push(this.encoder.pathLevels(y.subarray(p * steps, (p + 1) * steps), startValue));
    }
    const column = (k) => values.map((path) => path[k]);
    const median = Array.from({ length: steps }, (_, k) => quantile(column(k), 0.5));
    const truth = raw.slice(cut, cut + steps).map((row) => row[0]);
    const known = dates.slice(cut, cut + steps);
    const after = known.length ? known.at(-1) : dates[cut - 1];
    let scores = null;
    if (truth.length) {
      // the paths as a distribution (the CLI's generating baselines resample with numpy's
      // generator, which the page does not reproduce: it scores the model's row)
      scores = { [samples ? "model" : "mean-forecast path"]: scorePaths(values, truth) };
    }
    return {
      mode, samples, startDate: dates[cut - 1], startValue, values, median, truth, scores,
      dates: [...known, ...tradingDaysAfter(after, steps - known.length, data.holidays)],
      low: Array.from({ length: steps }, (_, k) => quantile(column(k), 0.05)),
      high: Array.from({ length: steps }, (_, k) => quantile(column(k), 0.95)),
    };
  }
}
