"""Cold start (e): a whole forecasting process, from interpreter start to printed scores.

``rnnlab forecast MODEL.onnx --csv CSV`` runs against :mod:`benchmarks.torch_forecast`
(and the Keras script when tensorflow is installed); the processes alternate, and
each one's peak resident memory is kept for the memory table.
"""

from __future__ import annotations

import dataclasses
import shutil
import statistics
import sys
from pathlib import Path

from benchmarks import keras_peer
from benchmarks.inputs import ModelFiles
from benchmarks.process import measure, module
from benchmarks.rows import Row
from benchmarks.settings import Settings
from benchmarks.targets import COLD_START, KERAS, TORCH_SCRIPT, keras_reference, target
from benchmarks.timing import compare, self_timed


class Process:
    """A command that, called, runs once and returns its own wall seconds.

    It keeps every run's peak memory and the last run's output.
    """

    def __init__(self, command: list[str]) -> None:
        self.command, self.peaks, self.stdout = command, [], ""

    def __call__(self) -> float:
        finished = measure(self.command)
        self.peaks.append(finished.peak_mib)
        self.stdout = finished.stdout
        return finished.wall_s

    def model_line(self) -> str:
        """The printed score line of the model (the same in every script when they agree)."""
        return next((line for line in self.stdout.splitlines() if line.startswith("model")), "")


def rnnlab_command(files: ModelFiles, csv: Path) -> list[str]:
    """``rnnlab forecast`` through the console script beside this interpreter."""
    script = shutil.which("rnnlab", path=str(Path(sys.executable).parent)) or "rnnlab"
    return [script, "forecast", str(files.onnx), "--csv", str(csv)]


def peer_commands(files: ModelFiles, csv: Path,
                  settings: Settings) -> dict[str, list[str] | None]:
    """Each peer's script; None where its framework is not installed."""
    keras = module("keras_peer", str(files.folder), files.cell, str(csv))
    torch = module("torch_forecast", str(files.checkpoint), str(csv), str(settings.torch_threads))
    return {TORCH_SCRIPT: torch,
            KERAS: keras if keras_peer.available() else None}


def rows(files: ModelFiles, csv: Path, settings: Settings) -> list[Row]:
    """Time and memory rows against every peer; values only for the settings' process models."""
    model = files.cell
    measured = model in settings.process_cells
    runs = dataclasses.replace(settings, min_repeats=settings.cold_runs,
                               max_repeats=settings.cold_runs, min_sample_s=0.0,
                               warmup=0 if settings.quick else 1)
    found = []
    ours_time = ours_peak = None
    for peer, command in peer_commands(files, csv, settings).items():
        goal, reference = target(COLD_START, peer, model), None
        if not measured or command is None:
            if command is None:
                reference = keras_reference(COLD_START, model)
            note = "skipped (--quick)" if not measured else f"not installed ({keras_peer.INSTALL})"
            found += [Row("cold start", COLD_START, model, peer, "s", ours_time, target=goal,
                          reference=reference, note=note),
                      Row("memory", COLD_START, model, peer, "MiB", ours_peak, note=note)]
            continue
        ours, theirs = Process(rnnlab_command(files, csv)), Process(command)
        result = compare(ours, theirs, runs, self_timed)
        ours_time = result.ours
        same = ours.model_line() == theirs.model_line() != ""
        note = f"{result.pairs} pairs; printed model scores {'agree' if same else 'DIFFER'}"
        ours_peak, theirs_peak = statistics.median(ours.peaks), statistics.median(theirs.peaks)
        found += [Row("cold start", COLD_START, model, peer, "s", result.ours, result.theirs,
                      result.ratio, goal, note=note),
                  Row("memory", COLD_START, model, peer, "MiB", ours_peak, theirs_peak,
                      theirs_peak / ours_peak, note="peak RSS of the whole process")]
    return found
