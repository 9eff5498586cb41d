"""The measured groups: inference, cold start, memory, training, install size, and the goals.

Each group function returns rows for one model (``Bench``); ``__main__`` measures it
again while the machine was busy. ``goals`` restates issue 14's goals from the rows.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from benchmarks import peers
from benchmarks.keras_worker import OFFERED, Worker
from benchmarks.keras_worker import command as keras_command
from benchmarks.keras_worker import environment as keras_environment
from benchmarks.measure import Local, Settings, Side, compare, run_measured, settle
from benchmarks.peers import SAMPLES, SCENARIOS, ModelFiles, Workload
from benchmarks.report import Row

TORCH, TORCH_SCRIPT, KERAS = "PyTorch eager", "PyTorch script", "Keras"
PLAIN = "one plain `session.run`"
COLD_START = "`forecast` process, IBM CSV"
PER_EPOCH = "training, seconds per steady epoch"
CHAR_STEP = "character LSTM training, ms per step of 64 x 128 characters"
CHAR_MODEL = "2 x LSTM(512)"
CHAR_STEPS = {True: 2, False: 8}  # timed steps per epoch: quick, full
SEEDS = "`rnnlab train --seeds 0,1,2` wall"
VENV = "venv size on disk"
THREADS2 = f"{SCENARIOS['batch']} (rnnlab 2-thread session)"
BUSY = f"{SCENARIOS['batch']}, second core busy"
SAMPLED = f"{SAMPLES} sampled stateful paths, 251 steps"
RNNLAB = shutil.which("rnnlab", path=str(Path(sys.executable).parent)) or "rnnlab"
# (case, peer, model or "*") -> the least ratio theirs / ours that meets the target.
TARGETS: dict[tuple[str, str, str], float] = {
    (SCENARIOS["batch"], KERAS, "*"): 10, (SCENARIOS["single"], KERAS, "*"): 250,
    (SCENARIOS["windowed"], KERAS, "*"): 300, (COLD_START, KERAS, "*"): 10,
    (SCENARIOS["batch"], TORCH, "lstm"): 1.5, (SCENARIOS["batch"], TORCH, "gru"): 2,
    (BUSY, TORCH, "lstm"): 1.5, (BUSY, TORCH, "gru"): 2,
    (SCENARIOS["single"], TORCH, "*"): 3, (SCENARIOS["windowed"], TORCH, "*"): 3,
    (COLD_START, TORCH_SCRIPT, "*"): 3.5, (PER_EPOCH, KERAS, "lstm"): 2.5,
    (PER_EPOCH, KERAS, "gru"): 1.5, (f"{CHAR_STEP} (fp32)", KERAS, CHAR_MODEL): 2,
    (f"{CHAR_STEP} (bf16)", KERAS, CHAR_MODEL): 2,
    (SAMPLED, PLAIN, "*"): 1, (SEEDS, "serial", "lstm"): 1 / 0.6, (VENV, "training venv", "-"): 4,
}


def target(case: str, peer: str, model: str) -> float | None:
    return TARGETS.get((case, peer, model), TARGETS.get((case, peer, "*")))


@dataclass
class Bench:
    """One model under test: its files and inputs, the run's settings, the Keras worker
    (None when Keras is not measured, ``keras_why`` says why) and a scratch folder."""

    files: ModelFiles
    work: Workload
    csv: Path
    settings: Settings
    worker: Worker | None
    keras_why: str
    folder: Path

    @property
    def cell(self) -> str:
        return self.files.cell

    def row(self, group: str, case: str, peer: str, unit: str, ours: float | None = None,
            theirs: float | None = None, note: str = "") -> Row:
        ratio = theirs / ours if ours and theirs else None
        goal = None if group == "memory" else target(case, peer, self.cell)
        return Row(group, case, self.cell, peer, unit, ours, theirs, ratio, goal, note)

    def timed(self, case: str, peer: str, ours: Side, theirs: Side, note: str = "",
              settings: Settings | None = None, group: str = "inference") -> Row:
        """Interleave two sides; a row of medians (ms, cold starts in s) and the median
        per-pair ratio."""
        found = compare(ours, theirs, settings or self.settings)
        unit, scale = ("s", 1) if group == "cold start" else ("ms", 1e3)
        return Row(group, case, self.cell, peer, unit, found.ours * scale, found.theirs * scale,
                   found.ratio, target(case, peer, self.cell), f"{note}{found.note()}")


def agree(a: np.ndarray, b) -> str:
    return f"outputs agree to {np.abs(np.asarray(a) - np.asarray(b)).max():.1e}; "


@contextmanager
def busy_core():
    """A background process burning one core while the block runs."""
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.2)
        yield
    finally:
        burner.kill()
        burner.wait()


def inference(bench: Bench) -> list[Row]:
    """Every scenario against PyTorch eager, and against Keras where the notebook has it;
    the 2-thread session; sampled paths against one plain call; a busy second core."""
    files, work, steps = bench.files, bench.work, bench.settings.steps
    ours, torch = peers.rnnlab_calls(files, work), peers.torch_calls(files, work)
    rows = []
    for key, case in SCENARIOS.items():
        short = f"quick: {work.steps} steps only; " if steps and key in ("windowed",
                                                                          "stateful") else ""
        rows.append(bench.timed(case, TORCH, Local(ours[key]), Local(torch[key]),
                                short + agree(ours[key](), torch[key]())))
        if key not in OFFERED:
            continue
        if bench.worker is None:
            rows.append(bench.row("inference", case, KERAS, "ms", note=bench.keras_why))
        else:
            check = agree(ours[key](), bench.worker.ask("output", scenario=key))
            rows.append(bench.timed(case, KERAS, Local(ours[key]), bench.worker.side(key),
                                    short + check))
    two = peers.rnnlab_calls(files, work, threads=2)["batch"]
    rows.append(bench.timed(THREADS2, TORCH, Local(two), Local(torch["batch"]),
                            agree(two(), torch["batch"]())))
    rows.append(bench.timed(SAMPLED, PLAIN, Local(ours["sampled"]), Local(ours["plain"]),
                            agree(ours["sampled"](), ours["plain"]())))
    with busy_core():
        rows.append(bench.timed(BUSY, TORCH, Local(ours["batch"]), Local(torch["batch"])))
    return rows


class Process:
    """A command as a comparison side: ``time(n)`` runs it ``n`` times (mean wall seconds);
    it keeps every run's peak memory and the last run's output."""

    def __init__(self, command: list[str], env: dict | None = None) -> None:
        self.command, self.env, self.peaks, self.stdout = command, env, [], ""

    def time(self, number: int) -> float:
        runs = [run_measured(self.command, self.env) for _ in range(number)]
        self.peaks += [run.peak_mib for run in runs]
        self.stdout = runs[-1].stdout
        return statistics.mean(run.wall_s for run in runs)

    settle = staticmethod(settle)

    def model_line(self) -> str:
        return next((line for line in self.stdout.splitlines() if line.startswith("model")), "")


def cold_start(bench: Bench) -> list[Row]:
    """``rnnlab forecast`` against the PyTorch script and Keras, as whole processes; their
    peak memory goes to the memory group."""
    files, csv, settings = bench.files, str(bench.csv), bench.settings
    if bench.cell not in settings.process_cells:
        return [bench.row(group, COLD_START, peer, unit, note="skipped (--quick)")
                for peer in (TORCH_SCRIPT, KERAS) for group, unit in
                (("cold start", "s"), ("memory", "MiB"))]
    runs = replace(settings, min_repeats=settings.cold_runs, max_repeats=settings.cold_runs,
                   min_sample_s=0.0, warmup=min(settings.warmup, 1))
    peer_commands = {
        TORCH_SCRIPT: (peers.module_command("torch-forecast", str(files.path("pt")), csv,
                                            str(settings.torch_threads)), None),
        KERAS: (keras_command(bench.worker.python, "forecast", str(files.folder), bench.cell,
                              csv), keras_environment()) if bench.worker else None}
    rows = []
    for peer, command in peer_commands.items():
        if command is None:
            rows += [bench.row("cold start", COLD_START, peer, "s", note=bench.keras_why),
                     bench.row("memory", COLD_START, peer, "MiB", note=bench.keras_why)]
            continue
        ours = Process([RNNLAB, "forecast", str(files.path("onnx")), "--csv", csv])
        theirs = Process(*command)
        row = bench.timed(COLD_START, peer, ours, theirs, settings=runs, group="cold start")
        same = ours.model_line() == theirs.model_line() != ""
        rows += [replace(row, note=f"{row.note}; printed model scores "
                                   f"{'agree' if same else 'DIFFER'}"),
                 bench.row("memory", COLD_START, peer, "MiB", statistics.median(ours.peaks),
                           statistics.median(theirs.peaks), "peak RSS of the whole process")]
    return rows


def memory(bench: Bench) -> list[Row]:
    """Each inference path run once in its own process, peak RSS beside each peer's."""
    files, csv, settings, cell = bench.files, str(bench.csv), bench.settings, bench.cell

    def peak(side: str, key: str) -> float:
        if side == KERAS:
            command = keras_command(bench.worker.python, "probe", str(files.folder), cell,
                                    key, csv)
            return run_measured(command, keras_environment()).peak_mib
        name = "rnnlab" if side == "rnnlab" else "torch"
        return run_measured(peers.module_command("probe", name, str(files.folder), cell, key,
                                                 csv, str(settings.torch_threads))).peak_mib

    rows, note = [], "peak RSS of a process that runs this path once"
    for key, case in SCENARIOS.items():
        probed = cell in settings.process_cells and key in settings.memory_scenarios
        ours = peak("rnnlab", key) if probed else None
        for peer in (TORCH, KERAS) if key in OFFERED else (TORCH,):
            if ours is None:
                rows.append(bench.row("memory", case, peer, "MiB", note="skipped (--quick)"))
            elif peer == KERAS and bench.worker is None:
                rows.append(bench.row("memory", case, peer, "MiB", ours, note=bench.keras_why))
            else:
                rows.append(bench.row("memory", case, peer, "MiB", ours, peak(peer, key), note))
    return rows


