"""The try-it page's text mode in headless Chromium with the network blocked (loopback
only), on a tiny exported model: the text it writes for a prompt, temperature, seed and
length is what `rnnlab generate MODEL --prompt P --temperature T --chars N --seed S`
prints; hovering a character shows the runtime's top five, the drawn one highlighted; a
prompt character outside the vocabulary gets a message in the page.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from browser import CHROMIUM
from helpers import load_live_hook

import rnnlab

ROOT = Path(__file__).resolve().parents[1]

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"needs Chromium at {CHROMIUM}: "
                       "apt-get install chromium"),
    pytest.mark.skipif(not (ROOT / "node_modules" / "onnxruntime-web").is_dir(),
                       reason="needs the site's JS assets: run `npm ci`"),
    pytest.mark.slow,  # a built site in headless Chromium
]


@pytest.fixture(scope="module")
def text_page(site_browser, tmp_path_factory):
    """The page with its manifest naming a tiny text model copied into the built site."""
    pytest.importorskip("torch", reason="the tiny model is exported: pip install -e '.[train]'")
    from text_fixtures import tiny_text_model

    model = tiny_text_model(tmp_path_factory.mktemp("text") / "tiny-lstm.onnx")
    live = site_browser.site / "live"
    shutil.copy2(model, live / "models" / model.name)
    manifest = json.loads((live / "manifest.json").read_text())
    manifest["text"] = {"models": {"tiny": f"models/{model.name}"}, "default": "tiny",
                        "limits": load_live_hook().TEXT_LIMITS}
    # A size of its own: its own tab, so the route below reaches no other test's visit.
    settled = ", ".join(f"#{part}-status[data-kind={kind}]" for part in ("text", "live")
                        for kind in ("done", "error"))
    with site_browser.visit("try-it/", width=1100) as visit:
        # the first load settles (nothing in flight), then the manifest names the tiny model
        visit.page.wait_for_function(f"document.querySelectorAll('{settled}').length == 2",
                                     timeout=120_000)
        visit.page.route("**/live/manifest.json", lambda route: route.fulfill(
            status=200, content_type="application/json", body=json.dumps(manifest)))
        visit.page.reload()
        visit.page.wait_for_selector("#text-status[data-kind=done]", timeout=60_000)
        yield visit.page, model
    assert visit.problems() == []


def write(page, **fields) -> None:
    """Fill the text form (only the given fields), press Write, wait for the outcome."""
    for name, value in fields.items():
        page.fill(f"#text-form [name={name}]", str(value))
    page.eval_on_selector("#text-status", "status => { status.dataset.kind = ''; }")
    page.click("#text-form button[type=submit]")
    page.wait_for_selector("#text-status[data-kind=done], #text-status[data-kind=error]",
                           timeout=60_000)


def shown(page) -> str:
    return page.eval_on_selector_all("#text-output span[data-n]",
                                     "spans => spans.map(s => s.textContent).join('')")


@pytest.mark.parametrize(("prompt", "temperature", "seed", "chars"), [
    ("ROMEO:", 0.8, 0, 120), ("But soft", 0.5, 7, 60), ("J", 1.3, 2**32 - 1, 300)])
def test_page_writes_what_the_cli_prints(text_page, cli, prompt, temperature, seed, chars):
    page, model = text_page
    write(page, prompt=prompt, temperature=temperature, seed=seed, chars=chars)
    assert page.get_attribute("#text-status", "data-kind") == "done"
    code, out, err = cli("generate", model, "--prompt", prompt, "--temperature", temperature,
                         "--chars", chars, "--seed", seed, "--json")
    assert code == 0, err
    assert shown(page) == json.loads(out)["text"]
    assert page.text_content("#text-output .text-prompt") == prompt
    assert page.text_content("#text-command") == (
        f"rnnlab generate tiny --prompt '{prompt}' --chars {chars} "
        f"--temperature {temperature} --seed {seed}")


def test_hover_shows_the_top_five_with_the_drawn_one_marked(text_page):
    page, model = text_page
    write(page, prompt="ROMEO:", temperature=1.0, seed=3, chars=40)
    runtime = rnnlab.load(model)
    sample = runtime.generate(prompt="ROMEO:", chars=40, temperature=1.0, seed=3)
    vocab = runtime.card.vocab
    for n in (0, 17, 39):
        page.hover(f"#text-output span[data-n='{n}']")
        rows = page.eval_on_selector_all(
            "#text-top tbody tr", "rows => rows.map(r => [r.className, r.cells[0].textContent,"
            " r.cells[1].textContent])")
        probs = sample.probs[0, n]
        best = sorted(range(len(vocab)), key=lambda i: (-probs[i], i))[:5]
        drawn = int(sample.ids[0, n])
        expected = best + ([drawn] if drawn not in best else [])
        chars = [r[1][0] for r in rows]  # the character (newline and space by name)
        assert len(rows) == len(expected)
        for row, i, ch in zip(rows, expected, chars):
            assert ch == {"\n": "\u21b5", " ": "\u2423"}.get(vocab[i], vocab[i])
            assert float(row[2].removesuffix(" %")) == pytest.approx(100 * probs[i], abs=0.051)
            assert (row[0] == "chosen") == (i == drawn)


@pytest.mark.parametrize(("fields", "message"), [
    ({"prompt": "ROMEO: Zebra"}, "1 character(s) the model never saw: \"Z\""),
    ({"prompt": ""}, "the prompt is empty"),
    ({"chars": "0"}, "Characters '0' is out of range"),
    ({"temperature": "0"}, "Temperature '0' is out of range"),
    ({"seed": "-1"}, "Seed '-1' is out of range"),
])
def test_bad_input_says_what_to_fix(text_page, fields, message):
    page, _ = text_page
    write(page, **{"prompt": "ROMEO:", "chars": 50, "temperature": 0.8, "seed": 0, **fields})
    assert page.get_attribute("#text-status", "data-kind") == "error"
    assert message in page.text_content("#text-status")
