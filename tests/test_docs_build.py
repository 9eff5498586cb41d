"""The tutorial site builds with ``mkdocs build --strict``: no broken links, no missing pages."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

import rnnlab

ROOT = Path(__file__).resolve().parents[1]


def test_site_builds_strict(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs", reason="mkdocs is not installed: pip install -e '.[docs]'")
    pytest.importorskip("material", reason="mkdocs-material is not installed: "
                                           "pip install -e '.[docs]'")
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
         str(ROOT / "mkdocs.yml"), "--site-dir", str(site)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (site / "index.html").is_file()
    for chapter in ("01-rnn", "02-vanishing-gradients", "03-lstm", "04-gru"):
        html = (site / chapter / "index.html").read_text(encoding="utf-8")
        assert 'class="arithmatex"' in html, f"{chapter} has no rendered math"
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    documented = set(re.findall(r'id="rnnlab\.(\w+)"', api))
    assert documented == set(rnnlab.__all__) - {"__version__"}, "the API page's entries"
    assert not (site / "conftest.py").exists()
    assert not (site / "make_figures.py").exists()
