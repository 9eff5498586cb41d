"""Diagrams of the cells for chapters 1 to 4, drawn with matplotlib (no data, no training).

Colah-style: yellow boxes are layers (a weight matrix, a bias and the nonlinearity written in
the box), pink circles are element-wise operations, lines carry vectors from left to right
and bottom to top. Each function is ``(fast) -> Figure`` and is registered in
``make_figures.FIGURES``; ``fast`` changes nothing, the drawings cost milliseconds. The
figures are narrow and use large type so that they stay legible on a 390 px phone screen.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from figures_palette import GRADIENT as BACKWARD
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyBboxPatch

Point = tuple[float, float]
FONT = 16
LAYER_COLOR, OP_COLOR, CELL_COLOR = "#ffe08a", "#f6c6c6", "#eef3fb"


def _canvas(width: float, height: float, xlim: Point, ylim: Point) -> tuple[Figure, Axes]:
    fig, ax = plt.subplots(figsize=(width, height))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return fig, ax


def _layer(ax: Axes, at: Point, text: str, width: float = 0.9) -> None:
    """A yellow box: a dense layer with its nonlinearity (sigma or tanh)."""
    ax.add_patch(FancyBboxPatch((at[0] - width / 2, at[1] - 0.3), width, 0.6,
                                boxstyle="round,pad=0.04", facecolor=LAYER_COLOR,
                                edgecolor="black", zorder=3))
    ax.text(*at, text, ha="center", va="center", fontsize=FONT, zorder=4)


def _op(ax: Axes, at: Point, symbol: str, radius: float = 0.3, size: int = FONT - 1) -> None:
    """A pink circle: an element-wise product, sum, tanh or 1 - z, or a loss term."""
    ax.add_patch(Circle(at, radius, facecolor=OP_COLOR, edgecolor="black", zorder=3))
    ax.text(*at, symbol, ha="center", va="center", fontsize=size, zorder=4)


def _wire(ax: Axes, points: Sequence[Point], color: str = "black", arrow: bool = True,
          style: str = "-", width: float = 1.6) -> None:
    """A polyline through ``points``; an arrowhead on the last segment."""
    xs, ys = zip(*points, strict=True)
    ax.plot(xs[:-1], ys[:-1], color=color, lw=width, ls=style, zorder=2,
            solid_capstyle="round")
    ax.annotate("", xy=points[-1], xytext=points[-2], zorder=2,
                arrowprops={"arrowstyle": "-|>" if arrow else "-", "color": color, "lw": width,
                            "linestyle": style, "shrinkA": 0, "shrinkB": 0,
                            "mutation_scale": 16})


def _label(ax: Axes, at: Point, text: str, color: str = "black", size: int = FONT,
           **kwargs: object) -> None:
    ax.text(*at, text, fontsize=size, color=color, **kwargs)


def _cell_frame(ax: Axes, left: float, bottom: float, right: float, top: float) -> None:
    ax.add_patch(FancyBboxPatch((left, bottom), right - left, top - bottom,
                                boxstyle="round,pad=0.1", facecolor=CELL_COLOR,
                                edgecolor="gray", zorder=0))


def _state_line(ax: Axes, y: float, times_x: float, plus_x: float, names: tuple[str, str]
                ) -> None:
    """The line along the top of a cell: in at the left, a product, a sum, out at the right.

    ``names`` are the labels of the state coming in and going out.
    """
    _wire(ax, [(0.0, y), (times_x - 0.3, y)])
    _wire(ax, [(times_x + 0.3, y), (plus_x - 0.3, y)])
    _wire(ax, [(plus_x + 0.3, y), (10.2, y)])
    _label(ax, (0.0, y + 0.25), names[0], va="bottom")
    _label(ax, (10.2, y + 0.25), names[1], ha="right", va="bottom")
    _op(ax, (times_x, y), r"$\times$")
    _op(ax, (plus_x, y), "$+$")


def lstm_cell(fast: bool) -> Figure:
    """Chapter 3: the LSTM cell, four layers (f, i, candidate, o) around the cell state line."""
    fig, ax = _canvas(6.4, 4.6, (-0.2, 10.4), (-0.7, 6.6))
    _cell_frame(ax, 1.0, 0.5, 9.2, 5.5)
    top, rail, gates = 4.8, 1.2, 2.4
    f_x, i_x, g_x, o_x, out_x = 2.6, 4.0, 5.4, 6.8, 8.1
    # the cell state line: c_{t-1} -> (x f_t) -> (+ i_t g_t) -> c_t
    _state_line(ax, top, f_x, g_x, ("$c_{t-1}$", "$c_t$"))
    # h_{t-1} and x_t side by side on the rail, read by all four layers
    _wire(ax, [(0.0, rail), (o_x, rail)], arrow=False)
    _label(ax, (0.0, rail - 0.25), "$h_{t-1}$", va="top")
    _wire(ax, [(1.7, -0.5), (1.7, rail)], arrow=False)
    _label(ax, (1.85, -0.55), "$x_t$", va="bottom")
    for x, text, name in [(f_x, r"$\sigma$", "$f_t$"), (i_x, r"$\sigma$", "$i_t$"),
                          (g_x, "tanh", r"$\tilde c_t$"), (o_x, r"$\sigma$", "")]:
        _wire(ax, [(x, rail), (x, gates - 0.32)])
        _layer(ax, (x, gates), text, width=1.05 if text == "tanh" else 0.8)
        _label(ax, (x + 0.15, gates + 0.45), name, size=FONT - 2, va="bottom")
    # forget gate up to the product on the cell line
    _wire(ax, [(f_x, gates + 0.3), (f_x, top - 0.3)])
    # input gate times candidate, then added to the cell line
    _op(ax, (g_x, 3.7), r"$\times$")
    _wire(ax, [(i_x, gates + 0.3), (i_x, 3.7), (g_x - 0.3, 3.7)])
    _wire(ax, [(g_x, gates + 0.3), (g_x, 3.4)])
    _wire(ax, [(g_x, 4.0), (g_x, top - 0.3)])
    # read-out: h_t = o_t * tanh(c_t)
    _op(ax, (out_x, 3.65), "tanh", radius=0.45, size=FONT - 3)
    _wire(ax, [(out_x, top), (out_x, 4.1)])
    _op(ax, (out_x, gates), r"$\times$")
    _wire(ax, [(out_x, 3.2), (out_x, gates + 0.3)])
    _wire(ax, [(o_x + 0.4, gates), (out_x - 0.3, gates)])
    _label(ax, (o_x + 0.5, gates + 0.1), "$o_t$", size=FONT - 2, va="bottom")
    _wire(ax, [(out_x, gates - 0.3), (out_x, rail), (10.2, rail)])
    _wire(ax, [(9.6, rail), (9.6, 6.4)])
    _label(ax, (10.2, rail - 0.25), "$h_t$", ha="right", va="top")
    _label(ax, (9.75, 6.35), "$h_t$", va="top")
    return fig


def gru_cell(fast: bool) -> Figure:
    """Chapter 4: the GRU cell as PyTorch computes it (reset gate after the matrix product)."""
    fig, ax = _canvas(6.4, 4.6, (-0.2, 10.4), (-0.7, 6.6))
    _cell_frame(ax, 1.0, 0.3, 9.0, 5.5)
    top, rail, gates, own = 4.8, 0.9, 2.3, 0.5
    z_x, r_x, mix_x, n_x = 2.4, 3.8, 5.6, 7.6
    # the state line: h_{t-1} -> (x z_t) -> (+ (1 - z_t) n_t) -> h_t
    _state_line(ax, top, z_x, n_x, ("$h_{t-1}$", "$h_t$"))
    _wire(ax, [(9.5, top), (9.5, 6.4)])
    # h_{t-1} drops to the rail, where x_t joins: the two gates read both
    _wire(ax, [(0.6, top), (0.6, rail), (r_x, rail)], arrow=False)
    # h_{t-1} alone goes on, under the rail, to W_hn; a gap where x_t crosses it
    _wire(ax, [(0.6, rail), (0.6, own), (1.22, own)], arrow=False)
    _wire(ax, [(1.58, own), (mix_x, own), (mix_x, 1.15)])
    _wire(ax, [(1.4, -0.5), (1.4, rail)], arrow=False)
    _label(ax, (1.55, -0.55), "$x_t$", va="bottom")
    for x, name in [(z_x, "$z_t$"), (r_x, "")]:
        _wire(ax, [(x, rail), (x, gates - 0.32)])
        _layer(ax, (x, gates), r"$\sigma$", width=0.8)
        _label(ax, (x + 0.15, gates + 0.4), name, size=FONT - 2, va="bottom")
    # update gate: z_t keeps the old state, 1 - z_t lets the candidate in
    _wire(ax, [(z_x, gates + 0.3), (z_x, top - 0.3)])
    _op(ax, (mix_x, 3.7), "1-")
    _wire(ax, [(z_x, 3.7), (mix_x - 0.3, 3.7)])
    _op(ax, (n_x, 3.7), r"$\times$")
    _wire(ax, [(mix_x + 0.3, 3.7), (n_x - 0.3, 3.7)])
    _wire(ax, [(n_x, 4.0), (n_x, top - 0.3)])
    # candidate: n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))
    _op(ax, (mix_x, gates), r"$\times$")
    _wire(ax, [(r_x + 0.4, gates), (mix_x - 0.3, gates)])
    _label(ax, (r_x + 0.5, gates + 0.1), "$r_t$", size=FONT - 2, va="bottom")
    _layer(ax, (mix_x, 1.45), "$W_{hn}$", width=0.95)
    _wire(ax, [(mix_x, 1.75), (mix_x, gates - 0.3)])
    _layer(ax, (n_x, gates), "tanh", width=1.05)
    _wire(ax, [(mix_x + 0.3, gates), (n_x - 0.55, gates)])
    # the candidate's input part reads x_t alone
    _wire(ax, [(n_x, -0.5), (n_x, gates - 0.32)])
    _label(ax, (n_x + 0.15, -0.55), "$x_t$", va="bottom")
    _wire(ax, [(n_x, gates + 0.3), (n_x, 3.4)])
    _label(ax, (n_x + 0.15, 2.8), "$n_t$", size=FONT - 2, va="bottom")
    return fig


def bptt_unrolled(fast: bool) -> Figure:
    """Chapters 1 and 2: the unrolled Elman RNN with a loss at every step, forward in black
    and the backward (BPTT) paths in the gradient colour."""
    fig, ax = _canvas(6.4, 4.4, (-0.4, 10.2), (-1.1, 6.0))
    xs = [1.6, 4.2, 6.8]
    state_y, loss_y = 1.8, 4.2
    _label(ax, (0.0, state_y), "$h_0$", ha="center", va="center")
    for t, x in enumerate(xs, start=1):
        _layer(ax, (x, state_y), "tanh", width=1.1)
        _wire(ax, [(x, -0.35), (x, state_y - 0.32)])
        _label(ax, (x, -0.45), f"$x_{t}$", ha="center", va="top")
        _label(ax, (x - 0.12, 0.55), "$W_{ih}$", size=FONT - 3, ha="right", color="dimgray")
        _wire(ax, [(x, state_y + 0.32), (x, loss_y - 0.4)])
        _op(ax, (x, loss_y), f"$L_{t}$", radius=0.4, size=FONT)
        _label(ax, (x - 0.1, 2.65), f"$h_{t}$", ha="right", size=FONT - 2)
        # backward: dL_t/dh_t comes down from the loss
        _wire(ax, [(x + 0.3, loss_y - 0.3), (x + 0.3, state_y + 0.36)], color=BACKWARD,
              style="--")
        _label(ax, (x + 0.42, 3.1), f"$g_{t}$", color=BACKWARD, size=FONT - 2)
        start = xs[t - 2] + 0.57 if t > 1 else 0.35
        _wire(ax, [(start, state_y + 0.12), (x - 0.57, state_y + 0.12)])
        if t > 1:
            _label(ax, ((start + x) / 2, state_y + 0.25), "$W_{hh}$", size=FONT - 3,
                   ha="center", va="bottom", color="dimgray")
            _wire(ax, [(x - 0.57, state_y - 0.15), (start, state_y - 0.15)], color=BACKWARD,
                  style="--")
            _label(ax, ((start + x) / 2, state_y - 0.3), r"$W_{hh}^{\top}\delta_{" f"{t}" "}$",
                   size=FONT - 4, ha="center", va="top", color=BACKWARD)
    _wire(ax, [(xs[-1] + 0.57, state_y + 0.12), (8.6, state_y + 0.12)])
    _label(ax, (9.2, state_y), "...", ha="center", va="center")
    _label(ax, (-0.3, 5.4), r"$L = L_1 + L_2 + L_3 + \cdots$", va="center")
    _wire(ax, [(7.4, 5.6), (8.2, 5.6)])
    _label(ax, (8.35, 5.6), "forward", va="center", size=FONT - 3)
    _wire(ax, [(7.4, 5.05), (8.2, 5.05)], color=BACKWARD, style="--")
    _label(ax, (8.35, 5.05), "backward", va="center", size=FONT - 3, color=BACKWARD)
    return fig


FIGURES = {"lstm_cell": lstm_cell, "gru_cell": gru_cell, "bptt_unrolled": bptt_unrolled}
