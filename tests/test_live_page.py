"""The "Try it in your browser" page, driven in headless Chromium with the network blocked
(loopback only): the numbers it shows equal what `rnnlab forecast` and `rnnlab generate`
print for the same choices (forecasts, and scores beside every baseline), to 0.001 USD,
for every shipped model; bad input gets a message in the page.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from browser import CHROMIUM
from helpers import IBM, SHARED, load_live_hook

ROOT = Path(__file__).resolve().parents[1]
TOLERANCE = 1e-3

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"needs Chromium at {CHROMIUM}: "
                       "apt-get install chromium"),
    pytest.mark.skipif(not (ROOT / "node_modules" / "onnxruntime-web").is_dir(),
                       reason="needs the site's JS assets: run `npm ci`"),
    pytest.mark.skipif(not IBM.is_file(), reason=f"needs {IBM.name}: put it in {SHARED}"),
    pytest.mark.slow,  # a built site in headless Chromium
]


@pytest.fixture(scope="module")
def page(site_browser):
    """The live page, loaded once and driven by every test of this module."""
    with site_browser.visit("try-it/") as visit:
        visit.page.wait_for_selector("#live-status[data-kind=done]", timeout=60_000)
        yield visit.page
    assert visit.problems() == []


def choose(page, **fields) -> None:
    """Fill the page's form (only the given fields), press Run, wait for the outcome."""
    for name, value in fields.items():
        selector = f"#live-form [name={name}]"
        if name in ("model", "mode"):
            page.select_option(selector, str(value))
        else:
            page.fill(selector, str(value))
    page.eval_on_selector("#live-status", "status => { status.dataset.kind = ''; }")
    page.click("#live-form button[type=submit]")
    page.wait_for_selector("#live-status[data-kind=done], #live-status[data-kind=error]",
                           timeout=60_000)


def rows(page, table_id: str) -> list[list[str]]:
    return page.eval_on_selector_all(
        f"#{table_id} tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))")


def scores_shown(page, table_id: str) -> dict[str, list[float]]:
    return {name: [float(v) for v in values] for name, *values in rows(page, table_id)}


def assert_scores(shown: dict, printed: dict) -> None:
    """The page's rows equal the CLI's, in its order: the model, linear, close-anchored
    (where the model reads Close), persistence and flat."""
    assert list(shown) == list(printed)
    assert {"linear", "persistence", "flat"} < set(shown)
    for name, values in shown.items():
        expected = [printed[name][k] for k in ("rmse", "mae", "mape")]
        assert values == pytest.approx(expected, abs=TOLERANCE), name


def run_cli(cli, *args) -> str:
    code, text, err = cli(*args)
    assert code == 0, err
    return text


def check_forecast(page, cli, model: str, tmp_path: Path) -> None:
    table = rows(page, "live-forecast-table")
    start, end = table[0][0], table[-1][0]
    out = tmp_path / "forecast.csv"
    printed = json.loads(run_cli(cli, "forecast", model, "--csv", IBM, "--start", start,
                                 "--end", end, "--json", "--out", out))
    assert page.text_content("#live-forecast-command") == (
        f"rnnlab forecast {model} --csv ../shared/data/{IBM.name} --start {start} --end {end}")
    assert_scores(scores_shown(page, "live-forecast-scores"), printed["scores"])
    with out.open() as handle:
        written = list(csv.reader(handle))[1:-1]  # the last row is the next trading day's
    assert [r[0] for r in table] == [r[0] for r in written]
    shown = [float(v) for r in table for v in r[1:]]
    assert shown == pytest.approx([float(v) for r in written for v in r[1:]], abs=TOLERANCE)


CASES = [  # model, start, trading days, mode, sampled paths
    ("gru", "2017-03-01", 60, "windowed", 0),
    ("lstm", "2017-11-20", 40, "stateful", 20),  # runs past the data's last day
    ("ohlc-gru", "2017-07-20", 30, "windowed", 0),  # 2017-07-31 has no Open/Low
]


