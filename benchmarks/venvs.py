"""Virtual environments the harness builds: the install-size pair and the Keras peer's venv.

    runtime:  python -m venv V && V/bin/pip install REPO
    training: python -m venv V && V/bin/pip install torch==2.13.0 && V/bin/pip install 'REPO[train]'
    keras:    python -m venv V && V/bin/pip install tensorflow-cpu==2.21.0   (cached)

The Keras venv is kept under ``$RNNLAB_BENCH_CACHE`` (default ``~/.cache/rnnlab-bench``),
named by a hash of what it installs, so later runs reuse it; a ``complete`` marker,
written last, tells a finished venv from an interrupted build. Its Python runs the
repository's own code (``PYTHONPATH``), so it needs nothing of rnnlab's installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TORCH_PIN = "torch==2.13.0"
KERAS_PIN = "tensorflow-cpu==2.21.0"
INSTALLS = {"runtime": [[str(REPO)]], "training": [[TORCH_PIN], [f"{REPO}[train]"]]}
KERAS_INSTALL = [[KERAS_PIN]]
CACHE = Path(os.environ.get("RNNLAB_BENCH_CACHE", Path.home() / ".cache" / "rnnlab-bench"))


def build(folder: Path, installs: list[list[str]]) -> float:
    """Create a venv in ``folder``, run each pip install, return its size on disk in MiB."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, capture_output=True)
    for packages in installs:
        subprocess.run([str(folder / "bin" / "pip"), "install", "--quiet", *packages],
                       check=True, capture_output=True, text=True, timeout=1800)
    du = subprocess.run(["du", "-sk", str(folder)], check=True, capture_output=True, text=True)
    return int(du.stdout.split()[0]) / 1024


def cached_python(installs: list[list[str]], say=print) -> Path:
    """The Python of a cached venv with ``installs``, built first if it is missing."""
    key = hashlib.sha256(repr((sys.version_info[:2], installs)).encode()).hexdigest()[:10]
    folder = CACHE / f"venv-{key}"
    if not (folder / "complete").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        folder.parent.mkdir(parents=True, exist_ok=True)
        say(f"building {folder} ({installs}); minutes, once")
        build(folder, installs)
        (folder / "complete").write_text(repr(installs) + "\n")
    return folder / "bin" / "python"


def failure(error: Exception) -> str:
    """The last line a failed build printed, for a row's note."""
    lines = (getattr(error, "stderr", "") or str(error)).strip().splitlines()
    return (lines or [type(error).__name__])[-1][:200]


if __name__ == "__main__":
    print(cached_python(KERAS_INSTALL))
