import assert from "node:assert/strict";
import { test } from "node:test";

import { Encoder } from "../../tutorial/javascripts/live/encoder.js";
import { assertClose, fixtures, needsFixtures } from "./fixtures.js";

// Scaled inputs are float32 (2^-24 relative); prices float64.
const SCALED = 1e-6;
const PRICE = 1e-9;

/** A flat Float32Array (batch, window, F) as nested arrays, as numpy's tolist() gives. */
function nest(flat, window, features) {
  const rows = Array.from({ length: flat.length / features },
    (_, r) => Array.from(flat.subarray(r * features, (r + 1) * features)));
  return Array.from({ length: rows.length / window }, (_, w) => rows.slice(w * window, (w + 1) * window));
}

for (const [i, case_] of (fixtures?.encoders ?? [null]).entries()) {
  const label = case_ ? `${case_.encoder.transform} of ${case_.encoder.columns}` : "encoder";
  test(`${label}: inputs and prices equal the Python runtime's`, needsFixtures, () => {
    const encoder = new Encoder(case_.encoder);
    const features = case_.encoder.columns.length;
    const { window } = case_.encoder;
    assert.equal(encoder.historyDays, window + (case_.encoder.transform === "level" ? 0 : 1));
    const encoded = encoder.encode(case_.raw);
    assertClose(assert, nest(encoded, 1, features).map((w) => w[0]), case_.encoded, SCALED,
      `${i} encode`);
    assertClose(assert, nest(encoder.oneStepWindows(case_.raw, 30), window, features),
      case_.one_step_windows, SCALED, `${i} oneStepWindows`);
    assertClose(assert, nest(encoder.lastWindow(case_.raw.slice(0, 25)), window, features),
      case_.last_window, SCALED, `${i} lastWindow`);
    assertClose(assert, encoder.nextLevels(case_.scaled, case_.previous), case_.next_levels,
      PRICE, `${i} nextLevels`);
    assertClose(assert, encoder.pathLevels(case_.scaled, case_.raw[29][0]), case_.path_levels,
      PRICE, `${i} pathLevels`);
  });
}

test("too little history is an error that says how much is needed", needsFixtures, () => {
  const case_ = fixtures.encoders.find((c) => c.encoder.transform === "logret");
  const encoder = new Encoder(case_.encoder);
  assert.throws(() => encoder.lastWindow(case_.raw.slice(0, 4)), /needs 5 rows of history/);
  assert.throws(() => encoder.oneStepWindows(case_.raw, 3), /needs 5 earlier rows/);
});

test("an unknown transform or a non-positive price for logret is refused", () => {
  const fields = { columns: ["High"], window: 2, lo: [0], hi: [1] };
  assert.throws(() => new Encoder({ ...fields, transform: "cube" }), /transform cube unknown/);
  const logret = new Encoder({ ...fields, transform: "logret" });
  assert.throws(() => logret.encode([[1], [0], [2]]), /prices must be positive/);
});
