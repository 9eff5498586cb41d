"""``python -m benchmarks``: measure everything, print the Markdown table, optionally save.

    python -m benchmarks                 # full run (50-epoch training, temp venvs)
    python -m benchmarks --quick         # seconds: proves the harness works
    python -m benchmarks --json out.json # also write JSON
    python -m benchmarks --save          # write benchmarks/results.md and results.json
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import os
import sys
import tempfile
from pathlib import Path

import torch

from benchmarks import coldstart, inference, keras_peer, machine, memory, models, training, venvs
from benchmarks.inputs import Workload
from benchmarks.report import Report
from benchmarks.rows import Row
from benchmarks.settings import CELLS, FULL, IBM_CSV, QUICK, TORCH_THREADS, Settings

RESULTS = Path(__file__).resolve().parent
GROUPS = ("inference", "cold start", "memory", "training", "install size")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="tiny repeat counts, one tiny epoch, no venvs")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--save", action="store_true",
                        help="write benchmarks/results.md and benchmarks/results.json")
    parser.add_argument("--csv", type=Path, default=IBM_CSV, help="price file (default: IBM)")
    parser.add_argument("--train-threads", type=int, default=1,
                        help="PyTorch CPU threads while training (default 1)")
    return parser.parse_args(argv)


def measure_model(cell: str, folder: Path, csv: Path, settings: Settings) -> tuple[list[Row], str]:
    """Every row of one architecture, and a note on the shipped model of that cell."""
    say(f"{cell}: preparing the model")
    files = models.prepare(folder, cell, csv)
    card = files.read_card()
    work = Workload.from_csv(card, csv)
    found = []
    for name, step in (("inference", lambda: inference.rows(files, work, settings)),
                       ("cold start", lambda: coldstart.rows(files, csv, settings)),
                       ("memory", lambda: memory.rows(files, csv, settings)),
                       ("training", lambda: training.rows(cell, csv, settings))):
        say(f"{cell}: {name}")
        found += step()
    return found, models.shipped_note(cell, card.architecture)


def say(message: str) -> None:
    print(f"[benchmarks] {message}", file=sys.stderr, flush=True)


def notes(settings: Settings) -> list[str]:
    """What every reader should know about this run's setup."""
    keras = (f"Keras: tensorflow {machine.version('tensorflow')}" if keras_peer.available()
             else f"Keras: not installed (`{keras_peer.INSTALL}` to measure it); its rows show "
             "the earlier session's figures in the reference column")
    return [
        "models: the seed presets' architectures (4 x LSTM(50), 4 x GRU(50), window 60), "
        "freshly initialised with seed 0 (speed does not depend on trained weights); rnnlab "
        "and PyTorch run the exact same weights",
        f"threads: rnnlab runtime 1 (plus one row at 2); PyTorch eager {TORCH_THREADS}; "
        f"PyTorch training {settings.train_threads}",
        keras,
    ]


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    settings = dataclasses.replace(QUICK if args.quick else FULL,
                                   train_threads=args.train_threads)
    torch.set_num_threads(TORCH_THREADS)
    found = machine.details()
    date = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
    rows, extra = [], []
    with tempfile.TemporaryDirectory(prefix="rnnlab-bench-") as temp:
        for cell in CELLS:
            cell_rows, shipped = measure_model(cell, Path(temp), args.csv, settings)
            rows += cell_rows
            extra.append(shipped)
    say("install size")
    rows += venvs.rows(settings)
    found["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    rows.sort(key=lambda row: GROUPS.index(row.group))
    report = Report(" ".join(["python -m benchmarks", *argv]), date, settings.quick, found,
                    notes(settings) + extra, rows)
    print(report.to_markdown())
    if args.json:
        args.json.write_text(report.to_json() + "\n")
    if args.save:
        (RESULTS / "results.md").write_text(report.to_markdown())
        (RESULTS / "results.json").write_text(report.to_json() + "\n")


if __name__ == "__main__":
    main()
