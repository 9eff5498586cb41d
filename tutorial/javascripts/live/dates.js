// Trading-day arithmetic on ISO dates ("YYYY-MM-DD" strings, which sort as dates), as
// rnnlab/runtime/prices/table.py and rnnlab/runtime/prices/calendar.py do it: weekdays without the
// exchange's holidays.

const DAY_MS = 86_400_000;

/** The ISO date `text` as a day number (days since 1970-01-01), or null if it is no date. */
export function dayNumber(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text).trim());
  if (!match) return null;
  const [year, month, day] = match.slice(1).map(Number);
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1
      || back.getUTCDate() !== day) return null;
  return ms / DAY_MS;
}

/** The ISO date of day number `n`. */
export function isoDate(n) {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** How many of the ascending ISO `dates` fall strictly before `date` (Prices.before). */
export function before(dates, date) {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dates[mid] < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The `count` trading days after `date`: weekdays that are not in `holidays` (the
 * exchange's closures as ISO dates, which the docs build writes from
 * rnnlab/runtime/prices/calendar.py), as rnnlab's trading_days_after counts them.
 */
export function tradingDaysAfter(date, count, holidays) {
  const closed = new Set(holidays);
  const out = [];
  let n = dayNumber(date);
  while (out.length < count) {
    n += 1;
    // 1970-01-01 was a Thursday: day n is a Saturday when (n + 4) % 7 == 6, Sunday when 0
    const weekday = (n + 4) % 7;
    if (weekday !== 0 && weekday !== 6 && !closed.has(isoDate(n))) out.push(isoDate(n));
  }
  return out;
}
