"""Shared fixtures: the real IBM file (skipped when absent), synthetic price files, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import IBM, SHARED, exit_code, write_prices

pytest_plugins = ["language_fixtures"]  # the tiny text model (tests/test_language_*.py)


@pytest.fixture
def ibm_csv() -> Path:
    if not IBM.is_file():
        pytest.skip(f"needs {IBM.name}: put it in {SHARED} (the shared data folder beside "
                    "the checkout)")
    return IBM


@pytest.fixture
def prices_csv(tmp_path: Path) -> Path:
    return write_prices(tmp_path / "prices.csv")


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    """Run ``rnnlab ARGS`` in-process: (exit code, stdout, stderr)."""
    code = exit_code(*args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def cli(capsys):
    return lambda *args: run_cli(capsys, *args)


@pytest.fixture(scope="session")
def tiny(tmp_path_factory):
    """A small trained LSTM+GRU, its checkpoint, its ONNX export and its price file.

    Trained on one thread, set here explicitly: the weights are then the same whatever
    thread count the machine or ``OMP_NUM_THREADS`` gives torch (scores are computed on
    one thread anyway: rnnlab/training/threads.py)."""
    from rnnlab.training import checkpoint
    from rnnlab.training.data import load_split
    from rnnlab.training.export import export
    from rnnlab.training.presets import PRESETS
    from rnnlab.training.run import train_one
    from rnnlab.training.threads import single_thread

    folder = tmp_path_factory.mktemp("tiny")
    csv = write_prices(folder / "prices.csv", days=220)
    recipe = PRESETS["seed-lstm"].with_overrides(cells=("lstm", "gru"), units=8, window=10,
                                                 epochs=2, batch=16)
    split = load_split(str(csv), "High", (), "2015-08-01")
    with single_thread():
        run = train_one(split, recipe, preset="tiny", seed=0, device="cpu", progress=False)
    checkpoint.save(folder / "tiny.pt", run.model, run.card, recipe.to_dict())
    export(run.model, run.card, folder / "tiny.onnx")
    return {"csv": csv, "pt": folder / "tiny.pt", "onnx": folder / "tiny.onnx", "run": run,
            "split": split}


@pytest.fixture(scope="session")
def site_browser():
    """The site built once, served on 127.0.0.1, and a headless Chromium (tests/browser.py)."""
    from browser import SiteBrowser, build_site, require_browser

    require_browser()
    with SiteBrowser(build_site()) as browser:
        yield browser