def training(bench: Bench) -> list[Row]:
    """Seconds per steady epoch of rnnlab's ``fit`` (PyTorch CPU) beside Keras' ``fit``:
    one warm-up epoch, then ``settings.epochs`` timed, same pairs, the notebook's batches."""
    import torch

    from rnnlab.training.data import load_split
    from rnnlab.training.fit import fit
    from rnnlab.training.network import build
    from rnnlab.training.presets import PRESETS

    settings, cell = bench.settings, bench.cell
    card, recipe = bench.files.read_card(), PRESETS[f"seed-{cell}"]
    split = load_split(str(bench.csv), "High", (), card.split)
    x, y = (a[:settings.train_windows] for a in card.encoder.supervised(split.training_days))
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        model = build(card.architecture, recipe.dropout, recipe.init, 0)
        seconds = []
        for epochs in (1, settings.epochs):  # the warm-up, then the timed epochs
            began = time.perf_counter()
            fit(model, x, y, recipe.with_overrides(epochs=epochs), 0, torch.device("cpu"),
                progress=False)
            seconds.append((time.perf_counter() - began) / epochs)
    finally:
        torch.set_num_threads(before)
    shape = (f"1 warm-up + {settings.epochs} timed epochs on {len(x)} windows, mean; rnnlab "
             "fit on PyTorch CPU, 1 thread")
    if bench.worker is None:
        return [bench.row("training", PER_EPOCH, KERAS, "s", seconds[1],
                          note=f"{shape}; {bench.keras_why}")] + char_training(bench)
    np.save(bench.folder / "x.npy", x)
    np.save(bench.folder / "y.npy", y)
    settle()
    keras = bench.worker.ask("train", x=str(bench.folder / "x.npy"),
                             y=str(bench.folder / "y.npy"), epochs=1 + settings.epochs)
    return [bench.row("training", PER_EPOCH, KERAS, "s", seconds[1], statistics.mean(keras[1:]),
                      f"{shape}; Keras default threads")] + char_training(bench)


