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

    python -m benchmarks.live_page --int8 [--repeats 5] [--val-chars 20000]

measures every shipped file against its int8 twin in the page's onnxruntime-web instead
(:func:`int8_main`) and writes benchmarks/int8_browser.{md,json}, which chapter 7 includes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the browser helper the page's tests use

from browser import SiteBrowser  # noqa: E402
from int8_page import make_page  # noqa: E402

from benchmarks.measure import machine  # noqa: E402
from rnnlab.runtime.files import write_text as write_file  # noqa: E402
from rnnlab.runtime.forecaster import load  # noqa: E402
from rnnlab.runtime.shipped import SHIPPED, TEXT_SHIPPED  # noqa: E402
from rnnlab.runtime.text.card import TextCard  # noqa: E402
from rnnlab.runtime.text.corpus import read_text, split  # noqa: E402
from rnnlab.training.export import export_file  # noqa: E402

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


DATA = ROOT.parent / "shared" / "data"
INT8_OUT = ROOT / "benchmarks" / "int8_browser"
WINDOWS, STEPS, PATHS, CHARS = 251, 251, 200, 500


def int8_row(page, name: str, files: dict, pairs: int, val_chars: int) -> dict:
    """One shipped file against its int8 twin in the bare page (see :func:`int8_main`)."""
    f32, i8 = f"float32-{name}", f"int8-{name}"
    python = load(files[i8])
    row = {"bytes": {"float32": files[f32].stat().st_size, "int8": files[i8].stat().st_size}}

    def timed(kind: str, *args) -> dict:
        out = page.evaluate("([jobs, pairs]) => window.int8.timed(jobs, pairs)",
                            [[[kind, f32, *args], [kind, i8, *args]], pairs])
        return {"float32": out["ms"][0], "int8": out["ms"][1],
                "speedup": float(np.median(out["ratios"]))}

    if isinstance(python.card, TextCard):
        val = split(read_text(DATA / python.card.data_file))[1][:val_chars]
        ids = python.vocab.encode(val).tolist()
        row["nats"] = {side: page.evaluate("([n, ids]) => window.int8.nats(n, ids)", [n, ids])
                       for side, n in (("float32", f32), ("int8", i8))}
        row["scored_chars"] = len(ids) - 1
        row["generation"] = timed("generate", "\n", CHARS, 1.0, 0)
    else:
        window = python.encoder.window * python.arch.features
        x = np.random.default_rng(0).random((WINDOWS, window), dtype=np.float32)
        y = page.evaluate("([n, x, b]) => window.int8.predict(n, x, b)",
                          [i8, x.ravel().tolist(), WINDOWS])
        row["browser_vs_python_max"] = float(np.abs(np.array(y) - python.predict(
            x.reshape(WINDOWS, python.encoder.window, -1))).max())
        row["one_step"] = timed("predict", x.ravel().tolist(), WINDOWS)
        if python.arch.features == 1 and not python.arch.skip:
            row["generation"] = timed("paths", x[0].tolist(), PATHS, STEPS)
    loads = [{side: page.evaluate("(n) => window.int8.loadMs(n)", n)
              for side, n in (("float32", f32), ("int8", i8))} for _ in range(pairs)]
    row["load_ms"] = {side: float(np.median([t[side] for t in loads])) for side in loads[0]}
    return row


def _cell(r: dict | None) -> str:
    return "| - | - | - " if r is None else (
        f"| {r['float32']:.1f} | {r['int8']:.1f} | {r['speedup']:.2f}x ")


