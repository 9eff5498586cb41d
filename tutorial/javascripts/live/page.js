// The "Try it in your browser" page: loads onnxruntime-web (wasm, one thread), uPlot,
// the shipped .onnx files and the IBM prices the docs build wrote, then forecasts and
// generates for the reader's choices. Every failure ends as one sentence in the page.

import { checkChoices } from "./choices.js";
import { Forecaster } from "./forecaster.js";
import { chart, element, numbersBlock, pathsTable, scoresTable } from "./view.js";

const SITE = new URL("../../", import.meta.url);
const ORT = "vendor/onnxruntime-web/";
const $ = (id) => document.getElementById(id);

function say(text, kind = "info") {
  const status = $("live-status");
  status.textContent = text;
  status.dataset.kind = kind;
}

async function fetchOk(path) {
  const response = await fetch(new URL(path, SITE));
  if (!response.ok) throw new Error(`${path} is missing from this build (HTTP ${response.status})`);
  return response;
}

async function loadLibraries() {
  try {
    const ort = await import(new URL(`${ORT}ort.wasm.bundle.min.mjs`, SITE).href);
    const uPlot = (await import(new URL("vendor/uplot/uPlot.esm.js", SITE).href)).default;
    ort.env.wasm.numThreads = 1;
    // Only the .wasm is fetched: the bundle carries its own loader (a prefix here would
    // make it fetch ort-wasm-simd-threaded.mjs as well).
    ort.env.wasm.wasmPaths = { wasm: new URL(`${ORT}ort-wasm-simd-threaded.wasm`, SITE).href };
    const css = new URL("vendor/uplot/uPlot.min.css", SITE).href;
    document.head.append(element("link", [], { rel: "stylesheet", href: css }));
    return { ort, uPlot };
  } catch {
    return null;
  }
}

class Page {
  constructor(libraries, manifest, data, normals) {
    Object.assign(this, libraries, { manifest, data, normals, models: {} });
    this.form = $("live-form");
  }

  async model(name) {
    if (!(name in this.models)) {
      const file = this.manifest.models[name];
      const bytes = new Uint8Array(await (await fetchOk(`live/${file}`)).arrayBuffer());
      this.models[name] = await Forecaster.load(this.ort, bytes, file.split("/").at(-1));
    }
    return this.models[name];
  }

