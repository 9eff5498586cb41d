"""How the harness measures: interleaved pairs, medians, settling, the machine's load.

Standard library only, so any process (a probe, the Keras worker's venv) can import it.

- Interleaving: rnnlab and a peer alternate (ours, theirs, ours, ...); the reported
  speedup is the median of the per-pair ratios ``theirs / ours``, so a noisy stretch
  spoils one pair, not one side.
- Settling: after a call, a thread pool may keep spinning (onnxruntime's intra-op
  workers for tens of ms, PyTorch's OpenMP workers, TensorFlow's Eigen pool) and steal
  the core the next side needs. Before every sample each process sleeps in short
  windows until it burns under ``SETTLE_SHARE`` of the wall time (:func:`settle`).
- Load: ``/proc/stat`` gives the whole machine's busy CPU seconds; minus this process
  tree's own, that is what *others* used during a group (:func:`others_cores`).
- Peak memory: ``python -m benchmarks.measure RESULT.json CMD...`` is a lean parent that
  runs CMD and records its wall time and ``ru_maxrss`` (Linux seeds a child's peak with
  its parent's memory, so a child of the big harness process would report the harness).
"""

from __future__ import annotations

import gc
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Protocol, TypeVar

REPO = Path(__file__).resolve().parents[1]
SETTLE_WINDOW_S = 0.02  # long enough that a spinner starved by other processes shows
SETTLE_SHARE = 0.05
SETTLE_CAP_S = 2.0
BUSY_CORES = 0.1  # others using more than this many cores on average: a busy machine
SLOW_CALL_S = 2.0  # a call this slow takes at most SLOW_PAIRS pairs
SLOW_PAIRS = 3
TICK = os.sysconf("SC_CLK_TCK")
PACKAGES = ("numpy", "onnxruntime", "torch", "tensorflow-cpu")
T = TypeVar("T")


@dataclass(frozen=True)
class Settings:
    """Repeat counts and switches for one run.

    A comparison calls each side ``warmup`` times, then takes between ``min_repeats``
    and ``max_repeats`` interleaved pairs, as many as fit in ``budget_s``; a sample
    repeats a call until it lasts ``min_sample_s``. Cold starts take ``cold_runs``
    pairs; subprocess rows cover ``process_cells`` and ``memory_scenarios``; generation
    runs ``steps`` (None: every test day). Training times ``epochs`` steady epochs after
    one warm-up epoch; the seeds row trains ``seeds_epochs``. A group measured while
    others used more than ``BUSY_CORES`` is repeated up to ``busy_repeats`` times.
    """

    quick: bool
    warmup: int
    min_repeats: int
    max_repeats: int
    budget_s: float
    min_sample_s: float
    cold_runs: int
    epochs: int
    seeds_epochs: int
    train_windows: int | None
    process_cells: tuple[str, ...]
    memory_scenarios: tuple[str, ...]
    venvs: bool
    busy_repeats: int
    steps: int | None = None
    torch_threads: int = 2


# ---- settling and load ------------------------------------------------------------------

def cpu_share(seconds: float) -> float:
    """This process's CPU seconds (every thread) per wall second while it sleeps ``seconds``."""
    wall, cpu = time.perf_counter(), time.process_time()
    time.sleep(seconds)
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


def settle(window: float = SETTLE_WINDOW_S, share: float = SETTLE_SHARE,
           cap: float = SETTLE_CAP_S) -> float:
    """Sleep until this process's idle threads stop spinning; return the seconds it took.

    Sleeps ``window`` at a time until the process burns under ``share`` of a core over
    one window, or ``cap`` seconds pass.
    """
    start = time.perf_counter()
    while cpu_share(window) >= share and time.perf_counter() - start < cap:
        pass
    return time.perf_counter() - start


