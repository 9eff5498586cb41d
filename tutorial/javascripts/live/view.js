// What the page shows: score tables, tables of every number, and uPlot charts.
// Prices are shown with 4 decimals (as `--out` CSVs hold them), scores with 3 (as the
// CLI's tables print them).

import { dayNumber } from "./dates.js";

const DAY_SECONDS = 86_400;

/** An element with text or children. */
export function element(tag, content = [], attributes = {}) {
  const node = document.createElement(tag);
  Object.entries(attributes).forEach(([name, value]) => node.setAttribute(name, value));
  if (typeof content === "string") node.textContent = content;
  else node.append(...content);
  return node;
}

function table(header, rows, attributes) {
  return element("table", [
    element("thead", [element("tr", header.map((h) => element("th", h)))]),
    element("tbody", rows.map((cells) => element("tr", cells.map((c) => element("td", c))))),
  ], attributes);
}

const price = (value) => (value === null || value === undefined ? "" : value.toFixed(4));

/** RMSE, MAE, MAPE% of each forecaster, as `rnnlab forecast` prints them. */
export function scoresTable(scores, id) {
  const rows = Object.entries(scores).map(([name, s]) =>
    [name, s.rmse.toFixed(3), s.mae.toFixed(3), s.mape.toFixed(3)]);
  return table(["forecaster", "RMSE", "MAE", "MAPE %"], rows, { id });
}

/** Generated paths' scores as a distribution (metrics.js scorePaths), one row a generator. */
export function pathsTable(scores, id) {
  const percent = (v) => `${(100 * v).toFixed(0)} %`;
  const rows = Object.entries(scores).map(([name, s]) => [name, s.crps.toFixed(3),
    percent(s.cover50), percent(s.cover90), s.pinball.toFixed(3), s.rmse.toFixed(3)]);
  return table(["generator", "CRPS", "in 50 %", "in 90 %", "pinball", "median RMSE"], rows,
    { id });
}

/** Every number of a result, one row per day, in a collapsible block. */
export function numbersBlock(summary, header, columns, id) {
  const rows = columns[0].map((_, k) => columns.map((column, c) =>
    (c === 0 ? column[k] : price(column[k]))));
  return element("details", [element("summary", summary), table(header, rows, { id })]);
}

/**
 * A uPlot line chart of `lines` ({label: values}) over ISO `dates`; `band` names the
 * two lines drawn as a shaded band instead (the 5-95 % range of sampled paths).
 */
export function chart(uPlot, container, dates, lines, band = null) {
  container.replaceChildren();
  const colours = ["#555", "#d32f2f", "#1976d2", "#1976d2"];
  const labels = Object.keys(lines);
  const series = [{}, ...labels.map((label, i) => ({
    label, stroke: colours[i % colours.length], width: band?.includes(label) ? 0.5 : 1.5,
    value: (_, v) => (v === null || v === undefined ? "-" : v.toFixed(2)),
  }))];
  const options = {
    width: Math.max(320, container.clientWidth || 640), height: 320, series,
    scales: { x: { time: true } }, axes: [{}, { label: "USD", size: 60 }],
  };
  if (band) {
    const [low, high] = band.map((label) => labels.indexOf(label) + 1);
    options.bands = [{ series: [high, low], fill: "rgba(25, 118, 210, 0.15)" }];
  }
  const xs = dates.map((date) => dayNumber(date) * DAY_SECONDS);
  return new uPlot(options, [xs, ...Object.values(lines)], container);
}
