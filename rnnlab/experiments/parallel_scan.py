"""minGRU and minLSTM against nn.GRU and nn.LSTM: training time over long sequences, and the
adding problem of chapter 2 (rnnlab/experiments/longlag.py).

    python -m rnnlab.experiments.parallel_scan timing --out tutorial/results/mingru-timing.md
    python -m rnnlab.experiments.parallel_scan adding --out tutorial/results/mingru-adding.md
    python -m rnnlab.experiments.parallel_scan export --out tutorial/results/mingru-export.md

``timing`` trains each layer for one epoch (``sequences`` random sequences in batches, Adam,
a mean-squared-error loss on every output) at each length, on one CPU thread, and keeps the
fastest of ``repeats`` epochs. All layers run in the same process, one after the other, so
they share the machine's load, which the result file records at the start and the end.
``export`` times one generation step of the exported graphs (rnnlab/training/scan_export.py,
run by rnnlab/runtime/stepper.py): minGRU's elementwise step against ONNX's GRU operator.
``--fast`` runs tiny settings in seconds (the docs tests).
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import torch
from torch import nn

from rnnlab.experiments import longlag
from rnnlab.experiments.common import (
    check_out_folder,
    command_line,
    markdown_table,
    single_thread,
    write_result,
)
from rnnlab.mingru import MinGRU, MinLSTM, loop
from rnnlab.runtime.stepper import Stepper
from rnnlab.training.scan_export import NextValue, export

PROG = "python -m rnnlab.experiments.parallel_scan"


class _Looped(nn.Module):
    """A minGRU run one step at a time (inference mode), to time against its scan."""

    def __init__(self, layer: MinGRU) -> None:
        super().__init__()
        self.layer = layer

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, None]:
        return loop(self.layer, x), None


#: name -> ``(input_size, hidden_size) -> layer`` reading ``(time, batch, input)``
LAYERS: dict[str, Callable[[int, int], nn.Module]] = {
    "nn.GRU": nn.GRU,
    "nn.LSTM": nn.LSTM,
    "minGRU (scan)": MinGRU,
    "minLSTM (scan)": MinLSTM,
    "minGRU (loop)": lambda i, h: _Looped(MinGRU(i, h)),
}


def epoch_seconds(make: Callable[[int, int], nn.Module], length: int, sequences: int,
                  batch: int, hidden: int, repeats: int) -> float:
    """Fastest of ``repeats`` epochs: ``sequences / batch`` Adam steps on ``(length, batch, 1)``
    random inputs, the loss being the mean squared output of a linear head at every step."""
    torch.manual_seed(0)
    layer, head = make(1, hidden), nn.Linear(hidden, 1)
    optimizer = torch.optim.Adam([*layer.parameters(), *head.parameters()], lr=1e-3)
    x = torch.randn(length, sequences, 1)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for first in range(0, sequences, batch):
            outputs, _ = layer(x[:, first:first + batch])
            loss = head(outputs).pow(2).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        best = min(best, time.perf_counter() - start)
    return best


def timing(lengths: Sequence[int], sequences: int, batch: int, hidden: int,
           repeats: int) -> dict[str, list[float]]:
    """layer name -> seconds per epoch at each length (one CPU thread)."""
    with single_thread():
        return {name: [epoch_seconds(make, n, sequences, batch, hidden, repeats)
                       for n in lengths] for name, make in LAYERS.items()}


def timing_markdown(table: dict[str, list[float]], lengths: Sequence[int], sequences: int,
                    batch: int, hidden: int, loads: tuple[str, str], command: str) -> str:
    """The timing table as Markdown: seconds per epoch, and the ratio to nn.GRU's."""
    gru = table["nn.GRU"]
    rows = [[name, *(f"{s:.3g} s ({s / g:.2g}x)" for s, g in zip(seconds, gru, strict=True))]
            for name, seconds in table.items()]
    lines = markdown_table(["layer", *(f"T={n:,}" for n in lengths)], rows)
    lines += ["", f"Seconds per training epoch ({sequences} sequences of T steps in batches of "
              f"{batch}, hidden size {hidden}, forward, backward and Adam; the fastest of the "
              "repeats) and, in brackets, the ratio to nn.GRU. One CPU thread; every layer "
              "timed in the same run, one after the other, on a shared machine: "
              f"/proc/loadavg `{loads[0]}` at the start, `{loads[1]}` at the end. "
              f"Written by `{command}`."]
    return "\n".join(lines) + "\n"


#: the recurrent layers that replace ``nn.GRU`` in the adding problem's regressor
MIN_LAYERS: dict[str, type[nn.Module]] = {"mingru": MinGRU, "minlstm": MinLSTM}