def own_cpu_s(pids: tuple[int, ...] = ()) -> float:
    """CPU seconds of this process, its waited-for children, and the live ``pids``."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    for pid in pids:
        # /proc/PID/stat fields 14-17 (1-based): utime stime cutime cstime, in ticks
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += sum(int(x) for x in fields[11:15]) / TICK
    return total


@dataclass(frozen=True)
class Snapshot:
    """The machine at one moment: wall clock, busy CPU seconds (all), ours, load average."""

    wall: float
    busy_s: float
    ours_s: float
    load: tuple[float, float, float]

    @classmethod
    def take(cls, pids: tuple[int, ...] = ()) -> Snapshot:
        # /proc/stat "cpu" line: user nice system idle iowait irq softirq steal ... (ticks)
        ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
        busy = sum(ticks) - ticks[3] - ticks[4]
        return cls(time.perf_counter(), busy / TICK, own_cpu_s(pids), os.getloadavg())


def others_cores(before: Snapshot, after: Snapshot) -> float:
    """Cores that other processes kept busy, on average, between two snapshots."""
    others = (after.busy_s - before.busy_s) - (after.ours_s - before.ours_s)
    return max(0.0, others / (after.wall - before.wall))


def usage(before: Snapshot, after: Snapshot) -> str:
    """``load 0.4 -> 0.9, others 0.05 cores``: the machine between two snapshots."""
    return (f"load {before.load[0]:.1f} -> {after.load[0]:.1f}, others "
            f"{others_cores(before, after):.2f} cores")


@dataclass(frozen=True)
class Attempt:
    """One measurement of a group: others' cores during it, load average before and after."""

    others: float
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]

    @property
    def busy(self) -> bool:
        return self.others > BUSY_CORES


def quietest(measure: Callable[[], T], repeats: int,
             pids: Callable[[], tuple[int, ...]] = tuple) -> tuple[T, list[Attempt], int]:
    """Run ``measure``, again (up to ``repeats`` more times) while the machine was busy.

    Returns the result of the quietest attempt, every attempt, and the kept one's index.
    """
    results, attempts = [], []
    while not attempts or (attempts[-1].busy and len(attempts) <= repeats):
        settle()
        before = Snapshot.take(pids())
        results.append(measure())
        after = Snapshot.take(pids())
        attempts.append(Attempt(others_cores(before, after), before.load, after.load))
    kept = min(range(len(attempts)), key=lambda i: attempts[i].others)
    return results[kept], attempts, kept


# ---- timing -----------------------------------------------------------------------------

class Side(Protocol):
    """One side of a comparison: times ``number`` calls, settles its process(es)."""

    def time(self, number: int) -> float: ...  # seconds per call

    def settle(self) -> None: ...


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


@dataclass
class Local:
    """A side that runs in this process: ``fn()`` is one call."""

    fn: Callable[[], object]

    def time(self, number: int) -> float:
        return seconds_per_call(self.fn, number)

    settle = staticmethod(settle)  # this process: the same function for every local side


@dataclass(frozen=True)
class Comparison:
    """Median seconds per call of each side, the median per-pair ratio theirs / ours, and
    the ratio's quartiles (how stable it was)."""

    ours: float
    theirs: float
    ratio: float
    spread: tuple[float, float]
    pairs: int

    def note(self) -> str:
        low, high = self.spread
        return f"{self.pairs} pairs, ratio quartiles {low:.2f}-{high:.2f}"


def calls_per_sample(side: Side, min_sample_s: float) -> tuple[int, float]:
    """The fewest of 1, 2, 5, 10, 20, ... calls lasting ``min_sample_s``, and one call's
    seconds (0 when ``min_sample_s`` asks for no sizing, which then calls nothing)."""
    number, first, k = 1, side.time(1) if min_sample_s > 0 else 0.0, 0
    per_call = first
    while per_call * number < min_sample_s:
        number = int(number * (2, 2.5, 2)[k % 3])
        k += 1
        per_call = side.time(number)
    return number, first


