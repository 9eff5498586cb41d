"""``python -m benchmarks``: measure everything, print the Markdown table, optionally save.

    python -m benchmarks                 # full run (50-epoch training, temp venvs)
    python -m benchmarks --quick         # seconds: proves the harness works
    python -m benchmarks --json out.json # also write JSON
    python -m benchmarks --save          # write benchmarks/results.md and results.json

The Keras peer runs when tensorflow is importable (``pip install tensorflow-cpu``);
otherwise its rows say "not installed" beside an earlier session's figures.
Timings are only as quiet as the machine: run it with nothing else busy.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

import torch

from benchmarks import coldstart, inference, keras_peer, machine, memory, models, training, venvs
from benchmarks.inputs import Workload
from benchmarks.report import Report
from benchmarks.rows import Row
from benchmarks.settings import CELLS, FULL, IBM_CSV, QUICK, RUNTIME_THREADS, Settings
from benchmarks.timing import SETTLE_S

STARTED = time.perf_counter()
RESULTS = Path(__file__).resolve().parent
GROUPS = ("inference", "cold start", "memory", "training", "install size")


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line's options."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="tiny repeat counts, one tiny epoch, no venvs")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--save", action="store_true",
                        help="write benchmarks/results.md and benchmarks/results.json")
    parser.add_argument("--csv", type=Path, default=IBM_CSV, help="price file (default: IBM)")
    parser.add_argument("--torch-threads", type=int,
                        help="PyTorch eager threads (default: 2; 1 with --quick)")
    parser.add_argument("--train-threads", type=int, default=1,
                        help="PyTorch CPU threads while training (default 1)")
    return parser.parse_args(argv)


def measure_model(cell: str, folder: Path, csv: Path, settings: Settings) -> tuple[list[Row], str]:
    """Every row of one architecture, and a note on the shipped model of that cell."""
    say(f"{cell}: preparing the model")
    files = models.prepare(folder, cell, csv)
    card = files.read_card()
    work = Workload.from_csv(card, csv, settings.steps)
    found = []
    for name, step in (("inference", lambda: inference.rows(files, work, settings)),
                       ("cold start", lambda: coldstart.rows(files, csv, settings)),
                       ("memory", lambda: memory.rows(files, csv, settings)),
                       ("training", lambda: training.rows(cell, csv, settings))):
        say(f"{cell}: {name}")
        found += step()
    return found, models.weights_note(cell, card.architecture)


def say(message: str) -> None:
    """Progress on stderr, with the seconds since the process started."""
    print(f"[benchmarks {time.perf_counter() - STARTED:6.1f}s] {message}", file=sys.stderr,
          flush=True)


def notes(settings: Settings, host: dict) -> list[str]:
    """What every reader should know about this run's setup."""
    busy = host["load_average"][0] > 0.5 * host["usable_cores"]
    warning = ["WARNING: the machine was busy when the run started (see the load average), so "
               "timings are noisy; PyTorch's spinning OpenMP threads suffer most"] if busy else []
    keras = (f"Keras: tensorflow {machine.version('tensorflow')}" if keras_peer.available()
             else f"Keras: not installed (`{keras_peer.INSTALL}` to measure it); its rows show "
             "the earlier session's figures in the reference column")
    return [
        "models: the seed presets' architectures (4 x LSTM(50), 4 x GRU(50), window 60), "
        "with the weights named below; rnnlab and PyTorch run the exact same weights; the "
        f"harness spins {SETTLE_S * 1e3:.0f} ms between sides so neither side's idle worker "
        "threads steal the other's cores",
        f"threads: rnnlab runtime {RUNTIME_THREADS} (plus one row at 2); PyTorch eager "
        f"`torch.set_num_threads({settings.torch_threads})`; PyTorch training "
        f"{settings.train_threads}",
        keras,
        *warning,
    ]


def main(argv: list[str] | None = None) -> None:
    """Measure both architectures and the install sizes, print the report, write files."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    base = QUICK if args.quick else FULL
    settings = dataclasses.replace(base, train_threads=args.train_threads,
                                   torch_threads=args.torch_threads or base.torch_threads)
    torch.set_num_threads(settings.torch_threads)
    host = machine.details()
    date = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    rows, weights_notes = [], []
    with tempfile.TemporaryDirectory(prefix="rnnlab-bench-") as temp:
        for cell in CELLS:
            cell_rows, weights = measure_model(cell, Path(temp), args.csv, settings)
            rows += cell_rows
            weights_notes.append(weights)
    say("install size")
    rows += venvs.rows(settings)
    host["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    rows.sort(key=lambda row: GROUPS.index(row.group))
    report = Report(" ".join(["python -m benchmarks", *argv]), date, settings.quick, host,
                    notes(settings, host) + weights_notes, rows)
    print(report.to_markdown())
    if args.json:
        args.json.write_text(report.to_json() + "\n")
    if args.save:
        (RESULTS / "results.md").write_text(report.to_markdown())
        (RESULTS / "results.json").write_text(report.to_json() + "\n")


if __name__ == "__main__":
    main()
