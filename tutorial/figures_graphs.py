"""Figures for chapters 7 and 8: the exported graph's layout (read from the shipped LSTM),
a bidirectional layer, and why level models cannot leave their training range.

Each function is ``(fast) -> Figure`` and is registered in ``make_figures.FIGURES``.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from figures_forecasting import SPLIT, prices, shipped
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch


def _node(ax: plt.Axes, x: float, y: float, text: str, color: str, width: float = 2.6,
          height: float = 0.8) -> None:
    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height,
                                boxstyle="round,pad=0.05", facecolor=color, edgecolor="black"))
    ax.text(x, y, text, ha="center", va="center", fontsize=9)


def _link(ax: plt.Axes, start: tuple[float, float], end: tuple[float, float],
          text: str = "") -> None:
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12))
    if text:
        flat = start[1] == end[1]
        ax.text((start[0] + end[0]) / 2 + (0 if flat else 0.12),
                (start[1] + end[1]) / 2 + (0.1 if flat else 0), text, fontsize=8,
                color="dimgray", ha="center" if flat else "left",
                va="bottom" if flat else "center")


def onnx_graph(fast: bool) -> Figure:
    """Chapter 7: the exported graph's layout; inputs and outputs read from the real file."""
    model = shipped()["lstm"]
    inputs = [(i.name, i.type.replace("tensor(", "").rstrip(")"), i.shape)
              for i in model.session.get_inputs()]
    outputs = [(o.name, o.shape) for o in model.session.get_outputs()]
    fig, ax = plt.subplots(figsize=(11, 6.2))
    for k, (name, kind, shape) in enumerate(inputs):
        _node(ax, 1.6 + 2.9 * k, 7, f"{name}\n{kind} {tuple(shape)}", "lightyellow",
              width=2.7)
    _node(ax, 4, 5.4, "first pass: recurrent stack over x\nfrom `state`, head on last step",
          "lightsteelblue", width=4.2)
    _link(ax, (1.6, 6.55), (3, 5.85))
    _link(ax, (4.5, 6.55), (4.2, 5.85))
    _node(ax, 9.2, 5.4, "If steps > 1", "mistyrose", width=2.2)
    _link(ax, (6.15, 5.4), (8.05, 5.4), "y1, state1")
    _node(ax, 12.3, 5.4, "y = y1\n(one-step forecast:\nno loop at all)", "honeydew",
          width=2.6, height=1.0)
    _link(ax, (10.35, 5.4), (10.95, 5.4), "no")
    _node(ax, 9.2, 3.8, "If stateful", "mistyrose", width=2.2)
    _link(ax, (9.2, 4.95), (9.2, 4.25), "yes")
    _node(ax, 5.6, 2.1, "Scan (windowed), steps - 1 times:\nslide the window, append y,\n"
          "re-run the stack from zero state", "lavender", width=4.6, height=1.1)
    _node(ax, 12.1, 2.1, "Scan (stateful), steps - 1 times:\none cell update per layer on y,\n"
          "carry the state", "lavender", width=4.4, height=1.1)
    _link(ax, (8.3, 3.45), (6.6, 2.7), "false")
    _link(ax, (10.1, 3.45), (11.4, 2.7), "true")
    names = ", ".join(f"{name} {tuple(shape)}" for name, shape in outputs)
    _node(ax, 8.8, 0.4, f"outputs: {names}", "honeydew", width=7.5, height=0.7)
    _link(ax, (5.6, 1.5), (7.6, 0.8))
    _link(ax, (12.1, 1.5), (10.2, 0.8))
    ax.set_xlim(0, 14.6)
    ax.set_ylim(-0.2, 7.6)
    ax.axis("off")
    ax.set_title(f"{model.path.name}: one graph for every use "
                 f"({len(model.session.get_inputs())} inputs, {len(outputs)} outputs)")
    print("inputs: " + "; ".join(f"{n} {k} {s}" for n, k, s in inputs))
    print("outputs: " + "; ".join(f"{n} {s}" for n, s in outputs))
    return fig


