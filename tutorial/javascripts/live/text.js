// A character language model in the browser: the card read from the .onnx bytes and
// one onnxruntime-web session on them. generate() is `rnnlab generate MODEL --prompt P
// --chars N --temperature T --seed S`: the same graph (rnnlab/language/charexport.py:
// prompt pass, then the in-graph sampling Loop) fed the same noise, so the same text.
// onnxruntime-web is passed in (not imported), so node can import this module.

import { readMetadataProps } from "./card.js";
import { uniforms } from "./noise.js";

export const TEXT_FORMAT = 1;
const MAX_SEED = 2 ** 32 - 1;

/** A character as the page shows it in a table: newline, tab and space made visible. */
export function visible(ch) {
  return { "\n": "\u21b5 (newline)", "\t": "\u21e5 (tab)", " ": "\u2423 (space)" }[ch] ?? ch;
}

/** The card of a text model from its metadata props; throws a sentence naming `name`. */
export function readTextCard(props, name) {
  const card = {};
  for (const [key, value] of Object.entries(props)) {
    if (key.startsWith("rnnlab.")) card[key.slice(7)] = JSON.parse(value);
  }
  if (card.kind !== "text") throw new Error(`${name} is not an rnnlab text model`);
  if (card.format !== TEXT_FORMAT) {
    throw new Error(`${name} has text format ${card.format}; this page reads ${TEXT_FORMAT}`);
  }
  if (typeof card.vocab !== "string" || [...card.vocab].length < 2) {
    throw new Error(`${name} has no vocabulary`);
  }
  return card;
}

/**
 * The top `k` entries of one distribution, most likely first (ties: lower id first).
 * @param {Float32Array} p (vocab,)
 * @returns {{id: number, p: number}[]}
 */
export function topK(p, k = 5) {
  return Array.from(p, (value, id) => ({ id, p: value }))
    .sort((a, b) => b.p - a.p || a.id - b.id).slice(0, k);
}

export class TextModel {
  constructor(ort, session, card, name) {
    Object.assign(this, { ort, session, card, name });
    this.chars = [...card.vocab];
    this.index = new Map(this.chars.map((c, i) => [c, i]));
  }

  /** Read the card from `bytes` (a Uint8Array of the .onnx file), then start a session. */
  static async load(ort, bytes, name) {
    const card = readTextCard(readMetadataProps(bytes), name);
    // Errors only: the graph's optional top_k (an input with a default) draws a warning.
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ["wasm"], graphOptimizationLevel: "all", logSeverityLevel: 3,
    });
    return new TextModel(ort, session, card, name);
  }

  /** The prompt's ids; a sentence naming the characters outside the vocabulary if any. */
  encode(prompt) {
    const chars = [...prompt];
    if (!chars.length) throw new Error("the prompt is empty: type at least one character");
    const missing = [...new Set(chars.filter((c) => !this.index.has(c)))];
    if (missing.length) {
      const shown = missing.slice(0, 5).map((c) => JSON.stringify(c)).join(", ");
      throw new Error(`the prompt has ${missing.length} character(s) the model never saw: `
        + `${shown}; use only characters of its vocabulary (letters, digits, punctuation)`);
    }
    return BigInt64Array.from(chars, (c) => BigInt(this.index.get(c)));
  }

  /**
   * `chars` characters after `prompt` at `temperature` with the noise of `seed`; top_k is
   * left at its default, 0 (off): onnxruntime-web takes no feed for an input that has a
   * default.
   * @returns {Promise<{text: string, ids: number[], probs: Float32Array}>} probs is
   *   (chars, vocab): the distribution each character was drawn from
   */
  async generate(prompt, chars, temperature, seed) {
    if (!Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
      throw new Error(`seed ${seed} must be an integer from 0 to ${MAX_SEED}`);
    }
    const { Tensor } = this.ort;
    const ids = this.encode(prompt);
    const rows = this.card.layers * (this.card.cell === "lstm" ? 2 : 1);
    const feeds = {
      prompt: new Tensor("int64", ids, [1, ids.length]),
      state: new Tensor("float32", new Float32Array(rows * this.card.units),
        [rows, 1, this.card.units]),
      temperature: new Tensor("float32", Float32Array.from([temperature]), []),
      noise: new Tensor("float32", uniforms(seed, chars), [1, chars]),
    };
    const out = await this.session.run(feeds, ["ids", "probs"]);
    const drawn = Array.from(out.ids.data, Number);
    return { text: drawn.map((i) => this.chars[i]).join(""), ids: drawn, probs: out.probs.data };
  }
}
