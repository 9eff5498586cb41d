"""int8 against float32 in the browser: the live page's onnxruntime-web (wasm, one thread)
in headless Chromium, for every shipped model.

    python -m benchmarks.int8_browser [--pairs 5] [--val-chars 20000]

Each file in exported/ and its int8 twin (``rnnlab export FILE --int8 -o OUT``) are served
to a bare page (tests/int8_page.py) that opens them with the live page's own ``TextModel``
and ``Forecaster``. Per model: the session's creation time, and alternating float32 / int8
calls (``--pairs`` pairs, medians; session creation alternated the same way, after
the wasm has started): a price model's one-step forecasts of 251 windows and
251 stateful steps of 200 paths (the page's generation, noise 0); the text model's 500
characters after a newline (batch 1) and its nats/char on the first ``--val-chars``
characters of the validation part (the text's last 10%), float32 and int8. A price
model's int8 predictions are compared with onnxruntime's in Python on the same file
(their accuracy is then benchmarks/int8.md's). Writes benchmarks/int8_browser.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the browser helpers the tests use

from browser import SiteBrowser  # noqa: E402
from int8_page import make_page  # noqa: E402

from rnnlab.runtime.files import write_text  # noqa: E402
from rnnlab.runtime.forecaster import load  # noqa: E402
from rnnlab.runtime.text.card import TextCard  # noqa: E402
from rnnlab.runtime.text.corpus import read_text, split  # noqa: E402
from rnnlab.training.export import export_file  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
OUT = ROOT / "benchmarks" / "int8_browser"
WINDOWS, STEPS, PATHS, CHARS = 251, 251, 200, 500


def measure(page, name: str, files: dict, pairs: int, val_chars: int) -> dict:
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


def cell(r: dict | None) -> str:
    return "| - | - | - " if r is None else (
        f"| {r['float32']:.1f} | {r['int8']:.1f} | {r['speedup']:.2f}x ")


def markdown(result: dict) -> str:
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
                     f"{cell(r.get('one_step'))}{cell(r.get('generation'))}| {check} |")
    lines += ["", f"onnxruntime-web {result['ort_web']} (wasm, one thread) in headless "
              f"Chromium. One step: {WINDOWS} windows in one call; generation: {STEPS} "
              f"stateful steps of {PATHS} paths, or {CHARS} characters (batch 1). Median of "
              f"{result['pairs']} alternating pairs; speedup = float32 time / int8 time.", "",
              f"Written by `{result['command']}`; load average {result['load_before']} before "
              f"and {result['load_after']} after (`cat /proc/loadavg`); "
              f"{result['seconds']:.0f} s. {result['conditions']}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.int8_browser",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--val-chars", type=int, default=20_000)
    args = parser.parse_args(argv)
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
                rows[path.name] = measure(visit.page, path.name, files, args.pairs,
                                          args.val_chars)
                print(f"{path.name}: done", file=sys.stderr, flush=True)
            problems = visit.problems()
    package = json.loads((ROOT / "node_modules" / "onnxruntime-web" / "package.json")
                         .read_text())
    after = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    busy = float(loadavg.split()[0]) > 0.5
    result = {"command": "python -m benchmarks.int8_browser" + "".join(
                  f" {a}" for a in (argv if argv is not None else sys.argv[1:])),
              "pairs": args.pairs, "rows": rows, "ort_web": package["version"],
              "problems": problems, "load_before": loadavg, "load_after": after,
              "seconds": time.perf_counter() - started,
              "conditions": "**Measured under load** (a shared machine): the speeds are "
              "indicative only." if busy else "Measured on a quiet machine."}
    write_text(OUT.with_suffix(".json"), json.dumps(result, indent=1) + "\n")
    write_text(OUT.with_suffix(".md"), markdown(result))
    print(markdown(result))
    if problems:
        sys.exit(f"the page reported problems: {problems}")


if __name__ == "__main__":
    main()
