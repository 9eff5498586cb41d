"""The shipped forecasters: loadable, documented, and packed into the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from rnnlab.runtime.model import load
from rnnlab.runtime.prices import sha256_of
from rnnlab.runtime.shipped import DEFAULT, SHIPPED, shipped_path

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", list(SHIPPED))
def test_shipped_models_are_the_seed_presets(name):
    path = shipped_path(name)
    assert path.stat().st_size < 1_000_000
    card = load(path).card
    assert (card.preset, card.seed, card.target) == (f"seed-{name}", 0, "High")
    assert (card.train_start, card.train_end) == ("2006-01-03", "2016-12-30")
    one_step = card.metrics["one_step"]
    assert one_step["persistence"]["rmse"] == pytest.approx(1.539, abs=1e-3)
    assert one_step["flat"]["rmse"] == pytest.approx(14.657, abs=1e-3)
    assert card.residual_sd > 0
    assert f"`{path.name}`" in (ROOT / "exported" / "MODEL_CARD.md").read_text()


def test_shipped_models_were_trained_on_the_shared_file(ibm_csv):
    for name in SHIPPED:
        assert load(shipped_path(name)).card.data_sha256 == sha256_of(ibm_csv)


def test_default_model_generates_without_a_csv():
    model = load()
    assert model.path == shipped_path(DEFAULT)
    generated = model.generate(251)
    assert str(generated.dates[0]) == "2017-01-02" and generated.values.shape == (1, 251)


def test_wheel_carries_the_shipped_models(tmp_path):
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
               "-w", str(tmp_path), str(ROOT)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0 and "hatchling" in done.stderr:
        pytest.skip("building a wheel needs hatchling: pip install hatchling")
    assert done.returncode == 0, done.stderr
    wheel = next(tmp_path.glob("rnnlab-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for file in SHIPPED.values():
        assert f"rnnlab/exported/{file}" in names