def char_training(bench: Bench) -> list[Row]:
    """The shipped character model's recipe (2 x LSTM(512), batch 64 x 128) beside Keras'
    ``fit`` of the same shape on the same batches: ms per steady step, in fp32 and bf16
    (autocast; where the CPU has no native bf16 the row says so). Only with the LSTM."""
    import torch

    from rnnlab.training.precision import bf16_supported

    if bench.cell != "lstm":
        return []
    steps, before = CHAR_STEPS[bench.settings.quick], torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        runs = {precision: peers.char_training(steps, precision) for precision in
                (("fp32", "bf16") if bf16_supported(torch.device("cpu")) else ("fp32",))}
    finally:
        torch.set_num_threads(before)
    run = runs["fp32"]
    shape = (f"1 warm-up + 1 timed epoch of {steps} steps; rnnlab `train_chars` on PyTorch "
             "CPU, 1 thread")
    keras, why = None, bench.keras_why
    if bench.worker is not None:
        np.save(bench.folder / "cx.npy", run.x)
        np.save(bench.folder / "cy.npy", run.y)
        settle()
        keras = bench.worker.ask("chars", x=str(bench.folder / "cx.npy"),
                                 y=str(bench.folder / "cy.npy"), vocab=run.vocab, epochs=2)[1]
        keras /= steps
        why = "Keras default threads, stateless"
    rows = []
    for precision in ("fp32", "bf16"):
        case = f"{CHAR_STEP} ({precision})"
        if precision not in runs:
            rows.append(Row("training", case, CHAR_MODEL, KERAS, "ms",
                            target=target(case, KERAS, CHAR_MODEL),
                            note=f"this CPU has no native bfloat16; {why}"))
            continue
        ours = runs[precision].seconds_per_step
        speeds = f"rnnlab {run.chars_per_step / ours:,.0f} characters/s" + (
            f", Keras {run.chars_per_step / keras:,.0f}" if keras else "")
        rows.append(Row("training", case, CHAR_MODEL, KERAS, "ms", ours * 1e3,
                        keras * 1e3 if keras else None, keras / ours if keras else None,
                        target(case, KERAS, CHAR_MODEL), f"{speeds}; {shape}; {why}"))
    return rows


