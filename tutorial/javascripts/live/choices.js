// The reader's choices on the page, checked before anything runs: every problem is one
// sentence saying what is wrong and what to pick instead.

import { MODES } from "./forecaster.js";
import { dayNumber } from "./dates.js";

/** A whole number from a form field, or null. */
function whole(text) {
  const value = Number(String(text).trim());
  return String(text).trim() !== "" && Number.isInteger(value) ? value : null;
}

/**
 * Check the form's raw strings against the data's test days.
 * @param {{start: string, steps: string, mode: string, samples: string}} form
 * @param {{first: string, last: string}} days the first and last test day in the data
 * @param {{steps: number, samples: number}} limits the most steps and sampled paths
 * @returns {{choices: object|null, problems: string[]}}
 */
export function checkChoices(form, days, limits) {
  const problems = [];
  const start = String(form.start).trim();
  if (dayNumber(start) === null) {
    problems.push(`Start date '${form.start}' is not a date: use YYYY-MM-DD.`);
  } else if (start < days.first || start > days.last) {
    problems.push(`Start date ${start} is outside the test data: pick a day from `
      + `${days.first} to ${days.last}.`);
  }
  const steps = whole(form.steps);
  if (steps === null || steps < 1 || steps > limits.steps) {
    problems.push(`Steps '${form.steps}' is out of range: use a whole number from 1 to `
      + `${limits.steps}.`);
  }
  if (!MODES.includes(form.mode)) {
    problems.push(`Mode '${form.mode}' is unknown: use ${MODES.join(" or ")}.`);
  }
  const samples = whole(form.samples);
  if (samples === null || samples < 0 || samples > limits.samples) {
    problems.push(`Sampled paths '${form.samples}' is out of range: use a whole number from 0 `
      + `(one deterministic path) to ${limits.samples}.`);
  }
  return { choices: problems.length ? null : { start, steps, mode: form.mode, samples }, problems };
}
