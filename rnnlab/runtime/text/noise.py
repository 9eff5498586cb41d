"""Uniform noise for text sampling that JavaScript reproduces bit for bit.

A text model samples character ``n`` of batch row ``b`` from ``u = uniforms(seed, B * N)[b * N
+ n]`` (inverse-CDF sampling in the exported graph, :mod:`rnnlab.language.charexport`). The
numbers come from a counter-based hash, so any index is computed on its own and the browser
page gets the same text for the same seed. All arithmetic is on unsigned 32-bit integers
(everything ``mod 2**32``); ``seed`` is in ``[0, 2**32)``, ``i`` the index:

    x = seed * 0x9E3779B9 + i * 0x85EBCA6B + 1          (mod 2**32)
    x ^= x >>> 16;  x = x * 0x85EBCA6B;                 (murmur3's fmix32 finaliser)
    x ^= x >>> 13;  x = x * 0xC2B2AE35;
    x ^= x >>> 16
    u = ((x >>> 9) + 0.5) / 2**23                       (23 bits: u in (0, 1))

``u`` is an odd multiple of 2**-24 below 1, exact in float32 and float64 alike, so it never
depends on the precision a page keeps it in. In JavaScript::

    function uniform(seed, i) {
      let x = (Math.imul(seed, 0x9E3779B9) + Math.imul(i, 0x85EBCA6B) + 1) >>> 0;
      x ^= x >>> 16; x = Math.imul(x, 0x85EBCA6B) >>> 0;
      x ^= x >>> 13; x = Math.imul(x, 0xC2B2AE35) >>> 0;
      x ^= x >>> 16;
      return ((x >>> 9) + 0.5) / 8388608;
    }

Runtime side: numpy only.
"""

from __future__ import annotations

import numpy as np

from rnnlab.runtime.errors import in_range

MAX_SEED = 2**32 - 1
MAX_COUNT = 2**32  # indices are 32-bit counters


def uniforms(seed: int, count: int) -> np.ndarray:
    """``(count,)`` float32 uniforms in (0, 1): index ``i`` is the hash of ``(seed, i)``."""
    in_range("seed", seed, 0, MAX_SEED)
    in_range("count", count, 0, MAX_COUNT)
    i = np.arange(count, dtype=np.uint64)
    # x = seed * golden + i * c1 + 1  (mod 2^32)
    x = (np.uint64(seed) * np.uint64(0x9E3779B9) + i * np.uint64(0x85EBCA6B) + np.uint64(1)) \
        & np.uint64(0xFFFFFFFF)
    x = x.astype(np.uint32)
    # fmix32: xor-shift, multiply, xor-shift, multiply, xor-shift (uint32 wraps mod 2^32)
    x ^= x >> np.uint32(16)
    x *= np.uint32(0x85EBCA6B)
    x ^= x >> np.uint32(13)
    x *= np.uint32(0xC2B2AE35)
    x ^= x >> np.uint32(16)
    # u = (top 23 bits + 1/2) / 2^23
    return (((x >> np.uint32(9)).astype(np.float64) + 0.5) / 2.0**23).astype(np.float32)
