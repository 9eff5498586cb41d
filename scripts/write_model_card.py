"""Print exported/MODEL_CARD.md for the given ONNX models, from their own metadata."""

from __future__ import annotations

import sys
from pathlib import Path

from rnnlab.runtime.model import load

COMMAND = "bash scripts/build_exported.sh ../shared/data/IBM_2006-01-01_to_2018-01-01.csv"


def table(metrics: dict) -> list[str]:
    rows = ["| forecaster | RMSE | MAE | MAPE % |", "|---|---|---|---|"]
    for name, m in metrics.items():
        rows.append(f"| {name} | {m['rmse']:.3f} | {m['mae']:.3f} | {m['mape']:.2f} |")
    return rows


def card_section(path: Path) -> list[str]:
    card = load(path).card
    arch, enc, m = card.architecture, card.encoder, card.metrics
    lines = [
        f"## `{path.name}`", "",
        f"- model: {arch.layers} x {arch.name.upper()}({arch.units}) + linear head, "
        f"preset `{card.preset}`, seed {card.seed}",
        f"- input: {', '.join(enc.columns)}, window {enc.window}, transform {enc.transform}, "
        f"min-max scaled on the training days (target min {enc.lo[0]:.4g}, "
        f"max {enc.hi[0]:.4g})",
        f"- trained on `{card.data_file}` {card.train_start} to {card.train_end}",
        f"- data sha256 `{card.data_sha256}`",
        f"- size {path.stat().st_size / 1024:.0f} KiB, rnnlab {card.rnnlab_version}, "
        f"format {card.format}", "",
        f"Test {m['test_start']} to {m['test_end']} ({m['days']} days), one step ahead from "
        "true history:", "", *table(m["one_step"]), "",
    ]
    if "generation" not in m:
        return lines + [f"It forecasts one step only: it would need tomorrow's "
                        f"{', '.join(enc.columns[1:])} to feed itself.", ""]
    return lines + [
        "Free-running generation of the whole test period from the last training window:", "",
        *table(m["generation"]), "",
    ]


def main(paths: list[str]) -> None:
    lines = [
        "# Shipped forecasters", "",
        "Made by this repository's own command, from a clean checkout:", "",
        f"```bash\n{COMMAND}\n```", "",
        "Every figure below was computed at training time on the test days and is stored in "
        "the model's metadata (`rnnlab info MODEL` prints it). Persistence is tomorrow = "
        "today; flat is every day = the last training day's price.", "",
    ]
    for path in paths:
        lines += card_section(Path(path))
    print("\n".join(lines).rstrip())


if __name__ == "__main__":
    main(sys.argv[1:])
