"""Regenerate the tutorial's figures as PNG files.

    python tutorial/make_figures.py                # every figure, full size, into tutorial/figures
    python tutorial/make_figures.py --fast --out /tmp/figs --only gradient_norms

Each figure is a function ``(fast, out) -> Path`` registered in ``FIGURES`` under its name,
which is also the PNG's file name. ``fast=True`` makes the same figure from tiny experiments
(seconds, for the tests); the committed PNGs come from the full mode. To add a figure for a
new chapter, write a function and decorate it with ``@figure("name")``.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import torch
from figures_beyond import FIGURES as BEYOND_FIGURES
from figures_cells import FIGURES as CELL_FIGURES
from figures_forecasting import FIGURES as FORECASTING_FIGURES
from figures_forecasting import phone_sized
from figures_graphs import FIGURES as GRAPH_FIGURES
from figures_language import FIGURES as LANGUAGE_FIGURES
from figures_palette import REAL, RECURRENT
from figures_practice import FIGURES as PRACTICE_FIGURES
from figures_seq import FIGURES as SEQ_FIGURES
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from rnnlab import scratch
from rnnlab.experiments import gradients, longlag

matplotlib.use("Agg")

DEFAULT_OUT = Path(__file__).resolve().parent / "figures"
FigureFunction = Callable[[bool, Path], Path]
#: name -> function(fast, out_dir) that writes ``out_dir / f"{name}.png"`` and returns its path.
FIGURES: dict[str, FigureFunction] = {}


def figure(name: str) -> Callable[[Callable[[bool], Figure]], FigureFunction]:
    """Register a function ``(fast) -> Figure`` as the figure ``name`` (saved as ``name.png``)."""
    def register(draw: Callable[[bool], Figure]) -> FigureFunction:
        def save(fast: bool, out: Path) -> Path:
            fig = draw(fast)
            path = out / f"{name}.png"
            fig.savefig(path, dpi=110, bbox_inches="tight")
            plt.close(fig)
            return path

        FIGURES[name] = save
        return save

    return register


def _box(ax: plt.Axes, x: float, y: float, text: str, color: str) -> None:
    ax.add_patch(FancyBboxPatch((x - 0.35, y - 0.25), 0.7, 0.5, boxstyle="round,pad=0.05",
                                facecolor=color, edgecolor="black"))
    ax.text(x, y, text, ha="center", va="center", fontsize=16)


def _arrow(ax: plt.Axes, start: tuple[float, float], end: tuple[float, float], text: str = "",
           offset: tuple[float, float] = (0.0, 0.12), **style: object) -> None:
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, **style))
    if text:
        ax.text((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1], text,
                ha="center", fontsize=14, color="dimgray")


def _cell_column(ax: plt.Axes, x: float, step: str, input_label: str = "") -> None:
    """One box ``h`` with its input ``x_step`` below and its output ``h_step`` above."""
    _box(ax, x, 1, "$h$", "lightsteelblue")
    _arrow(ax, (x, 0), (x, 0.7), input_label, offset=(0.3, -0.05))
    ax.text(x, -0.12, f"$x_{{{step}}}$", ha="center", va="top", fontsize=16)
    _arrow(ax, (x, 1.3), (x, 1.9))
    ax.text(x, 2.0, f"$h_{{{step}}}$", ha="center", fontsize=16)


@figure("rnn_unrolled")
def rnn_unrolled(fast: bool) -> Figure:
    """Chapter 1: a recurrent layer with its loop (top), and the same layer unrolled (bottom)."""
    fig, (loop, unrolled) = plt.subplots(2, 1, figsize=(6, 5.6), height_ratios=(1, 1))
    _cell_column(loop, 0, "t", "$W_{ih}$")
    _arrow(loop, (0.4, 0.85), (0.4, 1.15), connectionstyle="bar,fraction=1.2", color=RECURRENT)
    loop.text(0.95, 1, "$W_{hh}$", va="center", fontsize=15, color="dimgray")
    loop.set_title("the loop", fontsize=15)
    unrolled.text(-0.6, 1, "$h_0$", ha="center", va="center", fontsize=16, color=RECURRENT)
    for t in range(1, 4):
        x = 0.9 + 1.6 * (t - 1)
        _cell_column(unrolled, x, str(t), "$W_{ih}$")
        _arrow(unrolled, (x - 1.2 if t > 1 else -0.4, 1), (x - 0.4, 1),
               "" if t == 1 else "$W_{hh}$", color=RECURRENT)
    unrolled.text(4.95, 1, "...", ha="center", va="center", fontsize=18)
    unrolled.set_title("unrolled in time: the same weights at every step", fontsize=15)
    for ax in (loop, unrolled):
        ax.set_xlim(-0.9, 5.2)
        ax.set_ylim(-0.55, 2.35)
        ax.set_aspect("equal")
        ax.axis("off")
    fig.tight_layout()
    return fig


@figure("tanh_derivative")
@phone_sized
def tanh_derivative(fast: bool) -> Figure:
    """Chapter 2: tanh and its derivative, which is at most 1 and tiny once tanh saturates."""
    a = np.linspace(-4, 4, 401)
    fig, ax = plt.subplots(figsize=(6, 3.6))
    ax.plot(a, np.tanh(a), label=r"$\tanh(a)$")
    ax.plot(a, 1 - np.tanh(a) ** 2, label=r"$\tanh'(a) = 1 - \tanh^2(a)$")
    ax.axhline(0, color="gray", lw=0.5)
    ax.set_xlabel("pre-activation $a$")
    ax.grid(alpha=0.3)
    ax.legend()
    return fig


@figure("gradient_norms")
@phone_sized
def gradient_norms(fast: bool) -> Figure:
    """Chapter 2: measured gradient norms through time for untrained RNN/LSTM/GRU layers."""
    result = gradients.measure(seq_len=51, seeds=range(2)) if fast else gradients.measure()
    fig, ax = plt.subplots(figsize=(6.4, 4.8))
    gradients.plot(result, ax)
    return fig


@figure("adding_success")
@phone_sized
def adding_success(fast: bool) -> Figure:
    """Chapter 2: success rates on the adding problem (the full mode takes a few minutes)."""
    results = longlag.run(longlag.FAST if fast else longlag.FULL)
    print(results.format())
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    longlag.plot_success(results, ax)
    return fig


def _gate_traces(kind: str, fast: bool) -> tuple[torch.Tensor, dict[str, np.ndarray]]:
    """Train on the adding problem (T = 50), then replay one test sequence through the numpy
    cell with the trained weights. Returns the inputs ``(50, 2)`` and each gate ``(50, hidden)``.
    """
    length = 50
    _, model = longlag.train_trial(kind, length, seed=0,
                                   config=longlag.FAST if fast else longlag.FULL)
    layer = scratch.layers_from_state_dict(model.recurrent.state_dict())[0]
    x, _ = longlag.adding_batch(1, length, torch.Generator().manual_seed(1))
    state = scratch.zero_state(kind, 1, layer.hidden_size)
    traces: list[tuple[np.ndarray, ...]] = []
    for x_t in x.numpy().astype(np.float64):
        h = scratch.hidden_of(state)
        traces.append(scratch.lstm_gates(x_t, h, layer) if kind == "lstm"
                      else scratch.gru_gates(x_t, h, layer))
        state = scratch.CELLS[kind](x_t, state, layer)
    names = ("i", "f", "g", "o") if kind == "lstm" else ("r", "z", "n")
    return x[:, 0], {name: np.concatenate([t[j] for t in traces])
                     for j, name in enumerate(names)}


def _state_trace(kind: str, gates: dict[str, np.ndarray]) -> tuple[str, np.ndarray]:
    """The state that the gates write, ``(steps, hidden)``, from zeros: the LSTM's cell
    ``c_t = f_t c_{t-1} + i_t g_t``, or the GRU's ``h_t = (1 - z_t) n_t + z_t h_{t-1}``."""
    state, trace = np.zeros(gates["g" if kind == "lstm" else "n"].shape[1]), []
    for t in range(len(gates["f" if kind == "lstm" else "z"])):
        if kind == "lstm":
            state = gates["f"][t] * state + gates["i"][t] * gates["g"][t]
        else:
            state = (1 - gates["z"][t]) * gates["n"][t] + gates["z"][t] * state
        trace.append(state)
    return ("cell $c_t$" if kind == "lstm" else "state $h_t$"), np.array(trace)