@pytest.mark.parametrize(("model", "start", "steps", "mode", "samples"), CASES)
def test_page_prints_what_the_cli_prints(page, cli, tmp_path, model, start, steps, mode,
                                         samples):
    choose(page, model=model, start=start, steps=steps, mode=mode, samples=samples)
    assert page.get_attribute("#live-status", "data-kind") == "done"
    check_forecast(page, cli, model, tmp_path)
    if model == "ohlc-gru":
        assert "forecasts one step only" in page.text_content("#live-generate-numbers")
        return
    args = ["generate", model, "--csv", IBM, "--start", start, "--steps", steps, "--mode", mode,
            "--samples", samples]
    if samples:
        args += ["--seed", 0]
    printed = json.loads(run_cli(cli, *args, "--json"))
    shown_args = [f"../shared/data/{IBM.name}" if a == IBM else str(a) for a in args]
    assert page.text_content("#live-generate-command") == "rnnlab " + " ".join(shown_args)
    # the page scores the model's paths as a distribution (the CLI's generating baselines
    # resample with numpy's generator: the CLI's alone)
    name = "model" if samples else "mean-forecast path"
    [(shown_name, *cells)] = rows(page, "live-generate-scores")
    assert shown_name == name
    keys = ("crps", "cover50", "cover90", "pinball", "rmse")
    values = [float(v.rstrip(" %")) / (100 if v.endswith("%") else 1) for v in cells]
    assert values == pytest.approx([printed["scores"][name][k] for k in keys], abs=0.01)
    table = rows(page, "live-generate-table")
    assert [r[0] for r in table] == printed["dates"]
    columns = ["generated"] if not samples else ["generated", "p05", "p95"]
    for c, name in enumerate(columns):
        shown = [float(r[2 + c]) for r in table]
        assert shown == pytest.approx(printed[name], abs=TOLERANCE), name
    real = [r[1] for r in table]
    assert real[-1] == "" if start > "2017-11" else real[-1] != ""


@pytest.mark.parametrize(("field", "value", "message"), [
    ("start", "2018-03-01", "outside the test data: pick a day from 2017-01-03 to 2017-12-29"),
    ("start", "2017-02-30", "is not a date"),
    ("steps", "0", "Steps '0' is out of range"),
    ("steps", "252", "Steps '252' is out of range"),
    ("samples", "201", "Sampled paths '201' is out of range"),
])
def test_bad_input_says_what_to_fix(page, field, value, message):
    choose(page, **{field: value})
    assert page.get_attribute("#live-status", "data-kind") == "error"
    assert message in page.text_content("#live-status")
    assert page.is_hidden("#live-results")


def test_a_build_without_assets_or_data_says_what_is_missing(site_browser, tmp_path,
                                                              monkeypatch):
    hook = load_live_hook()
    monkeypatch.setattr(hook, "IBM", tmp_path / IBM.name)
    hook.on_post_build({"site_dir": str(tmp_path)})  # the hook's files without the data
    manifest = (tmp_path / "live" / "manifest.json").read_text()
    # A size of its own: its own tab, so the routes below reach no other test's visit.
    with site_browser.visit("try-it/", width=1024) as visit:
        page = visit.page
        # the same site as the build without `npm ci` or the price file serves it
        page.route("**/vendor/**", lambda route: route.fulfill(status=404))
        page.reload()
        page.wait_for_selector("#live-status[data-kind=error]", timeout=60_000)
        assert page.text_content("#live-status") == (
            "This build has no onnxruntime-web or uPlot files: run `npm ci`, then `mkdocs "
            "build` (see the README).")
        page.unroute("**/vendor/**")
        page.route("**/live/manifest.json", lambda route: route.fulfill(
            status=200, content_type="application/json", body=manifest))
        page.reload()
        page.wait_for_selector("#live-status[data-kind=error]", timeout=60_000)
        assert page.text_content("#live-status") == (
            f"The site was built without IBM's prices: put {IBM.name} in ../shared/data "
            "(beside the repository), then run `mkdocs build` again.")
        assert page.is_hidden("#live-form")
