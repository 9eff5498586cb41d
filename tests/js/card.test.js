import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { readCard, readMetadataProps, stateRows } from "../../tutorial/javascripts/live/card.js";
import { fixtures, needsFixtures } from "./fixtures.js";

const bytes = (path) => new Uint8Array(readFileSync(path));

test("metadata_props of every shipped model equal what onnxruntime reads", needsFixtures, () => {
  for (const [name, { path, props }] of Object.entries(fixtures.cards.shipped)) {
    assert.deepEqual(readMetadataProps(bytes(path)), props, name);
  }
});

test("the card's fields the page uses are the runtime's", needsFixtures, () => {
  for (const [name, { path, card }] of Object.entries(fixtures.cards.shipped)) {
    const read = readCard(bytes(path), name);
    for (const [field, value] of Object.entries(card.architecture)) {
      assert.deepEqual(read.architecture[field], value, `${name} ${field}`);
    }
    for (const field of ["encoder", "target", "residual_sd"]) {
      assert.deepEqual(read[field], card[field], `${name} ${field}`);
    }
  }
});

test("UTF-8 text in metadata is decoded", needsFixtures, () => {
  const { path, props } = fixtures.cards.doctored["non-ascii"];
  assert.equal(readMetadataProps(bytes(path)).note, "prix en €, Zürich");
  assert.deepEqual(readMetadataProps(bytes(path)), props);
});

test("files without rnnlab metadata or with a newer format are refused", needsFixtures, () => {
  const { "no-rnnlab": bare, "newer-format": newer } = fixtures.cards.doctored;
  assert.deepEqual(readMetadataProps(bytes(bare.path)), {});
  assert.throws(() => readCard(bytes(bare.path), "bare.onnx"),
    /bare\.onnx: an ONNX file without rnnlab metadata/);
  assert.throws(() => readCard(bytes(newer.path), "newer.onnx"),
    /newer\.onnx: rnnlab format 2 is newer than this page reads \(1\)/);
});

test("a file that is not protobuf is refused with its name", needsFixtures, () => {
  const { path } = fixtures.cards.shipped.gru;
  const cut = bytes(path).subarray(0, 1000);
  assert.throws(() => readCard(cut, "cut.onnx"), /cut\.onnx: not an ONNX file this page can read/);
  const text = new TextEncoder().encode("Date,High\n2017-01-03,167.87\n");
  assert.throws(() => readCard(text, "prices.csv"), /prices\.csv: not an ONNX file/);
});

test("state rows count h per layer and c per LSTM layer, per direction", () => {
  assert.equal(stateRows({ cells: ["lstm", "lstm", "gru"], bidirectional: false }), 5);
  assert.equal(stateRows({ cells: ["lstm", "gru"], bidirectional: true }), 6);
});
