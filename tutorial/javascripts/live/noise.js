// The uniforms behind a text model's sampling, bit for bit as rnnlab/runtime/text/noise.py
// draws them: a counter-based hash (murmur3's fmix32 finaliser) of (seed, index), all
// arithmetic on unsigned 32-bit integers. Character n of batch row b is drawn with
// uniform(seed, b * N + n); the exported graph inverts the CDF at that u.

const TWO_23 = 8388608;

/** The uniform in (0, 1) of index `i` for `seed` (both integers in [0, 2^32)). */
export function uniform(seed, i) {
  // x = seed * 0x9E3779B9 + i * 0x85EBCA6B + 1  (mod 2^32)
  let x = (Math.imul(seed, 0x9e3779b9) + Math.imul(i, 0x85ebca6b) + 1) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b) >>> 0;
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35) >>> 0;
  x ^= x >>> 16;
  // u = (top 23 bits + 1/2) / 2^23: an odd multiple of 2^-24, exact in float32
  return ((x >>> 9) + 0.5) / TWO_23;
}

/** `count` uniforms of `seed`, as a Float32Array (the graph's `noise` input, row-major). */
export function uniforms(seed, count) {
  return Float32Array.from({ length: count }, (_, i) => uniform(seed, i));
}
