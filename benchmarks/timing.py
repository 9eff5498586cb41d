"""Interleaved timing: rnnlab and a peer alternate, and each pair gives one ratio.

Alternating the two sides (ours, theirs, ours, theirs, ...) exposes both to the
same background load; the reported speedup is the median of the per-pair ratios
``theirs / ours``, so a noisy stretch spoils one pair rather than one side.

Between sides the harness spins for ``SETTLE_S``: after a call, PyTorch's OpenMP
workers (and onnxruntime's intra-op pool) keep spinning on their cores for a few
milliseconds, and without a pause they steal the core the other side's second
thread needs. Spinning rather than sleeping keeps the cores awake, as a real
caller's would be.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks.settings import Settings

Timer = Callable[[Callable[[], object], int], float]
SETTLE_S = 0.01


@dataclass(frozen=True)
class Comparison:
    """Median seconds per call of each side and the median per-pair ratio theirs / ours."""

    ours: float
    theirs: float
    ratio: float
    pairs: int


def seconds_per_call(fn: Callable[[], object], number: int) -> float:
    """Wall seconds per call over ``number`` back-to-back calls, garbage collection off."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        return (time.perf_counter() - start) / number
    finally:
        if enabled:
            gc.enable()


def calls_per_sample(fn: Callable[[], object], min_sample_s: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, ... calls that last at least ``min_sample_s``."""
    if min_sample_s <= 0:
        return 1
    number, steps, k = 1, (2, 2.5, 2), 0
    while seconds_per_call(fn, number) * number < min_sample_s:
        number = int(number * steps[k % 3])
        k += 1
    return number


def median_ms(call: Callable[[], object], repeats: int) -> float:
    """Median wall milliseconds of ``call()`` over ``repeats`` calls, after two warm-ups."""
    call()
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def settle() -> None:
    """Spin for ``SETTLE_S`` so the previous side's worker threads go idle."""
    end = time.perf_counter() + SETTLE_S
    while time.perf_counter() < end:
        pass


def self_timed(fn: Callable[[], float], number: int) -> float:
    """Mean of the seconds that ``fn`` reports for itself (e.g. a child process's wall time)."""
    return statistics.mean(fn() for _ in range(number))


def compare(ours: Callable[[], object], theirs: Callable[[], object], settings: Settings,
            timer: Timer = seconds_per_call) -> Comparison:
    """Warm both sides up, then time interleaved pairs within the settings' budget.

    ``timer(fn, number)`` gives one sample: seconds per call over ``number`` calls.
    """
    for _ in range(settings.warmup):
        ours()
        theirs()
    n_ours = calls_per_sample(ours, settings.min_sample_s)
    n_theirs = calls_per_sample(theirs, settings.min_sample_s)
    ours_s, theirs_s, ratios = [], [], []
    deadline = time.perf_counter() + settings.budget_s
    while len(ratios) < settings.max_repeats and (
            len(ratios) < settings.min_repeats or time.perf_counter() < deadline):
        settle()
        ours_s.append(timer(ours, n_ours))
        settle()
        theirs_s.append(timer(theirs, n_theirs))
        ratios.append(theirs_s[-1] / ours_s[-1])
    return Comparison(statistics.median(ours_s), statistics.median(theirs_s),
                      statistics.median(ratios), len(ratios))
