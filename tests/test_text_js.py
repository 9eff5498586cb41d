"""The page's text mode (tutorial/javascripts/live/noise.js and text.js) under Node's own
test runner (tests/js/text/*.test.js), against fixtures the Python side writes
(tests/text_fixtures.py): the noise of a seed and what the exported graph samples."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NODE = shutil.which("node")


@pytest.mark.slow  # Node's test runner over fixtures the Python side writes
@pytest.mark.skipif(NODE is None, reason="needs Node.js (18 or later) on PATH for `node --test`")
def test_text_mode_samples_what_python_samples(tmp_path: Path) -> None:
    pytest.importorskip("onnx", reason="the fixtures need onnx: pip install -e '.[dev]'")
    pytest.importorskip("torch", reason="the fixtures export a model: pip install -e '.[train]'")
    from text_fixtures import write_fixtures

    fixtures = write_fixtures(tmp_path)
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "js" / "text").glob(
        "*.test.js"))
    done = subprocess.run([NODE, "--test", *files], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "RNNLAB_TEXT_FIXTURES": str(fixtures)}, timeout=120)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    counts = dict(re.findall(r"^# (pass|fail|skipped) (\d+)$", done.stdout, re.MULTILINE))
    assert int(counts["pass"]) >= 9 and counts["fail"] == "0", counts
    if (ROOT / "node_modules" / "onnxruntime-web").is_dir():
        assert counts["skipped"] == "0", done.stdout[-4000:]
