"""A bare page that runs .onnx files with the live page's onnxruntime-web and its JS modules.

Used by tests/test_int8_browser.py (does the int8 file run, and agree with onnxruntime in
Python?) and benchmarks/live_page.py --int8 (how fast, how accurate, in Chromium). The page
loads what tutorial/javascripts/live/ loads: onnxruntime-web's wasm bundle (one thread)
and ``TextModel`` / ``Forecaster``, which open their sessions exactly as the live page
does. ``window.int8`` holds the calls below, for ``page.evaluate``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ORT = ROOT / "node_modules" / "onnxruntime-web" / "dist"
ORT_FILES = ("ort.wasm.bundle.min.mjs", "ort-wasm-simd-threaded.wasm")  # what the page loads

PAGE = """<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>int8 files in onnxruntime-web</title>
<script type="module">
const ort = await import("./ort/ort.wasm.bundle.min.mjs");
ort.env.wasm.numThreads = 1;
ort.env.wasm.wasmPaths = { wasm: new URL("./ort/ort-wasm-simd-threaded.wasm", location.href).href };
const { TextModel } = await import("./live/text.js");
const { Forecaster } = await import("./live/forecaster.js");
const loaded = {};
const kind = (name) => (name.includes("shakespeare") ? TextModel : Forecaster);
const bytesOf = async (name) => new Uint8Array(await (await fetch(`models/${name}`)).arrayBuffer());

async function model(name) {
  if (!(name in loaded)) loaded[name] = await kind(name).load(ort, await bytesOf(name), name);
  return loaded[name];
}

// Mean -ln p(ids[i] | ids[:i]) over i >= 1: one call on the whole prompt, no sampling.
async function nats(name, ids) {
  const m = await model(name);
  const rows = m.card.layers * (m.card.cell === "lstm" ? 2 : 1);
  const units = m.card.units;
  const prompt = BigInt64Array.from(ids.slice(0, -1), BigInt);
  const feeds = {
    prompt: new ort.Tensor("int64", prompt, [1, prompt.length]),
    state: new ort.Tensor("float32", new Float32Array(rows * units), [rows, 1, units]),
    temperature: new ort.Tensor("float32", Float32Array.from([1]), []),
    noise: new ort.Tensor("float32", new Float32Array(0), [1, 0]),
  };
  // errors only: the Loop runs zero times, which onnxruntime warns about
  const z = (await m.session.run(feeds, ["logits"], { logSeverityLevel: 3 })).logits.data;
  const vocab = m.chars.length;
  let total = 0;
  for (let t = 0; t < ids.length - 1; t++) {
    const row = z.subarray(t * vocab, (t + 1) * vocab);
    const top = Math.max(...row);
    let sum = 0;
    for (const v of row) sum += Math.exp(v - top);
    // -ln softmax(z)[target] = logsumexp(z) - z[target]
    total += top + Math.log(sum) - row[ids[t + 1]];
  }
  return total / (ids.length - 1);
}

async function generate(name, prompt, chars, temperature, seed) {
  const out = await (await model(name)).generate(prompt, chars, temperature, seed);
  return { text: out.text, probs: Array.from(out.probs) };
}

async function predict(name, x, batch) {
  return Array.from(await (await model(name)).run(Float32Array.from(x), batch));
}

// `count` copies of one window, `steps` stateful steps (the page's sampled paths, noise 0).
async function paths(name, window, count, steps) {
  const x = new Float32Array(count * window.length);
  for (let p = 0; p < count; p++) x.set(window, p * window.length);
  return (await (await model(name)).run(x, count, steps, true)).length;
}

// Milliseconds per call of each job, the jobs alternated `pairs` times: medians.
async function timed(jobs, pairs) {
  const run = { generate, predict, nats, paths };
  for (const [kind, ...args] of jobs) await run[kind](...args);  // warm-up (and load)
  const times = jobs.map(() => []);
  for (let p = 0; p < pairs; p++) {
    for (const [j, [kind, ...args]] of jobs.entries()) {
      const started = performance.now();
      await run[kind](...args);
      times[j].push(performance.now() - started);
    }
  }
  const median = (v) => v.sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];
  return { ms: times.map(median), ratios: times[0].map((t, i) => t / times[1][i]) };
}

// Milliseconds to open a session on the file, as the page does (the bytes already fetched;
// call it after another session has been made, so it excludes the wasm's start-up).
async function loadMs(name) {
  const bytes = await bytesOf(name);
  const started = performance.now();
  const made = await kind(name).load(ort, bytes, name);
  const ms = performance.now() - started;
  await made.session.release();
  return ms;
}

window.int8 = { generate, predict, nats, paths, timed, loadMs, ready: true };
</script>
"""


def make_page(folder: Path, models: dict[str, Path]) -> Path:
    """Write the page into ``folder`` with onnxruntime-web, the live page's modules and
    ``models`` ({served name: file}); return ``folder``."""
    (folder / "ort").mkdir(parents=True)
    for name in ORT_FILES:
        shutil.copy(ORT / name, folder / "ort" / name)
    shutil.copytree(ROOT / "tutorial" / "javascripts" / "live", folder / "live")
    (folder / "models").mkdir()
    for name, path in models.items():
        shutil.copy(path, folder / "models" / name)
    (folder / "index.html").write_text(PAGE, encoding="utf-8")
    return folder


def missing() -> str | None:
    """What is missing to run the page, or None."""
    absent = [name for name in ORT_FILES if not (ORT / name).is_file()]
    return f"onnxruntime-web's {absent[0]} (run `npm ci`)" if absent else None