def _gate_figure(kind: str, shown: dict[str, str], fast: bool) -> Figure:
    """The inputs, every unit's gates as images, then the first unit's gates and state as
    lines; the marked steps as triangles above the images and bands behind the lines."""
    x, gates = _gate_traces(kind, fast)
    fig, axes = plt.subplots(len(shown) + 2, 1, figsize=(6.4, 4 + 2 * len(shown)), sharex=True)
    steps = np.arange(len(x))
    marked = steps[x[:, 1].numpy() > 0]
    axes[0].bar(steps, x[:, 0].numpy(), color=[REAL if m else "lightgray"
                                                for m in x[:, 1].numpy()])
    axes[0].set_ylabel("value $v_t$")
    axes[0].set_title(f"{kind.upper()} trained on the adding problem:\nmarked values in red")
    # units that react most to the markers (in the first gate shown) come first
    first = gates[next(iter(shown))]
    response = first[marked].mean(axis=0) - np.delete(first, marked, axis=0).mean(axis=0)
    order = np.argsort(-np.abs(response))
    for ax, (name, label) in zip(axes[1:-1], shown.items()):
        image = ax.imshow(gates[name][:, order].T, aspect="auto", cmap="viridis", vmin=0,
                          vmax=1, interpolation="nearest")
        # above the image, not over the columns they point at
        ax.plot(marked, [-1.6] * len(marked), "v", color=REAL, ms=6, clip_on=False)
        ax.set_ylim(len(order) - 0.5, -2.2)
        ax.set_ylabel(f"{label}\nunit (sorted)")
    fig.colorbar(image, ax=axes, pad=0.01, shrink=0.5, anchor=(0.0, 0.6), label="gate activation")
    unit, lines = order[0], axes[-1]
    for m in marked:
        lines.axvspan(m - 0.5, m + 0.5, color=REAL, alpha=0.15, lw=0)
    for name, label in shown.items():
        lines.plot(steps, gates[name][:, unit], lw=1.4, label=label)
    state_label, state = _state_trace(kind, gates)
    lines.plot(steps, state[:, unit], color="black", lw=1.6, label=state_label)
    lines.set_ylabel("first unit")
    lines.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=3, fontsize=9)
    lines.grid(alpha=0.3)
    axes[-1].set_xlabel("time step $t$")
    return fig


