"""Figures of chapter 10, the practice of training: the gradient along the LSTM's cell, and
a loss spike of plain SGD without clipping.

Each function is ``(fast) -> Figure`` and is registered in ``make_figures.FIGURES``.
``cell_path`` trains one LSTM on the adding problem (seconds to a minute) and writes its
numbers to ``tutorial/results/cell-path.md``; ``practice_clipping`` draws the losses that
``python -m rnnlab.experiments.practice --out tutorial/results/practice.json`` stored.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
from figures_forecasting import phone_sized, write_numbers
from matplotlib.figure import Figure

from rnnlab.experiments import cellpath, longlag
from rnnlab.experiments.common import markdown_table

RESULTS = Path(__file__).resolve().parent / "results"
#: the steps back at which the table reports the norms
REPORTED = (0, 1, 10, 25, 49)


@phone_sized
def cell_path(fast: bool) -> Figure:
    """Norm of the gradient k steps before one loss term at T = 50: untrained Elman RNN,
    untrained LSTM (forget bias 1) and an LSTM trained on the adding problem, along the
    cell alone and by every path."""
    length = 50
    untrained = cellpath.untrained(seq_len=length, input_size=2, forget_bias=1.0)
    _, model = longlag.train_trial("lstm", length, seed=0,
                                   config=longlag.FAST if fast else longlag.FULL)
    x, _ = longlag.adding_batch(1, length, torch.Generator().manual_seed(1))
    head = model.head.weight.detach().double().numpy()
    every, along = cellpath.lstm_norms(model.recurrent.double(), x.double().numpy(),
                                       head / np.linalg.norm(head))
    series = {"Elman RNN, untrained: dL/dh": (untrained["rnn"], "tab:gray", "-"),
              "LSTM, untrained (forget bias 1): along c": (untrained["lstm, cell only"],
                                                          "tab:blue", "--"),
              "LSTM, trained: along c": (along, "tab:blue", "-"),
              "LSTM, trained: every path": (every, "black", ":")}
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    for label, (norms, color, style) in series.items():
        ax.semilogy(np.arange(length), norms, color=color, ls=style, lw=1.6, label=label)
    ax.set_xlabel("steps back from the loss, $k$")
    ax.set_ylabel("gradient norm")
    ax.set_title("gradient of one loss term at T = 50, sent back")
    ax.legend(fontsize=9, loc="lower left")
    ax.grid(alpha=0.3)
    rows = [[label, *(f"{norms[k]:.2e}" for k in REPORTED)]
            for label, (norms, _, _) in series.items()]
    write_numbers("cell_path", markdown_table(["gradient", *(f"k = {k}" for k in REPORTED)],
                                              rows), fast)
    return fig


@phone_sized
def practice_clipping(fast: bool) -> Figure:
    """The loss at every step of seed 0, plain SGD without and with clipping."""
    results = json.loads((RESULTS / "practice.json").read_text(encoding="utf-8"))
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for run in results["clipping"]:
        if run["seed"] == 0:
            label = "clipped at norm 1" if run["clip"] else "not clipped"
            ax.semilogy(np.arange(1, len(run["losses"]) + 1), run["losses"], lw=1.2,
                        color="black" if run["clip"] else "tab:orange", label=label)
    ax.set_xlim(0, 60)      # the unclipped run is over by then; the clipped one goes on
    ax.set_xlabel("SGD step (the first 60)")
    ax.set_ylabel("training loss (MSE)")
    ax.set_title("Elman RNN, adding problem, SGD: seed 0")
    ax.legend()
    ax.grid(alpha=0.3)
    return fig


FIGURES = {"cell_path": cell_path, "practice_clipping": practice_clipping}
