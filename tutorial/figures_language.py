"""Figures for chapter 9 (language), drawn from the result files that
``python -m rnnlab.experiments.language`` and ``scripts/ngram_curve.py`` wrote to
``tutorial/results/``. Nothing is trained here; ``fast`` changes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
from figures_forecasting import phone_sized
from matplotlib.figure import Figure

RESULTS = Path(__file__).resolve().parent / "results"


def read(name: str) -> dict:
    return json.loads((RESULTS / f"{name}.json").read_text())


@phone_sized
def language_curves(fast: bool) -> Figure:
    """Validation nats/char against characters read: the three cells on one small budget,
    the shipped run, and the best Kneser-Ney n-gram as a line."""
    cells, shipped, ngram = read("language-cells"), read("language-shipped"), read(
        "ngram-shakespeare")
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for cell, history in cells["runs"].items():
        ax.plot([h["chars"] for h in history], [h["val"] for h in history], marker="o", ms=3,
                label=f"{cell.upper()} 1 x 128")
    recipe = shipped["recipe"]
    train_chars = ngram["train_chars"]
    ax.plot([h["epoch"] * train_chars for h in shipped["history"]],
            [h["val"] for h in shipped["history"]], marker="s", ms=3, color="black",
            label=f"shipped: LSTM {recipe['layers']} x {recipe['units']}")
    order = ngram["chosen_order"]
    ax.axhline(ngram["chosen_validation"], color="tab:red", ls="--",
               label=f"Kneser-Ney, order {order}")
    ax.set_xscale("log")
    ax.set_xlabel("characters read in training")
    ax.set_ylabel("validation nats / character")
    ax.set_ylim(1.3, 2.8)
    ax.legend(fontsize="small")
    ax.grid(alpha=0.3)
    return fig


@phone_sized
def language_clipping(fast: bool) -> Figure:
    """Loss and gradient norm of every update, with clipping and without (SGD, lr 3)."""
    runs = read("language-clip")["runs"]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 5), sharex=True)
    for name, run in runs.items():
        top.plot(run["losses"], lw=1, label=name)
        bottom.plot(run["grad_norms"], lw=1, label=name)
    top.set_yscale("log")
    top.set_ylabel("training loss\n(nats / char)")
    bottom.set_yscale("log")
    bottom.set_ylabel("gradient norm\n(before clipping)")
    bottom.set_xlabel("update")
    top.legend(fontsize="small")
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
    return fig


FIGURES = {"language_curves": language_curves, "language_clipping": language_clipping}