def seeds(settings: Settings, csv: Path) -> list[Row]:
    """``rnnlab train --seeds 0,1,2`` as it runs by default, against the same command with
    ``--workers 1`` (seeds one after another); where this rnnlab's ``train`` has no
    ``--workers``, it always trains seeds in turn, so both runs are the same command."""
    help_text = subprocess.run([RNNLAB, "train", "--help"], capture_output=True, text=True)
    has_workers = "--workers" in help_text.stdout
    with tempfile.TemporaryDirectory(prefix="rnnlab-bench-seeds-") as folder:
        command = [RNNLAB, "train", "--csv", str(csv), "--preset", "seed-lstm", "--seeds",
                   "0,1,2", "--epochs", str(settings.seeds_epochs), "--out", f"{folder}/m.pt",
                   "--no-progress", "--json"]
        walls = []
        for extra in (["--workers", "1"] if has_workers else [], []):  # serial, then default
            settle()
            walls.append(run_measured(command + extra).wall_s)
    serial, default = walls
    how = "`--workers 1`" if has_workers else "the same command: this rnnlab has no --workers"
    return [Row("training", SEEDS, "lstm", "serial", "s", default, serial, serial / default,
                target(SEEDS, "serial", "lstm"), f"{settings.seeds_epochs} epochs per seed; "
                f"serial = {how}; wall / serial = {default / serial:.2f} (goal <= 0.6)")]


def install_size(settings: Settings) -> list[Row]:
    """The runtime venv beside the training venv, as the README installs them."""
    row = Row("install size", VENV, "-", "training venv", "MiB", target=target(
        VENV, "training venv", "-"))
    if not settings.venvs:
        return [replace(row, note="skipped (--quick)")]
    try:
        with tempfile.TemporaryDirectory(prefix="rnnlab-venvs-") as temp:
            sizes = {name: peers.build(Path(temp) / name, steps)
                     for name, steps in peers.INSTALLS.items()}
    except (subprocess.SubprocessError, OSError) as error:
        return [replace(row, note=f"skipped: {peers.failure(error)}")]
    ours, theirs = sizes["runtime"], sizes["training"]
    return [replace(row, ours=ours, theirs=theirs, ratio=theirs / ours,
                    note="`du -sk` of each venv; runtime = `pip install .` (numpy, "
                         "onnxruntime, typer)")]


def goals(rows: list[Row]) -> list[Row]:
    """Issue 14's goals, each met or missed with its ratio, restated from the rows."""
    found = {(r.case, r.model, r.peer): r for r in rows if r.group in ("inference", "training")}
    out = []
    for cell in peers.CELLS:
        for key, limit in (("stateful", 2.5), ("windowed", 25.0)):
            ms = found[SCENARIOS[key], cell, TORCH].ours
            out.append(limit_row(SCENARIOS[key], cell, ms, limit))
        sampled = found[SAMPLED, cell, PLAIN]
        out.append(replace(sampled, group="goals", note="never slower than one plain call"))
        if cell == "lstm":
            out.append(limit_row(SAMPLED, cell, sampled.ours, 30.0))
        for case in (SCENARIOS["batch"], BUSY):
            out.append(replace(found[case, cell, TORCH], group="goals"))
    kept = [(PER_EPOCH, cell, KERAS) for cell in peers.CELLS] + [
        (f"{CHAR_STEP} ({p})", CHAR_MODEL, KERAS) for p in ("fp32", "bf16")] + [
        (SEEDS, "lstm", "serial")]
    return out + [replace(found[key], group="goals") for key in kept]


def limit_row(case: str, cell: str, ms: float | None, limit: float) -> Row:
    """A goal of at most ``limit`` ms: the ratio is limit / measured."""
    ratio = limit / ms if ms else None
    return Row("goals", case, cell, f"limit {limit:g} ms", "ms", ms, limit, ratio, 1.0,
               "rnnlab's median")
