"""PNG figures on request. matplotlib is imported only when a plot is asked for."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from rnnlab.runtime.extras import require
from rnnlab.runtime.files import atomic_path


def pyplot():
    """matplotlib's pyplot on the file-only Agg backend, or an error naming the extra."""
    require("matplotlib", "--plot").use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_lines(path: str | Path, dates: np.ndarray, lines: dict[str, np.ndarray], title: str,
               ylabel: str, band: tuple[np.ndarray, np.ndarray] | None = None,
               band_label: str = "5-95% of sampled paths") -> None:
    """Plot named series against dates (the notebook's real-vs-predicted figure) to a PNG.

    ``band`` is an optional (low, high) pair shaded behind the lines, e.g. a 5-95% fan,
    named ``band_label`` in the legend.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(10, 4.5))
    if band is not None:
        ax.fill_between(dates, band[0], band[1], color="tab:orange", alpha=0.25,
                        label=band_label)
    for (name, values), color in zip(lines.items(), ["tab:red", "tab:blue", "tab:gray", "k"]):
        ax.plot(dates, values, color=color, label=name, lw=1.3)
    ax.set_title(title)
    ax.set_xlabel("date")
    ax.set_ylabel(ylabel)
    ax.legend()
    fig.autofmt_xdate()
    fig.tight_layout()
    with atomic_path(path) as temp:
        fig.savefig(temp, format="png", dpi=110)
    plt.close(fig)
