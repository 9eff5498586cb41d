"""Peak memory (g): each inference path run once in its own process, ``ru_maxrss`` read back."""

from __future__ import annotations

from pathlib import Path

from benchmarks import keras_peer
from benchmarks.inputs import SCENARIOS, ModelFiles
from benchmarks.process import measure, module
from benchmarks.rows import Row
from benchmarks.settings import RUNTIME_THREADS, Settings
from benchmarks.targets import KERAS, TORCH

GROUP = "memory"
PEERS = {TORCH: "torch", KERAS: "keras"}


def peak(side: str, files: ModelFiles, scenario: str, csv: Path, settings: Settings) -> float:
    """Peak RSS in MiB of a probe that runs ``scenario`` once on ``side``."""
    threads = settings.torch_threads if side == "torch" else RUNTIME_THREADS
    command = module("probe", side, str(files.folder), files.cell, scenario, str(csv),
                     str(threads))
    return measure(command).peak_mib


def rows(files: ModelFiles, csv: Path, settings: Settings) -> list[Row]:
    """rnnlab's peak beside each peer's, path by path (ratio: how many times more they use)."""
    model = files.cell
    found = []
    for key, case in SCENARIOS.items():
        probed = model in settings.process_cells and key in settings.memory_scenarios
        ours = peak("rnnlab", files, key, csv, settings) if probed else None
        for peer, side in PEERS.items():
            if side == "keras" and key not in keras_peer.OFFERED:
                continue
            if ours is None:
                found.append(Row(GROUP, case, model, peer, "MiB", note="skipped (--quick)"))
            elif side == "keras" and not keras_peer.available():
                found.append(Row(GROUP, case, model, peer, "MiB", ours,
                                 note=f"not installed ({keras_peer.INSTALL})"))
            else:
                theirs = peak(side, files, key, csv, settings)
                found.append(Row(GROUP, case, model, peer, "MiB", ours, theirs, theirs / ours,
                                 note="peak RSS of a process that runs this path once"))
    return found
