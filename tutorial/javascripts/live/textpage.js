// The text mode of the "Try it in your browser" page: the shipped character model writes
// after the reader's prompt, in this browser, with onnxruntime-web (wasm, one thread).
// Each generated character is a span; hovering or tapping it shows the five characters
// the model found likeliest at that point, the chosen one highlighted. Every failure
// ends as one sentence in the page.

import { TextModel, topK, visible } from "./text.js";

const SITE = new URL("../../", import.meta.url);
const ORT = "vendor/onnxruntime-web/";
const $ = (id) => document.getElementById(id);
const MAX_SEED = 2 ** 32 - 1;

function say(text, kind = "info") {
  const status = $("text-status");
  status.textContent = text;
  status.dataset.kind = kind;
}

function node(tag, text = "", attributes = {}) {
  const made = document.createElement(tag);
  Object.entries(attributes).forEach(([name, value]) => made.setAttribute(name, value));
  made.textContent = text;
  return made;
}

/** The reader's choices, or one sentence per problem (as the CLI would refuse them). */
export function checkText(values, limits) {
  const problems = [];
  const number = (name, label, low, high, integer) => {
    const value = Number(values[name]);
    const ok = values[name] !== "" && Number.isFinite(value) && value >= low && value <= high
      && (!integer || Number.isInteger(value));
    if (!ok) {
      problems.push(`${label} '${values[name]}' is out of range: use ${integer ? "an integer" : "a"
      } number from ${low} to ${high}.`);
    }
    return value;
  };
  const chars = number("chars", "Characters", 1, limits.chars, true);
  const temperature = number("temperature", "Temperature", 0.05, 5, false);
  const seed = number("seed", "Seed", 0, MAX_SEED, true);
  if ([...values.prompt].length > limits.prompt) {
    problems.push(`The prompt is longer than ${limits.prompt} characters: shorten it.`);
  }
  return problems.length ? { problems } : { choices: { prompt: values.prompt, chars, temperature, seed } };
}

/** Shell-quoted, as a reader would paste it into a terminal. */
const quoted = (text) => `'${text.replaceAll("'", "'\\''")}'`;

class TextPage {
  constructor(ort, manifest) {
    Object.assign(this, { ort, manifest: manifest.text, models: {} });
    this.form = $("text-form");
  }

  async model(name) {
    if (!(name in this.models)) {
      const file = this.manifest.models[name];
      const response = await fetch(new URL(`live/${file}`, SITE));
      if (!response.ok) throw new Error(`live/${file} is missing from this build`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      this.models[name] = await TextModel.load(this.ort, bytes, file.split("/").at(-1));
    }
    return this.models[name];
  }

  setUpForm() {
    const { limits } = this.manifest;
    Object.assign(this.form.elements.chars, { min: 1, max: limits.chars });
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.run();
    });
    const output = $("text-output");
    const inspect = (event) => {
      const span = event.target.closest("span[data-n]");
      if (span) this.inspect(Number(span.dataset.n));
    };
    output.addEventListener("mouseover", inspect);
    output.addEventListener("click", inspect);
    this.form.hidden = false;
  }

  async run() {
    const values = Object.fromEntries(new FormData(this.form));
    const { choices, problems } = checkText(values, this.manifest.limits);
    if (!choices) return say(problems.join(" "), "error");
    const name = this.manifest.default;
    say(`Writing with ${name} in this browser...`, "busy");
    const button = this.form.querySelector("button");
    button.disabled = true;  // one run at a time: a session runs one call at once
    try {
      const model = await this.model(name);
      const clock = performance.now();
      const { prompt, chars, temperature, seed } = choices;
      this.sample = await model.generate(prompt, chars, temperature, seed);
      const ms = performance.now() - clock;
      this.chars = model.chars;
      this.show(prompt);
      $("text-command").textContent = `rnnlab generate ${name} --prompt ${quoted(prompt)} `
        + `--chars ${chars} --temperature ${values.temperature} --seed ${seed}`;
      const timing = $("text-timing");
      timing.dataset.firstMs ||= performance.now().toFixed(0);
      Object.assign(timing.dataset, { ms: ms.toFixed(1), chars });
      timing.textContent = `In this browser (onnxruntime-web, wasm, one thread): ${chars} `
        + `characters in ${ms.toFixed(0)} ms (${(chars / ms * 1000).toFixed(0)} per second); `
        + `the first text appeared ${timing.dataset.firstMs} ms after the page began loading.`;
      say(`Done: ${chars} characters of ${name}, sampled in this browser. Hover or tap `
        + "a character to see what the model considered.", "done");
    } catch (error) {
      say(`Error: ${error.message}`, "error");
    } finally {
      button.disabled = false;
    }
  }

  show(prompt) {
    const spans = [...this.sample.text].map((ch, n) => node("span", ch, { "data-n": n }));
    $("text-output").replaceChildren(node("span", prompt, { class: "text-prompt" }), ...spans);
    $("text-output").hidden = false;
    this.inspect(0);
  }

  /** The top five of character n's distribution, the chosen one marked. */
  inspect(n) {
    const vocab = this.chars.length;
    const probs = this.sample.probs.subarray(n * vocab, (n + 1) * vocab);
    const chosen = this.sample.ids[n];
    const best = topK(probs, 5);
    if (!best.some((e) => e.id === chosen)) best.push({ id: chosen, p: probs[chosen] });
    const rows = best.map(({ id, p }) => {
      const row = node("tr", "", id === chosen ? { class: "chosen" } : {});
      row.append(node("td", visible(this.chars[id])), node("td", `${(100 * p).toFixed(1)} %`));
      return row;
    });
    const head = node("tr");
    head.append(node("th", `character ${n + 1}: the model's top five`), node("th", "p"));
    const table = node("table", "", { id: "text-top" });
    table.append(node("thead"), node("tbody"));
    table.tHead.append(head);
    table.tBodies[0].append(...rows);
    $("text-inspect").replaceChildren(table);
    document.querySelectorAll("#text-output span.inspected").forEach(
      (s) => s.classList.remove("inspected"));
    document.querySelector(`#text-output span[data-n="${n}"]`)?.classList.add("inspected");
  }
}

async function main() {
  if (!$("text-live")) return;
  say("Loading onnxruntime-web...", "busy");
  let ort;
  try {
    ort = await import(new URL(`${ORT}ort.wasm.bundle.min.mjs`, SITE).href);
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.wasmPaths = { wasm: new URL(`${ORT}ort-wasm-simd-threaded.wasm`, SITE).href };
  } catch {
    return say("This build has no onnxruntime-web files: run `npm ci`, then `mkdocs build` "
      + "(see the README).", "error");
  }
  try {
    const response = await fetch(new URL("live/manifest.json", SITE));
    if (!response.ok) throw new Error(`live/manifest.json is missing from this build`);
    const manifest = await response.json();
    if (!manifest.text) return say(manifest.text_missing, "error");
    const page = new TextPage(ort, manifest);
    page.setUpForm();
    await page.run();
  } catch (error) {
    say(`Error: ${error.message}`, "error");
  }
}

main();
