// The model card, read from the .onnx file's own bytes.
//
// onnxruntime-web does not expose an ONNX model's metadata_props (onnxruntime issue
// #16547), so this module reads them from the protobuf itself: ModelProto field 14 is
// `repeated StringStringEntryProto metadata_props`, each entry {1: key, 2: value}.
// Only the top level of the message is walked; the graph (field 7) is skipped by length.
// The card's fields are the JSON values of the `rnnlab.*` keys, as
// rnnlab/runtime/card.py writes them (Card.to_props).

export const FORMAT = 1;
const METADATA_PROPS = 14;
const WIRE = { VARINT: 0, I64: 1, LEN: 2, I32: 5 };

/** Read one base-128 varint at `at`; returns [value, next offset]. Lengths fit in 2^53. */
function varint(bytes, at) {
  let value = 0;
  let scale = 1;
  for (;;) {
    if (at >= bytes.length) throw new Error("truncated varint");
    const byte = bytes[at++];
    // value += (byte & 0x7f) * 128^k
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, at];
    scale *= 128;
    if (scale > 2 ** 63) throw new Error("varint longer than 64 bits");
  }
}

/** Every (field number, wire type, payload bytes or null) at the top level of `bytes`. */
function* fields(bytes) {
  let at = 0;
  while (at < bytes.length) {
    let key;
    [key, at] = varint(bytes, at);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === WIRE.VARINT) {
      [, at] = varint(bytes, at);
      yield [field, wire, null];
    } else if (wire === WIRE.I64 || wire === WIRE.I32) {
      at += wire === WIRE.I64 ? 8 : 4;
      yield [field, wire, null];
    } else if (wire === WIRE.LEN) {
      let length;
      [length, at] = varint(bytes, at);
      if (at + length > bytes.length) throw new Error(`field ${field} runs past the end`);
      yield [field, wire, bytes.subarray(at, at + length)];
      at += length;
    } else {
      throw new Error(`wire type ${wire} at byte ${at} is not protobuf this reader knows`);
    }
  }
  if (at !== bytes.length) throw new Error("the last field runs past the end");
}

/**
 * The metadata_props of an ONNX ModelProto as a plain {key: value} object.
 * @param {Uint8Array} bytes the whole .onnx file
 */
export function readMetadataProps(bytes) {
  const text = new TextDecoder("utf-8", { fatal: true });
  const props = {};
  for (const [field, wire, entry] of fields(bytes)) {
    if (field !== METADATA_PROPS || wire !== WIRE.LEN) continue;
    let key = "";
    let value = "";
    for (const [inner, innerWire, payload] of fields(entry)) {
      if (innerWire !== WIRE.LEN) continue;
      if (inner === 1) key = text.decode(payload);
      if (inner === 2) value = text.decode(payload);
    }
    props[key] = value;
  }
  return props;
}

/** Rows of the packed state tensor: per layer and direction, h (and c for an LSTM). */
export function stateRows(architecture) {
  const directions = architecture.bidirectional ? 2 : 1;
  return architecture.cells.reduce(
    (rows, cell) => rows + directions * (cell === "lstm" ? 2 : 1), 0);
}

/**
 * The rnnlab card of a model file: {architecture, encoder, target, history, ...}.
 * Throws an Error naming `source` when the file has no rnnlab metadata, a newer
 * format, or fields the page relies on that contradict each other.
 */
export function readCard(bytes, source) {
  let props;
  try {
    props = readMetadataProps(bytes);
  } catch (error) {
    throw new Error(`${source}: not an ONNX file this page can read (${error.message})`);
  }
  if (!("rnnlab.format" in props)) {
    throw new Error(`${source}: an ONNX file without rnnlab metadata; export it with rnnlab export`);
  }
  const card = {};
  for (const [key, value] of Object.entries(props)) {
    if (!key.startsWith("rnnlab.")) continue;
    try {
      card[key.slice(7)] = JSON.parse(value);
    } catch (error) {
      throw new Error(`${source}: rnnlab metadata ${key} is not valid JSON (${error.message})`);
    }
  }
  if (card.format > FORMAT) {
    throw new Error(`${source}: rnnlab format ${card.format} is newer than this page reads (${FORMAT})`);
  }
  const { architecture: arch, encoder: enc } = card;
  if (!arch || !enc || !Array.isArray(enc.columns) || enc.columns[0] !== card.target
      || arch.features !== enc.columns.length || enc.lo.length !== arch.features
      || enc.hi.length !== arch.features) {
    throw new Error(`${source}: inconsistent rnnlab metadata (architecture, encoder, target)`);
  }
  return card;
}
