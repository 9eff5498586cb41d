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


#: One colour per meaning in every figure rnnlab draws (the CLI's --plot; tutorial figures
#: may import it): the real price red and one-step forecasts blue, as in the notebook;
#: a free-running generated path, or the median of sampled paths, purple, and its 5-95%
#: band the same purple, faint.
PALETTE = {"actual": "tab:red", "forecast": "tab:blue", "generated": "tab:purple",
           "band": "tab:purple"}


def save_lines(path: str | Path, dates: np.ndarray, lines: dict[str, tuple[str, np.ndarray]],
               title: str, ylabel: str, band: tuple[np.ndarray, np.ndarray] | None = None,
               band_label: str = "5-95% of sampled paths") -> None:
    """Plot named series against dates (the notebook's real-vs-predicted figure) to a PNG.

    ``lines`` maps a legend label to ``(meaning, values (days,))``, the meaning a key of
    ``PALETTE`` (``"actual"``, ``"forecast"``, ``"generated"``), which picks the colour.
    ``band`` is an optional (low, high) pair shaded behind the lines, e.g. a 5-95% fan,
    named ``band_label`` in the legend.
    """
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(10, 4.5))
    if band is not None:
        ax.fill_between(dates, band[0], band[1], color=PALETTE["band"], alpha=0.2,
                        label=band_label)
    for name, (meaning, values) in lines.items():
        ax.plot(dates, values, color=PALETTE[meaning], label=name, lw=1.3)
    ax.set_title(title)
    ax.set_xlabel("date")
    ax.set_ylabel(ylabel)
    ax.legend()
    fig.autofmt_xdate()
    fig.tight_layout()
    with atomic_path(path) as temp:
        fig.savefig(temp, format="png", dpi=110)
    plt.close(fig)
