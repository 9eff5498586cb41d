import assert from "node:assert/strict";
import { test } from "node:test";

import { before, dayNumber, tradingDaysAfter } from "../../tutorial/javascripts/live/dates.js";
import { fixtures, needsFixtures } from "./fixtures.js";

test("before() counts the trading days strictly before a date, as Prices.before", needsFixtures, () => {
  for (const [date, count] of Object.entries(fixtures.dates.before)) {
    assert.equal(before(fixtures.dates.trading, date), count, date);
  }
});

test("trading days after a day are rnnlab's trading_days_after", needsFixtures, () => {
  const { holidays } = fixtures.dates;
  for (const [date, expected] of Object.entries(fixtures.dates.trading_days_after)) {
    assert.deepEqual(tradingDaysAfter(date, expected.length, holidays), expected, date);
  }
});

test("only real calendar dates in YYYY-MM-DD parse", () => {
  assert.equal(dayNumber("1970-01-02"), 1);
  assert.equal(dayNumber(" 2017-03-01 "), dayNumber("2017-02-28") + 1);
  for (const text of ["2017-02-29", "2017-13-01", "2017-3-1", "01/03/2017", "", "tomorrow"]) {
    assert.equal(dayNumber(text), null, text);
  }
});
