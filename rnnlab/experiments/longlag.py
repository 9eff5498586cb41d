"""The adding problem: can a recurrent layer carry two numbers across a long sequence?

Each sequence has ``length`` steps with two features: a random value in [0, 1) and a marker
that is 1 at exactly two steps, one in the first half and one in the second half. The target,
read from the last output, is the sum of the two marked values, so the first one must be kept
for at least ``length / 2`` steps. Always answering 1 (the mean) gives a mean squared error of
1/6 = 0.167; a trial *succeeds* when the MSE on 512 held-out sequences drops below 0.01 within
the training budget. Hochreiter & Schmidhuber (1997) used a variant as their Experiment 4.

Run ``python -m rnnlab.experiments.longlag [--fast] [--json] [--out FILE]`` to print the
success table; chapter 2 includes the Markdown table that
``--out tutorial/results/adding-problem.md`` writes.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from torch import nn

from rnnlab.experiments.common import (
    KINDS,
    check_out_folder,
    command_line,
    make_recurrent,
    markdown_table,
    single_thread,
    write_result,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: Mean squared error of always answering the mean sum, 1: the variance of two U(0, 1) values.
BASELINE_MSE = 1 / 6


@dataclass(frozen=True)
class Config:
    """One experiment: each kind x length x seed trains with Adam until solved or out of steps."""

    lengths: tuple[int, ...] = (10, 50, 100)
    kinds: tuple[str, ...] = KINDS
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    hidden_size: int = 32
    batch_size: int = 32
    lr: float = 1e-2
    max_steps: int = 3000
    eval_every: int = 25
    threshold: float = 0.01
    #: the gradient's norm is clipped to this before each step; ``None`` turns clipping off
    clip_norm: float | None = 1.0


FULL = Config()
FAST = Config(lengths=(10, 20), seeds=(0, 1), max_steps=200, eval_every=50)


@dataclass(frozen=True)
class Trial:
    """Outcome of training one model: solved within the budget, after how many steps."""

    kind: str
    length: int
    seed: int
    solved: bool
    steps: int
    mse: float
    seconds: float


def adding_batch(batch: int, length: int,
                 generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs ``(length, batch, 2)`` (value, marker) and targets ``(batch,)``."""
    values = torch.rand(length, batch, generator=generator)
    half = length // 2
    first = torch.randint(0, half, (batch,), generator=generator)
    second = torch.randint(half, length, (batch,), generator=generator)
    markers = torch.zeros(length, batch)
    columns = torch.arange(batch)
    markers[first, columns] = 1.0
    markers[second, columns] = 1.0
    # target: $y = \sum_t m_t v_t$, the sum of the two marked values
    return torch.stack([values, markers], dim=-1), (values * markers).sum(dim=0)


