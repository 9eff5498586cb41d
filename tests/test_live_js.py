"""The page's JavaScript modules under Node's own test runner (tests/js/*.test.js), against
fixtures the Python runtime writes (tests/live_fixtures.py): the card reader, the encoder,
the trading-day and metric logic, the checks of the reader's choices, and forecasts and
generated paths on onnxruntime-web against what the CLI prints."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from live_fixtures import write_fixtures

ROOT = Path(__file__).resolve().parents[1]
NODE = shutil.which("node")


@pytest.mark.slow  # Node's test runner over fixtures the Python runtime writes
@pytest.mark.skipif(NODE is None, reason="needs Node.js (18 or later) on PATH for `node --test`")
def test_javascript_modules_agree_with_the_python_runtime(tmp_path: Path) -> None:
    pytest.importorskip("onnx", reason="the fixtures need onnx: pip install -e '.[dev]'")
    fixtures = write_fixtures(tmp_path)
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "js").glob("*.test.js"))
    done = subprocess.run([NODE, "--test", *files], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "RNNLAB_LIVE_FIXTURES": str(fixtures)}, timeout=120)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    counts = dict(re.findall(r"^# (pass|fail|skipped) (\d+)$", done.stdout, re.MULTILINE))
    assert int(counts["pass"]) >= 20 and counts["fail"] == "0", counts
    # Without `npm ci` only the forecaster's tests (they need onnxruntime-web) skip.
    if (ROOT / "node_modules" / "onnxruntime-web").is_dir():
        assert counts["skipped"] == "0", done.stdout[-4000:]
