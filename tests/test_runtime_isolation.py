"""The runtime works where torch, onnx, pandas and matplotlib cannot even be imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BLOCKER = '''
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"torch", "onnx", "pandas", "matplotlib"}:
            raise ModuleNotFoundError(f"blocked in this test: {name}", name=name)
sys.meta_path.insert(0, Block())
'''


def run_blocked(tmp_path: Path, *args: str,
                code: str = "from rnnlab.cli import main; main()") -> subprocess.CompletedProcess:
    """Run ``python -c code args`` where torch, onnx, pandas and matplotlib cannot import."""
    (tmp_path / "sitecustomize.py").write_text(BLOCKER)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), *sys.path])}
    return subprocess.run([sys.executable, "-c", code, *args],
                          capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)


@pytest.mark.slow  # every runtime command in a child interpreter
def test_runtime_cli_without_training_packages(tiny, tmp_path):
    done = run_blocked(tmp_path, "forecast", str(tiny["onnx"]), "--csv", str(tiny["csv"]),
                       "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["scores"]["persistence"]["rmse"] > 0
    done = run_blocked(tmp_path, "generate", str(tiny["onnx"]), "--steps", "5", "--json")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["generated"]) == 5
    done = run_blocked(tmp_path, "info", str(tiny["onnx"]))
    assert done.returncode == 0 and "LSTM+GRU(8)" in done.stdout


def test_plot_without_matplotlib_is_one_line(tiny, tmp_path):
    done = run_blocked(tmp_path, "generate", str(tiny["onnx"]), "--steps", "5",
                       "--plot", str(tmp_path / "p.png"))
    assert done.returncode == 2
    assert done.stderr.strip() == "error: --plot needs matplotlib: pip install 'rnnlab[plot]'"
    assert not (tmp_path / "p.png").exists()


def test_training_commands_say_what_to_install(tmp_path):
    done = run_blocked(tmp_path, "train", "--csv", "x.csv")
    assert done.returncode == 2
    assert "pip install 'rnnlab[train]'" in done.stderr and "Traceback" not in done.stderr


def test_importing_the_runtime_loads_no_training_package(tmp_path):
    code = ("import sys, rnnlab, rnnlab.runtime.forecaster, rnnlab.cli; "
            "rnnlab.load, rnnlab.read_prices, rnnlab.Forecast, rnnlab.Generated; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'torch', 'onnx', 'pandas', 'matplotlib'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr


API_WITHOUT_TRAINING = """
import sys
import rnnlab

forecast = rnnlab.load(sys.argv[1]).forecast(rnnlab.read_prices(sys.argv[2]))
print(forecast.scores["persistence"]["rmse"] > 0)
for name, call in [("train", lambda: rnnlab.train(sys.argv[2])),
                   ("to_frame", forecast.to_frame)]:
    try:
        call()
    except rnnlab.RnnlabError as error:
        print(error)
"""


def test_public_api_without_training_packages(tiny, tmp_path):
    done = run_blocked(tmp_path, str(tiny["onnx"]), str(tiny["csv"]), code=API_WITHOUT_TRAINING)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "True",
        "rnnlab.train needs torch: pip install 'rnnlab[train]'",
        "to_frame() needs pandas: pip install 'rnnlab[pandas]'",
    ]


def test_import_rnnlab_imports_neither_side():
    code = ("import sys, rnnlab; rnnlab.RnnlabError; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & "
            "{'torch', 'onnx', 'onnxruntime', 'numpy', 'pandas'}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stderr
