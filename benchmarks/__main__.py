"""``python -m benchmarks``: measure everything, print the Markdown report, optionally save.

    python -m benchmarks                 # full run (~17 min on a quiet 2-core machine)
    python -m benchmarks --quick         # seconds: proves the harness works (no venvs, no Keras)
    python -m benchmarks --json out.json # also write JSON
    python -m benchmarks --save          # write benchmarks/results.md and results.json

The full run builds (once, then cached: see ``peers.py``) a TensorFlow venv for the
Keras peer; if it cannot, the Keras rows say why. A group measured while other
processes kept more than a tenth of a core busy is measured again (``--busy-repeats``).
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from benchmarks import groups, peers, steps
from benchmarks.keras_worker import Worker
from benchmarks.measure import Settings, machine, quietest
from benchmarks.report import Report, Row

STARTED = time.perf_counter()
RESULTS = Path(__file__).resolve().parent
ORDER = ("goals", "inference", "cold start", "memory", "training", "install size")
FULL = Settings(quick=False, warmup=3, min_repeats=5, max_repeats=41, budget_s=8.0,
                min_sample_s=0.02, cold_runs=7, epochs=3, seeds_epochs=5, train_windows=None,
                process_cells=peers.CELLS, memory_scenarios=tuple(peers.SCENARIOS), venvs=True,
                busy_repeats=2)
# One pair per comparison (the output check warms both sides up), 10 generated steps,
# subprocesses for the first model only, one memory probe per side, one tiny timed epoch,
# PyTorch at one thread (two spinning OpenMP threads crawl on a busy machine), no venvs.
QUICK = Settings(quick=True, warmup=0, min_repeats=1, max_repeats=1, budget_s=0.0,
                 min_sample_s=0.0, cold_runs=1, epochs=1, seeds_epochs=1, train_windows=64,
                 process_cells=peers.CELLS[:1], memory_scenarios=("single",), venvs=False,
                 busy_repeats=0, steps=10, torch_threads=1)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="tiny repeat counts, no venvs")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--save", action="store_true",
                        help="write benchmarks/results.md and benchmarks/results.json")
    parser.add_argument("--csv", type=Path, default=peers.IBM_CSV, help="price file (IBM)")
    parser.add_argument("--torch-threads", type=int, help="PyTorch eager threads (2; quick: 1)")
    parser.add_argument("--busy-repeats", type=int,
                        help="measure a busy group again up to this often (2; quick: 0)")
    parser.add_argument("--keras", action=argparse.BooleanOptionalAction,
                        help="measure the Keras peer (default: yes; with --quick: no)")
    return parser.parse_args(argv)


def say(message: str) -> None:
    """Progress on stderr, with the seconds since the process started."""
    print(f"[benchmarks {time.perf_counter() - STARTED:6.1f}s] {message}", file=sys.stderr,
          flush=True)


def keras_python(wanted: bool | None, quick: bool) -> tuple[Path | None, str]:
    """The TensorFlow venv's Python, or None and why Keras is not measured."""
    if not (wanted or (wanted is None and not quick)):
        return None, "skipped (--quick)" if wanted is None else "skipped (--no-keras)"
    try:
        return peers.cached_python(peers.KERAS_INSTALL, say), ""
    except Exception as error:  # noqa: BLE001 - any failure becomes the rows' note
        return None, f"no TensorFlow venv: {peers.failure(error)}"


def notes(settings: Settings, keras: Path | None) -> list[str]:
    """What every reader should know about this run's setup."""
    return [
        "models: the seed presets' architectures (4 x LSTM(50), 4 x GRU(50), window 60), "
        "with the weights named below, the same in every peer",
        "threads and spinning: rnnlab's default sessions have 1 intra-op thread (no pool to "
        "spin; large batches run as chunks on a Python pool of one thread per core, each "
        "with its own session); its 2-thread sessions have "
        "`session.intra_op.allow_spinning=0`; PyTorch eager "
        f"`torch.set_num_threads({settings.torch_threads})`, OpenMP's default wait policy "
        "(spins); Keras: TensorFlow's default thread pools (spin); every process settles "
        "before each sample",
        f"Keras: {peers.KERAS_PIN} in {keras.parent.parent}" if keras else "Keras: not measured",
    ]