class LastStepRegressor(nn.Module):
    """A recurrent layer followed by ``Linear(hidden, 1)`` applied to the last output."""

    def __init__(self, kind: str, hidden_size: int) -> None:
        super().__init__()
        self.recurrent = make_recurrent(kind, 2, hidden_size)
        self.head = nn.Linear(hidden_size, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``(length, batch, 2)`` -> predictions ``(batch,)``."""
        outputs, _ = self.recurrent(x)
        return self.head(outputs[-1]).squeeze(-1)


def train_trial(kind: str, length: int, seed: int, config: Config = FULL,
                prepare: Callable[[LastStepRegressor], None] | None = None,
                ) -> tuple[Trial, LastStepRegressor]:
    """Train one model from seed ``seed``; stop at the first evaluation below the threshold.

    ``prepare``, if given, is called with the freshly initialised model before the optimiser
    sees it: it may change weights in place (a forget-gate bias, an identity ``W_hh``) or
    replace ``model.recurrent`` by another layer reading 2 features with the same
    ``hidden_size``.
    """
    start = time.perf_counter()
    torch.manual_seed(seed)
    model = LastStepRegressor(kind, config.hidden_size)
    if prepare is not None:
        prepare(model)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    data = torch.Generator().manual_seed(seed)
    x_test, y_test = adding_batch(512, length, torch.Generator().manual_seed(10_000 + seed))
    mse, step = float("inf"), 0
    with single_thread():
        while step < config.max_steps and not mse < config.threshold:
            x, y = adding_batch(config.batch_size, length, data)
            loss = nn.functional.mse_loss(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            if config.clip_norm is not None:
                nn.utils.clip_grad_norm_(model.parameters(), config.clip_norm)
            optimizer.step()
            step += 1
            if step % config.eval_every == 0:
                model.eval()    # no dropout while scoring (a prepared layer may have it)
                with torch.no_grad():
                    mse = nn.functional.mse_loss(model(x_test), y_test).item()
                model.train()
    trial = Trial(kind, length, seed, mse < config.threshold, step, mse,
                  time.perf_counter() - start)
    return trial, model


@dataclass(frozen=True)
class Results:
    """All trials of one run of the experiment."""

    config: Config
    trials: list[Trial]

    def success_rate(self, kind: str, length: int) -> float:
        """Fraction of seeds that solved the task, in [0, 1]."""
        outcomes = [t.solved for t in self.trials if t.kind == kind and t.length == length]
        return sum(outcomes) / len(outcomes)

    def rows(self) -> list[dict[str, object]]:
        """One row per kind and length: success rate and mean steps of the successful trials."""
        rows = []
        for kind in self.config.kinds:
            for length in self.config.lengths:
                steps = [t.steps for t in self.trials
                         if t.kind == kind and t.length == length and t.solved]
                rows.append({"kind": kind, "length": length,
                             "success": self.success_rate(kind, length),
                             "mean_steps": sum(steps) / len(steps) if steps else None})
        return rows

    def cells(self) -> dict[str, list[str]]:
        """kind -> one cell per length: ``solved/seeds``, then the mean number of steps of the
        solved trials, such as ``5/5 (145 steps)``."""
        n = len(self.config.seeds)
        cells: dict[str, list[str]] = {kind: [] for kind in self.config.kinds}
        for row in self.rows():
            cell = f"{round(row['success'] * n)}/{n}"
            if row["mean_steps"] is not None:
                cell += f" ({row['mean_steps']:.0f} steps)"
            cells[row["kind"]].append(cell)
        return cells

    def format(self) -> str:
        """The success table as text: one line per kind, one column per length."""
        width = 18
        lines = ["kind".ljust(6) + "".join(f"T={n}".rjust(width) for n in self.config.lengths)]
        lines += [kind.ljust(6) + "".join(cell.rjust(width) for cell in cells)
                  for kind, cells in self.cells().items()]
        return "\n".join(lines)

    def markdown(self, command: str, seconds: float, load: float) -> str:
        """The success table as Markdown for the tutorial, with the run's time in ``seconds``,
        the machine's 1-minute load average ``load`` at the start, and ``command``."""
        lines = markdown_table(["kind", *(f"T={n}" for n in self.config.lengths)],
                               ([kind, *cells] for kind, cells in self.cells().items()))
        lines += ["", f"Solved trials out of {len(self.config.seeds)} seeds, and the mean number "
                  "of training steps of the solved ones. "
                  f"{len(self.trials)} trials in {seconds:.0f} s on one CPU thread "
                  f"(load average {load:.1f} at the start). Written by `{command}`."]
        return "\n".join(lines) + "\n"


def run(config: Config = FULL, progress: Callable[[Trial], None] | None = None) -> Results:
    """Train every kind x length x seed of ``config``; call ``progress`` after each trial."""
    trials = []
    for kind in config.kinds:
        for length in config.lengths:
            for seed in config.seeds:
                trial, _ = train_trial(kind, length, seed, config)
                trials.append(trial)
                if progress is not None:
                    progress(trial)
    return Results(config, trials)


def plot_success(results: Results, ax: Axes | None = None) -> Axes:
    """Grouped bar chart: success rate (%) per sequence length, one bar per kind."""
    import matplotlib.pyplot as plt

    if ax is None:
        ax = plt.figure(figsize=(7, 4)).add_subplot()
    lengths, kinds = results.config.lengths, results.config.kinds
    width = 0.8 / len(kinds)
    for j, kind in enumerate(kinds):
        xs = [i + (j - (len(kinds) - 1) / 2) * width for i in range(len(lengths))]
        rates = [100 * results.success_rate(kind, n) for n in lengths]
        bars = ax.bar(xs, rates, width, label=kind)
        ax.bar_label(bars, [f"{rate:.0f}%" for rate in rates], fontsize=8)
    ax.set_xticks(range(len(lengths)), [f"T = {n}" for n in lengths])
    ax.set_ylim(0, 125)
    ax.set_yticks(range(0, 101, 20))
    ax.set_ylabel(f"solved (% of {len(results.config.seeds)} seeds)")
    ax.set_title(f"Adding problem, MSE < {results.config.threshold} "
                 f"within {results.config.max_steps} Adam steps")
    ax.legend(loc="upper center", ncol=len(kinds))
    return ax


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: train everything, print the success table (or JSON with ``--json``);
    with ``--out FILE``, also write it as Markdown to ``FILE``."""
    parser = argparse.ArgumentParser(prog="python -m rnnlab.experiments.longlag",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="tiny budget, runs in seconds")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--out", type=Path, help="also write the table as Markdown here")
    args = parser.parse_args(argv)
    if args.out is not None:
        check_out_folder(args.out)
    config = FAST if args.fast else FULL
    load, start = os.getloadavg()[0], time.perf_counter()
    results = run(config)
    seconds = time.perf_counter() - start
    if args.out is not None:
        write_result(args.out, results.markdown(command_line(parser.prog, argv), seconds, load))
    if args.json:
        print(json.dumps({"config": asdict(config), "rows": results.rows(),
                          "trials": [asdict(t) for t in results.trials]}, indent=2))
        return
    print(results.format())
    print(f"{len(results.trials)} trials in {seconds:.0f} s")


if __name__ == "__main__":
    main()