def bidirectional(fast: bool) -> Figure:
    """Chapter 8: what each direction of a bidirectional layer has read at the last step."""
    fig, ax = plt.subplots(figsize=(10, 3.6))
    steps = 6
    for t in range(steps):
        label = f"$x_{{{t + 1}}}$" if t < steps - 1 else "$x_T$"
        ax.text(t * 1.5, 0, label, ha="center", va="center", fontsize=12)
        for row, color in ((1, "lightsteelblue"), (2.2, "moccasin")):
            ax.add_patch(FancyBboxPatch((t * 1.5 - 0.35, row - 0.25), 0.7, 0.5,
                                        boxstyle="round,pad=0.05", facecolor=color,
                                        edgecolor="black"))
            ax.add_patch(FancyArrowPatch((t * 1.5, 0.2), (t * 1.5, row - 0.3),
                                         arrowstyle="-|>", mutation_scale=10, color="lightgray"))
        ax.text(t * 1.5, 1, r"$\overrightarrow{h}$", ha="center", va="center", fontsize=11)
        ax.text(t * 1.5, 2.2, r"$\overleftarrow{h}$", ha="center", va="center", fontsize=11)
        if t:
            ax.add_patch(FancyArrowPatch(((t - 1) * 1.5 + 0.4, 1), (t * 1.5 - 0.4, 1),
                                         arrowstyle="-|>", mutation_scale=12, color="tab:blue"))
            ax.add_patch(FancyArrowPatch((t * 1.5 - 0.4, 2.2), ((t - 1) * 1.5 + 0.4, 2.2),
                                         arrowstyle="-|>", mutation_scale=12,
                                         color="tab:orange"))
    last = (steps - 1) * 1.5
    ax.add_patch(FancyBboxPatch((last + 1.2, 1.35), 1.0, 0.5, boxstyle="round,pad=0.05",
                                facecolor="honeydew", edgecolor="black"))
    ax.text(last + 1.7, 1.6, "head", ha="center", va="center", fontsize=11)
    for row in (1, 2.2):
        ax.add_patch(FancyArrowPatch((last + 0.4, row), (last + 1.2, 1.6), arrowstyle="-|>",
                                     mutation_scale=12))
    ax.text(last / 2, -0.55, r"forward: $\overrightarrow{h}_T$ has read $x_1, \dots, x_T$",
            ha="center", color="tab:blue", fontsize=10)
    ax.text(last / 2, 2.75, r"backward: $\overleftarrow{h}_T$ has read only $x_T$; "
            r"$\overleftarrow{h}_1$ has read the whole window, from its end",
            ha="center", color="tab:orange", fontsize=10)
    ax.set_xlim(-0.6, last + 2.5)
    ax.set_ylim(-0.8, 3.1)
    ax.axis("off")
    ax.set_title("A bidirectional layer over one window; the head reads the last step of both")
    return fig


def levels_vs_returns(fast: bool) -> Figure:
    """Chapter 8: GOOGL's 2017 levels leave the training range; its returns do not."""
    data = prices("GOOGL", fast)
    first = data.before(SPLIT)
    high = data.values[:, 0]
    returns = np.diff(np.log(high))
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 5.5), sharex=True)
    for ax, series, dates, name in ((top, high, data.dates, "High (USD)"),
                                    (bottom, returns, data.dates[1:], "daily log return")):
        train = series[:first] if series is high else series[:first - 1]
        ax.axhspan(train.min(), train.max(), color="tab:green", alpha=0.12,
                   label="training range: scaled to [0, 1]")
        ax.plot(dates, series, lw=0.8 if series is high else 0.4, color="black")
        ax.axvline(data.dates[first], color="dimgray", ls="--", lw=1, label="split 2017-01-01")
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
        test = series[first:] if series is high else series[first - 1:]
        outside = np.mean((test < train.min()) | (test > train.max()))
        print(f"{name}: training range {train.min():.4g} to {train.max():.4g}; "
              f"{100 * outside:.1f}% of test days outside it")
    top.legend(loc="upper left")
    top.set_title(f"{Path(data.path).name.split('_')[0]}: min-max scaling fit on 2006-2016")
    return fig


# name -> function, in chapter order; make_figures registers them.
FIGURES = {
    "onnx_graph": onnx_graph,
    "bidirectional": bidirectional,
    "levels_vs_returns": levels_vs_returns,
}
