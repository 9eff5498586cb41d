"""The docs hook behind the live page (tutorial/hooks/live.py): the files it writes into
the site, with and without the IBM prices."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from helpers import load_live_hook

from rnnlab.runtime.prices.table import read_csv
from rnnlab.runtime.shipped import DEFAULT, SHIPPED


def test_prices_cover_every_day_of_the_file_and_the_test_year(ibm_csv, tmp_path, monkeypatch):
    hook = load_live_hook()
    monkeypatch.setattr(hook, "IBM", ibm_csv)
    hook.on_post_build({"site_dir": str(tmp_path)})
    live = tmp_path / "live"
    manifest = json.loads((live / "manifest.json").read_text())
    assert manifest["data"] == "ibm.json" and manifest["default"] == DEFAULT
    assert {name: (live / f).read_bytes() for name, f in manifest["models"].items()} == {
        name: (Path(__file__).resolve().parents[1] / "exported" / file).read_bytes()
        for name, file in SHIPPED.items()}
    days = json.loads((live / "ibm.json").read_text())
    assert (days["test_first"], days["test_last"]) == ("2017-01-03", "2017-12-29")
    # every day of the file: the linear baseline is fit on all days before the forecast
    high = read_csv(ibm_csv, ("High",))
    assert days["dates"] == high.dates.astype(str).tolist()
    assert days["columns"]["High"] == high.values[:, 0].tolist()
    july31 = days["dates"].index("2017-07-31")
    assert days["columns"]["Open"][july31] is None and days["columns"]["High"][july31] == 144.93
    normals = np.fromfile(live / manifest["normals"], dtype="<f8")
    limits = manifest["limits"]
    assert limits == {"steps": 251, "samples": 200}
    assert normals.size == limits["steps"] * limits["samples"]
    # the draws behind `rnnlab generate --samples N --seed 0`, in numpy's (steps, paths) order
    np.testing.assert_array_equal(
        0.3 * normals[:40 * 20].reshape(40, 20),
        np.random.default_rng(0).normal(0.0, 0.3, (40, 20)))


def test_without_the_price_file_the_manifest_says_what_is_missing(tmp_path, monkeypatch):
    hook = load_live_hook()
    monkeypatch.setattr(hook, "IBM", tmp_path / "absent" / "IBM_2006-01-01_to_2018-01-01.csv")
    hook.on_post_build({"site_dir": str(tmp_path)})
    manifest = json.loads((tmp_path / "live" / "manifest.json").read_text())
    assert manifest["data"] is None and not (tmp_path / "live" / "ibm.json").exists()
    assert manifest["data_missing"].startswith(
        "The site was built without IBM's prices: put IBM_2006-01-01_to_2018-01-01.csv in")
