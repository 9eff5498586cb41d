"""How much to measure: the full run, or the quick mode that proves the harness works."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
IBM_CSV = REPO.parent / "shared" / "data" / "IBM_2006-01-01_to_2018-01-01.csv"
CELLS = ("lstm", "gru")
TORCH_THREADS = 2
RUNTIME_THREADS = 1


@dataclass(frozen=True)
class Settings:
    """Repeat counts and switches for one run.

    A comparison calls each side ``warmup`` times, then takes between
    ``min_repeats`` and ``max_repeats`` interleaved pairs, as many as fit in
    ``budget_s``; a sample repeats a call until it lasts ``min_sample_s``.
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
    build_venvs: bool
    train_threads: int = 1


FULL = Settings(quick=False, warmup=3, min_repeats=5, max_repeats=41, budget_s=12.0,
                min_sample_s=0.02, cold_runs=7, epochs=50, train_windows=None,
                process_cells=CELLS, build_venvs=True)
# One tiny epoch, one pair per comparison (the output check warms both sides up),
# subprocess probes for the first model only.
QUICK = Settings(quick=True, warmup=0, min_repeats=1, max_repeats=1, budget_s=0.0,
                 min_sample_s=0.0, cold_runs=1, epochs=1, train_windows=64,
                 process_cells=CELLS[:1], build_venvs=False)
