"""Shared fixtures: the real IBM file (skipped when absent), synthetic price files, the CLI."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
IBM = SHARED / "IBM_2006-01-01_to_2018-01-01.csv"


@pytest.fixture
def ibm_csv() -> Path:
    if not IBM.is_file():
        pytest.skip(f"needs {IBM.name}: put it in {SHARED} (the shared data folder beside "
                    "the checkout)")
    return IBM


def write_prices(path: Path, days: int = 200, seed: int = 0, start: str = "2015-01-01",
                 columns: tuple[str, ...] = ("Open", "High", "Low", "Close", "Volume")) -> Path:
    """A small random-walk price file in the shared data's format, on weekdays."""
    rng = np.random.default_rng(seed)
    dates = np.busday_offset(np.datetime64(start), np.arange(days), roll="forward")
    level = 100 + np.cumsum(rng.normal(0, 1, days))
    lines = ["Date," + ",".join(columns) + ",Name"]
    for date, price in zip(dates, level):
        cells = [f"{price * 1e4:.0f}" if c == "Volume" else f"{price + 0.5 * i:.2f}"
                 for i, c in enumerate(columns)]
        lines.append(f"{date}," + ",".join(cells) + ",TEST")
    path.write_text("\r\n".join(lines) + "\r\n")
    return path


@pytest.fixture
def prices_csv(tmp_path: Path) -> Path:
    return write_prices(tmp_path / "prices.csv")


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``rnnlab ARGS`` in-process: (exit code, stdout, stderr)."""
    from rnnlab.cli import main

    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def cli(capsys):
    return lambda *args: run_cli(capsys, *args)


sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(scope="session")
def tiny(tmp_path_factory):
    """A small trained LSTM+GRU, its checkpoint, its ONNX export and its price file."""
    from rnnlab.training import checkpoint
    from rnnlab.training.data import load_split
    from rnnlab.training.export import export
    from rnnlab.training.presets import PRESETS
    from rnnlab.training.run import train

    folder = tmp_path_factory.mktemp("tiny")
    csv = write_prices(folder / "prices.csv", days=220)
    recipe = PRESETS["seed-lstm"].with_overrides(cells=("lstm", "gru"), units=8, window=10,
                                                 epochs=2, batch=16)
    split = load_split(str(csv), "High", (), "2015-08-01")
    run = train(split, recipe, preset="tiny", seed=0, device="cpu", progress=False)
    checkpoint.save(folder / "tiny.pt", run.model, run.card, recipe.to_dict())
    export(run.model, run.card, folder / "tiny.onnx")
    return {"csv": csv, "pt": folder / "tiny.pt", "onnx": folder / "tiny.onnx", "run": run,
            "split": split}
