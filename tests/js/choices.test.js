import assert from "node:assert/strict";
import { test } from "node:test";

import { checkChoices } from "../../tutorial/javascripts/live/choices.js";

const DAYS = { first: "2017-01-03", last: "2017-12-29" };
const LIMITS = { steps: 251, samples: 20 };
const GOOD = { start: "2017-03-01", steps: "60", mode: "stateful", samples: "5" };

test("good choices come back as numbers", () => {
  assert.deepEqual(checkChoices(GOOD, DAYS, LIMITS),
    { choices: { start: "2017-03-01", steps: 60, mode: "stateful", samples: 5 }, problems: [] });
  assert.equal(checkChoices({ ...GOOD, start: "2017-12-29", steps: "251" }, DAYS, LIMITS).problems.length, 0);
});

test("each bad choice is one sentence that says what to pick", () => {
  const cases = [
    [{ start: "2016-12-30" }, "Start date 2016-12-30 is outside the test data: pick a day from 2017-01-03 to 2017-12-29."],
    [{ start: "2017-02-30" }, "Start date '2017-02-30' is not a date: use YYYY-MM-DD."],
    [{ steps: "0" }, "Steps '0' is out of range: use a whole number from 1 to 251."],
    [{ steps: "2.5" }, "Steps '2.5' is out of range: use a whole number from 1 to 251."],
    [{ steps: "" }, "Steps '' is out of range: use a whole number from 1 to 251."],
    [{ mode: "greedy" }, "Mode 'greedy' is unknown: use windowed or stateful."],
    [{ samples: "21" }, "Sampled paths '21' is out of range: use a whole number from 0 (one deterministic path) to 20."],
  ];
  for (const [change, message] of cases) {
    assert.deepEqual(checkChoices({ ...GOOD, ...change }, DAYS, LIMITS), { choices: null, problems: [message] });
  }
  assert.equal(checkChoices({ start: "x", steps: "-1", mode: "", samples: "99" }, DAYS, LIMITS).problems.length, 4);
});
