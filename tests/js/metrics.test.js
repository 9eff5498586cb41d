import assert from "node:assert/strict";
import { test } from "node:test";

import { compare, quantile } from "../../tutorial/javascripts/live/metrics.js";
import { assertClose, fixtures, needsFixtures } from "./fixtures.js";

test("scores beside persistence and flat equal metrics.compare", needsFixtures, () => {
  const m = fixtures.metrics;
  const table = compare(m.actual, { model: m.model }, m.previous, m.last_known);
  assert.deepEqual(Object.keys(table), Object.keys(m.scores));
  for (const [name, row] of Object.entries(m.scores)) {
    for (const key of ["rmse", "mae", "mape"]) {
      assertClose(assert, table[name][key], row[key], 1e-12, `${name} ${key}`);
    }
  }
});

test("quantiles over paths equal numpy.quantile", needsFixtures, () => {
  const { paths, quantiles } = fixtures.metrics;
  for (const [q, expected] of Object.entries(quantiles)) {
    const got = expected.map((_, k) => quantile(paths.map((path) => path[k]), Number(q)));
    assertClose(assert, got, expected, 1e-12, `q ${q}`);
  }
});
