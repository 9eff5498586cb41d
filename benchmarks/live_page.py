"""The live page (tutorial/try-it.md) in headless Chromium: page weight, time from page load
to the first forecasts, and 251-step generation in the browser.

    python -m benchmarks.live_page [--repeats R] [--save]

Builds the site (``mkdocs build``; run ``npm ci`` first), serves it on loopback and opens
the page in Debian's Chromium with every other request blocked. Weight: the bytes of each
file the page fetches, raw and gzipped. Cold start: R fresh browser contexts (empty
caches) each load the page; the page records ``performance.now()`` when its first
forecasts (the default model's 251 one-step forecasts of 2017) are on screen. Generation: in one
page, each model generates 251 trading days from 2017-01-03, R times per mode; the page
times the ``generate`` call (one ``session.run``, the prices, and the scores beside the
baselines, whose linear one is fit in the page on every day before the start). Text mode
(with ``exported/shakespeare-lstm.onnx`` in the build): page load to the first text (500
characters after "ROMEO:"), and 500 and 2,000 characters at batch 1, R times each. Medians.
``--save`` writes benchmarks/live_page.md, which the page includes.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the browser helper the page's tests use

from browser import SiteBrowser  # noqa: E402

from benchmarks.measure import machine  # noqa: E402
from rnnlab.runtime.shipped import SHIPPED, TEXT_SHIPPED  # noqa: E402

RESULTS = ROOT / "benchmarks" / "live_page.md"
PARTS = {  # what the page fetches, by kind: site-relative globs
    "onnxruntime-web wasm": ["vendor/onnxruntime-web/*.wasm"],
    "JavaScript (onnxruntime-web, uPlot, the page's modules) and CSS":
        ["vendor/onnxruntime-web/*.mjs", "vendor/uplot/*", "javascripts/live/*.js"],
    "data (IBM prices, noise draws, manifest)": ["live/*.json", "live/*.f64"],
    **{f"model {name} (fetched when first chosen)": [f"live/models/{file}"]
       for name, file in SHIPPED.items()},
    **{f"text model {name} (fetched on page load)": [f"live/models/{file}"]
       for name, file in TEXT_SHIPPED.items()},
}
TEXT_CHARS = (500, 2000)


def weight(site: Path) -> list[tuple[str, int, int]]:
    """(kind, bytes, gzipped bytes) per kind of file the page fetches."""
    rows = []
    for kind, globs in PARTS.items():
        files = [f for g in globs for f in sorted(site.glob(g))]
        raw = sum(f.stat().st_size for f in files)
        packed = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)
        rows.append((kind, raw, packed))
    return rows


def run(page, **fields) -> dict:
    """Fill the form, press Run, return the page's timings (ms)."""
    for name, value in fields.items():
        selector = f"#live-form [name={name}]"
        if name in ("model", "mode"):
            page.select_option(selector, value)
        else:
            page.fill(selector, str(value))
    page.eval_on_selector("#live-status", "s => { s.dataset.kind = ''; }")
    page.click("#live-form button[type=submit]")
    page.wait_for_selector("#live-status[data-kind=done]", timeout=120_000)
    return page.eval_on_selector("#live-timing", "t => ({...t.dataset})")


def write_text(page, chars: int) -> dict:
    """Write ``chars`` characters after the default prompt; the page's timings (ms)."""
    page.fill("#text-form [name=chars]", str(chars))
    page.eval_on_selector("#text-status", "s => { s.dataset.kind = ''; }")
    # the page's thread is busy while the graph runs (wasm on the main thread): long waits
    page.click("#text-form button[type=submit]", timeout=600_000)
    page.wait_for_selector("#text-status[data-kind=done]", timeout=600_000)
    return page.eval_on_selector("#text-timing", "t => ({...t.dataset})")


