// The linear and close-anchored baselines against rnnlab/runtime/scores/baselines.py: each
// shipped model's encoder on a random walk, and a ridge that meets a singular system.
import assert from "node:assert/strict";
import { test } from "node:test";

import { baselineForecasts, fitRidge } from "../../tutorial/javascripts/live/baselines.js";
import { Encoder } from "../../tutorial/javascripts/live/encoder.js";
import { assertClose, fixtures, needsFixtures } from "./fixtures.js";

// Relative: the solves differ from LAPACK's in rounding only.
const RELATIVE = 1e-6;

function assertRelative(actual, expected, where) {
  assertClose(assert, actual.map((v, i) => v / expected[i]), expected.map(() => 1), RELATIVE,
    where);
}

for (const [name, case_] of Object.entries(fixtures?.baselines.models ?? { model: null })) {
  test(`${name}: baseline forecasts equal the Python runtime's`, needsFixtures, () => {
    const forecasts = baselineForecasts(new Encoder(case_.encoder), case_.raw, case_.first);
    assert.deepEqual(Object.keys(forecasts), Object.keys(case_.forecasts));
    for (const [baseline, expected] of Object.entries(case_.forecasts)) {
      assertRelative(forecasts[baseline], expected, `${name} ${baseline}`);
    }
  });
}

test("a singular system with penalty 0 predicts what lstsq predicts", needsFixtures, () => {
  const { x, y, new: rows, penalty, predicted } = fixtures.baselines.ridge;
  const model = fitRidge(x, y);
  assert.equal(model.penalty, penalty);
  assertRelative(model.predict(rows), predicted, "predicted");
});
