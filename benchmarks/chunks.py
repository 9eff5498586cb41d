"""How big a chunk should :meth:`rnnlab.runtime.forecaster.Model.run` hand onnxruntime?

    python -m benchmarks.chunks [--repeats N]

Times the 251 test windows of each shipped model with ``ROWS_PER_CALL`` set to each
candidate, on one thread and on every core, and prints a Markdown table of medians.
Runtime only: PyTorch is never imported, so no idle OpenMP threads share the cores.
"""

from __future__ import annotations

import argparse
from functools import partial

import rnnlab.runtime.forecaster as runtime_model
from benchmarks.measure import median_ms
from benchmarks.peers import CELLS, IBM_CSV, Workload
from rnnlab.runtime.shipped import shipped_path

CANDIDATES = (251, 128, 96, 64, 48, 32, 16)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.chunks", description=__doc__)
    parser.add_argument("--repeats", type=int, default=41, help="timed calls per cell")
    args = parser.parse_args(argv)
    cores = min(runtime_model.CORES, runtime_model.MAX_THREADS)
    heads = [f"{cell}, {n} thread{'s' if n > 1 else ''}" for cell in CELLS for n in (1, cores)]
    print(f"| rows per call | {' | '.join(heads)} |")
    print("|---" * (1 + 2 * len(CELLS)) + "|")
    models = {cell: runtime_model.load(shipped_path(cell)) for cell in CELLS}
    windows = {cell: Workload.from_csv(m.card, IBM_CSV).windows for cell, m in models.items()}
    chosen = runtime_model.ROWS_PER_CALL
    try:
        for rows in CANDIDATES:
            runtime_model.ROWS_PER_CALL = rows
            found = []
            for cell, model in models.items():
                for threads in (1, cores):
                    model.threads = threads
                    found.append(median_ms(partial(model.predict, windows[cell]), args.repeats))
            mark = " (rnnlab's choice)" if rows == chosen else ""
            print(f"| {rows}{mark} | {' | '.join(f'{ms:.1f} ms' for ms in found)} |")
    finally:
        runtime_model.ROWS_PER_CALL = chosen


if __name__ == "__main__":
    main()