def compare(ours: Side, theirs: Side, settings: Settings) -> Comparison:
    """Warm both sides up, then time interleaved pairs, settling before every sample.

    Sizing a sample warms each side up once; a call slower than ``SLOW_CALL_S`` (seen
    while sizing, or in a pair) means no further warm-up and at most ``SLOW_PAIRS`` pairs.
    """
    n_ours, one_ours = calls_per_sample(ours, settings.min_sample_s)
    n_theirs, one_theirs = calls_per_sample(theirs, settings.min_sample_s)
    for _ in range(0 if max(one_ours, one_theirs) > SLOW_CALL_S else settings.warmup):
        ours.time(n_ours)
        theirs.time(n_theirs)
    ours_s, theirs_s, ratios = [], [], []
    deadline = time.perf_counter() + settings.budget_s
    while True:
        slow = max(one_ours, one_theirs, *ours_s, *theirs_s) > SLOW_CALL_S
        most = min(settings.max_repeats, SLOW_PAIRS) if slow else settings.max_repeats
        if len(ratios) >= most or (len(ratios) >= min(settings.min_repeats, most)
                                   and time.perf_counter() > deadline):
            break
        for side, found, number in ((ours, ours_s, n_ours), (theirs, theirs_s, n_theirs)):
            for settle_side in dict.fromkeys((theirs.settle, ours.settle)):  # each process once
                settle_side()
            found.append(side.time(number))
        ratios.append(theirs_s[-1] / ours_s[-1])
    quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
    return Comparison(statistics.median(ours_s), statistics.median(theirs_s),
                      statistics.median(ratios), (quartiles[0], quartiles[-1]), len(ratios))


def median_ms(call: Callable[[], object], repeats: int) -> float:
    """Median wall milliseconds of ``call()`` over ``repeats`` calls, after two warm-ups."""
    call()
    call()
    times = []
    for _ in range(repeats):
        settle()
        times.append(seconds_per_call(call, 1))
    return statistics.median(times) * 1e3


# ---- processes and the machine ----------------------------------------------------------

@dataclass(frozen=True)
class Finished:
    """A command's wall seconds, peak resident memory in MiB (``ru_maxrss``) and output."""

    wall_s: float
    peak_mib: float
    stdout: str


def run_measured(command: list[str], env: dict | None = None) -> Finished:
    """Run ``command`` in the repository root under the lean launcher; raise if it fails."""
    with tempfile.TemporaryDirectory(prefix="rnnlab-bench-run-") as temp:
        result = Path(temp) / "result.json"
        done = subprocess.run([sys.executable, "-m", "benchmarks.measure", str(result),
                               *command], cwd=REPO, capture_output=True, text=True, env=env)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: "
                               f"{done.stderr.strip()[-500:]}")
        found = json.loads(result.read_text())
    return Finished(found["wall_s"], found["peak_mib"], done.stdout)


def launch(argv: list[str]) -> int:
    """Run ``argv[1:]``, write its wall seconds and peak RSS to ``argv[0]``, return its code."""
    start = time.perf_counter()
    child = subprocess.Popen(argv[1:])
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    with open(argv[0], "w") as out:  # Linux reports ru_maxrss in KiB
        json.dump({"wall_s": wall, "peak_mib": usage.ru_maxrss / 1024, "code": code}, out)
    return code


def machine() -> dict:
    """CPU, cores, load, OS, package versions and thread-related environment variables."""
    cpu = platform.processor() or "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    return {"cpu": cpu, "cores": os.cpu_count(), "usable_cores": len(os.sched_getaffinity(0)),
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "os": platform.platform(), "python": platform.python_version(),
            "packages": versions,
            "environment": {k: v for k, v in sorted(os.environ.items())
                            if k.startswith(("OPENBLAS", "OMP_", "MKL_", "KMP_"))}}


if __name__ == "__main__":
    sys.exit(launch(sys.argv[1:]))
