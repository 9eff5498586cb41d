// The page's forecaster on onnxruntime-web (under node: the same wasm build) against
// what `rnnlab forecast` and `rnnlab generate` print for the same choices, on a price
// file with a day lacking Open (dropped for ohlc-gru only) and generation running past
// the file's last day (labelled with the exchange's trading days after it).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { Forecaster } from "../../tutorial/javascripts/live/forecaster.js";
import { assertClose, fixtures, needsFixtures } from "./fixtures.js";

const USD = 1e-3;
let ort = null;
try {
  ort = await import("onnxruntime-web");
  ort.env.wasm.numThreads = 1;
} catch {
  // node_modules absent: the tests below say so
}
const needs = ort ? needsFixtures : { skip: "onnxruntime-web is not installed: run `npm ci`" };

async function forecaster(name) {
  const path = fixtures.runs.models[name];
  return Forecaster.load(ort, new Uint8Array(readFileSync(path)), name);
}

// The page scores the model beside every baseline the CLI prints, in the CLI's order:
// linear and close-anchored (where they apply), persistence and flat.
function assertScores(shown, printed, where) {
  assert.deepEqual(Object.keys(shown), Object.keys(printed), where);
  for (const [name, row] of Object.entries(shown)) {
    for (const key of ["rmse", "mae", "mape"]) {
      assertClose(assert, row[key], printed[name][key], USD, `${where} ${name} ${key}`);
    }
  }
}

for (const case_ of fixtures?.runs.cases ?? [{ command: "forecast/generate", model: "" }]) {
  test(`${case_.command} ${case_.model} prints what the CLI prints`, needs, async () => {
    const model = await forecaster(case_.model);
    const { data, normals } = fixtures.runs;
    const printed = case_.printed;
    if (case_.command === "forecast") {
      const result = await model.forecast(data, case_.start, printed.days);
      assert.deepEqual([result.dates[0], result.dates.at(-1), result.dates.length],
        [printed.start, printed.end, printed.days]);
      assertScores(result.scores, printed.scores, case_.model);
      assert.equal(result.nextDate, printed.next.date);
      assertClose(assert, result.nextValue, printed.next.forecast, USD, "next");
      return;
    }
    const result = await model.generate(data, case_.start, case_.steps, case_.mode,
      case_.samples, Float64Array.from(normals));
    assert.deepEqual(result.dates, printed.dates);
    assert.equal(result.startDate, printed.start_date);
    assertClose(assert, result.median, printed.generated, USD, "generated");
    if (case_.samples) {
      assertClose(assert, result.low, printed.p05, USD, "p05");
      assertClose(assert, result.high, printed.p95, USD, "p95");
    }
    // the page scores the model's paths as the CLI does; the CLI's generating baselines
    // (numpy's resampling) are the CLI's alone
    const name = case_.samples ? "model" : "mean-forecast path";
    assert.deepEqual(Object.keys(result.scores), [name]);
    for (const key of ["crps", "cover50", "cover90", "pinball", "rmse"]) {
      assertClose(assert, result.scores[name][key], printed.scores[name][key], USD,
        `${case_.model} ${key}`);
    }
  });
}

test("ohlc-gru refuses to generate, saying why", needs, async () => {
  const model = await forecaster("ohlc-gru");
  await assert.rejects(model.generate(fixtures.runs.data, "2017-11-01", 5, "windowed", 0, null),
    /reads High, Open, Low, Close: it cannot generate/);
});