def int8_markdown(result: dict) -> str:
    lines = ["| file | session f32 ms | int8 ms | one step f32 ms | int8 ms | speedup "
             "| generation f32 ms | int8 ms | speedup | int8 against Python |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for name, r in result["rows"].items():
        if "nats" in r:
            check = (f"nats/char on {r['scored_chars'] + 1:,} validation characters: "
                     f"{r['nats']['float32']:.4f} float32, {r['nats']['int8']:.4f} int8")
        else:
            check = f"predictions within {r['browser_vs_python_max']:.1e} (scaled)"
        lines.append(f"| `{name}` | {r['load_ms']['float32']:.0f} | {r['load_ms']['int8']:.0f} "
                     f"{_cell(r.get('one_step'))}{_cell(r.get('generation'))}| {check} |")
    lines += ["", f"onnxruntime-web {result['ort_web']} (wasm, one thread) in headless "
              f"Chromium. One step: {WINDOWS} windows in one call; generation: {STEPS} "
              f"stateful steps of {PATHS} paths, or {CHARS} characters (batch 1). Median of "
              f"{result['pairs']} alternating pairs; speedup = float32 time / int8 time.", "",
              f"Written by `{result['command']}`; load average {result['load_before']} before "
              f"and {result['load_after']} after (`cat /proc/loadavg`); "
              f"{result['seconds']:.0f} s. {result['conditions']}"]
    return "\n".join(lines) + "\n"


def int8_main(pairs: int, val_chars: int, command: str) -> None:
    """int8 against float32 in the browser, for every file in exported/: each file and its
    int8 twin (``rnnlab export FILE --int8``) served to a bare page (tests/int8_page.py)
    that opens them with the live page's own ``TextModel`` and ``Forecaster``. Per model:
    the session's creation time and alternating float32 / int8 calls (``pairs`` pairs,
    medians): a price model's one-step forecasts of 251 windows and 251 stateful steps of
    200 paths; the text model's 500 characters (batch 1) and its nats/char on the first
    ``val_chars`` validation characters. A price model's int8 predictions are compared with
    onnxruntime's in Python on the same file. Writes benchmarks/int8_browser.{md,json}."""
    loadavg = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    started, rows = time.perf_counter(), {}
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for path in sorted((ROOT / "exported").glob("*.onnx")):
            files[f"float32-{path.name}"] = path
            files[f"int8-{path.name}"] = Path(folder) / f"int8-{path.name}"
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # the GRU note: benchmarks/int8.md has it
                export_file(path, files[f"int8-{path.name}"], int8=True)
        with SiteBrowser(make_page(Path(folder) / "site", files)) as browser, \
                browser.visit("index.html") as visit:
            visit.page.wait_for_function("window.int8 && window.int8.ready", timeout=60_000)
            for path in sorted((ROOT / "exported").glob("*.onnx")):
                rows[path.name] = int8_row(visit.page, path.name, files, pairs, val_chars)
                print(f"{path.name}: done", file=sys.stderr, flush=True)
            problems = visit.problems()
    package = json.loads((ROOT / "node_modules" / "onnxruntime-web" / "package.json")
                         .read_text())
    after = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    busy = float(loadavg.split()[0]) > 0.5
    result = {"command": command, "pairs": pairs, "rows": rows, "ort_web": package["version"],
              "problems": problems, "load_before": loadavg, "load_after": after,
              "seconds": time.perf_counter() - started,
              "conditions": "**Measured under load** (a shared machine): the speeds are "
              "indicative only." if busy else "Measured on a quiet machine."}
    write_file(INT8_OUT.with_suffix(".json"), json.dumps(result, indent=1) + "\n")
    write_file(INT8_OUT.with_suffix(".md"), int8_markdown(result))
    print(int8_markdown(result))
    if problems:
        sys.exit(f"the page reported problems: {problems}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.live_page", description=__doc__)
    parser.add_argument("--repeats", type=int, default=5, help="page loads and runs per row")
    parser.add_argument("--save", action="store_true", help=f"write {RESULTS.name}")
    parser.add_argument("--int8", action="store_true", help="int8 files against float32 "
                        "instead (writes benchmarks/int8_browser.md)")
    parser.add_argument("--val-chars", type=int, default=20_000,
                        help="--int8: validation characters scored")
    args = parser.parse_args(argv)
    if args.int8:
        return int8_main(args.repeats, args.val_chars, "python -m benchmarks.live_page " +
                         " ".join(argv if argv is not None else sys.argv[1:]))
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