  setUpForm() {
    const field = (name) => this.form.elements[name];
    field("model").replaceChildren(...Object.keys(this.manifest.models).map(
      (name) => element("option", name, { value: name })));
    field("model").value = this.manifest.default;
    field("start").value = this.data.test_first;
    const { limits } = this.manifest;
    Object.assign(field("steps"), { min: 1, max: limits.steps, value: limits.steps });
    Object.assign(field("samples"), { min: 0, max: limits.samples, value: limits.samples });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.run();
    });
    this.form.hidden = false;
  }

  async run() {
    const values = Object.fromEntries(new FormData(this.form));
    const { choices, problems } = checkChoices(values,
      { first: this.data.test_first, last: this.data.test_last }, this.manifest.limits);
    $("live-results").hidden = !choices;
    if (!choices) return say(problems.join(" "), "error");
    say(`Running ${values.model} in this browser...`, "busy");
    const button = this.form.querySelector("button");
    button.disabled = true;  // one run at a time: a session runs one call at once
    try {
      const model = await this.model(values.model);
      const clock = performance.now();
      const forecast = await model.forecast(this.data, choices.start, choices.steps);
      const forecastMs = performance.now() - clock;
      this.showForecast(values.model, model, forecast);
      const timing = $("live-timing");
      timing.dataset.firstMs ||= performance.now().toFixed(0);
      let generation = null;
      const generateClock = performance.now();
      if (model.canGenerate) {
        generation = await model.generate(this.data, choices.start, choices.steps,
          choices.mode, choices.samples, this.normals);
      }
      const generateMs = performance.now() - generateClock;
      this.showGeneration(values.model, model, choices, generation);
      this.showTiming(forecast, forecastMs, generation && choices, generateMs);
      say(`Done: ${values.model} on ${this.data.source}, computed in this browser.`, "done");
    } catch (error) {
      $("live-results").hidden = true;
      say(`Error: ${error.message}`, "error");
    } finally {
      button.disabled = false;
    }
  }

  showForecast(name, model, forecast) {
    const { dates, actual, predicted, previous } = forecast;
    chart(this.uPlot, $("live-forecast-chart"), dates,
      { [`real ${model.card.target}`]: actual, "one-step forecast": predicted });
    $("live-forecast-command").textContent = `rnnlab forecast ${name} --csv `
      + `${this.data.csv} --start ${dates[0]} --end ${dates.at(-1)}`;
    $("live-forecast-numbers").replaceChildren(
      element("p", `${dates.length} days from ${dates[0]} to ${dates.at(-1)}, one step `
        + `ahead from true history; next ${this.data.exchange} trading day ${forecast.nextDate}: `
        + `${forecast.nextValue.toFixed(2)}.`),
      scoresTable(forecast.scores, "live-forecast-scores"),
      numbersBlock("Every forecast", ["date", "actual", "forecast", "persistence"],
        [dates, actual, predicted, previous], "live-forecast-table"));
  }

  showGeneration(name, model, choices, generation) {
    const numbers = $("live-generate-numbers");
    if (!generation) {
      const [, ...others] = model.encoder.columns;
      $("live-generate-chart").replaceChildren();
      $("live-generate-command").textContent = "";
      numbers.replaceChildren(element("p", `${name} reads ${model.encoder.columns.join(", ")}: `
        + `it forecasts one step only (to feed itself it would need tomorrow's `
        + `${others.join(", ")} too), so it draws no generated path.`));
      return;
    }
    const { dates, median, low, high, truth, samples, startValue, scores } = generation;
    const from = (values) => [startValue, ...values];  // each line starts at the last price
    const path = samples ? `median of ${samples} sampled paths`
      : "path of the mean one-step forecast";
    const lines = {
      [`real ${model.card.target}`]: from([...truth, ...dates.slice(truth.length).map(() => null)]),
      [path]: from(median),
      ...(samples ? { "5 %": from(low), "95 %": from(high) } : {}),
    };
    chart(this.uPlot, $("live-generate-chart"), [generation.startDate, ...dates], lines,
      samples ? ["5 %", "95 %"] : null);
    $("live-generate-command").textContent = `rnnlab generate ${name} --csv ${this.data.csv} `
      + `--start ${choices.start} --steps ${choices.steps} --mode ${choices.mode}`
      + ` --samples ${samples}` + (samples ? " --seed 0" : "");
    const [header, columns] = samples
      ? [["date", "real", "median", "p05", "p95"], [dates, truth, median, low, high]]
      : [["date", "real", "generated"], [dates, truth, median]];
    numbers.replaceChildren(
      element("p", `${choices.steps} trading days after ${generation.startDate} `
        + `(${model.card.target} ${startValue.toFixed(2)}), ${choices.mode}; `
        + (scores ? `scored against ${truth.length} real days:` : "no real days to score.")),
      ...(scores ? [pathsTable(scores, "live-generate-scores")] : []),
      numbersBlock("Every generated day", header, columns, "live-generate-table"));
  }

  showTiming(forecast, forecastMs, generated, generateMs) {
    const timing = $("live-timing");
    timing.dataset.forecastMs = forecastMs.toFixed(1);
    timing.dataset.generateMs = generated ? generateMs.toFixed(1) : "";
    timing.textContent = `In this browser (onnxruntime-web, wasm, one thread): `
      + `${forecast.dates.length} one-step forecasts took ${forecastMs.toFixed(0)} ms`
      + (generated ? `, ${generated.steps} ${generated.mode} steps ${generateMs.toFixed(0)} ms`
        : "")
      + `; the first forecasts appeared ${timing.dataset.firstMs} ms after the page began `
      + "loading.";
  }
}

async function main() {
  if (!$("live")) return;
  say("Loading onnxruntime-web...", "busy");
  const libraries = await loadLibraries();
  if (!libraries) {
    return say("This build has no onnxruntime-web or uPlot files: run `npm ci`, then "
      + "`mkdocs build` (see the README).", "error");
  }
  try {
    const manifest = await (await fetchOk("live/manifest.json")).json();
    if (!manifest.data) return say(manifest.data_missing, "error");
    const data = await (await fetchOk(`live/${manifest.data}`)).json();
    const draws = await (await fetchOk(`live/${manifest.normals}`)).arrayBuffer();
    const normals = new Float64Array(draws);
    const page = new Page(libraries, manifest, data, normals);
    page.setUpForm();
    await page.run();
  } catch (error) {
    say(`Error: ${error.message}`, "error");
  }
}

main();
