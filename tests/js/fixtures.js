// The fixtures tests/live_fixtures.py writes with the Python runtime. test_live_js.py
// sets RNNLAB_LIVE_FIXTURES to that file; without it every test that needs them skips.
import { readFileSync } from "node:fs";

const path = process.env.RNNLAB_LIVE_FIXTURES;
export const fixtures = path ? JSON.parse(readFileSync(path, "utf8")) : null;
export const needsFixtures = fixtures ? {} : {
  skip: "no fixtures: run `pytest tests/test_live_js.py` (or set RNNLAB_LIVE_FIXTURES to the "
    + "file `python tests/live_fixtures.py FOLDER` writes)",
};

/** Assert two (nested) arrays of numbers agree within `tolerance`, naming where not. */
export function assertClose(assert, actual, expected, tolerance, where = "") {
  if (Array.isArray(expected)) {
    assert.equal(actual.length, expected.length, `${where}: length`);
    expected.forEach((e, i) => assertClose(assert, actual[i], e, tolerance, `${where}[${i}]`));
    return;
  }
  assert.ok(Math.abs(actual - expected) <= tolerance,
    `${where}: ${actual} differs from ${expected} by more than ${tolerance}`);
}