@figure("lstm_gates")
@phone_sized
def lstm_gates(fast: bool) -> Figure:
    """Chapter 3: input and forget gate activations of a trained LSTM (computed in numpy)."""
    return _gate_figure("lstm", {"i": "input gate $i_t$", "f": "forget gate $f_t$"}, fast)


@figure("gru_gates")
@phone_sized
def gru_gates(fast: bool) -> Figure:
    """Chapter 4: update and reset gate activations of a trained GRU (computed in numpy)."""
    return _gate_figure("gru", {"z": "update gate $z_t$", "r": "reset gate $r_t$"}, fast)


# Diagrams of the cells (figures_cells.py), then chapters 5 to 8: the shipped forecasters
# on real prices (figures_forecasting.py), the graph diagrams (figures_graphs.py) and
# chapter 8's baselines (figures_beyond.py), chapter 9's curves (figures_language.py),
# chapter 10's (figures_practice.py), chapter 11's attention (figures_seq.py).
for _name, _draw in {**CELL_FIGURES, **FORECASTING_FIGURES, **GRAPH_FIGURES,
                     **BEYOND_FIGURES, **LANGUAGE_FIGURES, **PRACTICE_FIGURES,
                     **SEQ_FIGURES}.items():
    figure(_name)(_draw)


def main(argv: Sequence[str] | None = None) -> list[Path]:
    """Command line: write the chosen figures (all by default); returns their paths."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fast", action="store_true", help="tiny experiments, seconds")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--only", nargs="+", choices=sorted(FIGURES), help="figures to make")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in args.only or FIGURES:
        paths.append(FIGURES[name](args.fast, args.out))
        print(f"wrote {paths[-1]}")
    return paths


if __name__ == "__main__":
    main()
