"""How much does the last output feel an input k steps back? Gradient norms through time.

For an untrained layer and a random input sequence ``x_1 .. x_T`` we measure the Frobenius
norm of the Jacobian ``d h_T / d x_{T-k}`` for every ``k``: how strongly the last hidden state
depends on the input ``k`` steps earlier, which is also how much gradient reaches that input
during training. Run ``python -m rnnlab.experiments.gradients [--fast] [--json] [--out FILE]``;
chapter 2 includes the Markdown table that ``--out tutorial/results/gradient-norms.md`` writes.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import nn

from rnnlab.experiments.common import (
    check_out_folder,
    command_line,
    make_recurrent,
    markdown_table,
    set_forget_bias,
    single_thread,
    write_result,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

#: label -> (kind of layer, forget-gate bias or None for PyTorch's default initialisation).
VARIANTS: dict[str, tuple[str, float | None]] = {
    "rnn": ("rnn", None),
    "lstm": ("lstm", None),
    "gru": ("gru", None),
    "lstm, forget bias 1": ("lstm", 1.0),
}
#: The steps back printed by the command line.
REPORTED_K: tuple[int, ...] = (0, 1, 5, 10, 25, 50, 100)
#: The Markdown table also states the fraction of the gradient left this many steps back.
KEPT_K = 50


@dataclass(frozen=True)
class GradientNorms:
    """Measured norms: ``norms[label][s, k]`` is ``|d h_T / d x_{T-k}|`` for seed number ``s``.

    ``steps_back`` is ``(max_k + 1,)`` = ``0, 1, ..., max_k``; each ``norms[label]`` is
    ``(n_seeds, max_k + 1)``.
    """

    steps_back: np.ndarray
    norms: dict[str, np.ndarray]

    def typical(self, label: str) -> np.ndarray:
        """Geometric mean over seeds, ``(max_k + 1,)``: the norms span many orders of magnitude."""
        return np.exp(np.log(self.norms[label]).mean(axis=0))


def jacobian_norms(layer: nn.RNNBase, seq_len: int, generator: torch.Generator) -> np.ndarray:
    """``|d h_T / d x_{T-k}|`` (Frobenius) for ``k = 0 .. seq_len - 1``, shape ``(seq_len,)``.

    ``layer`` is a one-layer ``nn.RNN``/``LSTM``/``GRU``; the input is one random sequence.
    """
    dtype = layer.weight_hh_l0.dtype
    hidden, features = layer.hidden_size, layer.input_size
    x = torch.randn(seq_len, 1, features, generator=generator, dtype=dtype)
    # one copy of the sequence per hidden unit j; copy j backpropagates from unit j of h_T only,
    # so a single backward pass yields all rows of the Jacobian
    xs = x.expand(seq_len, hidden, features).clone().requires_grad_(True)
    outputs, _ = layer(xs)
    outputs[-1].backward(torch.eye(hidden, dtype=dtype))
    # $\| \partial h_T / \partial x_t \|_F^2 = \sum_j \| \partial h_{T,j} / \partial x_t \|^2$
    norms = xs.grad.pow(2).sum(dim=(1, 2)).sqrt()
    return norms.flip(0).numpy()


def measure(labels: Sequence[str] = tuple(VARIANTS), seq_len: int = 101, input_size: int = 8,
            hidden_size: int = 32, seeds: Iterable[int] = range(5)) -> GradientNorms:
    """Measure the gradient norms of untrained layers, one fresh layer and input per seed.

    Computed in float64 so that norms as small as 1e-30 don't underflow to zero.
    """
    seeds = list(seeds)
    norms = {}
    for label in labels:
        kind, forget_bias = VARIANTS[label]
        rows = []
        for seed in seeds:
            torch.manual_seed(seed)
            layer = make_recurrent(kind, input_size, hidden_size, dtype=torch.float64)
            if forget_bias is not None:
                set_forget_bias(layer, forget_bias)
            with single_thread():
                rows.append(jacobian_norms(layer, seq_len, torch.Generator().manual_seed(seed)))
        norms[label] = np.stack(rows)
    return GradientNorms(np.arange(seq_len), norms)


def plot(result: GradientNorms, ax: Axes | None = None) -> Axes:
    """Log-scale plot of the norms against steps back: geometric mean line, min-max band."""
    import matplotlib.pyplot as plt

    if ax is None:
        ax = plt.figure(figsize=(7, 4)).add_subplot()
    for label, norms in result.norms.items():
        (line,) = ax.semilogy(result.steps_back, result.typical(label), label=label)
        ax.fill_between(result.steps_back, norms.min(axis=0), norms.max(axis=0),
                        color=line.get_color(), alpha=0.2)
    ax.set_xlabel("k, steps back from the last input")
    ax.set_ylabel(r"$\|\partial h_T / \partial x_{T-k}\|$")
    ax.set_title(f"Untrained layers, {len(next(iter(result.norms.values())))} seeds")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    return ax


def table(result: GradientNorms, ks: Iterable[int] = REPORTED_K) -> list[dict[str, float]]:
    """One row per reported ``k`` (those within the measured range): geometric means per label."""
    return [{"k": int(k), **{label: float(result.typical(label)[k]) for label in result.norms}}
            for k in ks if k < len(result.steps_back)]


def markdown(result: GradientNorms, command: str) -> str:
    """The table as Markdown for the tutorial, with what was measured and ``command``, which
    wrote it. Adds the fraction kept ``KEPT_K`` steps back when that was measured."""
    labels = list(result.norms)
    rows = ([str(row["k"]), *(f"{row[label]:.2e}" for label in labels)] for row in table(result))
    lines = markdown_table(["k", *labels], rows)
    seeds, steps = next(iter(result.norms.values())).shape
    note = f"Geometric means over {seeds} seeds, sequences of {steps} steps."
    if KEPT_K < steps:
        # kept fraction: $\| \partial h_T / \partial x_{T-K} \| / \| \partial h_T / \partial x_T \|$
        kept = {label: result.typical(label)[KEPT_K] / result.typical(label)[0]
                for label in labels}
        note += (f" Kept after {KEPT_K} steps (norm at k = {KEPT_K} / norm at k = 0): "
                 + ", ".join(f"{label} {fraction:.0e}" for label, fraction in kept.items()) + ".")
    return "\n".join([*lines, "", f"{note} Written by `{command}`."]) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: print the table of gradient norms (or JSON with ``--json``); with
    ``--out FILE``, also write it as Markdown to ``FILE``."""
    parser = argparse.ArgumentParser(prog="python -m rnnlab.experiments.gradients",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="2 seeds, 51 steps (seconds)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--out", type=Path, help="also write the table as Markdown here")
    args = parser.parse_args(argv)
    if args.out is not None:
        check_out_folder(args.out)
    result = measure(seq_len=51, seeds=range(2)) if args.fast else measure()
    if args.out is not None:
        write_result(args.out, markdown(result, command_line(parser.prog, argv)))
    rows = table(result)
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    labels = list(result.norms)
    print("k".rjust(4) + "".join(label.rjust(22) for label in labels))
    for row in rows:
        print(f"{row['k']:4d}" + "".join(f"{row[label]:22.2e}" for label in labels))


if __name__ == "__main__":
    main()
