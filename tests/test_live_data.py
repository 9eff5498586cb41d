"""The docs hook behind the live page (tutorial/hooks/live.py): the files it writes into
the site, with and without the IBM prices."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from helpers import IBM, SHARED, load_live_hook

from rnnlab.runtime.prices.table import read_csv
from rnnlab.runtime.shipped import DEFAULT, SHIPPED


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """What the hook writes into a site's ``live/`` with the IBM prices: the folder and its
    manifest."""
    if not IBM.is_file():
        pytest.skip(f"needs {IBM.name}: put it in {SHARED} (the shared data folder beside "
                    "the checkout)")
    hook = load_live_hook()
    site = tmp_path_factory.mktemp("site")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hook, "IBM", IBM)
        hook.on_post_build({"site_dir": str(site)})
    folder = site / "live"
    return folder, json.loads((folder / "manifest.json").read_text())


def ibm_days(live) -> dict:
    folder, manifest = live
    return json.loads((folder / manifest["data"]).read_text())


def test_the_manifest_names_the_prices_and_the_default_model(live):
    _, manifest = live
    assert manifest["data"] == "ibm.json" and manifest["default"] == DEFAULT


def test_the_models_are_the_shipped_files(live):
    folder, manifest = live
    assert {name: (folder / f).read_bytes() for name, f in manifest["models"].items()} == {
        name: (Path(__file__).resolve().parents[1] / "exported" / file).read_bytes()
        for name, file in SHIPPED.items()}


def test_the_test_year_is_2017(live):
    days = ibm_days(live)
    assert (days["test_first"], days["test_last"]) == ("2017-01-03", "2017-12-29")


def test_prices_cover_every_day_of_the_file(live):
    # every day of the file: the linear baseline is fit on all days before the forecast
    days, high = ibm_days(live), read_csv(IBM, ("High",))
    assert days["dates"] == high.dates.astype(str).tolist()
    assert days["columns"]["High"] == high.values[:, 0].tolist()


def test_an_empty_cell_is_null_beside_the_days_other_prices(live):
    days = ibm_days(live)
    july31 = days["dates"].index("2017-07-31")
    assert days["columns"]["Open"][july31] is None and days["columns"]["High"][july31] == 144.93


def test_the_normals_fill_the_page_s_limits(live):
    folder, manifest = live
    normals = np.fromfile(folder / manifest["normals"], dtype="<f8")
    assert manifest["limits"] == {"steps": 251, "samples": 200}
    assert normals.size == 251 * 200


def test_the_normals_are_the_draws_of_generate_seed_0(live):
    folder, manifest = live
    normals = np.fromfile(folder / manifest["normals"], dtype="<f8")
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
