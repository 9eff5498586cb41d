"""How much to measure: the full run, or the quick mode that proves the harness works."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from benchmarks.inputs import SCENARIOS

REPO = Path(__file__).resolve().parents[1]
IBM_CSV = REPO.parent / "shared" / "data" / "IBM_2006-01-01_to_2018-01-01.csv"
CELLS = ("lstm", "gru")
RUNTIME_THREADS = 1


@dataclass(frozen=True)
class Settings:
    """Repeat counts and switches for one run.

    A comparison calls each side ``warmup`` times, then takes between
    ``min_repeats`` and ``max_repeats`` interleaved pairs, as many as fit in
    ``budget_s``; a sample repeats a call until it lasts ``min_sample_s``.
    Subprocess measurements (cold start, memory) cover ``process_cells`` and, for
    memory, ``memory_scenarios``; generation runs ``steps`` (None: every test day).
    PyTorch eager runs at ``torch_threads``, training trains ``epochs`` on the
    first ``train_windows`` pairs (None: all) at ``train_threads``.
    """

    quick: bool
    warmup: int
    min_repeats: int
    max_repeats: int
    budget_s: float
    min_sample_s: float
    cold_runs: int
    epochs: int
    train_windows: int | None
    process_cells: tuple[str, ...]
    memory_scenarios: tuple[str, ...]
    build_venvs: bool
    steps: int | None = None
    torch_threads: int = 2
    train_threads: int = 1


FULL = Settings(quick=False, warmup=3, min_repeats=5, max_repeats=41, budget_s=12.0,
                min_sample_s=0.02, cold_runs=7, epochs=50, train_windows=None,
                process_cells=CELLS, memory_scenarios=tuple(SCENARIOS), build_venvs=True)
# One tiny epoch, one pair per comparison (the output check warms both sides up), 10
# generated steps, subprocesses for the first model only, one memory probe per side, and
# PyTorch at one thread: two spinning OpenMP threads crawl on a busy machine.
QUICK = Settings(quick=True, warmup=0, min_repeats=1, max_repeats=1, budget_s=0.0,
                 min_sample_s=0.0, cold_runs=1, epochs=1, train_windows=64,
                 process_cells=CELLS[:1], memory_scenarios=("single",), build_venvs=False,
                 steps=10, torch_threads=1)