def measure_cell(cell: str, folder: Path, args, settings: Settings, keras: Path | None,
                 why: str) -> tuple[list, list[dict], str]:
    """Every group of one architecture: rows, load records, and which weights it carries."""
    say(f"{cell}: preparing the model")
    files, weights = peers.prepare(folder, cell)
    work = peers.Workload.from_csv(files.read_card(), args.csv, settings.steps)
    worker = None
    if keras:
        say(f"{cell}: starting the Keras worker")
        try:
            worker = Worker(keras, files, args.csv, work.steps, folder / f"keras-{cell}.log")
        except RuntimeError as error:
            why = str(error)[:200]
    bench = groups.Bench(files, work, args.csv, settings, worker, why, folder)
    pids = (lambda: (worker.process.pid,)) if worker else tuple
    rows, loads = [], []
    try:
        for name, group in (("inference", groups.inference), ("cold start", groups.cold_start),
                            ("memory", groups.memory), ("training", groups.training)):
            say(f"{cell}: {name}")
            found, attempts, kept = quietest(lambda g=group: g(bench), settings.busy_repeats,
                                             pids)
            rows += found
            loads.append(load_record(name, cell, attempts, kept))
    finally:
        if worker:
            worker.close()
    return rows, loads, weights


def load_record(group: str, model: str, attempts: list, kept: int) -> dict:
    return {"group": group, "model": model, "others": [round(a.others, 3) for a in attempts],
            "load_before": attempts[kept].load_before[0],
            "load_after": attempts[kept].load_after[0], "kept": kept}


def lstm_profile(rows: list[Row], settings: Settings) -> list[str]:
    """Issue 28's profile note on the LSTM one-step row (see ``steps.lstm_profile``)."""
    import rnnlab.runtime.forecaster as runtime_model

    row = next(r for r in rows if (r.group, r.case, r.model, r.peer) == (
        "inference", peers.SCENARIOS["batch"], "lstm", groups.TORCH))
    if not (row.ours and row.theirs):
        return []
    windows = int(peers.SCENARIOS["batch"].split()[1])  # "one-step, 251 windows"
    return [steps.lstm_profile(row.ours, row.theirs, windows,
                               min(runtime_model.CORES, runtime_model.MAX_THREADS),
                               settings.torch_threads)]


def main(argv: list[str] | None = None) -> None:
    """Measure both architectures, the seeds and install size, print the report, save."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    base = QUICK if args.quick else FULL
    settings = replace(base, torch_threads=args.torch_threads or base.torch_threads,
                       busy_repeats=base.busy_repeats if args.busy_repeats is None
                       else args.busy_repeats)
    import torch

    torch.set_num_threads(settings.torch_threads)
    host = machine()
    date = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    keras, why = keras_python(args.keras, settings.quick)
    rows, loads, weights = [], [], []
    with tempfile.TemporaryDirectory(prefix="rnnlab-bench-") as temp:
        for cell in peers.CELLS:
            found, cell_loads, note = measure_cell(cell, Path(temp), args, settings, keras, why)
            rows, loads, weights = rows + found, loads + cell_loads, weights + [note]
    if settings.quick:
        rows.append(Row("training", groups.SEEDS, "lstm", "serial", "s",
                               target=groups.target(groups.SEEDS, "serial", "lstm"),
                               note="skipped (--quick)"))
    else:
        say("training: --seeds 0,1,2")
        found, attempts, kept = quietest(lambda: groups.seeds(settings, args.csv),
                                         settings.busy_repeats)
        rows += found
        loads.append(load_record("training", "lstm, --seeds", attempts, kept))
    say("install size")
    rows += groups.install_size(settings)
    rows = sorted(groups.goals(rows) + rows, key=lambda row: ORDER.index(row.group))
    say("LSTM profile: matmul peak")
    profile = lstm_profile(rows, settings)
    host["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    report = Report(" ".join(["python -m benchmarks", *argv]), date, settings.quick, host,
                    notes(settings, keras) + weights + profile, rows, loads)
    print(report.to_markdown())
    if args.json:
        args.json.write_text(report.to_json() + "\n")
    if args.save:
        (RESULTS / "results.md").write_text(report.to_markdown())
        (RESULTS / "results.json").write_text(report.to_json() + "\n")


if __name__ == "__main__":
    main()
