"""Run one inference path once in a fresh process, so its peak memory can be read.

    python -m benchmarks.probe SIDE FOLDER CELL SCENARIO PRICES.csv THREADS

SIDE is rnnlab, torch or keras; only that side's framework is imported. THREADS is
onnxruntime's intra-op count for rnnlab, ``torch.set_num_threads`` for torch.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from benchmarks.inputs import ModelFiles, Workload

SIDES = {"rnnlab": "runtime_peer", "torch": "torch_peer", "keras": "keras_peer"}


def main(argv: list[str]) -> None:
    """Load SIDE's model of CELL from FOLDER and run SCENARIO once on the CSV's inputs."""
    side, folder, cell, scenario, csv, threads = argv
    files = ModelFiles(Path(folder), cell)
    work = Workload.from_csv(files.read_card(), csv)
    peer = importlib.import_module(f"benchmarks.{SIDES[side]}")
    if side == "rnnlab":
        calls = peer.scenarios(files, work, int(threads))
    else:
        if side == "torch":
            import torch

            torch.set_num_threads(int(threads))
        calls = peer.scenarios(files, work)
    calls[scenario]()


if __name__ == "__main__":
    main(sys.argv[1:])
