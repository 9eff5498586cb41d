// The page's text mode against what the Python side computes (tests/text_fixtures.py):
// the noise of a seed, bit for bit; the text, ids and distributions the exported graph
// samples on onnxruntime-web for a prompt, temperature and seed; the top five shown.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { uniform, uniforms } from "../../../tutorial/javascripts/live/noise.js";
import { TextModel, readTextCard, topK, visible } from "../../../tutorial/javascripts/live/text.js";
import { readMetadataProps } from "../../../tutorial/javascripts/live/card.js";

const path = process.env.RNNLAB_TEXT_FIXTURES;
const fixtures = path ? JSON.parse(readFileSync(path, "utf8")) : null;
const needsFixtures = fixtures ? {} : { skip: "no fixtures: run `pytest tests/test_text_js.py`" };
let ort = null;
try {
  ort = await import("onnxruntime-web");
  ort.env.wasm.numThreads = 1;
} catch {
  // node_modules absent: the tests below say so
}
const needsOrt = ort ? needsFixtures : { skip: "onnxruntime-web is not installed: run `npm ci`" };

const load = (cell) => TextModel.load(ort, new Uint8Array(readFileSync(fixtures.models[cell])),
  `tiny-${cell}.onnx`);

test("the noise of a seed is Python's, bit for bit", needsFixtures, () => {
  for (const [seed, expected] of Object.entries(fixtures.noise)) {
    assert.deepEqual(Array.from(uniforms(Number(seed), expected.length)), expected, seed);
    assert.equal(uniform(Number(seed), 49), expected[49]);
  }
});

for (const case_ of fixtures?.cases ?? [{ cell: "", prompt: "" }]) {
  test(`${case_.cell} ${JSON.stringify(case_.prompt)} T=${case_.temperature} seed ${case_.seed}`
    + " samples what Python samples", needsOrt, async () => {
    const model = await load(case_.cell);
    const out = await model.generate(case_.prompt, case_.chars, case_.temperature, case_.seed);
    assert.equal(out.text, case_.text);
    assert.deepEqual(out.ids, case_.ids);
    const vocab = model.chars.length;
    case_.probs.forEach((row, n) => {
      const shown = out.probs.subarray(n * vocab, (n + 1) * vocab);
      row.forEach((p, i) => assert.ok(Math.abs(shown[i] - p) < 1e-6, `probs[${n}][${i}]`));
      assert.deepEqual(topK(shown, 5).map((e) => e.id), case_.top5[n], `top five ${n}`);
    });
  });
}

test("a prompt character outside the vocabulary is named", needsOrt, async () => {
  const model = await load("lstm");
  await assert.rejects(model.generate("ROMEO: Zebra€", 5, 0.8, 0),
    /2 character\(s\) the model never saw: "Z", "€"/);
  await assert.rejects(model.generate("", 5, 0.8, 0), /the prompt is empty/);
  await assert.rejects(model.generate("R", 5, 0.8, -1), /seed -1 must be an integer/);
});

test("a price model is refused as a text model", needsFixtures, () => {
  const props = readMetadataProps(new Uint8Array(readFileSync(fixtures.price_model)));
  assert.throws(() => readTextCard(props, "gru.onnx"), /gru.onnx is not an rnnlab text model/);
});

test("newline, tab and space are shown by name", () => {
  assert.equal(visible("\n"), "\u21b5 (newline)");
  assert.equal(visible(" "), "\u2423 (space)");
  assert.equal(visible("a"), "a");
});