def measure_text(browser: SiteBrowser, repeats: int) -> dict:
    """The text mode: cold loads to the first text, then batch-1 runs of each length."""
    first, runs = [], {chars: [] for chars in TEXT_CHARS}
    for _ in range(repeats):
        with browser.visit("try-it/", width=1100) as visit:
            visit.page.wait_for_selector("#text-status[data-kind=done]", timeout=120_000)
            first.append(float(visit.page.get_attribute("#text-timing", "data-first-ms")))
    with browser.visit("try-it/", width=1100) as visit:
        visit.page.wait_for_selector("#text-status[data-kind=done]", timeout=120_000)
        for chars in TEXT_CHARS:
            runs[chars] = [float(write_text(visit.page, chars)["ms"]) for _ in range(repeats)]
    return {"first": first, "runs": runs}


def measure(site: Path, repeats: int) -> dict:
    cold, forecast, generate = [], {}, {}
    with SiteBrowser(site) as browser:
        text = measure_text(browser, repeats) if (site / "live" / "models" / next(
            iter(TEXT_SHIPPED.values()))).is_file() else None
        for _ in range(repeats):
            with browser.visit("try-it/") as visit:
                visit.page.wait_for_selector("#live-status[data-kind=done]", timeout=120_000)
                cold.append(float(visit.page.get_attribute("#live-timing", "data-first-ms")))
                version = visit.page.context.browser.version
        with browser.visit("try-it/") as visit:
            page = visit.page
            page.wait_for_selector("#live-status[data-kind=done]", timeout=120_000)
            for model in ("gru", "lstm", "ohlc-gru"):
                for mode in ("windowed", "stateful"):
                    times = [run(page, model=model, start="2017-01-03", steps=251, mode=mode,
                                 samples=0) for _ in range(repeats)]
                    forecast.setdefault(model, []).extend(float(t["forecastMs"]) for t in times)
                    if model != "ohlc-gru":
                        generate[model, mode] = [float(t["generateMs"]) for t in times]
    return {"chromium": version, "cold": cold, "forecast": forecast, "generate": generate,
            "text": text}


def report(site: Path, figures: dict, repeats: int) -> str:
    median = statistics.median
    host = machine()
    lines = [f"Chromium {figures['chromium']} (headless), onnxruntime-web wasm, one thread; "
             f"{host['cpu']} with {host['cores']} cores, load average "
             f"{host['load_average'][0]:.1f} while measuring; medians of {repeats}. "
             "Made by `python -m benchmarks.live_page --save`.", "",
             "| the page fetches | bytes | gzipped |", "|---|---|---|"]
    parts = weight(site)
    for kind, raw, packed in parts:
        lines.append(f"| {kind} | {raw / 1e6:.2f} MB | {packed / 1e6:.2f} MB |")
    lines.append(f"| all of it (every model) | {sum(r for _, r, _ in parts) / 1e6:.2f} MB "
                 f"| {sum(p for *_, p in parts) / 1e6:.2f} MB |")
    lines += ["", "| in the browser | ms |", "|---|---|",
              f"| page load to the first forecasts on screen (fresh cache, loopback server) "
              f"| {median(figures['cold']):.0f} |"]
    for model, times in figures["forecast"].items():
        lines.append(f"| {model}: 251 one-step forecasts, scored beside the baselines "
                     f"(their fit included) | {median(times):.0f} |")
    for (model, mode), times in figures["generate"].items():
        lines.append(f"| {model}: 251 steps, {mode}, scored likewise | {median(times):.0f} |")
    if figures["text"]:
        lines += ["", "| text mode (the shipped character model, batch 1) | ms | characters "
                  "per second |", "|---|---|---|",
                  "| page load to the first 500 characters on screen (one tab: its HTTP cache "
                  "kept between loads) | "
                  f"{median(figures['text']['first']):.0f} | |"]
        for chars, times in figures["text"]["runs"].items():
            lines.append(f"| {chars} characters after \"ROMEO:\" | {median(times):.0f} | "
                         f"{chars / median(times) * 1000:,.0f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.live_page", description=__doc__)
    parser.add_argument("--repeats", type=int, default=5, help="page loads and runs per row")
    parser.add_argument("--save", action="store_true", help=f"write {RESULTS.name}")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder)
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir",
                        str(site)], cwd=ROOT, check=True, capture_output=True)
        text = report(site, measure(site, args.repeats), args.repeats)
    print(text)
    if args.save:
        RESULTS.write_text(text)


if __name__ == "__main__":
    main()
