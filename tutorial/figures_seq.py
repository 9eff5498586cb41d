"""Figure for chapter 11: the attention weights of the trained reversal model, read from the
result file that ``python -m rnnlab.experiments.attention --out-dir tutorial/results``
wrote (nothing is trained here, in either mode)."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

RESULTS = Path(__file__).resolve().parent / "results"


def attention_weights(fast: bool) -> Figure:
    """Heat maps: output step (rows) x source digit (columns), one panel per example."""
    examples = json.loads((RESULTS / "seq2seq-attention.json").read_text())["examples"]
    fig, axes = plt.subplots(1, len(examples), figsize=(4.2 * len(examples), 4.4),
                             layout="constrained",
                             gridspec_kw={"width_ratios": [len(e["source"])
                                                           for e in examples]})
    for ax, example in zip(axes, examples, strict=True):
        source, output = example["source"], example["output"]
        weights = np.array(example["weights"])[: len(output) + 1, : len(source)]
        image = ax.imshow(weights, cmap="viridis", vmin=0, vmax=1)
        ax.set_xticks(range(len(source)), list(source))
        ax.set_yticks(range(len(weights)), [*output, "EOS"][: len(weights)])
        ax.set_xlabel("source digit")
        ax.set_title(f"{source} -> {output}\n(right: {source[::-1]})", fontsize=9)
    axes[0].set_ylabel("output step (the digit it wrote)")
    fig.colorbar(image, ax=axes, shrink=0.7, label="attention weight")
    return fig


FIGURES = {"attention_weights": attention_weights}
