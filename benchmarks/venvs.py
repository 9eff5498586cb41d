"""Install size (g): a runtime-only venv against a training venv, as the README installs them.

    runtime:  python -m venv V && V/bin/pip install REPO
    training: python -m venv V && V/bin/pip install torch==2.13.0 && V/bin/pip install 'REPO[train]'

Both are built in a temporary folder and measured with ``du``; a failure (no
index, no network) becomes a note instead of an error.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.rows import Row
from benchmarks.settings import REPO, Settings
from benchmarks.targets import TRAINING_VENV, VENV, target

TORCH_PIN = "torch==2.13.0"
INSTALLS = {
    "runtime": [[str(REPO)]],
    "training": [[TORCH_PIN], [f"{REPO}[train]"]],
}


def build(folder: Path, installs: list[list[str]]) -> float:
    """Create a venv in ``folder``, run each pip install, return its size on disk in MiB."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, capture_output=True)
    for packages in installs:
        subprocess.run([str(folder / "bin" / "pip"), "install", "--quiet", *packages],
                       check=True, capture_output=True, text=True, timeout=1800)
    du = subprocess.run(["du", "-sk", str(folder)], check=True, capture_output=True, text=True)
    return int(du.stdout.split()[0]) / 1024


def rows(settings: Settings) -> list[Row]:
    """One row: the runtime venv beside the training venv (ratio: training / runtime)."""
    goal = target(VENV, TRAINING_VENV, "*")
    if not settings.build_venvs:
        return [Row("install size", VENV, "-", TRAINING_VENV, "MiB", target=goal,
                    note="skipped (--quick)")]
    try:
        with tempfile.TemporaryDirectory(prefix="rnnlab-venvs-") as temp:
            sizes = {name: build(Path(temp) / name, steps) for name, steps in INSTALLS.items()}
    except (subprocess.SubprocessError, OSError) as error:
        lines = (getattr(error, "stderr", "") or str(error)).strip().splitlines()
        return [Row("install size", VENV, "-", TRAINING_VENV, "MiB", target=goal,
                    note=f"skipped: {(lines or [type(error).__name__])[-1][:200]}")]
    ours, theirs = sizes["runtime"], sizes["training"]
    return [Row("install size", VENV, "-", TRAINING_VENV, "MiB", ours, theirs, theirs / ours,
                goal, note="`du -sk` of each venv; runtime = `pip install .` (numpy, "
                "onnxruntime, typer)")]