def adding(config: longlag.Config,
           progress: Callable[[longlag.Trial], None] | None = None) -> longlag.Results:
    """The adding problem for each kind of ``config.kinds``: ``rnn``/``lstm``/``gru`` or a
    ``MIN_LAYERS`` name, every length and seed of ``config``."""
    trials = []
    for kind in config.kinds:
        for length in config.lengths:
            for seed in config.seeds:
                trial = _adding_trial(kind, length, seed, config)
                trials.append(trial)
                if progress is not None:
                    progress(trial)
    return longlag.Results(config, trials)


def _adding_trial(kind: str, length: int, seed: int, config: longlag.Config) -> longlag.Trial:
    if kind not in MIN_LAYERS:
        return longlag.train_trial(kind, length, seed, config)[0]

    def prepare(model: longlag.LastStepRegressor) -> None:
        model.recurrent = MIN_LAYERS[kind](2, config.hidden_size)

    trial, _ = longlag.train_trial("gru", length, seed, config, prepare)
    return dataclasses.replace(trial, kind=kind)


ADDING = longlag.Config(lengths=(100, 200), kinds=("mingru", "gru", "lstm"), seeds=(0, 1, 2, 3, 4),
                        max_steps=1500, eval_every=50)
ADDING_FAST = longlag.Config(lengths=(10,), kinds=("mingru", "gru"), seeds=(0,),
                             max_steps=50, eval_every=25)


def step_cost(cell: str, hidden: int, steps: int, repeats: int, folder: Path) -> float:
    """CPU seconds per generation step of the exported ``cell`` model, batch 1: the median
    over ``repeats`` of (one call of ``steps + 1`` steps - one call of 1 step) / ``steps``.
    CPU time of this process, not wall time: on a loaded machine the wall clock mostly
    measures the wait for a core."""
    torch.manual_seed(0)
    path = folder / f"{cell}.onnx"
    export(NextValue(cell, hidden), path)
    stepper = Stepper(path)
    history = np.zeros((1, 10), np.float32)
    costs = []
    for _ in range(repeats):
        times = []
        for n in (1, steps + 1):
            start = time.process_time()
            stepper.generate(history, n)
            times.append(time.process_time() - start)
        costs.append((times[1] - times[0]) / steps)
    return float(np.median(costs))


def export_markdown(hidden: int, steps: int, loads: tuple[str, str], command: str) -> str:
    """The per-step table: both cells timed in this call, one after the other."""
    with tempfile.TemporaryDirectory() as folder:
        costs = {cell: step_cost(cell, hidden, steps, 7, Path(folder))
                 for cell in ("mingru", "gru")}
    loads = (loads[0], Path("/proc/loadavg").read_text().strip())
    lines = markdown_table(["cell", "CPU µs per generation step", "ratio to GRU"],
                           [[cell, f"{1e6 * c:.1f}", f"{c / costs['gru']:.2f}"]
                            for cell, c in costs.items()])
    lines += ["", f"One generation step (predict, add the noise, feed back) inside the exported "
              f"graph, hidden size {hidden}, batch 1, onnxruntime on one thread, in CPU time "
              "of the process (not wall time, which mostly measures the wait for a core on "
              "a loaded machine): the median "
              f"of 7 differences between a call of {steps + 1} steps and a call of 1 step, "
              f"divided by {steps}. /proc/loadavg `{loads[0]}` at the start, `{loads[1]}` "
              f"at the end. Written by `{command}`."]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: ``timing`` or ``adding``; prints the table, ``--out`` writes Markdown."""
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.splitlines()[0])
    parser.add_argument("experiment", choices=["timing", "adding", "export"])
    parser.add_argument("--fast", action="store_true", help="tiny settings, runs in seconds")
    parser.add_argument("--out", type=Path, help="also write the table as Markdown here")
    args = parser.parse_args(argv)
    if args.out is not None:
        check_out_folder(args.out)
    command = command_line(PROG, argv)
    start_load = Path("/proc/loadavg").read_text().strip()
    start = time.perf_counter()
    if args.experiment == "timing":
        lengths = (10, 30) if args.fast else (100, 1_000, 10_000)
        sizes = dict(sequences=32, batch=16, hidden=32, repeats=1 if args.fast else 2)
        table = timing(lengths, **sizes)
        loads = (start_load, Path("/proc/loadavg").read_text().strip())
        text = timing_markdown(table, lengths, **{k: sizes[k] for k in
                                                  ("sequences", "batch", "hidden")},
                               loads=loads, command=command)
    elif args.experiment == "export":
        text = export_markdown(32, 100 if args.fast else 2000, (start_load, ""), command)
    else:
        results = adding(ADDING_FAST if args.fast else ADDING,
                         lambda t: print(f"{t.kind} T={t.length} seed={t.seed}: "
                                         f"{'solved' if t.solved else 'not solved'}"
                                         f" ({t.steps} steps)", flush=True))
        text = results.markdown(command, time.perf_counter() - start,
                                float(start_load.split()[0]))
    print(text, end="")
    if args.out is not None:
        write_result(args.out, text)


if __name__ == "__main__":
    main()
